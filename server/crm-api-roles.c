/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-roles"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-call.h"
#include "crm-json.h"
#include "crm-resource.h"
#include "crm-server.h"

/*
 * /api/v1/roles: the permission matrix (object × action → scope) and field access of
 * each role, and /api/v1/field-policies: which fields are protected or sensitive.
 * Built-in roles can be edited (except the administrator's matrix, so nobody locks the
 * admins out) and copied (POST with "copy_from"), not deleted.
 */

static const char role_select_sql[] =
  "SELECT jsonb_build_object ('id', r.id, 'version', r.version, 'name', r.name,\n"
  "  'description', r.description, 'builtin', r.builtin, 'require_mfa', r.require_mfa,\n"
  "  'created_at', r.created_at, 'updated_at', r.updated_at,\n"
  "  'users', (SELECT count(*) FROM users u WHERE u.role_id = r.id))::text,\n"
  "  coalesce ((SELECT string_agg (p.object || '.' || p.action || '=' || p.scope, ',')\n"
  "              FROM role_permissions p WHERE p.role_id = r.id), ''),\n"
  "  coalesce ((SELECT string_agg (f.object || '.' || f.field || '=' || f.access, ',')\n"
  "              FROM role_field_access f WHERE f.role_id = r.id), '')\n"
  "FROM roles r\n";

static JsonNode *
role_from_row (PGresult  *result,
               int        row,
               GError   **error)
{
  g_autoptr(JsonNode) node = json_from_string (PQgetvalue (result, row, 0), error);
  g_autoptr(CrmPermissions) permissions = NULL;

  if (node == NULL)
    return NULL;
  permissions = crm_permissions_from_lists (PQgetvalue (result, row, 1),
                                            PQgetvalue (result, row, 2));
  json_object_set_member (json_node_get_object (node), "permissions",
                          crm_permissions_to_json (permissions));
  return g_steal_pointer (&node);
}

static gboolean
list_roles (CrmCall  *call,
            GError  **error)
{
  g_autoptr(GString) sql = g_string_new (role_select_sql);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) reply = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *items = json_array_new ();
  gboolean allowed;

  json_object_set_array_member (object, "items", items);
  json_object_set_null_member (object, "next");
  json_node_set_object (reply, object);
  if (!crm_call_require (call, CRM_OBJECT_ROLES, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  g_string_append (sql, "ORDER BY r.id");
  result = crm_call_exec (call, sql->str, 0, NULL, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      JsonNode *role = role_from_row (result, row, error);

      if (role == NULL)
        return FALSE;
      json_array_add_element (items, role);
    }
  if (!crm_call_audit (call, "list", "roles", 0, "ok", NULL, error))
    return FALSE;
  crm_call_reply (call, 200, reply);
  return TRUE;
}

void
crm_api_roles_list (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, list_roles);
}

static PGresult *
fetch_role (CrmCall  *call,
            gint64    id,
            gboolean  for_update,
            GError  **error)
{
  g_autoptr(GString) sql = g_string_new (role_select_sql);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };

  g_string_append (sql, "WHERE r.id = $1::bigint");
  if (for_update)
    g_string_append (sql, " FOR UPDATE");
  return crm_call_exec (call, sql->str, 1, params, error);
}

static gboolean
get_role (CrmCall  *call,
          GError  **error)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) role = NULL;
  gboolean allowed;
  gint64 id;

  if (!crm_call_require (call, CRM_OBJECT_ROLES, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  result = fetch_role (call, id, FALSE, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such role"));
      return TRUE;
    }
  role = role_from_row (result, 0, error);
  if (role == NULL)
    return FALSE;
  if (!crm_call_audit (call, "read", "roles", id, "ok", NULL, error))
    return FALSE;
  crm_call_reply (call, 200, role);
  return TRUE;
}

void
crm_api_roles_get (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, get_role);
}

