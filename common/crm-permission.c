/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-permission"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-error.h"
#include "crm-permission.h"

static const char * const object_names[CRM_N_OBJECTS] = {
  [CRM_OBJECT_CUSTOMERS] = "customers",
  [CRM_OBJECT_CONTACTS] = "contacts",
  [CRM_OBJECT_LEADS] = "leads",
  [CRM_OBJECT_OPPORTUNITIES] = "opportunities",
  [CRM_OBJECT_ACTIVITIES] = "activities",
  [CRM_OBJECT_ORDERS] = "orders",
  [CRM_OBJECT_PRODUCTS] = "products",
  [CRM_OBJECT_TICKETS] = "tickets",
  [CRM_OBJECT_KB_ARTICLES] = "kb_articles",
  [CRM_OBJECT_CAMPAIGNS] = "campaigns",
  [CRM_OBJECT_SEGMENTS] = "segments",
  [CRM_OBJECT_USERS] = "users",
  [CRM_OBJECT_ROLES] = "roles",
  [CRM_OBJECT_TEAMS] = "teams",
  [CRM_OBJECT_FIELDS] = "fields",
  [CRM_OBJECT_AUDIT] = "audit",
  [CRM_OBJECT_REPORTS] = "reports",
};

static const char * const action_names[CRM_N_ACTIONS] = {
  [CRM_ACTION_READ] = "read",
  [CRM_ACTION_CREATE] = "create",
  [CRM_ACTION_UPDATE] = "update",
  [CRM_ACTION_DELETE] = "delete",
  [CRM_ACTION_EXPORT] = "export",
  [CRM_ACTION_ASSIGN] = "assign",
  [CRM_ACTION_APPROVE] = "approve",
};

static const char * const scope_names[] = {
  [CRM_SCOPE_NONE] = "none",
  [CRM_SCOPE_OWN] = "own",
  [CRM_SCOPE_TEAM] = "team",
  [CRM_SCOPE_ALL] = "all",
};

/* The labels people read, untranslated: the client translates them with _(), the server
 * in the caller's language. */
static const char * const object_labels[CRM_N_OBJECTS] = {
  [CRM_OBJECT_CUSTOMERS] = N_("Customers"),
  [CRM_OBJECT_CONTACTS] = N_("Contacts"),
  [CRM_OBJECT_LEADS] = N_("Leads"),
  [CRM_OBJECT_OPPORTUNITIES] = N_("Opportunities"),
  [CRM_OBJECT_ACTIVITIES] = N_("Follow-ups"),
  [CRM_OBJECT_ORDERS] = N_("Orders"),
  [CRM_OBJECT_PRODUCTS] = N_("Products"),
  [CRM_OBJECT_TICKETS] = N_("Tickets"),
  [CRM_OBJECT_KB_ARTICLES] = N_("Knowledge Base"),
  [CRM_OBJECT_CAMPAIGNS] = N_("Campaigns"),
  [CRM_OBJECT_SEGMENTS] = N_("Segments"),
  [CRM_OBJECT_USERS] = N_("Users"),
  [CRM_OBJECT_ROLES] = N_("Roles"),
  [CRM_OBJECT_TEAMS] = N_("Teams"),
  [CRM_OBJECT_FIELDS] = N_("Fields and Tags"),
  [CRM_OBJECT_AUDIT] = N_("Audit Log"),
  [CRM_OBJECT_REPORTS] = N_("Reports"),
};

static const char * const action_labels[CRM_N_ACTIONS] = {
  [CRM_ACTION_READ] = N_("Read"),
  [CRM_ACTION_CREATE] = N_("Create"),
  [CRM_ACTION_UPDATE] = N_("Update"),
  [CRM_ACTION_DELETE] = N_("Delete"),
  [CRM_ACTION_EXPORT] = N_("Export"),
  [CRM_ACTION_ASSIGN] = N_("Assign"),
  [CRM_ACTION_APPROVE] = N_("Approve"),
};

static const char * const field_access_labels[] = {
  [CRM_FIELD_ACCESS_NONE] = N_("Hidden"),
  [CRM_FIELD_ACCESS_READ] = N_("Read only"),
  [CRM_FIELD_ACCESS_WRITE] = N_("Read and write"),
};

