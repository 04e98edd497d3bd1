/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CrmJsonType:
 *
 * What a member holds, for validating request bodies: absent (or null) is told apart
 * from a value of the wrong type.
 */
typedef enum
{
  CRM_JSON_ABSENT,
  CRM_JSON_STRING,
  CRM_JSON_INT,
  CRM_JSON_BOOLEAN,
  CRM_JSON_OTHER,
  CRM_JSON_ARRAY,
  CRM_JSON_OBJECT,
} CrmJsonType;

CrmJsonType  crm_json_get_type    (JsonObject  *object,
                                   const char  *member);
const char  *crm_json_get_string  (JsonObject  *object,
                                   const char  *member);
GStrv        crm_json_dup_strv    (JsonObject  *object,
                                   const char  *member);
void         crm_json_append      (GString     *out,
                                   JsonNode    *node);
char        *crm_json_to_string   (JsonNode    *node);

G_END_DECLS
