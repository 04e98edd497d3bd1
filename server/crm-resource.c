/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-resource"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crm-json.h"
#include "crm-resource.h"
#include "crm-secret-box.h"
#include "crm-server.h"

/*
 * The generic record API. SQL text is assembled only from the static field tables
 * (column names never come from a request); every value is a parameter.
 *
 * Two walls: the server checks the role's scope for the action and the owner of each
 * row, and the transaction runs as rapport_app under row-level security, so a row the
 * server forgot to check is still invisible.
 */

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 500
#define DEFAULT_MAX_LENGTH 2000
#define REDACTED "[redacted]"

typedef struct
{
  GPtrArray *values;
  GString   *sql;
} Params;

static void
params_init (Params *p)
{
  p->values = g_ptr_array_new_with_free_func (g_free);
  p->sql = g_string_new (NULL);
}

static void
params_clear (Params *p)
{
  g_ptr_array_unref (p->values);
  g_string_free (p->sql, TRUE);
}

/* Adds a value and returns its placeholder number. */
static guint
params_add (Params     *p,
            const char *value)
{
  g_ptr_array_add (p->values, g_strdup (value));
  return p->values->len;
}

static PGresult *
params_exec (CrmCall  *call,
             Params   *p,
             GError  **error)
{
  return crm_call_exec (call, p->sql->str, (int) p->values->len,
                        (const char * const *) p->values->pdata, error);
}

static const char *
cast_for (CrmResourceType type)
{
  switch (type)
    {
    case CRM_RESOURCE_ID:
      return "::bigint";
    case CRM_RESOURCE_BOOLEAN:
      return "::boolean";
    case CRM_RESOURCE_TEXT:
    default:
      return "";
    }
}

static const CrmResourceField *
find_field (const CrmResource *resource,
            const char        *name)
{
  for (guint i = 0; i < resource->n_fields; i++)
    if (g_str_equal (resource->fields[i].name, name))
      return &resource->fields[i];
  return NULL;
}

static char *
context_for (const CrmResource *resource,
             const char        *field)
{
  return g_strdup_printf ("%s.%s", crm_object_to_string (resource->object), field);
}

static gboolean
is_sensitive (CrmCall           *call,
              const CrmResource *resource,
              const char        *field)
{
  return (crm_call_get_field_flags (call, resource->object, field) & CRM_FIELD_SENSITIVE) != 0;
}

/*
 * `jsonb_build_object ('id', r.id, …)` of every column, plus the owner as column 2,
 * from @source: the table aliased r, or a CTE named r.
 */
static void
append_select (GString           *sql,
               const CrmResource *resource,
               const char        *source)
{
  g_string_append (sql, "SELECT jsonb_build_object ('id', r.id, 'version', r.version, "
                        "'created_at', r.created_at, 'updated_at', r.updated_at");
  for (guint i = 0; i < resource->n_fields; i++)
    g_string_append_printf (sql, ", '%s', r.%s", resource->fields[i].name,
                            resource->fields[i].name);
  g_string_append_printf (sql, ")::text, %s\nFROM %s\n",
                          resource->owner_sql != NULL ? resource->owner_sql : "NULL::bigint",
                          source);
}

/*
 * The columns a write returns: exactly those the reply shows, as the request role may
 * not read every column (users.password_hash), so never `RETURNING *`.
 */
static char *
returning_list (const CrmResource *resource)
{
  GString *list = g_string_new ("id, version, created_at, updated_at");

  for (guint i = 0; i < resource->n_fields; i++)
    g_string_append_printf (list, ", %s", resource->fields[i].name);
  return g_string_free (list, FALSE);
}

static gint64
owner_of (PGresult *result,
          int       row)
{
  if (PQgetisnull (result, row, 1))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, 1), NULL, 10);
}

/* Whether a row owned by @owner lies in the caller's scope for @action (the first wall). */
static gboolean
row_in_scope (CrmCall           *call,
              const CrmResource *resource,
              CrmAction          action,
              gint64             owner)
{
  CrmScope scope = crm_call_get_scope (call, resource->object, action);

  if (resource->owner_sql == NULL)
    return action == CRM_ACTION_READ ? scope != CRM_SCOPE_NONE : scope == CRM_SCOPE_ALL;
  return crm_call_in_scope (call, scope, owner);
}

/*
 * A stored row as the caller may see it: fields without read access left out,
 * sensitive values decrypted.
 */