/* Replaces a role's matrix and field access with @permissions. */
static gboolean
store_permissions (CrmCall              *call,
                   const char           *role_id,
                   const CrmPermissions *permissions,
                   GError              **error)
{
  static const char clear_sql[] =
    "DELETE FROM role_permissions WHERE role_id = $1::bigint";
  static const char clear_fields_sql[] =
    "DELETE FROM role_field_access WHERE role_id = $1::bigint";
  static const char insert_sql[] =
    "INSERT INTO role_permissions (role_id, object, action, scope)\n"
    "SELECT $1::bigint, o, a, s FROM unnest ($2::text[], $3::text[], $4::text[]) AS t (o, a, s)";
  static const char insert_fields_sql[] =
    "INSERT INTO role_field_access (role_id, object, field, access)\n"
    "SELECT $1::bigint, o, f, a FROM unnest ($2::text[], $3::text[], $4::text[]) AS t (o, f, a)";
  g_autoptr(GString) objects = g_string_new ("{");
  g_autoptr(GString) actions = g_string_new ("{");
  g_autoptr(GString) scopes = g_string_new ("{");
  g_autoptr(GString) field_objects = g_string_new ("{");
  g_autoptr(GString) field_names = g_string_new ("{");
  g_autoptr(GString) accesses = g_string_new ("{");
  const char *id_params[] = { role_id };

  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    {
      GHashTable *fields = crm_permissions_get_field_table (permissions, o);

      for (guint a = 0; a < CRM_N_ACTIONS; a++)
        {
          CrmScope scope = crm_permissions_get_scope (permissions, o, a);

          if (scope == CRM_SCOPE_NONE)
            continue;
          g_string_append_printf (objects, "%s%s", objects->len > 1 ? "," : "",
                                  crm_object_to_string (o));
          g_string_append_printf (actions, "%s%s", actions->len > 1 ? "," : "",
                                  crm_action_to_string (a));
          g_string_append_printf (scopes, "%s%s", scopes->len > 1 ? "," : "",
                                  crm_scope_to_string (scope));
        }
      if (fields != NULL)
        {
          GHashTableIter iter;
          gpointer key, value;

          g_hash_table_iter_init (&iter, fields);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              const char *name = key;

              /* Field names are checked by the table's CHECK too; keep arrays clean. */
              for (const char *p = name; *p; p++)
                if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
                  {
                    g_autofree char *message = crm_call_dup_printf (
                      call, N_("“%s” is not a field name"), name);

                    /* CRM_API_ERROR messages are in the caller's language already. */
                    g_set_error_literal (error, CRM_API_ERROR, CRM_API_ERROR_INVALID, message);
                    return FALSE;
                  }
              g_string_append_printf (field_objects, "%s%s", field_objects->len > 1 ? "," : "",
                                      crm_object_to_string (o));
              g_string_append_printf (field_names, "%s%s", field_names->len > 1 ? "," : "", name);
              g_string_append_printf (accesses, "%s%s", accesses->len > 1 ? "," : "",
                                      crm_field_access_to_string (GPOINTER_TO_INT (value)));
            }
        }
    }
  g_string_append_c (objects, '}');
  g_string_append_c (actions, '}');
  g_string_append_c (scopes, '}');
  g_string_append_c (field_objects, '}');
  g_string_append_c (field_names, '}');
  g_string_append_c (accesses, '}');

  {
    g_autoptr(PGresult) cleared = crm_call_exec (call, clear_sql, 1, id_params, error);
    g_autoptr(PGresult) cleared_fields = NULL;
    g_autoptr(PGresult) inserted = NULL;
    g_autoptr(PGresult) inserted_fields = NULL;
    const char *params[] = { role_id, objects->str, actions->str, scopes->str };
    const char *field_params[] = { role_id, field_objects->str, field_names->str, accesses->str };

    if (cleared == NULL)
      return FALSE;
    cleared_fields = crm_call_exec (call, clear_fields_sql, 1, id_params, error);
    if (cleared_fields == NULL)
      return FALSE;
    inserted = crm_call_exec (call, insert_sql, 4, params, error);
    if (inserted == NULL)
      return FALSE;
    inserted_fields = crm_call_exec (call, insert_fields_sql, 4, field_params, error);
    return inserted_fields != NULL;
  }
}

