/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Validators and normalisers shared by the client and the server.
 *
 * Each returns whether @input is acceptable. On success *@normalized (when not NULL) gets
 * the normalised value, newly allocated, and *@problem is set to NULL; on failure
 * *@normalized is set to NULL and *@problem (when not NULL) to a static, untranslated
 * English message marked with N_(): translate it with _() in the client, or with
 * crm_catalog_translate() in the server. A NULL @input is treated as "".
 */

gboolean     crm_validate_mobile         (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_phone          (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_email          (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_website        (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_date           (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_past_date      (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_date_time      (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_timestamp      (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_credit_code    (const char          *input,
                                          char               **normalized,
                                          const char         **problem);
gboolean     crm_validate_text           (const char          *input,
                                          guint                max_chars,
                                          gboolean             required,
                                          char               **normalized,
                                          const char         **problem);

/* One of the validators above that take no more than the input. */
typedef gboolean (*CrmTextValidator) (const char  *input,
                                      char       **normalized,
                                      const char **problem);

CrmTextValidator crm_validate_find_format (const char *name);

/**
 * CrmFieldType:
 * @CRM_FIELD_TYPE_TEXT: a string of at most 2000 characters ("text")
 * @CRM_FIELD_TYPE_NUMBER: a finite JSON number ("number")
 * @CRM_FIELD_TYPE_MONEY: `{"amount": minor units, "currency": "CNY"}` ("money")
 * @CRM_FIELD_TYPE_DATE: "YYYY-MM-DD" ("date")
 * @CRM_FIELD_TYPE_CHOICE: one of the field's choices ("choice")
 * @CRM_FIELD_TYPE_MULTI_CHOICE: an array of distinct choices ("multi_choice")
 * @CRM_FIELD_TYPE_BOOLEAN: true or false ("boolean")
 *
 * The types of custom fields (API.md, "Custom fields").
 */
typedef enum
{
  CRM_FIELD_TYPE_TEXT,
  CRM_FIELD_TYPE_NUMBER,
  CRM_FIELD_TYPE_MONEY,
  CRM_FIELD_TYPE_DATE,
  CRM_FIELD_TYPE_CHOICE,
  CRM_FIELD_TYPE_MULTI_CHOICE,
  CRM_FIELD_TYPE_BOOLEAN,
} CrmFieldType;

#define CRM_CUSTOM_TEXT_MAX_CHARS 2000

gboolean     crm_field_type_from_string  (const char          *text,
                                          CrmFieldType        *type);
const char  *crm_field_type_to_string    (CrmFieldType         type);

gboolean     crm_validate_custom_value   (CrmFieldType         type,
                                          const char * const  *choices,
                                          gboolean             required,
                                          JsonNode            *value,
                                          JsonNode           **normalized,
                                          const char         **problem);

G_END_DECLS