static JsonNode *
record_for_caller (CrmCall           *call,
                   const CrmResource *resource,
                   const char        *text,
                   GError           **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, error);
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  JsonObject *object;

  if (node == NULL)
    return NULL;
  object = json_node_get_object (node);
  for (guint i = 0; i < resource->n_fields; i++)
    {
      const char *name = resource->fields[i].name;
      const char *stored;

      if (crm_call_get_field_access (call, resource->object, name) == CRM_FIELD_ACCESS_NONE)
        {
          json_object_remove_member (object, name);
          continue;
        }
      stored = crm_json_get_string (object, name);
      if (stored != NULL && g_str_has_prefix (stored, "v1:") && box != NULL
          && is_sensitive (call, resource, name))
        {
          g_autofree char *context = context_for (resource, name);
          g_autoptr(GError) local_error = NULL;
          g_autofree char *plain = crm_secret_box_decrypt (box, stored, context, &local_error);

          /* Not a token of ours (a value typed before the field turned sensitive that
           * merely looks like one) is shown as stored; a token of an unknown key
           * (rotated by another process) is hidden, not shown as gibberish. */
          if (plain == NULL
              && g_error_matches (local_error, CRM_SECRET_BOX_ERROR,
                                  CRM_SECRET_BOX_ERROR_UNKNOWN_KEY))
            {
              g_warning ("Cannot decrypt %s of a %s record: %s; restart after rotate-key", name,
                         crm_object_to_string (resource->object), local_error->message);
              json_object_set_null_member (object, name);
            }
          else if (plain == NULL)
            ;
          else
            json_object_set_string_member (object, name, plain);
        }
    }
  return g_steal_pointer (&node);
}

/* The record for the audit log: sensitive values replaced, never written in clear. */
static JsonNode *
record_for_audit (CrmCall           *call,
                  const CrmResource *resource,
                  JsonNode          *record)
{
  /* A deep copy: json_node_copy () would share the object with the reply. */
  g_autofree char *text = json_to_string (record, FALSE);
  JsonNode *copy = json_from_string (text, NULL);
  JsonObject *object = json_node_get_object (copy);

  for (guint i = 0; i < resource->n_fields; i++)
    if (is_sensitive (call, resource, resource->fields[i].name)
        && json_object_has_member (object, resource->fields[i].name)
        && crm_json_get_type (object, resource->fields[i].name) != CRM_JSON_ABSENT)
      json_object_set_string_member (object, resource->fields[i].name, REDACTED);
  return copy;
}

static gboolean
parse_limit (const char *text,
             guint      *limit)
{
  char *end = NULL;
  guint64 value;

  if (text == NULL)
    {
      *limit = DEFAULT_LIMIT;
      return TRUE;
    }
  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 1 || value > MAX_LIMIT)
    return FALSE;
  *limit = (guint) value;
  return TRUE;
}

static gboolean
blind_index_lookup (CrmCall           *call,
                    const CrmResource *resource,
                    const char        *field,
                    const char        *value,
                    Params            *p)
{
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  g_autofree char *context = context_for (resource, field);
  g_autofree char *digest = NULL;
  guint object_n, field_n, digest_n;

  if (box == NULL)
    return FALSE;
  digest = crm_secret_box_blind_index (box, value, context);
  object_n = params_add (p, crm_object_to_string (resource->object));
  field_n = params_add (p, field);
  digest_n = params_add (p, digest);
  g_string_append_printf (p->sql,
                          "  AND r.id IN (SELECT b.record_id FROM blind_indexes b WHERE "
                          "b.object = $%u AND b.field = $%u AND b.digest = $%u)\n",
                          object_n, field_n, digest_n);
  return TRUE;
}

