/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-users"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-json.h"
#include "crm-password.h"
#include "crm-resource.h"

/*
 * /api/v1/users: staff accounts. A user "owns" their own account, so own scope reaches
 * oneself and team scope one's team. Passwords are set on create and through
 * /users/{id}/password, never read back; sessions and MFA can be reset by admins.
 */

#define F CRM_RESOURCE_FIELD_FILTER
#define S CRM_RESOURCE_FIELD_SEARCH

static const CrmResourceField user_fields[] = {
  { "username", CRM_RESOURCE_TEXT,
    CRM_RESOURCE_FIELD_REQUIRED | CRM_RESOURCE_FIELD_CREATE_ONLY | S | F, NULL, 64 },
  { "display_name", CRM_RESOURCE_TEXT, CRM_RESOURCE_FIELD_REQUIRED | S, NULL, 200 },
  { "email", CRM_RESOURCE_TEXT, S, NULL, 254 },
  { "mobile", CRM_RESOURCE_TEXT, S | F, NULL, 20 },
  { "team_id", CRM_RESOURCE_ID, F, NULL, 0 },
  { "role_id", CRM_RESOURCE_ID, F, NULL, 0 },
  { "is_active", CRM_RESOURCE_BOOLEAN, F, NULL, 0 },
};

static const CrmResource users = {
  .object = CRM_OBJECT_USERS,
  .table = "users",
  .owner_sql = "r.id",
  .fields = user_fields,
  .n_fields = G_N_ELEMENTS (user_fields),
};

void
crm_api_users_list (CrmRequest *request)
{
  crm_resource_list (request, &users);
}

void
crm_api_users_get (CrmRequest *request)
{
  crm_resource_get (request, &users);
}

void
crm_api_users_update (CrmRequest *request)
{
  crm_resource_update (request, &users);
}

void
crm_api_users_delete (CrmRequest *request)
{
  crm_resource_delete (request, &users);
}

/* The policy rule @error broke, in the caller's language; "Required" without a password. */
static void
password_problem (CrmCall      *call,
                  JsonObject   *problems,
                  const GError *error)
{
  g_autofree char *message = NULL;
  const char *format;
  int limit;

  if (error == NULL)
    {
      json_object_set_string_member (problems, "password", N_("Required"));
      return;
    }
  format = crm_password_problem_format ((CrmPasswordError) error->code, &limit);
  message = g_strdup_printf (crm_call_translate (call, format), limit);
  json_object_set_string_member (problems, "password", message);
}

