/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-account"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-account.h"
#include "crm-error.h"
#include "crm-json.h"

/* The server's built-in roles, shipped with English names: shown in the user's language
 * unless an admin renamed the role. */
static const struct
{
  const char *builtin;
  const char *shipped_name;
  const char *translated;
} builtin_roles[] = {
  { "admin", "Administrator", N_("Administrator") },
  { "sales_manager", "Sales manager", N_("Sales manager") },
  { "sales_rep", "Sales rep", N_("Sales rep") },
  { "service_agent", "Service agent", N_("Service agent") },
  { "marketing", "Marketing", N_("Marketing") },
  { "auditor", "Auditor", N_("Auditor") },
};

/**
 * crm_role_get_display_name:
 * @builtin: (nullable): the role's `builtin` member, such as `sales_rep`
 * @name: (nullable): the role's name
 *
 * Returns: (transfer none): a built-in role's name in the user's language, unless an
 *   admin renamed it; else @name
 */
const char *
crm_role_get_display_name (const char *builtin,
                           const char *name)
{
  for (guint i = 0; builtin != NULL && i < G_N_ELEMENTS (builtin_roles); i++)
    if (g_str_equal (builtin, builtin_roles[i].builtin)
        && g_strcmp0 (name, builtin_roles[i].shipped_name) == 0)
      return _(builtin_roles[i].translated);
  return name;
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    return NULL;
  return json_node_get_object (member);
}

/* The session's "protected_fields" ({"customers": ["owner_id", …]}) into @set, as
 * "OBJECT.FIELD"; objects this client does not know are left out. */
static void
read_protected_fields (GHashTable *set,
                       JsonObject *fields)
{
  g_autoptr(GList) objects = fields != NULL ? json_object_get_members (fields) : NULL;

  for (GList *l = objects; l != NULL; l = l->next)
    {
      CrmObject object;
      JsonArray *names;

      if (!crm_object_from_string (l->data, &object)
          || crm_json_get_type (fields, l->data) != CRM_JSON_ARRAY)
        continue;
      names = json_object_get_array_member (fields, l->data);
      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          JsonNode *name = json_array_get_element (names, i);

          if (JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING)
            g_hash_table_add (set, g_strconcat (l->data, ".", json_node_get_string (name),
                                                NULL));
        }
    }
}

/**
 * crm_account_from_json:
 * @node: a session reply: `{"token"?, "user": {…}, "permissions": {…},
 *   "protected_fields": {"customers": ["owner_id", …]}, "mfa_enrollment_required"}`
 * @error: return location for a #GError
 *
 * Errors are %CRM_API_ERROR_MALFORMED when a required member is missing.
 *
 * Returns: (transfer full): the account, or %NULL with @error set
 */
CrmAccount *
crm_account_from_json (JsonNode  *node,
                       GError   **error)
{
  g_autoptr(CrmAccount) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonObject *user;
  JsonObject *role;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                           "session reply is not an object");
      return NULL;
    }
  object = json_node_get_object (node);
  user = get_object_member (object, "user");
  role = user != NULL ? get_object_member (user, "role") : NULL;
  if (user == NULL
      || json_object_get_string_member_with_default (user, "username", NULL) == NULL)
    {
      g_set_error_literal (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                           "session reply has no user");
      return NULL;
    }

  self = g_new0 (CrmAccount, 1);
  self->token = g_strdup (json_object_get_string_member_with_default (object, "token", NULL));
  self->user_id = json_object_get_int_member_with_default (user, "id", 0);
  if (crm_json_get_type (user, "team_id") == CRM_JSON_INT)
    self->team_id = json_object_get_int_member (user, "team_id");
  self->username = g_strdup (json_object_get_string_member (user, "username"));
  self->display_name =
    g_strdup (json_object_get_string_member_with_default (user, "display_name", NULL));
  if (self->display_name == NULL || *self->display_name == '\0')
    {
      g_free (self->display_name);
      self->display_name = g_strdup (self->username);
    }
  self->mfa_enabled = json_object_get_boolean_member_with_default (user, "mfa_enabled", FALSE);
  if (role != NULL)
    {
      self->role_name = g_strdup (crm_role_get_display_name (
        json_object_get_string_member_with_default (role, "builtin", NULL),
        json_object_get_string_member_with_default (role, "name", NULL)));
      self->require_mfa = json_object_get_boolean_member_with_default (role, "require_mfa",
                                                                       FALSE);
    }
  if (self->role_name == NULL)
    self->role_name = g_strdup ("");
  self->mfa_enrollment_required =
    json_object_get_boolean_member_with_default (object, "mfa_enrollment_required", FALSE);

  self->permissions = crm_permissions_from_json (json_object_get_member (object, "permissions"),
                                                 &local_error);
  if (self->permissions == NULL)
    {
      g_set_error (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                   "session reply has no valid permissions: %s", local_error->message);
      return NULL;
    }

  self->protected_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  read_protected_fields (self->protected_fields, get_object_member (object, "protected_fields"));
  return g_steal_pointer (&self);
}

/**
 * crm_account_get_field_access:
 * @self: (nullable): who is signed in; %NULL: not known, every field is written
 * @object: what the field belongs to
 * @field: the field's API name (`owner_id`, or `custom_KEY` for a custom field)
 *
 * What the signed-in user may do with one field, decided as the server decides it, from
 * the role's field access and the fields an admin marked protected: every screen that
 * shows or edits a field asks here, so none offers an edit the server would refuse.
 *
 * Returns: none (not shown), read (shown, not editable) or write
 */
CrmFieldAccess
crm_account_get_field_access (const CrmAccount *self,
                              CrmObject         object,
                              const char       *field)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (object < CRM_N_OBJECTS, CRM_FIELD_ACCESS_NONE);
  g_return_val_if_fail (field != NULL, CRM_FIELD_ACCESS_NONE);

  if (self == NULL || self->permissions == NULL)
    return CRM_FIELD_ACCESS_WRITE;
  key = g_strconcat (crm_object_to_string (object), ".", field, NULL);
  return crm_permissions_get_effective_field_access (
    self->permissions, object, field,
    self->protected_fields != NULL && g_hash_table_contains (self->protected_fields, key));
}

/**
 * crm_account_copy:
 * @self: a #CrmAccount
 *
 * Returns: (transfer full): a copy of @self
 */
CrmAccount *
crm_account_copy (const CrmAccount *self)
{
  CrmAccount *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (CrmAccount, 1);
  copy->token = g_strdup (self->token);
  copy->user_id = self->user_id;
  copy->team_id = self->team_id;
  copy->username = g_strdup (self->username);
  copy->display_name = g_strdup (self->display_name);
  copy->role_name = g_strdup (self->role_name);
  copy->require_mfa = self->require_mfa;
  copy->mfa_enabled = self->mfa_enabled;
  copy->mfa_enrollment_required = self->mfa_enrollment_required;
  copy->permissions = self->permissions != NULL ? crm_permissions_copy (self->permissions) : NULL;
  copy->protected_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (self->protected_fields != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->protected_fields);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (copy->protected_fields, g_strdup (key));
    }
  return copy;
}

void
crm_account_free (CrmAccount *self)
{
  if (self == NULL)
    return;

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->username);
  g_free (self->display_name);
  g_free (self->role_name);
  g_clear_pointer (&self->permissions, crm_permissions_free);
  g_clear_pointer (&self->protected_fields, g_hash_table_unref);
  g_free (self);
}