static gboolean
list_records (CrmCall  *call,
              GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  GHashTable *query = crm_call_get_query_table (call);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(JsonObject) filters = json_object_new ();
  g_autoptr(PGresult) result = NULL;
  const char *after = crm_call_get_query (call, "after");
  const char *q = crm_call_get_query (call, "q");
  GHashTableIter iter;
  gpointer key, value;
  gboolean allowed;
  gint64 last_id = 0;
  guint limit;
  guint n_items = 0;
  int n_rows;
  Params p;

  if (!crm_call_require (call, resource->object, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (!parse_limit (crm_call_get_query (call, "limit"), &limit))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, "limit must be between 1 and 500");
      return TRUE;
    }

  params_init (&p);
  {
    g_autofree char *source = g_strdup_printf ("%s r", resource->table);

    append_select (p.sql, resource, source);
  }
  g_string_append (p.sql, "WHERE true\n");
  if (after != NULL)
    {
      char *end = NULL;

      errno = 0;
      (void) g_ascii_strtoll (after, &end, 10);
      if (errno != 0 || end == after || *end != '\0')
        {
          params_clear (&p);
          crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, "after must be a cursor from next");
          return TRUE;
        }
      g_string_append_printf (p.sql, "  AND r.id > $%u::bigint\n", params_add (&p, after));
      json_object_set_string_member (filters, "after", after);
    }

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const CrmResourceField *field;

      if (g_str_equal (key, "after") || g_str_equal (key, "limit") || g_str_equal (key, "q"))
        continue;
      field = find_field (resource, key);
      if (field == NULL || (field->flags & CRM_RESOURCE_FIELD_FILTER) == 0
          || crm_call_get_field_access (call, resource->object, key) == CRM_FIELD_ACCESS_NONE)
        {
          g_autofree char *message = g_strdup_printf ("Cannot filter by “%s”", (char *) key);

          params_clear (&p);
          crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, message);
          return TRUE;
        }
      json_object_set_string_member (filters, key,
                                     is_sensitive (call, resource, key) ? REDACTED : value);
      if (is_sensitive (call, resource, key))
        {
          if (!blind_index_lookup (call, resource, key, value, &p))
            g_string_append (p.sql, "  AND false\n");
        }
      else
        g_string_append_printf (p.sql, "  AND r.%s = $%u%s\n", field->name,
                                params_add (&p, value), cast_for (field->type));
    }
  if (q != NULL && *q != '\0')
    {
      guint n = params_add (&p, q);
      gboolean any = FALSE;

      json_object_set_string_member (filters, "q", q);
      g_string_append (p.sql, "  AND (");
      for (guint i = 0; i < resource->n_fields; i++)
        {
          if ((resource->fields[i].flags & CRM_RESOURCE_FIELD_SEARCH) == 0)
            continue;
          g_string_append_printf (p.sql, "%sstrpos (lower (r.%s), lower ($%u)) > 0",
                                  any ? " OR " : "", resource->fields[i].name, n);
          any = TRUE;
        }
      g_string_append (p.sql, any ? ")\n" : "false)\n");
    }
  g_string_append_printf (p.sql, "ORDER BY r.id\nLIMIT %u", limit + 1);

  result = params_exec (call, &p, error);
  params_clear (&p);
  if (result == NULL)
    return FALSE;

  n_rows = PQntuples (result);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (int row = 0; row < n_rows && n_items < limit; row++)
    {
      g_autoptr(JsonNode) record = NULL;

      /* The first wall again, row by row: RLS should have kept these out already. */
      if (!row_in_scope (call, resource, CRM_ACTION_READ, owner_of (result, row)))
        continue;
      record = record_for_caller (call, resource, PQgetvalue (result, row, 0), error);
      if (record == NULL)
        return FALSE;
      last_id = json_object_get_int_member (json_node_get_object (record), "id");
      json_builder_add_value (builder, g_steal_pointer (&record));
      n_items++;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next");
  if (n_rows > (int) limit && last_id > 0)
    {
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, last_id);
      json_builder_add_string_value (builder, next);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);

  detail = json_node_new (JSON_NODE_OBJECT);
  json_object_set_int_member (filters, "count", n_items);
  json_node_set_object (detail, filters);
  if (!crm_call_audit (call, "list", crm_object_to_string (resource->object), 0, "ok", detail,
                       error))
    return FALSE;
  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* Reads one row (locked for a write); %NULL result with no error: not visible. */
static PGresult *
fetch_row (CrmCall           *call,
           const CrmResource *resource,
           gint64             id,
           gboolean           for_update,
           GError           **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };
  g_autofree char *source = g_strdup_printf ("%s r", resource->table);

  append_select (sql, resource, source);
  g_string_append (sql, "WHERE r.id = $1::bigint");
  if (for_update)
    g_string_append (sql, "\nFOR UPDATE");
  return crm_call_exec (call, sql->str, 1, params, error);
}

static gboolean
get_record (CrmCall  *call,
            GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) record = NULL;
  gboolean allowed;
  gint64 id;

  if (!crm_call_require (call, resource->object, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  result = fetch_row (call, resource, id, FALSE, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1
      || !row_in_scope (call, resource, CRM_ACTION_READ, owner_of (result, 0)))
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, "No such record");
      return TRUE;
    }
  record = record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
  if (record == NULL)
    return FALSE;
  if (!crm_call_audit (call, "read", crm_object_to_string (resource->object), id, "ok", NULL,
                       error))
    return FALSE;
  crm_call_reply (call, 200, record);
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/*
 * Checks the body of a create or update against the field table and the caller's field
 * access. Sets a 422 or 403 reply and returns FALSE when it is refused.
 */