static gboolean
is_valid_username (const char *username)
{
  gsize length = strlen (username);

  if (length < 2 || length > 64 || !(g_ascii_islower (username[0]) || g_ascii_isdigit (username[0])))
    return FALSE;
  for (const char *p = username; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
create_user (CrmCall  *call,
             GError  **error)
{
  static const char sql[] =
    "INSERT INTO users (username, display_name, email, mobile, team_id, role_id, is_active,\n"
    "                   password_hash, password_changed_at)\n"
    "VALUES ($1, $2, $3, $4, $5::bigint,\n"
    "        coalesce ($6::bigint, (SELECT id FROM roles WHERE builtin = 'sales_rep')),\n"
    "        coalesce ($7::boolean, true), $8, now ())\n"
    "RETURNING id";
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(JsonObject) problems = json_object_new ();
  g_autoptr(GError) policy_error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *team = NULL;
  g_autofree char *role = NULL;
  const char *username = crm_json_get_string (body, "username");
  const char *display_name = crm_json_get_string (body, "display_name");
  const char *password = crm_json_get_string (body, "password");
  const char *active = NULL;
  gboolean allowed;
  gint64 id;

  if (!crm_call_require (call, CRM_OBJECT_USERS, CRM_ACTION_CREATE, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (crm_call_get_scope (call, CRM_OBJECT_USERS, CRM_ACTION_CREATE) != CRM_SCOPE_ALL)
    return crm_call_deny (call, CRM_OBJECT_USERS, "create", 0, NULL, error);

  if (username == NULL || !is_valid_username (username))
    json_object_set_string_member (problems, "username",
                                   N_("2–64 lower-case letters, digits, dots, dashes or "
                                      "underscores"));
  if (display_name == NULL || *display_name == '\0' || g_utf8_strlen (display_name, -1) > 200)
    json_object_set_string_member (problems, "display_name",
                                   N_("Required, at most 200 characters"));
  if (password == NULL)
    json_object_set_string_member (problems, "password", N_("Required"));
  else if (!crm_password_check_policy (password, username, &policy_error))
    password_problem (call, problems, policy_error);
  if (crm_json_get_type (body, "team_id") != CRM_JSON_ABSENT
      && crm_json_get_type (body, "team_id") != CRM_JSON_INT)
    json_object_set_string_member (problems, "team_id", N_("Must be a team id"));
  if (crm_json_get_type (body, "role_id") != CRM_JSON_ABSENT
      && crm_json_get_type (body, "role_id") != CRM_JSON_INT)
    json_object_set_string_member (problems, "role_id", N_("Must be a role id"));
  if (crm_json_get_type (body, "is_active") == CRM_JSON_BOOLEAN)
    active = json_object_get_boolean_member (body, "is_active") ? "true" : "false";
  if (json_object_get_size (problems) > 0)
    {
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      return TRUE;
    }

  hash = crm_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  if (crm_json_get_type (body, "team_id") == CRM_JSON_INT)
    team = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (body, "team_id"));
  if (crm_json_get_type (body, "role_id") == CRM_JSON_INT)
    role = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (body, "role_id"));
  {
    const char *params[] = { username, display_name, crm_json_get_string (body, "email"),
                             crm_json_get_string (body, "mobile"), team, role, active, hash };

    result = crm_call_exec (call, sql, 8, params, error);
    if (result == NULL)
      return FALSE;
  }
  id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);

  detail = json_node_new (JSON_NODE_OBJECT);
  {
    g_autoptr(JsonObject) after = json_object_new ();
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_string_member (after, "username", username);
    json_object_set_string_member (after, "display_name", display_name);
    if (team != NULL)
      json_object_set_int_member (after, "team_id", json_object_get_int_member (body, "team_id"));
    if (role != NULL)
      json_object_set_int_member (after, "role_id", json_object_get_int_member (body, "role_id"));
    json_object_set_object_member (object, "after", g_steal_pointer (&after));
    json_node_set_object (detail, object);
  }
  if (!crm_call_audit (call, "create", "users", id, "ok", detail, error))
    return FALSE;

  {
    static const char read_sql[] =
      "SELECT jsonb_build_object ('id', id, 'version', version, 'created_at', created_at,\n"
      "  'updated_at', updated_at, 'username', username, 'display_name', display_name,\n"
      "  'email', email, 'mobile', mobile, 'team_id', team_id, 'role_id', role_id,\n"
      "  'is_active', is_active)::text\n"
      "FROM users WHERE id = $1::bigint";
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    const char *params[] = { id_text };
    g_autoptr(PGresult) created = crm_call_exec (call, read_sql, 1, params, error);
    g_autoptr(JsonNode) record = NULL;

    if (created == NULL)
      return FALSE;
    record = json_from_string (PQgetvalue (created, 0, 0), error);
    if (record == NULL)
      return FALSE;
    crm_call_reply (call, 201, record);
  }
  return TRUE;
}

/* POST /api/v1/users: an account with a first password (admins). */
void
crm_api_users_create (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, create_user);
}

/*
 * For the admin actions on one user: the id, and whether the caller's users.update scope
 * reaches it (403 when they can see the user, 404 when not even that).
 */
static gboolean
target_user (CrmCall   *call,
             gint64    *id,
             gboolean  *allowed,
             GError   **error)
{
  *allowed = FALSE;
  if (!crm_call_get_id_param (call, "id", id))
    return TRUE;
  if (!crm_call_in_scope (call, crm_call_get_scope (call, CRM_OBJECT_USERS, CRM_ACTION_UPDATE),
                          *id))
    {
      if (crm_call_in_scope (call, crm_call_get_scope (call, CRM_OBJECT_USERS, CRM_ACTION_READ),
                             *id))
        return crm_call_deny (call, CRM_OBJECT_USERS, "update", *id, NULL, error);
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such user"));
      return TRUE;
    }
  *allowed = TRUE;
  return TRUE;
}