static const char * const scope_labels[] = {
  [CRM_SCOPE_NONE] = N_("None"),
  [CRM_SCOPE_OWN] = N_("Own"),
  [CRM_SCOPE_TEAM] = N_("Team"),
  [CRM_SCOPE_ALL] = N_("All"),
};

static const char * const field_access_names[] = {
  [CRM_FIELD_ACCESS_NONE] = "none",
  [CRM_FIELD_ACCESS_READ] = "read",
  [CRM_FIELD_ACCESS_WRITE] = "write",
};

struct _CrmPermissions
{
  CrmScope    scopes[CRM_N_OBJECTS][CRM_N_ACTIONS];
  /* Per object: field name → CrmFieldAccess, only where set explicitly. */
  GHashTable *fields[CRM_N_OBJECTS];
};

static gboolean
lookup (const char * const *names,
        guint               n_names,
        const char         *string,
        int                *value)
{
  if (string == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    {
      if (strcmp (names[i], string) == 0)
        {
          *value = (int) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
crm_object_to_string (CrmObject object)
{
  g_return_val_if_fail (object < CRM_N_OBJECTS, NULL);
  return object_names[object];
}

/** crm_object_get_label: (transfer none): the object's label, untranslated (an N_() msgid) */
const char *
crm_object_get_label (CrmObject object)
{
  g_return_val_if_fail (object < CRM_N_OBJECTS, NULL);
  return object_labels[object];
}

gboolean
crm_object_from_string (const char *string,
                        CrmObject  *object)
{
  int value;

  if (!lookup (object_names, CRM_N_OBJECTS, string, &value))
    return FALSE;
  *object = (CrmObject) value;
  return TRUE;
}

const char *
crm_action_to_string (CrmAction action)
{
  g_return_val_if_fail (action < CRM_N_ACTIONS, NULL);
  return action_names[action];
}

/** crm_action_get_label: (transfer none): the action's label, untranslated (an N_() msgid) */
const char *
crm_action_get_label (CrmAction action)
{
  g_return_val_if_fail (action < CRM_N_ACTIONS, NULL);
  return action_labels[action];
}

gboolean
crm_action_from_string (const char *string,
                        CrmAction  *action)
{
  int value;

  if (!lookup (action_names, CRM_N_ACTIONS, string, &value))
    return FALSE;
  *action = (CrmAction) value;
  return TRUE;
}

const char *
crm_scope_to_string (CrmScope scope)
{
  g_return_val_if_fail (scope <= CRM_SCOPE_ALL, NULL);
  return scope_names[scope];
}

/** crm_scope_get_label: (transfer none): the scope's label, untranslated (an N_() msgid) */
const char *
crm_scope_get_label (CrmScope scope)
{
  g_return_val_if_fail (scope <= CRM_SCOPE_ALL, NULL);
  return scope_labels[scope];
}

gboolean
crm_scope_from_string (const char *string,
                       CrmScope   *scope)
{
  int value;

  if (!lookup (scope_names, G_N_ELEMENTS (scope_names), string, &value))
    return FALSE;
  *scope = (CrmScope) value;
  return TRUE;
}

const char *
crm_field_access_to_string (CrmFieldAccess access)
{
  g_return_val_if_fail (access <= CRM_FIELD_ACCESS_WRITE, NULL);
  return field_access_names[access];
}

/** crm_field_access_get_label: (transfer none): the access level's label, untranslated */
const char *
crm_field_access_get_label (CrmFieldAccess access)
{
  g_return_val_if_fail (access <= CRM_FIELD_ACCESS_WRITE, NULL);
  return field_access_labels[access];
}

gboolean
crm_field_access_from_string (const char     *string,
                              CrmFieldAccess *access)
{
  int value;

  if (!lookup (field_access_names, G_N_ELEMENTS (field_access_names), string, &value))
    return FALSE;
  *access = (CrmFieldAccess) value;
  return TRUE;
}

CrmPermissions *
crm_permissions_new (void)
{
  return g_new0 (CrmPermissions, 1);
}

CrmPermissions *
crm_permissions_copy (const CrmPermissions *self)
{
  CrmPermissions *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = crm_permissions_new ();
  memcpy (copy->scopes, self->scopes, sizeof self->scopes);
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    {
      GHashTableIter iter;
      gpointer key, value;

      if (self->fields[o] == NULL)
        continue;
      g_hash_table_iter_init (&iter, self->fields[o]);
      while (g_hash_table_iter_next (&iter, &key, &value))
        crm_permissions_set_field_access (copy, o, key, GPOINTER_TO_INT (value));
    }
  return copy;
}

void
crm_permissions_free (CrmPermissions *self)
{
  if (self == NULL)
    return;
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    g_clear_pointer (&self->fields[o], g_hash_table_unref);
  g_free (self);
}

CrmScope
crm_permissions_get_scope (const CrmPermissions *self,
                           CrmObject             object,
                           CrmAction             action)
{
  g_return_val_if_fail (self != NULL, CRM_SCOPE_NONE);
  g_return_val_if_fail (object < CRM_N_OBJECTS && action < CRM_N_ACTIONS, CRM_SCOPE_NONE);
  return self->scopes[object][action];
}

void
crm_permissions_set_scope (CrmPermissions *self,
                           CrmObject       object,
                           CrmAction       action,
                           CrmScope        scope)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (object < CRM_N_OBJECTS && action < CRM_N_ACTIONS);
  g_return_if_fail (scope <= CRM_SCOPE_ALL);
  self->scopes[object][action] = scope;
}

gboolean
crm_permissions_can (const CrmPermissions *self,
                     CrmObject             object,
                     CrmAction             action)
{
  return crm_permissions_get_scope (self, object, action) != CRM_SCOPE_NONE;
}

/**
 * crm_permissions_get_field_access:
 * @is_protected: whether an admin marked the field protected
 *
 * The access to one field: as set for the role, else write for a plain field and none
 * for a protected one.
 */
CrmFieldAccess
crm_permissions_get_field_access (const CrmPermissions *self,
                                  CrmObject             object,
                                  const char           *field,
                                  gboolean              is_protected)
{
  gpointer value;

  g_return_val_if_fail (self != NULL, CRM_FIELD_ACCESS_NONE);
  g_return_val_if_fail (object < CRM_N_OBJECTS, CRM_FIELD_ACCESS_NONE);
  g_return_val_if_fail (field != NULL, CRM_FIELD_ACCESS_NONE);

  if (self->fields[object] != NULL
      && g_hash_table_lookup_extended (self->fields[object], field, NULL, &value))
    return GPOINTER_TO_INT (value);
  return is_protected ? CRM_FIELD_ACCESS_NONE : CRM_FIELD_ACCESS_WRITE;
}

/**
 * crm_permissions_get_effective_field_access:
 * @is_protected: whether an admin marked the field protected (`/field-policies`)
 *
 * The access the role's users have to one field, as the server enforces it and the
 * client shows it: who may change the field policies themselves (the `fields` update
 * scope `all`: administrators) is not held back by protection; everyone else as
 * crm_permissions_get_field_access ().
 */
CrmFieldAccess
crm_permissions_get_effective_field_access (const CrmPermissions *self,
                                            CrmObject             object,
                                            const char           *field,
                                            gboolean              is_protected)
{
  g_return_val_if_fail (self != NULL, CRM_FIELD_ACCESS_NONE);

  if (crm_permissions_get_scope (self, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE) == CRM_SCOPE_ALL)
    is_protected = FALSE;
  return crm_permissions_get_field_access (self, object, field, is_protected);
}

void
crm_permissions_set_field_access (CrmPermissions *self,
                                  CrmObject       object,
                                  const char     *field,
                                  CrmFieldAccess  access)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (object < CRM_N_OBJECTS);
  g_return_if_fail (field != NULL);

  if (self->fields[object] == NULL)
    self->fields[object] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_replace (self->fields[object], g_strdup (field), GINT_TO_POINTER (access));
}

/**
 * crm_permissions_get_field_table:
 *
 * Returns: (transfer none) (nullable): field name → #CrmFieldAccess (as pointer) for the
 *   fields of @object set explicitly, or %NULL when there are none
 */
GHashTable *
crm_permissions_get_field_table (const CrmPermissions *self,
                                 CrmObject             object)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (object < CRM_N_OBJECTS, NULL);
  return self->fields[object];
}

/**
 * crm_permissions_to_json:
 *
 * `{"scopes":{"customers":{"read":"team",…},…},"fields":{"customers":{"owner_id":"read"}}}`
 * with every object and action spelled out, so a reader needs no defaults.
 */
JsonNode *
crm_permissions_to_json (const CrmPermissions *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_object (builder);
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    {
      json_builder_set_member_name (builder, object_names[o]);
      json_builder_begin_object (builder);
      for (guint a = 0; a < CRM_N_ACTIONS; a++)
        {
          json_builder_set_member_name (builder, action_names[a]);
          json_builder_add_string_value (builder, scope_names[self->scopes[o][a]]);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    {
      g_autoptr(GList) names = NULL;

      if (self->fields[o] == NULL || g_hash_table_size (self->fields[o]) == 0)
        continue;
      json_builder_set_member_name (builder, object_names[o]);
      json_builder_begin_object (builder);
      names = g_list_sort (g_hash_table_get_keys (self->fields[o]), (GCompareFunc) strcmp);
      for (GList *l = names; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          json_builder_add_string_value (
            builder,
            field_access_names[GPOINTER_TO_INT (g_hash_table_lookup (self->fields[o], l->data))]);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CRM_API_ERROR, CRM_API_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
read_scopes (CrmPermissions  *self,
             JsonObject      *scopes,
             GError         **error)
{
  g_autoptr(GList) objects = json_object_get_members (scopes);

  for (GList *l = objects; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (scopes, l->data);
      g_autoptr(GList) actions = NULL;
      CrmObject object;

      if (!crm_object_from_string (l->data, &object))
        return invalid (error, "Unknown object “%s”", (const char *) l->data);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "scopes.%s must be an object", (const char *) l->data);
      actions = json_object_get_members (json_node_get_object (node));
      for (GList *m = actions; m != NULL; m = m->next)
        {
          JsonNode *value = json_object_get_member (json_node_get_object (node), m->data);
          CrmAction action;
          CrmScope scope;

          if (!crm_action_from_string (m->data, &action))
            return invalid (error, "Unknown action “%s”", (const char *) m->data);
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING
              || !crm_scope_from_string (json_node_get_string (value), &scope))
            return invalid (error, "scopes.%s.%s must be one of none, own, team, all",
                            (const char *) l->data, (const char *) m->data);
          self->scopes[object][action] = scope;
        }
    }
  return TRUE;
}

static gboolean
read_fields (CrmPermissions  *self,
             JsonObject      *fields,
             GError         **error)
{
  g_autoptr(GList) objects = json_object_get_members (fields);

  for (GList *l = objects; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (fields, l->data);
      g_autoptr(GList) names = NULL;
      CrmObject object;

      if (!crm_object_from_string (l->data, &object))
        return invalid (error, "Unknown object “%s”", (const char *) l->data);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "fields.%s must be an object", (const char *) l->data);
      names = json_object_get_members (json_node_get_object (node));
      for (GList *m = names; m != NULL; m = m->next)
        {
          JsonNode *value = json_object_get_member (json_node_get_object (node), m->data);
          CrmFieldAccess access;

          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING
              || !crm_field_access_from_string (json_node_get_string (value), &access))
            return invalid (error, "fields.%s.%s must be one of none, read, write",
                            (const char *) l->data, (const char *) m->data);
          crm_permissions_set_field_access (self, object, m->data, access);
        }
    }
  return TRUE;
}

/**
 * crm_permissions_from_json:
 *
 * Reads what crm_permissions_to_json() writes. Missing objects and actions are "none";
 * unknown names or values fail with %CRM_API_ERROR_INVALID naming the member.
 */
CrmPermissions *
crm_permissions_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(CrmPermissions) self = crm_permissions_new ();
  JsonObject *object;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "Permissions must be an object");
      return NULL;
    }
  object = json_node_get_object (node);
  member = json_object_get_member (object, "scopes");
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          invalid (error, "scopes must be an object");
          return NULL;
        }
      if (!read_scopes (self, json_node_get_object (member), error))
        return NULL;
    }
  member = json_object_get_member (object, "fields");
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          invalid (error, "fields must be an object");
          return NULL;
        }
      if (!read_fields (self, json_node_get_object (member), error))
        return NULL;
    }
  return g_steal_pointer (&self);
}