/* Reads name, description, require_mfa and permissions; a 422 reply when invalid. */
static gboolean
read_role_body (CrmCall          *call,
                JsonObject       *body,
                gboolean          creating,
                CrmPermissions  **permissions)
{
  g_autoptr(JsonObject) problems = json_object_new ();
  const char *name = crm_json_get_string (body, "name");
  CrmJsonType description = crm_json_get_type (body, "description");
  CrmJsonType require_mfa = crm_json_get_type (body, "require_mfa");

  *permissions = NULL;
  if (body == NULL)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("The body must be a JSON object"));
      return FALSE;
    }
  if ((creating || crm_json_get_type (body, "name") != CRM_JSON_ABSENT)
      && (name == NULL || *name == '\0' || g_utf8_strlen (name, -1) > 100))
    json_object_set_string_member (problems, "name", N_("Required, at most 100 characters"));
  if (description != CRM_JSON_ABSENT && description != CRM_JSON_STRING)
    json_object_set_string_member (problems, "description", N_("Must be text"));
  if (require_mfa != CRM_JSON_ABSENT && require_mfa != CRM_JSON_BOOLEAN)
    json_object_set_string_member (problems, "require_mfa", N_("Must be true or false"));
  if (json_object_has_member (body, "permissions"))
    {
      g_autoptr(GError) local_error = NULL;

      *permissions = crm_permissions_from_json (json_object_get_member (body, "permissions"),
                                                &local_error);
      /* The English detail names the JSON member, for whoever wrote the request. */
      if (*permissions == NULL)
        {
          g_debug ("Refusing permissions: %s", local_error->message);
          json_object_set_string_member (problems, "permissions",
                                         N_("Not a valid set of permissions"));
        }
    }
  if (json_object_get_size (problems) > 0)
    {
      g_clear_pointer (permissions, crm_permissions_free);
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      return FALSE;
    }
  return TRUE;
}

static gboolean
audit_role (CrmCall     *call,
            const char  *action,
            gint64       id,
            JsonNode    *before,
            JsonNode    *after,
            GError     **error)
{
  g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  if (before != NULL)
    json_object_set_member (object, "before", json_node_copy (before));
  if (after != NULL)
    json_object_set_member (object, "after", json_node_copy (after));
  json_node_take_object (detail, object);
  return crm_call_audit (call, action, "roles", id, "ok", detail, error);
}

static gboolean
reply_role (CrmCall   *call,
            guint      status,
            gint64     id,
            JsonNode **out,
            GError   **error)
{
  g_autoptr(PGresult) result = fetch_role (call, id, FALSE, error);

  if (result == NULL)
    return FALSE;
  *out = role_from_row (result, 0, error);
  if (*out == NULL)
    return FALSE;
  crm_call_reply (call, status, *out);
  return TRUE;
}

