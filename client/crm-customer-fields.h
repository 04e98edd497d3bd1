/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "crm-format.h"
#include "crm-validate.h"

G_BEGIN_DECLS

/**
 * CrmChoice:
 * @value: the API's value, such as `medium_small`
 * @label: its untranslated label (translate with _())
 */
typedef struct
{
  const char *value;
  const char *label;
} CrmChoice;

extern const CrmChoice crm_customer_kinds[];
extern const CrmChoice crm_customer_sizes[];
extern const CrmChoice crm_customer_potentials[];
extern const CrmChoice crm_activity_kinds[];
extern const CrmChoice crm_custom_field_types[];

guint       crm_choices_count        (const CrmChoice *choices);
int         crm_choices_find         (const CrmChoice *choices,
                                      const char      *value);
const char *crm_choices_get_label    (const CrmChoice *choices,
                                      const char      *value);
const char *crm_customer_field_label (const char      *name);
const char *crm_contact_field_label  (const char      *name);
const char *crm_record_field_label   (const char      *object,
                                      const char      *name);
const CrmChoice *crm_record_fields   (const char      *object);
void        crm_tags_sort_ids        (GHashTable      *tags,
                                      GArray          *ids);
char       *crm_tag_dup_name         (GHashTable      *tags,
                                      gint64           id);
JsonNode   *crm_custom_value_from_text (CrmFieldType  type,
                                        const char   *text,
                                        const char   *currency);
char       *crm_custom_value_to_text   (JsonNode     *value,
                                        char        **currency);

G_END_DECLS