static gboolean
validate_body (CrmCall           *call,
               const CrmResource *resource,
               JsonObject        *body,
               gboolean           creating,
               gboolean          *db_ok,
               GError           **error)
{
  g_autoptr(JsonObject) problems = json_object_new ();
  g_autoptr(GList) members = NULL;

  *db_ok = TRUE;
  if (body == NULL)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, "The body must be a JSON object");
      return FALSE;
    }
  members = json_object_get_members (body);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      const CrmResourceField *field = find_field (resource, name);
      CrmJsonType type = crm_json_get_type (body, name);

      if (field == NULL)
        {
          if (!g_str_equal (name, "id") && !g_str_equal (name, "version")
              && !g_str_equal (name, "created_at") && !g_str_equal (name, "updated_at"))
            json_object_set_string_member (problems, name, "Unknown field");
          continue;
        }
      if (!creating && (field->flags & CRM_RESOURCE_FIELD_CREATE_ONLY) != 0)
        {
          json_object_set_string_member (problems, name, "Cannot be changed");
          continue;
        }
      /* The owner is written by who may write the field, or by who may assign (the
       * assign scope is checked against the record in update_record ()), and on create
       * it may always name the caller. */
      if (crm_call_get_field_access (call, resource->object, name) != CRM_FIELD_ACCESS_WRITE
          && !((field->flags & CRM_RESOURCE_FIELD_OWNER) != 0 && !creating
               && crm_call_get_scope (call, resource->object, CRM_ACTION_ASSIGN)
                    != CRM_SCOPE_NONE)
          && !(creating && (field->flags & CRM_RESOURCE_FIELD_OWNER) != 0
               && type == CRM_JSON_INT
               && json_object_get_int_member (body, name)
                    == crm_call_get_principal (call)->user_id))
        {
          *db_ok = crm_call_deny (call, resource->object, creating ? "create" : "update", 0,
                                  name, error);
          return FALSE;
        }
      if (type == CRM_JSON_ABSENT)
        {
          if ((field->flags & CRM_RESOURCE_FIELD_REQUIRED) != 0)
            json_object_set_string_member (problems, name, "Required");
          continue;
        }
      switch (field->type)
        {
        case CRM_RESOURCE_TEXT:
          {
            const char *text = crm_json_get_string (body, name);
            guint max = field->max_length ? field->max_length : DEFAULT_MAX_LENGTH;

            if (text == NULL)
              json_object_set_string_member (problems, name, "Must be text");
            else if (g_utf8_strlen (text, -1) > max)
              json_object_set_string_member (problems, name, "Too long");
            else if ((field->flags & CRM_RESOURCE_FIELD_REQUIRED) != 0 && is_blank (text))
              json_object_set_string_member (problems, name, "Required");
            else if (field->choices != NULL && !g_strv_contains (field->choices, text))
              json_object_set_string_member (problems, name, "Not one of the allowed values");
          }
          break;
        case CRM_RESOURCE_ID:
          if (type != CRM_JSON_INT || json_object_get_int_member (body, name) <= 0)
            json_object_set_string_member (problems, name, "Must be a record id");
          break;
        case CRM_RESOURCE_BOOLEAN:
          if (type != CRM_JSON_BOOLEAN)
            json_object_set_string_member (problems, name, "Must be true or false");
          break;
        default:
          g_assert_not_reached ();
        }
    }
  if (creating)
    for (guint i = 0; i < resource->n_fields; i++)
      if ((resource->fields[i].flags & CRM_RESOURCE_FIELD_REQUIRED) != 0
          && crm_json_get_type (body, resource->fields[i].name) == CRM_JSON_ABSENT
          && !json_object_has_member (problems, resource->fields[i].name))
        json_object_set_string_member (problems, resource->fields[i].name, "Required");

  if (json_object_get_size (problems) > 0)
    {
      crm_call_reply_invalid (call, "Some fields are not valid", problems);
      return FALSE;
    }
  return TRUE;
}

/* A body value as a query parameter; sensitive text encrypted under the current key. */
static gboolean
value_for_column (CrmCall                 *call,
                  const CrmResource       *resource,
                  const CrmResourceField  *field,
                  JsonObject              *body,
                  char                   **value,
                  GError                 **error)
{
  *value = NULL;
  if (crm_json_get_type (body, field->name) == CRM_JSON_ABSENT)
    return TRUE;
  switch (field->type)
    {
    case CRM_RESOURCE_ID:
      *value = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (body, field->name));
      return TRUE;
    case CRM_RESOURCE_BOOLEAN:
      *value = g_strdup (json_object_get_boolean_member (body, field->name) ? "true" : "false");
      return TRUE;
    case CRM_RESOURCE_TEXT:
    default:
      if (is_sensitive (call, resource, field->name))
        {
          CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
          g_autofree char *context = context_for (resource, field->name);

          if (box == NULL)
            {
              g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_NOT_FOUND,
                                   "No key file for sensitive fields");
              return FALSE;
            }
          *value = crm_secret_box_encrypt (box, crm_json_get_string (body, field->name), context,
                                           error);
          return *value != NULL;
        }
      *value = g_strdup (crm_json_get_string (body, field->name));
      return TRUE;
    }
}