static gboolean
create_role (CrmCall  *call,
             GError  **error)
{
  static const char sql[] =
    "INSERT INTO roles (name, description, require_mfa)\n"
    "VALUES ($1, coalesce ($2, ''), coalesce ($3::boolean, false)) RETURNING id";
  static const char copy_sql[] =
    "INSERT INTO role_permissions (role_id, object, action, scope)\n"
    "SELECT $1::bigint, object, action, scope FROM role_permissions WHERE role_id = $2::bigint";
  static const char copy_fields_sql[] =
    "INSERT INTO role_field_access (role_id, object, field, access)\n"
    "SELECT $1::bigint, object, field, access FROM role_field_access WHERE role_id = $2::bigint";
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(CrmPermissions) permissions = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *copy_from = NULL;
  const char *require_mfa = NULL;
  gboolean allowed;
  gint64 id;

  if (!crm_call_require (call, CRM_OBJECT_ROLES, CRM_ACTION_CREATE, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (crm_call_get_scope (call, CRM_OBJECT_ROLES, CRM_ACTION_CREATE) != CRM_SCOPE_ALL)
    return crm_call_deny (call, CRM_OBJECT_ROLES, "create", 0, NULL, error);
  if (!read_role_body (call, body, TRUE, &permissions))
    return TRUE;
  if (crm_json_get_type (body, "copy_from") == CRM_JSON_INT)
    copy_from = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (body, "copy_from"));
  if (crm_json_get_type (body, "require_mfa") == CRM_JSON_BOOLEAN)
    require_mfa = json_object_get_boolean_member (body, "require_mfa") ? "true" : "false";
  {
    const char *params[] = { crm_json_get_string (body, "name"),
                             crm_json_get_string (body, "description"), require_mfa };

    result = crm_call_exec (call, sql, 3, params, error);
    if (result == NULL)
      return FALSE;
  }
  id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  if (permissions != NULL)
    {
      if (!store_permissions (call, PQgetvalue (result, 0, 0), permissions, error))
        return FALSE;
    }
  else if (copy_from != NULL)
    {
      const char *params[] = { PQgetvalue (result, 0, 0), copy_from };
      g_autoptr(PGresult) copied = crm_call_exec (call, copy_sql, 2, params, error);
      g_autoptr(PGresult) copied_fields = NULL;

      if (copied == NULL)
        return FALSE;
      copied_fields = crm_call_exec (call, copy_fields_sql, 2, params, error);
      if (copied_fields == NULL)
        return FALSE;
    }
  if (!reply_role (call, 201, id, &after, error))
    return FALSE;
  return audit_role (call, "create", id, NULL, after, error);
}

void
crm_api_roles_create (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, create_role);
}

static gboolean
update_role (CrmCall  *call,
             GError  **error)
{
  static const char sql[] =
    "UPDATE roles SET name = coalesce ($2, name), description = coalesce ($3, description),\n"
    "  require_mfa = coalesce ($4::boolean, require_mfa)\n"
    "WHERE id = $1::bigint";
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(CrmPermissions) permissions = NULL;
  g_autoptr(PGresult) current = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *id_text = NULL;
  const char *require_mfa = NULL;
  gboolean allowed;
  gint64 id, version;

  if (!crm_call_require (call, CRM_OBJECT_ROLES, CRM_ACTION_UPDATE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  if (crm_call_get_scope (call, CRM_OBJECT_ROLES, CRM_ACTION_UPDATE) != CRM_SCOPE_ALL)
    return crm_call_deny (call, CRM_OBJECT_ROLES, "update", id, NULL, error);
  current = fetch_role (call, id, TRUE, error);
  if (current == NULL)
    return FALSE;
  if (PQntuples (current) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such role"));
      return TRUE;
    }
  before = role_from_row (current, 0, error);
  if (before == NULL)
    return FALSE;
  if (!crm_call_get_if_match (call, &version))
    return TRUE;
  if (version != json_object_get_int_member (json_node_get_object (before), "version"))
    {
      crm_call_reply_conflict (call,
                               N_("Someone else changed this role; here is the current version"),
                               before);
      return TRUE;
    }
  if (!read_role_body (call, body, FALSE, &permissions))
    return TRUE;
  if (permissions != NULL
      && g_strcmp0 (crm_json_get_string (json_node_get_object (before), "builtin"), "admin") == 0)
    {
      g_autoptr(JsonObject) problems = json_object_new ();

      json_object_set_string_member (problems, "permissions",
                                     N_("The administrator role always has every permission"));
      crm_call_reply_invalid (call, N_("The administrator role cannot be narrowed"), problems);
      return TRUE;
    }
  if (crm_json_get_type (body, "require_mfa") == CRM_JSON_BOOLEAN)
    require_mfa = json_object_get_boolean_member (body, "require_mfa") ? "true" : "false";
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *params[] = { id_text, crm_json_get_string (body, "name"),
                             crm_json_get_string (body, "description"), require_mfa };

    result = crm_call_exec (call, sql, 4, params, error);
    if (result == NULL)
      return FALSE;
  }
  if (permissions != NULL && !store_permissions (call, id_text, permissions, error))
    return FALSE;
  if (!reply_role (call, 200, id, &after, error))
    return FALSE;
  return audit_role (call, "update", id, before, after, error);
}

void
crm_api_roles_update (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, update_role);
}

