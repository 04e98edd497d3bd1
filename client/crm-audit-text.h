/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CrmAuditNames:
 * @users: (nullable): people's names by user id (`gint64 *` → `char *`)
 * @tags: (nullable): tags by id (`gint64 *` → #JsonObject)
 * @teams: (nullable): team names by id (`gint64 *` → `char *`)
 * @roles: (nullable): role names by id (`gint64 *` → `char *`)
 * @fields: (nullable): custom field definitions of /fields by "OBJECT.KEY" (`char *` →
 *   #JsonObject), such as "customers.budget"
 *
 * What an audited record refers to by id or key, for people to read it by name. Every
 * table is borrowed and may be missing: the id or key shows instead.
 */
typedef struct
{
  GHashTable *users;
  GHashTable *tags;
  GHashTable *teams;
  GHashTable *roles;
  GHashTable *fields;
} CrmAuditNames;

const char * const *crm_audit_get_actions     (void);
const char         *crm_audit_action_label    (const char          *action);
char               *crm_audit_describe_entry  (const CrmAuditNames *names,
                                               JsonObject          *entry);
const char         *crm_audit_field_label     (const CrmAuditNames *names,
                                               const char          *object,
                                               const char          *name);
char               *crm_audit_value_text      (const CrmAuditNames *names,
                                               const char          *object,
                                               const char          *name,
                                               JsonNode            *value);
void                crm_audit_append_changes  (const CrmAuditNames *names,
                                               const char          *object,
                                               JsonObject          *before,
                                               JsonObject          *after,
                                               GString             *lines);
void                crm_audit_append_merge    (JsonObject          *detail,
                                               GString             *lines);
void                crm_audit_append_details  (const CrmAuditNames *names,
                                               const char          *object,
                                               JsonObject          *detail,
                                               GString             *lines);

G_END_DECLS