static const char upsert_blind_index_sql[] =
  "INSERT INTO blind_indexes (object, field, record_id, digest) VALUES ($1, $2, $3::bigint, $4)\n"
  "ON CONFLICT (object, field, record_id) DO UPDATE SET digest = EXCLUDED.digest";

static gboolean
store_blind_index (PGconn      *conn,
                   const char  *object_name,
                   const char  *field,
                   const char  *record_id,
                   const char  *digest,
                   GError     **error)
{
  const char *params[] = { object_name, field, record_id, digest };
  g_autoptr(PGresult) result = crm_db_exec (conn, upsert_blind_index_sql, 4, params, error);

  return result != NULL;
}

/* Keeps the blind index of each sensitive field written in step with its value. */
static gboolean
update_blind_indexes (CrmCall           *call,
                      const CrmResource *resource,
                      gint64             id,
                      JsonObject        *body,
                      GError           **error)
{
  static const char delete_sql[] =
    "DELETE FROM blind_indexes WHERE object = $1 AND field = $2 AND record_id = $3::bigint";
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  for (guint i = 0; i < resource->n_fields; i++)
    {
      const char *name = resource->fields[i].name;
      const char *value;

      if (!json_object_has_member (body, name) || !is_sensitive (call, resource, name)
          || box == NULL)
        continue;
      value = crm_json_get_string (body, name);
      if (value != NULL)
        {
          g_autofree char *context = context_for (resource, name);
          g_autofree char *digest = crm_secret_box_blind_index (box, value, context);

          if (!store_blind_index (crm_call_get_conn (call),
                                  crm_object_to_string (resource->object), name, id_text, digest,
                                  error))
            return FALSE;
        }
      else
        {
          const char *params[] = { crm_object_to_string (resource->object), name, id_text };
          g_autoptr(PGresult) result = crm_call_exec (call, delete_sql, 3, params, error);

          if (result == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

static gint64
body_owner (const CrmResource *resource,
            JsonObject        *body,
            gint64             fallback)
{
  for (guint i = 0; i < resource->n_fields; i++)
    if ((resource->fields[i].flags & CRM_RESOURCE_FIELD_OWNER) != 0
        && crm_json_get_type (body, resource->fields[i].name) == CRM_JSON_INT)
      return json_object_get_int_member (body, resource->fields[i].name);
  return fallback;
}

static gboolean
create_record (CrmCall  *call,
               GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  const CrmPrincipal *principal = crm_call_get_principal (call);
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(GString) columns = g_string_new ("");
  g_autoptr(GString) values = g_string_new ("");
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonNode) detail = NULL;
  gboolean allowed, db_ok;
  const char *owner_field = NULL;
  gint64 owner, id;
  Params p;

  if (!crm_call_require (call, resource->object, CRM_ACTION_CREATE, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (!validate_body (call, resource, body, TRUE, &db_ok, error))
    return db_ok;

  for (guint i = 0; i < resource->n_fields; i++)
    if ((resource->fields[i].flags & CRM_RESOURCE_FIELD_OWNER) != 0)
      owner_field = resource->fields[i].name;
  owner = body_owner (resource, body, principal->user_id);
  if (owner_field != NULL && !row_in_scope (call, resource, CRM_ACTION_CREATE, owner))
    return crm_call_deny (call, resource->object, "create", 0, owner_field, error);
  if (resource->parent_field != NULL)
    {
      /* A record owned through its parent: the parent must be visible and in scope. */
      g_autofree char *parent = g_strdup_printf (
        "%" G_GINT64_FORMAT, json_object_get_int_member (body, resource->parent_field));
      const char *parent_params[] = { parent };
      g_autoptr(PGresult) found = crm_call_exec (call, resource->parent_owner_sql, 1,
                                                 parent_params, error);

      if (found == NULL)
        return FALSE;
      if (PQntuples (found) != 1)
        {
          g_autoptr(JsonObject) problems = json_object_new ();

          json_object_set_string_member (problems, resource->parent_field, "No such record");
          crm_call_reply_invalid (call, "Some fields are not valid", problems);
          return TRUE;
        }
      owner = PQgetisnull (found, 0, 0) ? 0 : g_ascii_strtoll (PQgetvalue (found, 0, 0), NULL, 10);
      if (!row_in_scope (call, resource, CRM_ACTION_CREATE, owner))
        return crm_call_deny (call, resource->object, "create", 0, NULL, error);
    }

  params_init (&p);
  for (guint i = 0; i < resource->n_fields; i++)
    {
      const CrmResourceField *field = &resource->fields[i];
      g_autofree char *value = NULL;

      if ((field->flags & CRM_RESOURCE_FIELD_OWNER) != 0)
        value = g_strdup_printf ("%" G_GINT64_FORMAT, owner);
      else if (!json_object_has_member (body, field->name))
        continue;
      else if (!value_for_column (call, resource, field, body, &value, error))
        {
          params_clear (&p);
          return FALSE;
        }
      g_string_append_printf (columns, "%s%s", columns->len ? ", " : "", field->name);
      g_string_append_printf (values, "%s$%u%s", values->len ? ", " : "", params_add (&p, value),
                              cast_for (field->type));
    }
  /* Records nobody owns need scope all to create. */
  if (resource->owner_sql == NULL && !row_in_scope (call, resource, CRM_ACTION_CREATE, 0))
    {
      params_clear (&p);
      return crm_call_deny (call, resource->object, "create", 0, NULL, error);
    }
  {
    g_autofree char *returning = returning_list (resource);

    g_string_append_printf (p.sql, "WITH r AS (INSERT INTO %s (%s) VALUES (%s) RETURNING %s)\n",
                            resource->table, columns->str, values->str, returning);
  }
  append_select (p.sql, resource, "r");
  result = params_exec (call, &p, error);
  params_clear (&p);
  if (result == NULL)
    return FALSE;
  record = record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
  if (record == NULL)
    return FALSE;
  id = json_object_get_int_member (json_node_get_object (record), "id");
  if (!update_blind_indexes (call, resource, id, body, error))
    return FALSE;

  detail = json_node_new (JSON_NODE_OBJECT);
  {
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_member (object, "after", record_for_audit (call, resource, record));
    json_node_set_object (detail, object);
  }
  if (!crm_call_audit (call, "create", crm_object_to_string (resource->object), id, "ok", detail,
                       error))
    return FALSE;
  crm_call_reply (call, 201, record);
  return TRUE;
}

/*
 * Fetches the row for a change and applies both walls: not visible or outside the
 * read scope answers 404; visible but outside the scope for @action answers 403.
 */
static PGresult *
fetch_for_change (CrmCall           *call,
                  const CrmResource *resource,
                  CrmAction          action,
                  gint64             id,
                  GError           **error)
{
  g_autoptr(PGresult) result = fetch_row (call, resource, id, TRUE, error);
  gint64 owner;

  if (result == NULL)
    return NULL;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, "No such record");
      return NULL;
    }
  owner = owner_of (result, 0);
  if (!row_in_scope (call, resource, CRM_ACTION_READ, owner))
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, "No such record");
      return NULL;
    }
  if (!row_in_scope (call, resource, action, owner)
      && !(action == CRM_ACTION_UPDATE
           && row_in_scope (call, resource, CRM_ACTION_ASSIGN, owner)
           && resource->owner_sql != NULL))
    {
      crm_call_deny (call, resource->object, crm_action_to_string (action), id, NULL, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

static gboolean
update_record (CrmCall  *call,
               GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(PGresult) current = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(JsonObject) changes_before = json_object_new ();
  g_autoptr(JsonObject) changes_after = json_object_new ();
  g_autoptr(GString) sets = g_string_new ("");
  gboolean allowed, db_ok;
  gint64 id, version, stored_version, owner;
  Params p;

  if (!crm_call_require (call, resource->object, CRM_ACTION_UPDATE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  if (!crm_call_get_if_match (call, &version))
    return TRUE;
  current = fetch_for_change (call, resource, CRM_ACTION_UPDATE, id, error);
  if (current == NULL)
    return !(error != NULL && *error != NULL);
  before = record_for_caller (call, resource, PQgetvalue (current, 0, 0), error);
  if (before == NULL)
    return FALSE;
  owner = owner_of (current, 0);

  if (!validate_body (call, resource, body, FALSE, &db_ok, error))
    return db_ok;

  /* Outside the update scope only the assign scope got us here: owner changes only. */
  if (!row_in_scope (call, resource, CRM_ACTION_UPDATE, owner))
    {
      g_autoptr(GList) members = json_object_get_members (body);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const CrmResourceField *field = find_field (resource, l->data);

          if (field != NULL && (field->flags & CRM_RESOURCE_FIELD_OWNER) == 0)
            return crm_call_deny (call, resource->object, "update", id, NULL, error);
        }
    }

  stored_version = json_object_get_int_member (json_node_get_object (before), "version");
  if (stored_version != version)
    {
      crm_call_reply_conflict (call, "Someone else changed this record; here is the current version",
                               before);
      return TRUE;
    }

  params_init (&p);
  for (guint i = 0; i < resource->n_fields; i++)
    {
      const CrmResourceField *field = &resource->fields[i];
      g_autofree char *value = NULL;

      if (!json_object_has_member (body, field->name))
        continue;
      if ((field->flags & CRM_RESOURCE_FIELD_OWNER) != 0)
        {
          gint64 new_owner = body_owner (resource, body, owner);

          /* Handing a record over: the assign scope must cover it, or the caller may
           * write the field and keeps the record within their update scope. */
          if (new_owner != owner
              && !row_in_scope (call, resource, CRM_ACTION_ASSIGN, owner)
              && !(crm_call_get_field_access (call, resource->object, field->name)
                     == CRM_FIELD_ACCESS_WRITE
                   && row_in_scope (call, resource, CRM_ACTION_UPDATE, new_owner)))
            {
              params_clear (&p);
              return crm_call_deny (call, resource->object, "assign", id, field->name, error);
            }
        }
      if (!value_for_column (call, resource, field, body, &value, error))
        {
          params_clear (&p);
          return FALSE;
        }
      g_string_append_printf (sets, "%s%s = $%u%s", sets->len ? ", " : "", field->name,
                              params_add (&p, value), cast_for (field->type));
    }

  if (sets->len == 0)
    {
      params_clear (&p);
      crm_call_reply (call, 200, before);
      return TRUE;
    }
  {
    g_autofree char *returning = returning_list (resource);

    g_string_append_printf (p.sql, "WITH r AS (UPDATE %s SET %s WHERE id = $%u::bigint RETURNING %s)\n",
                            resource->table, sets->str,
                            params_add (&p, crm_call_get_param (call, "id")), returning);
  }
  append_select (p.sql, resource, "r");
  result = params_exec (call, &p, error);
  params_clear (&p);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, "No such record");
      return TRUE;
    }
  after = record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
  if (after == NULL || !update_blind_indexes (call, resource, id, body, error))
    return FALSE;

  {
    g_autoptr(JsonNode) audit_before = record_for_audit (call, resource, before);
    g_autoptr(JsonNode) audit_after = record_for_audit (call, resource, after);
    JsonObject *b = json_node_get_object (audit_before);
    JsonObject *a = json_node_get_object (audit_after);
    g_autoptr(JsonObject) object = json_object_new ();

    for (guint i = 0; i < resource->n_fields; i++)
      {
        const char *name = resource->fields[i].name;
        JsonNode *old_value = json_object_get_member (b, name);
        JsonNode *new_value = json_object_get_member (a, name);

        if (!json_object_has_member (body, name))
          continue;
        if (old_value != NULL && new_value != NULL && json_node_equal (old_value, new_value)
            && !is_sensitive (call, resource, name))
          continue;
        json_object_set_member (changes_before, name,
                                old_value ? json_node_copy (old_value) : json_node_new (JSON_NODE_NULL));
        json_object_set_member (changes_after, name,
                                new_value ? json_node_copy (new_value) : json_node_new (JSON_NODE_NULL));
      }
    json_object_set_object_member (object, "before", json_object_ref (changes_before));
    json_object_set_object_member (object, "after", json_object_ref (changes_after));
    detail = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (detail, object);
  }
  if (!crm_call_audit (call, "update", crm_object_to_string (resource->object), id, "ok", detail,
                       error))
    return FALSE;
  crm_call_reply (call, 200, after);
  return TRUE;
}

static gboolean
delete_record (CrmCall  *call,
               GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  g_autoptr(PGresult) current = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *id_text = NULL;
  gboolean allowed;
  gint64 id;
  const char *params[1];

  if (!crm_call_require (call, resource->object, CRM_ACTION_DELETE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  current = fetch_for_change (call, resource, CRM_ACTION_DELETE, id, error);
  if (current == NULL)
    return !(error != NULL && *error != NULL);
  before = record_for_caller (call, resource, PQgetvalue (current, 0, 0), error);
  if (before == NULL)
    return FALSE;

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  params[0] = id_text;
  g_string_append_printf (sql, "DELETE FROM %s WHERE id = $1::bigint RETURNING id", resource->table);
  result = crm_call_exec (call, sql->str, 1, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, "No such record");
      return TRUE;
    }
  {
    static const char bidx_sql[] =
      "DELETE FROM blind_indexes WHERE object = $1 AND record_id = $2::bigint";
    const char *bidx_params[] = { crm_object_to_string (resource->object), id_text };
    g_autoptr(PGresult) cleared = crm_call_exec (call, bidx_sql, 2, bidx_params, error);

    if (cleared == NULL)
      return FALSE;
  }
  detail = json_node_new (JSON_NODE_OBJECT);
  {
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_member (object, "before", record_for_audit (call, resource, before));
    json_node_set_object (detail, object);
  }
  if (!crm_call_audit (call, "delete", crm_object_to_string (resource->object), id, "ok", detail,
                       error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

void
crm_resource_list (CrmRequest        *request,
                   const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, list_records, resource);
}

void
crm_resource_get (CrmRequest        *request,
                  const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, get_record, resource);
}

void
crm_resource_create (CrmRequest        *request,
                     const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, create_record, resource);
}

void
crm_resource_update (CrmRequest        *request,
                     const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, update_record, resource);
}

void
crm_resource_delete (CrmRequest        *request,
                     const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, delete_record, resource);
}

/**
 * crm_resource_reseal_field:
 * @seal: %TRUE to leave every stored value encrypted under the current key (clear ones
 *   and those of older keys, each with its blind index); %FALSE to decrypt them back and
 *   drop the index, for a field no longer sensitive
 * @n_changed: (out) (optional): how many values were rewritten
 *
 * Rewrites the stored values of one field on @conn, in the caller's transaction. A
 * value counts as sealed only if it decrypts (a GCM token cannot be forged), so a clear
 * value that merely looks like a token is sealed too. Fields without a text column of
 * that name (objects without a table yet) have nothing stored and succeed.
 */
gboolean
crm_resource_reseal_field (PGconn        *conn,
                           CrmSecretBox  *box,
                           const char    *object_name,
                           const char    *field,
                           gboolean       seal,
                           guint         *n_changed,
                           GError       **error)
{
  static const char column_sql[] =
    "SELECT 1 FROM information_schema.columns\n"
    "WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2\n"
    "  AND data_type = 'text'";
  static const char unindex_sql[] =
    "DELETE FROM blind_indexes WHERE object = $1 AND field = $2";
  const char *params[] = { object_name, field };
  g_autoptr(PGresult) column = NULL;
  g_autoptr(PGresult) rows = NULL;
  g_autofree char *context = g_strdup_printf ("%s.%s", object_name, field);
  g_autofree char *select_sql = NULL;
  g_autofree char *update_sql = NULL;
  char *table, *quoted;
  guint changed = 0;

  if (n_changed != NULL)
    *n_changed = 0;
  column = crm_db_exec (conn, column_sql, 2, params, error);
  if (column == NULL)
    return FALSE;
  if (PQntuples (column) == 0)
    return TRUE;
  table = PQescapeIdentifier (conn, object_name, strlen (object_name));
  quoted = PQescapeIdentifier (conn, field, strlen (field));
  select_sql = g_strdup_printf ("SELECT id, %s FROM %s WHERE %s IS NOT NULL FOR UPDATE",
                                quoted, table, quoted);
  update_sql = g_strdup_printf ("UPDATE %s SET %s = $2 WHERE id = $1::bigint", table, quoted);
  PQfreemem (table);
  PQfreemem (quoted);
  rows = crm_db_exec (conn, select_sql, 0, NULL, error);
  if (rows == NULL)
    return FALSE;
  if (PQntuples (rows) > 0 && box == NULL)
    {
      g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_NOT_FOUND,
                           "No key file for sensitive fields");
      return FALSE;
    }
  if (!seal)
    {
      g_autoptr(PGresult) unindexed = crm_db_exec (conn, unindex_sql, 2, params, error);

      if (unindexed == NULL)
        return FALSE;
    }
  for (int r = 0; r < PQntuples (rows); r++)
    {
      const char *id = PQgetvalue (rows, r, 0);
      const char *stored = PQgetvalue (rows, r, 1);
      g_autofree char *plain = crm_secret_box_decrypt (box, stored, context, NULL);
      g_autofree char *sealed = NULL;
      g_autoptr(PGresult) updated = NULL;

      if (!seal)
        {
          /* Only what decrypts is ours; anything else was stored in clear already. */
          if (plain == NULL)
            continue;
        }
      else
        {
          g_autofree char *digest = NULL;
          g_autoptr(PGresult) indexed = NULL;

          if (plain != NULL
              && crm_secret_box_token_get_key_id (stored) == crm_secret_box_get_current_key_id (box))
            continue;
          if (plain == NULL)
            plain = g_strdup (stored);
          sealed = crm_secret_box_encrypt (box, plain, context, error);
          if (sealed == NULL)
            return FALSE;
          digest = crm_secret_box_blind_index (box, plain, context);
          if (!store_blind_index (conn, object_name, field, id, digest, error))
            return FALSE;
        }
      {
        const char *update_params[] = { id, seal ? sealed : plain };

        updated = crm_db_exec (conn, update_sql, 2, update_params, error);
      }
      sodium_memzero (plain, strlen (plain));
      if (updated == NULL)
        return FALSE;
      changed++;
    }
  if (n_changed != NULL)
    *n_changed = changed;
  return TRUE;
}