static gboolean
delete_role (CrmCall  *call,
             GError  **error)
{
  static const char sql[] = "DELETE FROM roles WHERE id = $1::bigint";
  g_autoptr(PGresult) current = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autofree char *id_text = NULL;
  JsonObject *role;
  gboolean allowed;
  gint64 id;

  if (!crm_call_require (call, CRM_OBJECT_ROLES, CRM_ACTION_DELETE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  if (crm_call_get_scope (call, CRM_OBJECT_ROLES, CRM_ACTION_DELETE) != CRM_SCOPE_ALL)
    return crm_call_deny (call, CRM_OBJECT_ROLES, "delete", id, NULL, error);
  current = fetch_role (call, id, TRUE, error);
  if (current == NULL)
    return FALSE;
  if (PQntuples (current) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such role"));
      return TRUE;
    }
  before = role_from_row (current, 0, error);
  if (before == NULL)
    return FALSE;
  role = json_node_get_object (before);
  if (crm_json_get_string (role, "builtin") != NULL)
    {
      crm_call_reply_error (call, CRM_API_ERROR_CONFLICT,
                            N_("Built-in roles cannot be deleted; copy and edit them instead"));
      return TRUE;
    }
  if (json_object_get_int_member (role, "users") > 0)
    {
      crm_call_reply_error (call, CRM_API_ERROR_CONFLICT,
                            N_("Users still have this role; give them another one first"));
      return TRUE;
    }
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *params[] = { id_text };

    result = crm_call_exec (call, sql, 1, params, error);
    if (result == NULL)
      return FALSE;
  }
  if (!audit_role (call, "delete", id, before, NULL, error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

void
crm_api_roles_delete (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, delete_role);
}

static gboolean
list_field_policies (CrmCall  *call,
                     GError  **error)
{
  static const char sql[] =
    "SELECT coalesce (jsonb_agg (jsonb_build_object ('object', object, 'field', field,\n"
    "  'protected', protected, 'sensitive', sensitive) ORDER BY object, field), '[]')::text\n"
    "FROM field_policies";
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) items = NULL;
  g_autoptr(JsonNode) reply = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  gboolean allowed;

  json_node_take_object (reply, object);
  if (!crm_call_require (call, CRM_OBJECT_FIELDS, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  result = crm_call_exec (call, sql, 0, NULL, error);
  if (result == NULL)
    return FALSE;
  items = json_from_string (PQgetvalue (result, 0, 0), error);
  if (items == NULL)
    return FALSE;
  json_object_set_member (object, "items", g_steal_pointer (&items));
  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* GET /api/v1/field-policies */
void
crm_api_field_policies_list (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, list_field_policies);
}

static gboolean
put_field_policy (CrmCall  *call,
                  GError  **error)
{
  static const char column_type_sql[] =
    "SELECT data_type FROM information_schema.columns\n"
    "WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2";
  /* A column of the object's table, a custom field of it, or a field already restricted
   * (whose custom field may have been deleted since: it can still be released). */
  static const char field_exists_sql[] =
    "SELECT EXISTS (SELECT 1 FROM information_schema.columns\n"
    "               WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2)\n"
    "    OR EXISTS (SELECT 1 FROM custom_fields WHERE object = $1 AND 'custom_' || key = $2)\n"
    "    OR EXISTS (SELECT 1 FROM field_policies WHERE object = $1 AND field = $2)";
  static const char sql[] =
    "INSERT INTO field_policies (object, field, protected, sensitive)\n"
    "VALUES ($1, $2, $3::boolean, $4::boolean)\n"
    "ON CONFLICT (object, field) DO UPDATE SET protected = EXCLUDED.protected,\n"
    "  sensitive = EXCLUDED.sensitive";
  JsonObject *body = crm_call_get_body (call);
  const char *object_name = crm_call_get_param (call, "object");
  const char *field = crm_call_get_param (call, "field");
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) detail = NULL;
  CrmObject object;
  gboolean allowed;

  if (!crm_call_require (call, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (crm_call_get_scope (call, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE) != CRM_SCOPE_ALL)
    return crm_call_deny (call, CRM_OBJECT_FIELDS, "update", 0, NULL, error);
  if (!crm_object_from_string (object_name, &object))
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such object"));
      return TRUE;
    }
  if (crm_json_get_type (body, "protected") != CRM_JSON_BOOLEAN
      || crm_json_get_type (body, "sensitive") != CRM_JSON_BOOLEAN)
    {
      g_autoptr(JsonObject) problems = json_object_new ();

      json_object_set_string_member (problems, "protected", N_("Must be true or false"));
      json_object_set_string_member (problems, "sensitive", N_("Must be true or false"));
      crm_call_reply_invalid (call, N_("protected and sensitive are required"), problems);
      return TRUE;
    }
  {
    const char *exists_params[] = { object_name, field };
    g_autoptr(PGresult) exists = crm_call_exec (call, field_exists_sql, 2, exists_params, error);

    if (exists == NULL)
      return FALSE;
    if (!g_str_equal (PQgetvalue (exists, 0, 0), "t"))
      {
        g_autoptr(JsonObject) problems = json_object_new ();

        json_object_set_string_member (problems, "field", N_("No such field"));
        crm_call_reply_invalid (call, N_("No such field"), problems);
        return TRUE;
      }
  }
  /* Sealed values are text: a column of another type (a date, an amount) cannot hold
   * them, and every write of the field would fail. */
  if (json_object_get_boolean_member (body, "sensitive"))
    {
      const char *column_params[] = { object_name, field };
      g_autoptr(PGresult) column = crm_call_exec (call, column_type_sql, 2, column_params, error);

      if (column == NULL)
        return FALSE;
      if (PQntuples (column) > 0 && !g_str_equal (PQgetvalue (column, 0, 0), "text"))
        {
          g_autoptr(JsonObject) problems = json_object_new ();

          json_object_set_string_member (problems, "sensitive",
                                         N_("Only text fields can be stored encrypted"));
          crm_call_reply_invalid (call, N_("Only text fields can be stored encrypted"),
                                  problems);
          return TRUE;
        }
    }
  {
    const char *params[] = {
      object_name, field,
      json_object_get_boolean_member (body, "protected") ? "true" : "false",
      json_object_get_boolean_member (body, "sensitive") ? "true" : "false",
    };

    result = crm_call_exec (call, sql, 4, params, error);
    if (result == NULL)
      return FALSE;
  }
  /* Values already stored follow the field at once: sealed, or back in clear. */
  if (!crm_resource_reseal_field (crm_call_get_conn (call),
                                  crm_server_get_secret_box (crm_call_get_server (call)),
                                  object_name, field,
                                  json_object_get_boolean_member (body, "sensitive"), NULL, error))
    return FALSE;
  detail = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (detail, json_object_new ());
  json_object_set_string_member (json_node_get_object (detail), "object", object_name);
  json_object_set_string_member (json_node_get_object (detail), "field", field);
  json_object_set_boolean_member (json_node_get_object (detail), "protected",
                                  json_object_get_boolean_member (body, "protected"));
  json_object_set_boolean_member (json_node_get_object (detail), "sensitive",
                                  json_object_get_boolean_member (body, "sensitive"));
  if (!crm_call_audit (call, "update", "fields", 0, "ok", detail, error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

/* PUT /api/v1/field-policies/{object}/{field} {"protected","sensitive"} */
void
crm_api_field_policies_put (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, put_field_policy);
}
