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

/**
 * crm_account_from_json:
 * @node: a session reply: `{"token"?, "user": {…}, "permissions": {…},
 *   "mfa_enrollment_required"}`
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

  return g_steal_pointer (&self);
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
  g_free (self);
}