static gboolean
set_password (CrmCall  *call,
              GError  **error)
{
  static const char name_sql[] = "SELECT username FROM users WHERE id = $1::bigint";
  static const char login_sql[] = "SELECT password_hash FROM rapport_login_lookup ($1)";
  static const char sql[] =
    "UPDATE users SET password_hash = $2, password_changed_at = now () WHERE id = $1::bigint";
  static const char revoke_sql[] =
    "UPDATE sessions SET revoked_at = now ()\n"
    "WHERE user_id = $1::bigint AND revoked_at IS NULL AND id <> $2::bigint";
  const CrmPrincipal *principal = crm_call_get_principal (call);
  const char *password = crm_json_get_string (crm_call_get_body (call), "password");
  g_autoptr(GError) policy_error = NULL;
  g_autoptr(PGresult) user = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) revoked = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *session = NULL;
  g_autofree char *hash = NULL;
  gboolean allowed;
  gint64 id;

  if (!crm_call_get_id_param (call, "id", &id))
    return TRUE;
  if (id == principal->user_id)
    {
      /* One's own password only with the current one: a stolen token is not enough. */
      const char *current = crm_json_get_string (crm_call_get_body (call), "current_password");
      const char *params[] = { principal->username };
      g_autoptr(PGresult) login = crm_call_exec (call, login_sql, 1, params, error);

      if (login == NULL)
        return FALSE;
      if (current == NULL || PQntuples (login) != 1 || PQgetisnull (login, 0, 0)
          || !crm_password_verify (PQgetvalue (login, 0, 0), current))
        {
          g_autoptr(JsonObject) problems = json_object_new ();

          json_object_set_string_member (problems, "current_password",
                                         N_("Enter your current password"));
          crm_call_reply_invalid (call, N_("The current password is not correct"), problems);
          return TRUE;
        }
    }
  else
    {
      if (!target_user (call, &id, &allowed, error))
        return FALSE;
      if (!allowed)
        return TRUE;
    }
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *params[] = { id_text };

    user = crm_call_exec (call, name_sql, 1, params, error);
    if (user == NULL)
      return FALSE;
  }
  if (PQntuples (user) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such user"));
      return TRUE;
    }
  if (password == NULL || !crm_password_check_policy (password, PQgetvalue (user, 0, 0),
                                                      &policy_error))
    {
      g_autoptr(JsonObject) problems = json_object_new ();

      password_problem (call, problems, policy_error);
      crm_call_reply_invalid (call, N_("The password is not acceptable"), problems);
      return TRUE;
    }
  hash = crm_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  {
    const char *params[] = { id_text, hash };

    result = crm_call_exec (call, sql, 2, params, error);
    if (result == NULL)
      return FALSE;
  }
  /* A new password ends every other session of that user. */
  session = g_strdup_printf ("%" G_GINT64_FORMAT, principal->session_id);
  {
    const char *params[] = { id_text, session };

    revoked = crm_call_exec (call, revoke_sql, 2, params, error);
    if (revoked == NULL)
      return FALSE;
  }
  if (!crm_call_audit (call, "password.set", "users", id, "ok", NULL, error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

/* POST /api/v1/users/{id}/password {"password"}: one's own, or anyone's for admins. */
void
crm_api_users_set_password (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_DURING_ENROLLMENT, set_password);
}

static gboolean
revoke_sessions (CrmCall  *call,
                 GError  **error)
{
  static const char sql[] =
    "UPDATE sessions SET revoked_at = now ()\n"
    "WHERE user_id = $1::bigint AND revoked_at IS NULL RETURNING id";
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *id_text = NULL;
  gboolean allowed;
  gint64 id;

  if (!target_user (call, &id, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *params[] = { id_text };

    result = crm_call_exec (call, sql, 1, params, error);
    if (result == NULL)
      return FALSE;
  }
  detail = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (detail, json_object_new ());
  json_object_set_int_member (json_node_get_object (detail), "revoked", PQntuples (result));
  if (!crm_call_audit (call, "sessions.revoke", "users", id, "ok", detail, error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

/* DELETE /api/v1/users/{id}/sessions: signs a user out everywhere. */
void
crm_api_users_revoke_sessions (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, revoke_sessions);
}

static gboolean
reset_mfa (CrmCall  *call,
           GError  **error)
{
  static const char sql[] =
    "UPDATE users SET mfa_enabled = false, mfa_secret = NULL, mfa_pending_secret = NULL\n"
    "WHERE id = $1::bigint";
  static const char codes_sql[] = "DELETE FROM mfa_recovery_codes WHERE user_id = $1::bigint";
  g_autofree char *id_text = NULL;
  gboolean allowed;
  gint64 id;

  if (!target_user (call, &id, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *params[] = { id_text };
    g_autoptr(PGresult) result = crm_call_exec (call, sql, 1, params, error);
    g_autoptr(PGresult) codes = NULL;

    if (result == NULL)
      return FALSE;
    codes = crm_call_exec (call, codes_sql, 1, params, error);
    if (codes == NULL)
      return FALSE;
  }
  if (!crm_call_audit (call, "mfa.reset", "users", id, "ok", NULL, error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

/* DELETE /api/v1/users/{id}/mfa: for a lost phone; the user enrolls again. */
void
crm_api_users_reset_mfa (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, reset_mfa);
}
