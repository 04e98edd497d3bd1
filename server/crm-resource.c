/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-resource"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "crm-api-paths.h"
#include "crm-json.h"
#include "crm-resource.h"
#include "crm-secret-box.h"
#include "crm-server.h"
#include "crm-validate.h"

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
#define MAX_BATCH 1000
/* ?offset= reaches this far at most: a jump walks the sort index up to there (the
 * error message says the number too). */
#define MAX_OFFSET 10000000
/* A count stops here and says so ("capped"): counting a million rows takes a second. */
#define COUNT_CAP 10000

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
    case CRM_RESOURCE_INTEGER:
      return "::bigint";
    case CRM_RESOURCE_TIMESTAMP:
      return "::timestamptz";
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
 * @stored in clear: decrypted when it is a token of @box's (*@sealed TRUE), else as it is
 * (a value stored before its field turned sensitive, even one that merely looks like a
 * token, or a value with no @box to open it). A token of a key @box does not have (rotated
 * by another process) is taken as it is too, and said in @key_error for whoever would
 * rather hide it.
 */
static char *
open_value (CrmSecretBox  *box,
            const char    *stored,
            const char    *context,
            gboolean      *sealed,
            GError       **key_error)
{
  g_autoptr(GError) error = NULL;
  char *plain = box != NULL ? crm_secret_box_decrypt (box, stored, context, &error) : NULL;

  if (sealed != NULL)
    *sealed = plain != NULL;
  if (plain != NULL)
    return plain;
  if (g_error_matches (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_UNKNOWN_KEY))
    g_propagate_error (key_error, g_steal_pointer (&error));
  return g_strdup (stored);
}

/* @plain sealed for the sensitive field @field (custom ones as custom_KEY), or %NULL with
 * @error set: also when the server has no key file. */
static char *
seal_value (CrmCall           *call,
            const CrmResource *resource,
            const char        *field,
            const char        *plain,
            GError           **error)
{
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  g_autofree char *context = context_for (resource, field);

  if (box == NULL)
    {
      g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_NOT_FOUND,
                           "No key file for sensitive fields");
      return NULL;
    }
  return crm_secret_box_encrypt (box, plain, context, error);
}

/*
 * `jsonb_build_object ('id', r.id, …)` of the columns the caller may read (the others are
 * never fetched: this is where a record leaves out the fields hidden from the caller),
 * plus the owner as column 2, the text of @sort_column (or NULL) as column 3 and the id
 * as column 4, from @source: the table aliased r, or a CTE named r.
 */
static void
append_select_sorted (GString           *sql,
                      CrmCall           *call,
                      const CrmResource *resource,
                      const char        *source,
                      const char        *sort_column)
{
  g_string_append (sql, "SELECT jsonb_build_object ('id', r.id, 'version', r.version, "
                        "'created_at', r.created_at, 'updated_at', r.updated_at");
  for (guint i = 0; i < resource->n_fields; i++)
    if (crm_call_get_field_access (call, resource->object, resource->fields[i].name)
        != CRM_FIELD_ACCESS_NONE)
      {
        g_string_append (sql, ", '");
        g_string_append (sql, resource->fields[i].name);
        g_string_append (sql, "', r.");
        g_string_append (sql, resource->fields[i].name);
      }
  g_string_append_printf (sql, ")::text, %s, r.%s::text, r.id\nFROM %s\n",
                          resource->owner_sql != NULL ? resource->owner_sql : "NULL::bigint",
                          sort_column != NULL ? sort_column : "id", source);
}

static void
append_select (GString           *sql,
               CrmCall           *call,
               const CrmResource *resource,
               const char        *source)
{
  append_select_sorted (sql, call, resource, source, NULL);
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

/*
 * A record owned through a parent (a contact through its customer) names the parent in
 * the detail of its audited create, update and delete, so that the parent's timeline finds
 * the change (sql/0032-follow-ups-of-the-customer.sql) after the record is gone.
 */
static void
add_parent_to_detail (const CrmResource *resource,
                      JsonNode          *record,
                      JsonNode          *detail)
{
  JsonNode *parent;

  if (resource->parent_field == NULL || record == NULL || !JSON_NODE_HOLDS_OBJECT (record))
    return;
  parent = json_object_get_member (json_node_get_object (record), resource->parent_field);
  if (parent != NULL && JSON_NODE_HOLDS_VALUE (parent))
    json_object_set_member (json_node_get_object (detail), resource->parent_field,
                            json_node_copy (parent));
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
 * Whether the caller may hand a record of @owner over to @new_owner: the assign scope
 * covers both (a manager within their team, an administrator anyone), or the caller may
 * write the owner field and both lie within their update scope. The customers_update
 * policy (sql/0024-assign-within-scope.sql) is the second wall of the same rule.
 */
static gboolean
may_assign (CrmCall           *call,
            const CrmResource *resource,
            const char        *owner_field,
            gint64             owner,
            gint64             new_owner)
{
  if (new_owner == owner)
    return TRUE;
  if (row_in_scope (call, resource, CRM_ACTION_ASSIGN, owner)
      && row_in_scope (call, resource, CRM_ACTION_ASSIGN, new_owner))
    return TRUE;
  return crm_call_get_field_access (call, resource->object, owner_field) == CRM_FIELD_ACCESS_WRITE
         && row_in_scope (call, resource, CRM_ACTION_UPDATE, owner)
         && row_in_scope (call, resource, CRM_ACTION_UPDATE, new_owner);
}

/* Why may_assign () said no, for the caller: a manager hears that their team is the bound. */
static const char *
assign_refusal (CrmCall           *call,
                const CrmResource *resource)
{
  CrmScope scope = crm_call_get_scope (call, resource->object, CRM_ACTION_ASSIGN);

  if (scope == CRM_SCOPE_NONE)
    scope = crm_call_get_scope (call, resource->object, CRM_ACTION_UPDATE);
  return scope == CRM_SCOPE_TEAM ? N_("You may give records only to members of your team")
                                 : N_("You may not give records to this user");
}

/* Refuses handing record @id over (403, the denial audited), saying why beside the owner. */
static gboolean
deny_assign (CrmCall           *call,
             const CrmResource *resource,
             gint64             id,
             const char        *owner_field,
             GError           **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  const char *message = crm_call_translate (call, assign_refusal (call, resource));

  if (!crm_call_deny_quietly (call, resource->object, "assign", id, owner_field, error))
    return FALSE;
  json_object_set_string_member (fields, owner_field, message);
  body = crm_api_error_body_new (CRM_API_ERROR_FORBIDDEN, message, fields);
  crm_call_reply (call, 403, body);
  return TRUE;
}

/*
 * A sensitive field's stored value @stored as the caller sees it (open_value ()): not a
 * token of ours (a value typed before the field turned sensitive that merely looks like
 * one) as stored; a token of an unknown key (rotated by another process) %NULL, hidden
 * rather than shown as gibberish.
 */
static char *
open_for_caller (const CrmResource *resource,
                 CrmSecretBox      *box,
                 const char        *field,
                 const char        *stored,
                 gboolean          *sealed)
{
  g_autofree char *context = context_for (resource, field);
  g_autoptr(GError) key_error = NULL;
  g_autofree char *plain = open_value (box, stored, context, sealed, &key_error);

  if (key_error != NULL)
    {
      g_warning ("Cannot decrypt %s of a %s record: %s; restart after rotate-key", field,
                 crm_object_to_string (resource->object), key_error->message);
      return NULL;
    }
  return g_steal_pointer (&plain);
}

/* A custom value's field name in policies and contexts: "custom_<key>". */
static char *
custom_field_name (const char *key)
{
  return g_strdup_printf ("custom_%s", key);
}

/* Custom values as the caller may see them: restricted ones left out, sensitive ones
 * (stored as a token of their JSON text) decrypted. */
static void
custom_for_caller (CrmCall           *call,
                   const CrmResource *resource,
                   JsonObject        *custom)
{
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  g_autoptr(GList) members = json_object_get_members (custom);

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *name = custom_field_name (l->data);
      const char *stored = crm_json_get_string (custom, l->data);

      if (crm_call_get_field_access (call, resource->object, name) == CRM_FIELD_ACCESS_NONE)
        {
          json_object_remove_member (custom, l->data);
          continue;
        }
      if (stored != NULL && g_str_has_prefix (stored, "v1:") && box != NULL
          && is_sensitive (call, resource, name))
        {
          gboolean sealed;
          g_autofree char *plain = open_for_caller (resource, box, name, stored, &sealed);
          JsonNode *value = plain != NULL && sealed ? json_from_string (plain, NULL) : NULL;

          /* Sealed, the token of its JSON text; else a value from before the field turned
           * sensitive, as it is. */
          if (value != NULL)
            json_object_set_member (custom, l->data, value);
          else if (plain != NULL && !sealed)
            json_object_set_string_member (custom, l->data, plain);
          else
            json_object_set_null_member (custom, l->data);
        }
    }
}

/*
 * A stored row (from append_select (), so without the fields the caller may not read) as
 * the caller may see it: sensitive values decrypted, hidden custom values left out.
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
      const char *stored = crm_json_get_string (object, name);

      if (stored != NULL && g_str_has_prefix (stored, "v1:") && box != NULL
          && is_sensitive (call, resource, name))
        {
          g_autofree char *plain = open_for_caller (resource, box, name, stored, NULL);

          if (plain != NULL)
            json_object_set_string_member (object, name, plain);
          else
            json_object_set_null_member (object, name);
        }
    }
  if (crm_json_get_type (object, "custom") == CRM_JSON_OBJECT)
    custom_for_caller (call, resource, json_object_get_object_member (object, "custom"));
  return g_steal_pointer (&node);
}

/*
 * Appends row @row of @result (from append_select ()) as the caller may see it, as JSON
 * text. Usually the row's text is that already (its columns restricted, nothing to
 * decrypt, no custom value hidden) and is copied as it is; otherwise through
 * record_for_caller ().
 */
static gboolean
append_record_for_caller (CrmCall           *call,
                          const CrmResource *resource,
                          PGresult          *result,
                          int                row,
                          GString           *out,
                          GError           **error)
{
  CrmReadNeeds needs = crm_call_get_read_needs (call, resource->object);
  const char *text = PQgetvalue (result, row, 0);
  g_autoptr(JsonNode) record = NULL;

  /* A sensitive value is stored as a "v1:…" token; a row without one has none. */
  if ((needs & CRM_READ_HIDDEN_CUSTOM) == 0
      && ((needs & CRM_READ_SENSITIVE) == 0 || strstr (text, "\"v1:") == NULL))
    {
      g_string_append_len (out, text, PQgetlength (result, row, 0));
      return TRUE;
    }
  record = record_for_caller (call, resource, text, error);
  if (record == NULL)
    return FALSE;
  crm_json_append (out, record);
  return TRUE;
}

/* @text as bytes of its exact length: a GString's buffer is rounded up to a power of two,
 * which a reply waiting to be sent would keep. */
static GBytes *
bytes_from_string (GString *text)
{
  gsize length = text->len;
  char *data = g_string_free (text, FALSE);

  return g_bytes_new_take (g_realloc (data, length + 1), length);
}

/* The record for the audit log: sensitive values replaced, never written in clear. */
static JsonNode *
record_for_audit (CrmCall           *call,
                  const CrmResource *resource,
                  JsonNode          *record)
{
  /* A deep copy: json_node_copy () would share the object with the reply. */
  g_autofree char *text = crm_json_to_string (record);
  JsonNode *copy = json_from_string (text, NULL);
  JsonObject *object = json_node_get_object (copy);

  for (guint i = 0; i < resource->n_fields; i++)
    if (is_sensitive (call, resource, resource->fields[i].name)
        && json_object_has_member (object, resource->fields[i].name)
        && crm_json_get_type (object, resource->fields[i].name) != CRM_JSON_ABSENT)
      json_object_set_string_member (object, resource->fields[i].name, REDACTED);
  if (crm_json_get_type (object, "custom") == CRM_JSON_OBJECT)
    {
      JsonObject *custom = json_object_get_object_member (object, "custom");
      g_autoptr(GList) members = json_object_get_members (custom);

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *name = custom_field_name (l->data);

          if (is_sensitive (call, resource, name)
              && crm_json_get_type (custom, l->data) != CRM_JSON_ABSENT)
            json_object_set_string_member (custom, l->data, REDACTED);
        }
    }
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
parse_offset (const char *text,
              guint64    *offset)
{
  char *end = NULL;

  *offset = 0;
  if (text == NULL)
    return TRUE;
  errno = 0;
  *offset = g_ascii_strtoull (text, &end, 10);
  return errno == 0 && end != text && *end == '\0' && g_ascii_isdigit (*text)
         && *offset <= MAX_OFFSET;
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

/**
 * crm_resource_cursor_encode:
 * @array: the values of a keyset cursor
 *
 * Returns: (transfer full): the opaque text of a cursor: base64 of @array as JSON
 */
char *
crm_resource_cursor_encode (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;

  json_node_set_array (node, array);
  text = crm_json_to_string (node);
  return g_base64_encode ((const guchar *) text, strlen (text));
}

/**
 * crm_resource_cursor_decode:
 * @cursor: the text of a cursor from crm_resource_cursor_encode ()
 * @n_values: how many values it must hold
 *
 * Returns: (transfer full) (nullable): its values, or %NULL if it is not a cursor
 */
JsonArray *
crm_resource_cursor_decode (const char *cursor,
                            guint       n_values)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  for (const char *c = cursor; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '+' && *c != '/' && *c != '=')
      return NULL;
  decoded = g_base64_decode (cursor, &len);
  text = g_strndup ((const char *) decoded, len);
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (json_node_get_array (node)) != n_values)
    return NULL;
  return json_array_ref (json_node_get_array (node));
}

/* A cursor: the id alone when sorted by id, else base64 of `[sort value, id]`. */
static char *
cursor_new (const char *sort_value,
            gint64      id)
{
  g_autoptr(JsonArray) array = NULL;

  if (sort_value == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, id);
  array = json_array_new ();
  json_array_add_string_element (array, sort_value);
  json_array_add_int_element (array, id);
  return crm_resource_cursor_encode (array);
}

static gboolean
cursor_parse (const char  *cursor,
              gboolean     by_id,
              char       **sort_value,
              char       **id)
{
  g_autoptr(JsonArray) array = NULL;
  char *end = NULL;

  *sort_value = NULL;
  *id = NULL;
  if (by_id)
    {
      errno = 0;
      (void) g_ascii_strtoll (cursor, &end, 10);
      if (errno != 0 || end == cursor || *end != '\0')
        return FALSE;
      *id = g_strdup (cursor);
      return TRUE;
    }
  array = crm_resource_cursor_decode (cursor, 2);
  if (array == NULL
      || json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_STRING
      || json_node_get_value_type (json_array_get_element (array, 1)) != G_TYPE_INT64)
    return FALSE;
  *sort_value = g_strdup (json_array_get_string_element (array, 0));
  *id = g_strdup_printf ("%" G_GINT64_FORMAT, json_array_get_int_element (array, 1));
  return TRUE;
}

typedef struct
{
  const CrmResourceField *field;  /* NULL: by id */
  gboolean                descending;
  const char             *column;
  const char             *cast;
  const char             *collate;  /* after the column: its order, "" for the column's */
} Sort;

static gboolean
parse_sort (const CrmResource *resource,
            const char        *text,
            Sort              *sort)
{
  static const CrmResourceField created_at = { "created_at", CRM_RESOURCE_TIMESTAMP,
                                               CRM_RESOURCE_FIELD_READ_ONLY, NULL, 0, 0 };
  static const CrmResourceField updated_at = { "updated_at", CRM_RESOURCE_TIMESTAMP,
                                               CRM_RESOURCE_FIELD_READ_ONLY, NULL, 0, 0 };
  const char *name;

  memset (sort, 0, sizeof *sort);
  sort->column = "id";
  sort->collate = "";
  if (text == NULL)
    text = resource->default_sort;
  if (text == NULL || g_str_equal (text, "id"))
    return TRUE;
  sort->descending = text[0] == '-';
  name = sort->descending ? text + 1 : text;
  if (g_str_equal (name, "id"))
    return TRUE;
  if (resource->default_sort != NULL && g_str_equal (name, "created_at"))
    sort->field = &created_at;
  else if (resource->default_sort != NULL && g_str_equal (name, "updated_at"))
    sort->field = &updated_at;
  else
    {
      sort->field = find_field (resource, name);
      if (sort->field == NULL || (sort->field->flags & CRM_RESOURCE_FIELD_SORT) == 0)
        return FALSE;
    }
  sort->column = sort->field->name;
  sort->cast = sort->field->type == CRM_RESOURCE_TIMESTAMP ? "::timestamptz" : "";
  /* The same words in the search pages' SQL (rapport_sort_key (), 0037). */
  if (sort->field->flags & CRM_RESOURCE_FIELD_SORT_PINYIN)
    sort->collate = " COLLATE \"zh-x-icu\"";
  return TRUE;
}

static gboolean
is_date_or_time (const char *text,
                 gboolean    end_of_day,
                 char      **normalized)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  int y, m, d;
  char tail;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen (text) == 10)
    {
      if (!g_date_valid_dmy (d, m, y))
        return FALSE;
      time = g_date_time_new (utc, y, m, d, 0, 0, 0);
      if (end_of_day)
        {
          GDateTime *next = g_date_time_add_days (time, 1);

          g_date_time_unref (time);
          time = next;
        }
    }
  else
    time = g_date_time_new_from_iso8601 (text, utc);
  if (time == NULL)
    return FALSE;
  *normalized = g_date_time_format_iso8601 (time);
  return TRUE;
}

static void
reply_bad_parameter (CrmCall    *call,
                     const char *name)
{
  g_autofree char *message = crm_call_dup_printf (call, N_("Cannot filter by “%s” with that value"),
                                                  name);

  crm_call_reply_literal_error (call, CRM_API_ERROR_MALFORMED, message);
}

/*
 * A search page: with a resource's search_page_function, ?q= alone (no other filter) is
 * matched in the list's order after its cursor, and the match stops after @limit rows
 * (a list's page, a count's cap) instead of answering every match to the query around it.
 */
typedef struct
{
  guint       limit;
  const char *sort_column;  /* NULL: any order (a count) */
  gboolean    descending;
  const char *after_value;  /* the cursor's sort value, NULL without one or by id */
  const char *after_id;     /* the cursor's id, NULL without a cursor */
} SearchPage;

/* The parameters of a list or count that are not filters. */
static const char * const paging[] = { "after", "offset", "limit", "sort", "q", "deleted",
                                       NULL };

/* Whether the query string holds nothing but the search, paging and the recycle bin. */
static gboolean
is_search_only (CrmCall *call)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, crm_call_get_query_table (call));
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_strv_contains (paging, key))
      return FALSE;
  return TRUE;
}

/*
 * The WHERE clause of a list or count from the query string into @p (which already
 * holds the SELECT), noting each filter in @filters for the audit log. Sets a 400 or
 * 403 reply and returns FALSE on a bad parameter. With @page (nullable), a search alone
 * is matched a page at a time (SearchPage). Without @search, the search (`q`) is left
 * out: the rows it searches.
 */
static gboolean
append_where_full (CrmCall           *call,
                   const CrmResource *resource,
                   Params            *p,
                   JsonObject        *filters,
                   const SearchPage  *page,
                   gboolean           search)
{
  GHashTable *query = crm_call_get_query_table (call);
  const char *q = crm_call_get_query (call, "q");
  const char *deleted = crm_call_get_query (call, "deleted");
  GHashTableIter iter;
  gpointer key, value;

  g_string_append (p->sql, "WHERE true\n");
  if (resource->soft_delete)
    {
      if (deleted != NULL && g_str_equal (deleted, "true"))
        {
          if (crm_call_get_scope (call, resource->object, CRM_ACTION_DELETE) != CRM_SCOPE_ALL)
            {
              crm_call_reply_error (call, CRM_API_ERROR_FORBIDDEN,
                                    N_("Only administrators may open the recycle bin"));
              return FALSE;
            }
          g_string_append (p->sql, "  AND r.deleted_at IS NOT NULL\n");
          json_object_set_boolean_member (filters, "deleted", TRUE);
        }
      else
        g_string_append (p->sql, "  AND r.deleted_at IS NULL\n");
    }

  /* The read policy's scope once more, in a form an index serves: row-level security
   * tests the owner through current_setting (), which no index matches, so a sales rep's
   * list or count would otherwise read every row. The policy still applies. */
  if (resource->owner_sql != NULL && g_str_equal (resource->owner_sql, "r.owner_id"))
    {
      const CrmPrincipal *principal = crm_call_get_principal (call);

      switch (crm_call_get_scope (call, resource->object, CRM_ACTION_READ))
        {
        case CRM_SCOPE_OWN:
          {
            g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, principal->user_id);

            g_string_append_printf (p->sql, "  AND r.owner_id = $%u::bigint\n",
                                    params_add (p, id));
          }
          break;
        case CRM_SCOPE_TEAM:
          {
            g_autofree char *ids = g_strdup_printf ("{%" G_GINT64_FORMAT "%s%s}",
                                                    principal->user_id,
                                                    *principal->team_members ? "," : "",
                                                    principal->team_members);

            g_string_append_printf (p->sql, "  AND r.owner_id = ANY ($%u::bigint[])\n",
                                    params_add (p, ids));
          }
          break;
        case CRM_SCOPE_ALL:
        case CRM_SCOPE_NONE:
        default:
          break;
        }
    }

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *name = key;
      const char *text = value;
      const CrmResourceField *field;

      if (g_strv_contains (paging, name))
        continue;
      if (g_str_has_prefix (name, "created_") || g_str_has_prefix (name, "updated_"))
        {
          gboolean from = g_str_has_suffix (name, "_from");
          g_autofree char *column = g_strndup (name, strlen ("created_"));
          g_autofree char *bound = NULL;

          if ((!from && !g_str_has_suffix (name, "_to"))
              || strlen (name) != strlen ("created_") + (from ? 4 : 2)
              || !is_date_or_time (text, !from, &bound))
            {
              reply_bad_parameter (call, name);
              return FALSE;
            }
          g_string_append_printf (p->sql, "  AND r.%sat %s $%u::timestamptz\n", column,
                                  from ? ">=" : "<", params_add (p, bound));
          json_object_set_string_member (filters, name, text);
          continue;
        }
      if (g_str_has_prefix (name, "custom."))
        {
          const char *custom_key = name + strlen ("custom.");
          guint kn, vn;

          if (find_field (resource, "custom") == NULL || !g_regex_match_simple (
                "^[a-z][a-z0-9_]{0,50}$", custom_key, 0, 0))
            {
              reply_bad_parameter (call, name);
              return FALSE;
            }
          kn = params_add (p, custom_key);
          /* the value as text, or a member of a multiple choice */
          vn = params_add (p, text);
          g_string_append_printf (p->sql,
                                  "  AND (r.custom ->> $%u = $%u OR r.custom -> $%u ? $%u)\n",
                                  kn, vn, kn, vn);
          json_object_set_string_member (filters, name, text);
          continue;
        }
      field = find_field (resource, name);
      /* ?tag=1,4 reads better than ?tags=1,4 */
      if (field == NULL && g_str_equal (name, "tag"))
        for (guint i = 0; i < resource->n_fields; i++)
          if (resource->fields[i].type == CRM_RESOURCE_TAGS)
            field = &resource->fields[i];
      if (field == NULL || (field->flags & CRM_RESOURCE_FIELD_FILTER) == 0
          || crm_call_get_field_access (call, resource->object, field->name)
               == CRM_FIELD_ACCESS_NONE)
        {
          g_autofree char *message = crm_call_dup_printf (call, N_("Cannot filter by “%s”"), name);

          crm_call_reply_literal_error (call, CRM_API_ERROR_MALFORMED, message);
          return FALSE;
        }
      json_object_set_string_member (filters, name,
                                     is_sensitive (call, resource, name) ? REDACTED : text);
      /* The rows without a value (a sealed value is NULL as well when there is none). */
      if ((field->flags & CRM_RESOURCE_FIELD_FILTER_NONE) != 0
          && g_str_equal (text, CRM_API_FILTER_NONE))
        {
          g_string_append_printf (p->sql, "  AND r.%s IS NULL\n", field->name);
          continue;
        }
      if (is_sensitive (call, resource, name))
        {
          if (!blind_index_lookup (call, resource, name, text, p))
            g_string_append (p->sql, "  AND false\n");
          continue;
        }
      switch (field->type)
        {
        case CRM_RESOURCE_ID:
        case CRM_RESOURCE_INTEGER:
          {
            char *end = NULL;

            errno = 0;
            (void) g_ascii_strtoll (text, &end, 10);
            if (errno != 0 || end == text || *end != '\0')
              {
                reply_bad_parameter (call, name);
                return FALSE;
              }
          }
          break;
        case CRM_RESOURCE_BOOLEAN:
          if (!g_str_equal (text, "true") && !g_str_equal (text, "false"))
            {
              reply_bad_parameter (call, name);
              return FALSE;
            }
          break;
        case CRM_RESOURCE_TAGS:
          {
            g_auto(GStrv) ids = g_strsplit (text, ",", -1);
            g_autoptr(GString) array = g_string_new ("{");

            for (guint i = 0; ids[i] != NULL; i++)
              {
                char *end = NULL;

                errno = 0;
                (void) g_ascii_strtoll (ids[i], &end, 10);
                if (errno != 0 || end == ids[i] || *end != '\0')
                  {
                    reply_bad_parameter (call, name);
                    return FALSE;
                  }
                g_string_append_printf (array, "%s%s", i ? "," : "", ids[i]);
              }
            g_string_append_c (array, '}');
            g_string_append_printf (p->sql, "  AND r.%s @> $%u::bigint[]\n", field->name,
                                    params_add (p, array->str));
          }
          continue;
        default:
          break;
        }
      g_string_append_printf (p->sql, "  AND r.%s = $%u%s\n", field->name, params_add (p, text),
                              cast_for (field->type));
    }

  if (search && q != NULL && *q != '\0')
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (q));
      guint n = params_add (p, trimmed);

      json_object_set_string_member (filters, "q", q);
      /* The matching ids as one array, computed once (an InitPlan): as "r.id IN (SELECT
       * f ())" the planner could rescan the function for every row of the caller's scope,
       * which it did with statistics from before a bulk import (10,001 rows: the search
       * ran 10,001 times, past the 30 s statement timeout; issue 4). */
      /* One character: its match has no index and no estimate worth planning a walk of
       * the sort order with, so every match first, as before. */
      if (page != NULL && resource->search_page_function != NULL && is_search_only (call)
          && g_utf8_strlen (trimmed, -1) >= 2)
        {
          g_autofree char *limit = g_strdup_printf ("%u", page->limit);
          guint ln = params_add (p, limit);
          guint dn = params_add (p, deleted != NULL && g_str_equal (deleted, "true")
                                      ? "true" : "false");
          guint sn = params_add (p, page->sort_column);
          guint on = params_add (p, page->descending ? "true" : "false");
          guint vn = params_add (p, page->after_value);
          guint in = params_add (p, page->after_id);

          g_string_append_printf (p->sql,
                                  "  AND r.id = ANY (ARRAY (SELECT %s ($%u, $%u::integer, "
                                  "$%u::boolean, $%u, $%u::boolean, $%u, $%u::bigint)))\n",
                                  resource->search_page_function, n, ln, dn, sn, on, vn, in);
        }
      else if (resource->search_function != NULL)
        {
          g_string_append_printf (p->sql, "  AND r.id = ANY (ARRAY (SELECT %s ($%u)))\n",
                                  resource->search_function, n);
        }
      else
        {
          gboolean any = FALSE;

          g_string_append (p->sql, "  AND (");
          for (guint i = 0; i < resource->n_fields; i++)
            {
              if ((resource->fields[i].flags & CRM_RESOURCE_FIELD_SEARCH) == 0)
                continue;
              g_string_append_printf (p->sql, "%sstrpos (lower (r.%s), lower ($%u)) > 0",
                                      any ? " OR " : "", resource->fields[i].name, n);
              any = TRUE;
            }
          g_string_append (p->sql, any ? ")\n" : "false)\n");
        }
    }
  return TRUE;
}

static gboolean
append_where (CrmCall           *call,
              const CrmResource *resource,
              Params            *p,
              JsonObject        *filters,
              const SearchPage  *page)
{
  return append_where_full (call, resource, p, filters, page, TRUE);
}

/*
 * The keyset bound of a page in @sort's order: the rows after (@inclusive: from) the row
 * whose sort value and id are @value and @id. Sort fields are NOT NULL columns, so a row
 * comparison walks their index.
 */
static void
append_keyset_bound (Params      *p,
                     const Sort  *sort,
                     gboolean     inclusive,
                     const char  *value,
                     const char  *id)
{
  const char *compare = sort->descending ? (inclusive ? "<=" : "<") : (inclusive ? ">=" : ">");

  if (sort->field == NULL)
    g_string_append_printf (p->sql, "  AND r.id %s $%u::bigint\n", compare, params_add (p, id));
  else
    {
      guint vn = params_add (p, value);
      guint in = params_add (p, id);

      g_string_append_printf (p->sql, "  AND (r.%s%s, r.id) %s ($%u%s, $%u::bigint)\n",
                              sort->column, sort->collate, compare, vn, sort->cast, in);
    }
}

/* ORDER BY @sort, with the id breaking ties, and a newline. */
static void
append_order_by (GString    *sql,
                 const Sort *sort)
{
  const char *direction = sort->descending ? "DESC" : "ASC";

  if (sort->field == NULL)
    g_string_append_printf (sql, "ORDER BY r.id %s\n", direction);
  else
    g_string_append_printf (sql, "ORDER BY r.%s%s %s, r.id %s\n", sort->column, sort->collate,
                            direction, direction);
}

/*
 * ?offset=N, for a jump into the middle of a long list: the sort key of the Nth row
 * (a narrow query the sort index serves, without building the records it skips), then
 * the page from that key on, as a keyset page. The key becomes text outside the OFFSET:
 * inside, every row skipped was converted too (a quarter of a jump to the 500,000th
 * customer). Past the end, @end is how many rows the list has (else -1): the rows up to
 * the offset counted the same way, a second walk as long as the first, so that a client
 * that sized its list by an estimate learns the real end in one request.
 */
static gboolean
append_offset_start (CrmCall           *call,
                     const CrmResource *resource,
                     const Sort        *sort,
                     guint64            offset,
                     Params            *p,
                     gint64            *end,
                     GError           **error)
{
  g_autoptr(JsonObject) ignored = json_object_new ();
  g_autoptr(PGresult) result = NULL;
  g_autofree char *offset_text = g_strdup_printf ("%" G_GUINT64_FORMAT, offset);
  Params start;

  *end = -1;
  for (guint walk = 0; walk < 2; walk++)
    {
      params_init (&start);
      g_string_append_printf (start.sql,
                              walk == 0 ? "SELECT n.k::text, n.id::text FROM (SELECT r.%s AS k, "
                                          "r.id FROM %s r\n"
                                        : "SELECT count(*) FROM (SELECT r.%s AS k, r.id FROM "
                                          "%s r\n",
                              sort->column, resource->table);
      /* The parameters were checked once already, for the page itself. */
      (void) append_where (call, resource, &start, ignored, NULL);
      append_order_by (start.sql, sort);
      g_string_append_printf (start.sql, walk == 0 ? "OFFSET $%u::bigint LIMIT 1) n"
                                                   : "LIMIT $%u::bigint) n",
                              params_add (&start, offset_text));
      g_clear_pointer (&result, PQclear);
      result = params_exec (call, &start, error);
      params_clear (&start);
      if (result == NULL)
        return FALSE;
      if (walk == 1)
        *end = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      else if (PQntuples (result) > 0)
        break;
    }
  if (*end < 0)
    append_keyset_bound (p, sort, TRUE, PQgetvalue (result, 0, 0), PQgetvalue (result, 0, 1));
  else
    g_string_append (p->sql, "  AND false\n");
  return TRUE;
}

static gboolean
list_records (CrmCall  *call,
              GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  g_autoptr(GString) text = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(JsonObject) filters = json_object_new ();
  g_autoptr(PGresult) result = NULL;
  g_autofree char *next = NULL;
  g_autofree char *sort_value = NULL;
  g_autofree char *after_id = NULL;
  const char *after = crm_call_get_query (call, "after");
  gboolean allowed;
  guint64 offset;
  guint limit;
  guint n_items = 0;
  gint64 end = -1;  /* past the end by offset: the rows the list has */
  int n_rows;
  int last = -1;
  SearchPage page;
  Sort sort;
  Params p;

  if (!crm_call_require (call, resource->object, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (!parse_limit (crm_call_get_query (call, "limit"), &limit))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("limit must be between 1 and 500"));
      return TRUE;
    }
  /* Not by a field the caller may not read: the order, and the next page's cursor, which
   * carries the last row's value, would tell it. */
  if (!parse_sort (resource, crm_call_get_query (call, "sort"), &sort)
      || (crm_call_get_query (call, "sort") != NULL && sort.field != NULL
          && crm_call_get_field_access (call, resource->object, sort.field->name)
               == CRM_FIELD_ACCESS_NONE))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("Cannot sort by that"));
      return TRUE;
    }
  if (!parse_offset (crm_call_get_query (call, "offset"), &offset))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED,
                            N_("offset must be between 0 and 10000000"));
      return TRUE;
    }
  if (offset > 0 && after != NULL)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("Give either after or offset"));
      return TRUE;
    }
  if (after != NULL && !cursor_parse (after, sort.field == NULL, &sort_value, &after_id))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED,
                            N_("after must be a cursor from next"));
      return TRUE;
    }
  page.limit = limit + 1;
  page.sort_column = sort.column;
  page.descending = sort.descending;
  page.after_value = sort_value;
  page.after_id = after_id;

  params_init (&p);
  {
    g_autofree char *source = g_strdup_printf ("%s r", resource->table);

    append_select_sorted (p.sql, call, resource, source, sort.column);
  }
  /* A jump finds its start among every match (append_offset_start), so its page does
   * too: a search page would start at the beginning of the order. */
  if (!append_where (call, resource, &p, filters, offset > 0 ? NULL : &page))
    {
      params_clear (&p);
      return TRUE;
    }
  if (offset > 0)
    {
      if (!append_offset_start (call, resource, &sort, offset, &p, &end, error))
        {
          params_clear (&p);
          return FALSE;
        }
      json_object_set_int_member (filters, "offset", (gint64) offset);
    }
  if (after != NULL)
    {
      append_keyset_bound (&p, &sort, FALSE, sort_value, after_id);
      json_object_set_string_member (filters, "after", after);
    }
  append_order_by (p.sql, &sort);
  g_string_append_printf (p.sql, "LIMIT %u", limit + 1);
  if (sort.field != NULL)
    json_object_set_string_member (filters, "sort", crm_call_get_query (call, "sort") != NULL
                                                      ? crm_call_get_query (call, "sort")
                                                      : resource->default_sort);

  result = params_exec (call, &p, error);
  params_clear (&p);
  if (result == NULL)
    return FALSE;

  /* The reply is written as text row by row: `{"items":[…],"next":…}`. */
  n_rows = PQntuples (result);
  {
    gsize size = 256;

    for (int row = 0; row < n_rows; row++)
      size += PQgetlength (result, row, 0) + 1;
    text = g_string_sized_new (size);
  }
  g_string_append (text, "{\"items\":[");
  for (int row = 0; row < n_rows && n_items < limit; row++)
    {
      /* The first wall again, row by row: RLS should have kept these out already. */
      if (!row_in_scope (call, resource, CRM_ACTION_READ, owner_of (result, row)))
        continue;
      if (n_items > 0)
        g_string_append_c (text, ',');
      if (!append_record_for_caller (call, resource, result, row, text, error))
        return FALSE;
      last = row;
      n_items++;
    }
  /* A cursor is digits or base64: nothing in it needs escaping. */
  if (n_rows > (int) limit && last >= 0)
    {
      next = cursor_new (sort.field != NULL ? PQgetvalue (result, last, 2) : NULL,
                         g_ascii_strtoll (PQgetvalue (result, last, 3), NULL, 10));
      g_string_append_printf (text, "],\"next\":\"%s\"}", next);
    }
  else if (end >= 0)
    g_string_append_printf (text, "],\"next\":null,\"count\":%" G_GINT64_FORMAT "}", end);
  else
    g_string_append (text, "],\"next\":null}");
  reply = bytes_from_string (g_steal_pointer (&text));

  detail = json_node_new (JSON_NODE_OBJECT);
  json_object_set_int_member (filters, "count", n_items);
  json_node_take_object (detail, g_steal_pointer (&filters));
  if (!crm_call_audit (call, "list", crm_object_to_string (resource->object), 0, "ok", detail,
                       error))
    return FALSE;
  crm_call_reply_bytes (call, 200, reply);
  return TRUE;
}

/*
 * The rows the planner expects the SELECT in @p to answer (its plan's top node), or -1
 * when the plan says nothing: @p becomes an EXPLAIN, run with the same parameters, so
 * that the planner weighs the values themselves (and the row-level security policy).
 */
static gboolean
plan_rows (CrmCall  *call,
           Params   *p,
           double   *rows,
           GError  **error)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) plan = NULL;
  JsonNode *node;

  *rows = -1;
  g_string_prepend (p->sql, "EXPLAIN (FORMAT JSON) ");
  result = params_exec (call, p, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    return TRUE;
  /* [{"Plan": {"Node Type": …, "Plan Rows": 98000, …}}] */
  plan = json_from_string (PQgetvalue (result, 0, 0), NULL);
  node = plan != NULL && JSON_NODE_HOLDS_ARRAY (plan)
           && json_array_get_length (json_node_get_array (plan)) == 1
           ? json_array_get_element (json_node_get_array (plan), 0) : NULL;
  node = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
           ? json_object_get_member (json_node_get_object (node), "Plan") : NULL;
  node = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
           ? json_object_get_member (json_node_get_object (node), "Plan Rows") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    *rows = json_node_get_double (node);
  return TRUE;
}

/* Statistics of a table as the planner reads them: its live rows now (the rows of its
 * last analysis, times its pages now over its pages then), or -1 before any. */
static const char table_rows_sql[] =
  "SELECT CASE WHEN c.reltuples > 0 AND c.relpages > 0\n"
  "  THEN c.reltuples / c.relpages\n"
  "       * greatest (pg_relation_size (c.oid) / current_setting ('block_size')::float8, 1)\n"
  "  ELSE -1 END\n"
  "FROM pg_class c WHERE c.oid = $1::regclass";

/*
 * A search's share of the rows it searches, by a sample: the pages of @resource's table
 * that TABLESAMPLE SYSTEM picks, their rows read as the caller (row-level security) with
 * the count's filters, and of those the rows @resource's search_row_function matches.
 * A count past its cap has more than COUNT_CAP matches, so a share of the pages holds
 * that share of COUNT_CAP of them or more, whatever the table's size or the caller's
 * scope (a rep's customers are fewer, but so many of them match): first 1% of the
 * pages (100 matches or more, 200 when 20,000 match: a share within about 7%), then,
 * with fewer than SEARCH_SAMPLE_ENOUGH matches there, 4% (400 or more, within about
 * 5%). The same seed picks the same pages every time (a count asked again answers the
 * same), and the larger sample's pages include the smaller's. -1: no row of the caller
 * in the sample.
 */
#define SEARCH_SAMPLE_ENOUGH 200

static gboolean
sample_search_share (CrmCall           *call,
                     const CrmResource *resource,
                     double            *share,
                     GError           **error)
{
  static const char * const percents[] = { "1", "4" };
  g_autofree char *q = g_strstrip (g_strdup (crm_call_get_query (call, "q")));
  gint64 hits = 0;
  gint64 rows = 0;

  *share = -1;
  for (guint i = 0; i < G_N_ELEMENTS (percents) && hits < SEARCH_SAMPLE_ENOUGH; i++)
    {
      g_autoptr(JsonObject) ignored = json_object_new ();
      g_autoptr(PGresult) result = NULL;
      guint qn, pn;
      Params p;

      params_init (&p);
      qn = params_add (&p, q);
      pn = params_add (&p, percents[i]);
      g_string_append_printf (p.sql,
                              "SELECT count(*) FILTER (WHERE %s ($%u, r)), count(*)\n"
                              "FROM %s r TABLESAMPLE SYSTEM ($%u::float4) REPEATABLE (0)\n",
                              resource->search_row_function, qn, resource->table, pn);
      /* The parameters were checked once already, for the count. */
      (void) append_where_full (call, resource, &p, ignored, NULL, FALSE);
      result = params_exec (call, &p, error);
      params_clear (&p);
      if (result == NULL)
        return FALSE;
      hits = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      rows = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
    }
  if (rows > 0)
    *share = (double) hits / rows;
  return TRUE;
}

/*
 * About how many rows match a count that stopped at the cap: the planner's estimate of
 * the count's query (EXPLAIN with its parameters: the filters, and the caller's scope as
 * a filter on the owner, append_where ()), planned as the caller, under row-level
 * security: PostgreSQL then reads a column's statistics only through leakproof
 * operators (an equality, a range of dates), so the estimate says nothing of the rows
 * outside the caller's scope that the caller's own filters would not. The policy is in
 * the plan too, and the planner, which cannot read it (current_setting ()), weighs it as
 * a fixed share of the rows; that share, read off the plan of the bare table beside the
 * table's size, is taken out again. So the estimate is of the caller's scope, never more
 * than the planner's estimate of every row the caller may read. A search matches through
 * a function no plan sees into: its estimate is that of the rows it searches (the same
 * query without `q`) times the share of them it matches in a sample
 * (sample_search_share ()). -1: no estimate (a search of a resource without a
 * search_row_function; a table never analysed).
 */
static gboolean
estimate_count (CrmCall           *call,
                const CrmResource *resource,
                gint64            *estimate,
                GError           **error)
{
  g_autoptr(JsonObject) ignored = json_object_new ();
  g_autoptr(PGresult) table = NULL;
  const char *q = crm_call_get_query (call, "q");
  const char *table_params[] = { resource->table };
  gboolean search = q != NULL && *q != '\0';
  double matching, policy, rows;
  double share = 1;
  gboolean ok;
  Params p;

  *estimate = -1;
  if (search && resource->search_row_function == NULL)
    return TRUE;
  /* Only where append_where () puts the caller's scope in the plan: without it, the
   * estimate would be of every row. */
  if ((resource->owner_sql == NULL || !g_str_equal (resource->owner_sql, "r.owner_id"))
      && crm_call_get_scope (call, resource->object, CRM_ACTION_READ) != CRM_SCOPE_ALL)
    return TRUE;
  params_init (&p);
  g_string_append_printf (p.sql, "SELECT FROM %s r\n", resource->table);
  /* The parameters were checked once already, for the count. */
  (void) append_where_full (call, resource, &p, ignored, NULL, FALSE);
  ok = plan_rows (call, &p, &matching, error);
  params_clear (&p);
  if (!ok)
    return FALSE;
  params_init (&p);
  g_string_append_printf (p.sql, "SELECT FROM %s r", resource->table);
  ok = plan_rows (call, &p, &policy, error);
  params_clear (&p);
  if (!ok)
    return FALSE;
  table = crm_call_exec (call, table_rows_sql, 1, table_params, error);
  if (table == NULL)
    return FALSE;
  rows = g_ascii_strtod (PQgetvalue (table, 0, 0), NULL);
  if (matching < 0 || policy <= 0 || rows <= 0)
    return TRUE;
  if (search && !sample_search_share (call, resource, &share, error))
    return FALSE;
  if (share < 0)
    return TRUE;
  /* The policy's share: the planner's rows of the bare table over its size. */
  matching = matching * MAX (rows / policy, 1.0) * share;
  /* More than the cap matched: an estimate under it would say less than the count. */
  *estimate = (gint64) MAX (matching + 0.5, COUNT_CAP + 1);
  return TRUE;
}

static gboolean
count_records (CrmCall  *call,
               GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  g_autoptr(JsonObject) filters = json_object_new ();
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) reply = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(PGresult) result = NULL;
  const SearchPage page = { COUNT_CAP + 1, NULL, FALSE, NULL, NULL };
  gboolean allowed, capped;
  gint64 count;
  gint64 estimate = -1;
  Params p;

  if (!crm_call_require (call, resource->object, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  params_init (&p);
  /* Rows are not fetched, so row-level security alone keeps this to the caller's scope.
   * Counting stops past the cap: exact below it, "more than COUNT_CAP" above. */
  g_string_append_printf (p.sql, "SELECT count(*) FROM (SELECT FROM %s r\n", resource->table);
  if (!append_where (call, resource, &p, filters, &page))
    {
      params_clear (&p);
      return TRUE;
    }
  g_string_append_printf (p.sql, "LIMIT %u) r", COUNT_CAP + 1);
  result = params_exec (call, &p, error);
  params_clear (&p);
  if (result == NULL)
    return FALSE;
  count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  capped = count > COUNT_CAP;
  if (capped)
    count = COUNT_CAP;
  if (capped && !estimate_count (call, resource, &estimate, error))
    return FALSE;
  json_object_set_int_member (object, "count", count);
  json_object_set_boolean_member (object, "capped", capped);
  if (estimate > 0)
    json_object_set_int_member (object, "estimate", estimate);
  json_node_set_object (reply, object);
  json_object_set_int_member (filters, "count", count);
  if (capped)
    json_object_set_boolean_member (filters, "capped", TRUE);
  json_node_set_object (detail, filters);
  if (!crm_call_audit (call, "count", crm_object_to_string (resource->object), 0, "ok", detail,
                       error))
    return FALSE;
  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* The most distinct values a facet answers. */
#define FACET_LIMIT_MAX 500
#define FACET_LIMIT_DEFAULT 100

/*
 * The distinct values of a text field among the records a list with the same filters
 * would answer (row-level security and the scope as for a list), each with how many
 * records hold it, most common first: the suggestions of a filter.
 */
static gboolean
facet_records (CrmCall  *call,
               GError  **error)
{
  const CrmResourceFacet *facet = crm_call_get_data (call);
  const CrmResource *resource = facet->resource;
  const CrmResourceField *field = find_field (resource, facet->field);
  const char *limit_text = crm_call_get_query (call, "limit");
  g_autoptr(JsonObject) filters = json_object_new ();
  g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) reply = NULL;
  gboolean allowed;
  guint64 limit = FACET_LIMIT_DEFAULT;
  guint n_rows;
  Params p;

  g_assert (field != NULL && field->type == CRM_RESOURCE_TEXT);
  if (!crm_call_require (call, resource->object, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (crm_call_get_field_access (call, resource->object, field->name) == CRM_FIELD_ACCESS_NONE)
    return crm_call_deny (call, resource->object, "read", 0, field->name, error);
  if (limit_text != NULL
      && (!g_ascii_string_to_unsigned (limit_text, 10, 1, FACET_LIMIT_MAX, &limit, NULL)))
    {
      reply_bad_parameter (call, "limit");
      return TRUE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  /* A sensitive field is stored sealed: its values cannot be grouped, nor offered. */
  if (!is_sensitive (call, resource, field->name))
    {
      g_autofree char *limit_sql = g_strdup_printf ("%" G_GUINT64_FORMAT, limit + 1);

      params_init (&p);
      g_string_append_printf (p.sql, "SELECT r.%s, count(*) FROM %s r\n", field->name,
                              resource->table);
      if (!append_where (call, resource, &p, filters, NULL))
        {
          params_clear (&p);
          return TRUE;
        }
      g_string_append_printf (p.sql, "  AND r.%s <> ''\n"
                                     "GROUP BY r.%s\n"
                                     "ORDER BY count(*) DESC, r.%s\n"
                                     "LIMIT $%u::bigint", field->name, field->name,
                              field->name, params_add (&p, limit_sql));
      result = params_exec (call, &p, error);
      params_clear (&p);
      if (result == NULL)
        return FALSE;
    }
  n_rows = result != NULL ? (guint) MIN ((guint64) PQntuples (result), limit) : 0;
  for (guint row = 0; row < n_rows; row++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, PQgetvalue (result, row, 0));
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, g_ascii_strtoll (PQgetvalue (result, row, 1),
                                                            NULL, 10));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, result != NULL && (guint64) PQntuples (result) > limit);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);

  json_object_set_string_member (filters, "facet", field->name);
  json_object_set_int_member (filters, "count", n_rows);
  json_node_set_object (detail, filters);
  if (!crm_call_audit (call, "list", crm_object_to_string (resource->object), 0, "ok", detail,
                       error))
    return FALSE;
  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* Reads one row (locked for a write); %NULL result with no error: not visible. */
typedef enum
{
  LIVE,
  DELETED,
} RowState;

static PGresult *
fetch_row_in (CrmCall           *call,
              const CrmResource *resource,
              gint64             id,
              gboolean           for_update,
              RowState           state,
              GError           **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };
  g_autofree char *source = g_strdup_printf ("%s r", resource->table);

  append_select (sql, call, resource, source);
  g_string_append (sql, "WHERE r.id = $1::bigint");
  if (resource->soft_delete)
    g_string_append (sql, state == LIVE ? " AND r.deleted_at IS NULL"
                                        : " AND r.deleted_at IS NOT NULL");
  if (for_update)
    g_string_append (sql, "\nFOR UPDATE");
  return crm_call_exec (call, sql->str, 1, params, error);
}

static PGresult *
fetch_row (CrmCall           *call,
           const CrmResource *resource,
           gint64             id,
           gboolean           for_update,
           GError           **error)
{
  return fetch_row_in (call, resource, id, for_update, LIVE, error);
}

/**
 * crm_resource_fetch:
 *
 * The record @id as the caller may see it, or %NULL: with @error set, or with a 404 reply
 * set when the record does not exist, is in the recycle bin or lies outside the caller's
 * read scope.
 */
JsonNode *
crm_resource_fetch (CrmCall           *call,
                    const CrmResource *resource,
                    gint64             id,
                    GError           **error)
{
  g_autoptr(PGresult) result = fetch_row (call, resource, id, FALSE, error);

  if (result == NULL)
    return NULL;
  if (PQntuples (result) != 1
      || !row_in_scope (call, resource, CRM_ACTION_READ, owner_of (result, 0)))
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
      return NULL;
    }
  return record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
}

static gboolean
get_record (CrmCall  *call,
            GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(GBytes) record = NULL;
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
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
      return TRUE;
    }
  text = g_string_sized_new (PQgetlength (result, 0, 0));
  if (!append_record_for_caller (call, resource, result, 0, text, error))
    return FALSE;
  record = bytes_from_string (g_steal_pointer (&text));
  if (!crm_call_audit (call, "read", crm_object_to_string (resource->object), id, "ok", NULL,
                       error))
    return FALSE;
  crm_call_reply_bytes (call, 200, record);
  return TRUE;
}

static gboolean
matches (const char *pattern,
         const char *text)
{
  return g_regex_match_simple (pattern, text, 0, 0);
}

/* Checks and normalises one text value by the field's format. */
static gboolean
normalize_text (const CrmResourceField  *field,
                const char              *input,
                char                   **normalized,
                const char             **problem)
{
  guint max = field->max_length ? field->max_length : DEFAULT_MAX_LENGTH;
  g_autofree char *text = NULL;

  *normalized = NULL;
  if (!crm_validate_text (input, max, (field->flags & CRM_RESOURCE_FIELD_REQUIRED) != 0, &text,
                          problem))
    return FALSE;
  if (text == NULL || *text == '\0')
    return TRUE;
  switch (field->format)
    {
    case CRM_RESOURCE_FORMAT_MOBILE:
      return crm_validate_mobile (text, normalized, problem);
    case CRM_RESOURCE_FORMAT_PHONE:
      return crm_validate_phone (text, normalized, problem);
    case CRM_RESOURCE_FORMAT_EMAIL:
      return crm_validate_email (text, normalized, problem);
    case CRM_RESOURCE_FORMAT_WEBSITE:
      return crm_validate_website (text, normalized, problem);
    case CRM_RESOURCE_FORMAT_DATE:
      return crm_validate_date (text, normalized, problem);
    case CRM_RESOURCE_FORMAT_PAST_DATE:
      return crm_validate_past_date (text, normalized, problem);
    case CRM_RESOURCE_FORMAT_CREDIT_CODE:
      return crm_validate_credit_code (text, normalized, problem);
    case CRM_RESOURCE_FORMAT_COLOR:
      {
        g_autofree char *lower = g_ascii_strdown (text, -1);

        if (!matches ("^#[0-9a-f]{6}$", lower))
          {
            *problem = N_("Enter a colour such as #3584e4");
            return FALSE;
          }
        *normalized = g_steal_pointer (&lower);
        return TRUE;
      }
    case CRM_RESOURCE_FORMAT_KEY:
      if (!matches ("^[a-z][a-z0-9_]{0,50}$", text))
        {
          *problem = N_("Use lower-case letters, digits and “_”, starting with a letter");
          return FALSE;
        }
      break;
    case CRM_RESOURCE_FORMAT_CURRENCY:
      {
        g_autofree char *upper = g_ascii_strup (text, -1);

        if (!matches ("^[A-Z]{3}$", upper))
          {
            *problem = N_("Enter the currency as a three-letter code, such as CNY");
            return FALSE;
          }
        *normalized = g_steal_pointer (&upper);
        return TRUE;
      }
    case CRM_RESOURCE_FORMAT_LEVEL:
      /* ?level=none filters the customers without a level (CRM_RESOURCE_FIELD_FILTER_NONE) */
      if (g_str_equal (text, CRM_API_FILTER_NONE))
        {
          *problem = N_("“none” is the filter for customers without a level: choose another "
                        "name");
          return FALSE;
        }
      break;
    case CRM_RESOURCE_FORMAT_PLAIN:
    default:
      break;
    }
  if (field->choices != NULL && !g_strv_contains (field->choices, text))
    {
      *problem = N_("Choose one of the listed options");
      return FALSE;
    }
  *normalized = g_steal_pointer (&text);
  return TRUE;
}

/*
 * The first custom value in @value the caller may not write (its role's access to
 * "custom_KEY" is read or none), as "custom.KEY"; NULL when it may write them all.
 */
static char *
custom_key_not_writable (CrmCall           *call,
                         const CrmResource *resource,
                         JsonNode          *value)
{
  g_autoptr(GList) members = NULL;

  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return NULL;
  members = json_object_get_members (json_node_get_object (value));
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *name = custom_field_name (l->data);

      if (crm_call_get_field_access (call, resource->object, name) != CRM_FIELD_ACCESS_WRITE)
        return g_strdup_printf ("custom.%s", (char *) l->data);
    }
  return NULL;
}

static const char custom_fields_sql[] =
  "SELECT key, type, choices, required FROM custom_fields WHERE object = $1 ORDER BY key";

/* Checks a `custom` object against the object's custom field definitions. */
static gboolean
check_custom (CrmCall           *call,
              const CrmResource *resource,
              JsonNode          *value,
              gboolean           creating,
              JsonObject        *normalized,
              JsonObject        *problems,
              GError           **error)
{
  const char *params[] = { crm_object_to_string (resource->object) };
  g_autoptr(PGresult) defs = crm_call_exec (call, custom_fields_sql, 1, params, error);
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObject *in = NULL;

  if (defs == NULL)
    return FALSE;
  if (value != NULL && !JSON_NODE_HOLDS_OBJECT (value))
    {
      json_object_set_string_member (problems, "custom",
                                     N_("Must be an object of custom field values"));
      return TRUE;
    }
  if (value != NULL)
    {
      g_autoptr(GList) members = NULL;

      in = json_node_get_object (value);
      members = json_object_get_members (in);
      for (GList *l = members; l != NULL; l = l->next)
        {
          gboolean known = FALSE;

          for (int row = 0; row < PQntuples (defs); row++)
            known = known || g_str_equal (PQgetvalue (defs, row, 0), l->data);
          if (!known)
            {
              g_autofree char *name = g_strdup_printf ("custom.%s", (char *) l->data);

              json_object_set_string_member (problems, name, N_("No such custom field"));
            }
        }
    }
  for (int row = 0; row < PQntuples (defs); row++)
    {
      const char *key = PQgetvalue (defs, row, 0);
      gboolean required = g_str_equal (PQgetvalue (defs, row, 3), "t");
      g_autofree char *name = g_strdup_printf ("custom.%s", key);
      g_auto(GStrv) choices = NULL;
      g_autoptr(JsonNode) clean = NULL;
      g_autofree char *sealed_name = NULL;
      const char *problem = NULL;
      CrmFieldType type;
      JsonNode *given;

      given = in != NULL ? json_object_get_member (in, key) : NULL;
      if (given == NULL)
        {
          if (creating && required)
            json_object_set_string_member (problems, name, N_("This field is required"));
          continue;
        }
      if (!crm_field_type_from_string (PQgetvalue (defs, row, 1), &type))
        continue;
      {
        /* The text form of a text[]: {a,"b c"}; read it through JSON instead. */
        const char *array_params[] = { PQgetvalue (defs, row, 2) };
        g_autoptr(PGresult) as_json = crm_call_exec (
          call, "SELECT array_to_json ($1::text[])::text", 1, array_params, error);
        g_autoptr(JsonNode) node = NULL;
        JsonArray *array;

        if (as_json == NULL)
          return FALSE;
        node = json_from_string (PQgetvalue (as_json, 0, 0), NULL);
        array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
        choices = g_new0 (char *, (array != NULL ? json_array_get_length (array) : 0) + 1);
        for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
          choices[i] = g_strdup (json_array_get_string_element (array, i));
      }
      if (!crm_validate_custom_value (type, (const char * const *) choices,
                                      required && (creating || !JSON_NODE_HOLDS_NULL (given)),
                                      given, &clean, &problem))
        json_object_set_string_member (problems, name, problem);
      else if (clean != NULL && !JSON_NODE_HOLDS_NULL (clean)
               && is_sensitive (call, resource, sealed_name = custom_field_name (key)))
        {
          g_autofree char *text = crm_json_to_string (clean);
          g_autofree char *token = seal_value (call, resource, sealed_name, text, error);

          if (token == NULL)
            return FALSE;
          json_object_set_string_member (out, key, token);
        }
      else
        json_object_set_member (out, key, clean != NULL ? g_steal_pointer (&clean)
                                                        : json_node_new (JSON_NODE_NULL));
    }
  json_object_set_object_member (normalized, "custom", g_steal_pointer (&out));
  return TRUE;
}

static gboolean
check_tags (CrmCall     *call,
            const char  *name,
            JsonNode    *value,
            JsonObject  *normalized,
            JsonObject  *problems,
            GError     **error)
{
  g_autoptr(GString) array = g_string_new ("{");
  g_autoptr(JsonArray) out = json_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(PGresult) found = NULL;
  JsonArray *in;
  const char *params[1];

  if (!JSON_NODE_HOLDS_ARRAY (value))
    {
      json_object_set_string_member (problems, name, N_("Must be a list of tag ids"));
      return TRUE;
    }
  in = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (in); i++)
    {
      JsonNode *element = json_array_get_element (in, i);
      gint64 *id;

      if (json_node_get_value_type (element) != G_TYPE_INT64 || json_node_get_int (element) <= 0)
        {
          json_object_set_string_member (problems, name, N_("Must be a list of tag ids"));
          return TRUE;
        }
      id = g_new (gint64, 1);
      *id = json_node_get_int (element);
      if (g_hash_table_contains (seen, id))
        {
          g_free (id);
          continue;
        }
      g_hash_table_add (seen, id);
      json_array_add_int_element (out, *id);
      g_string_append_printf (array, "%s%" G_GINT64_FORMAT, array->len > 1 ? "," : "", *id);
    }
  g_string_append_c (array, '}');
  params[0] = array->str;
  found = crm_call_exec (call, "SELECT count(*) FROM tags WHERE id = ANY ($1::bigint[])", 1,
                         params, error);
  /* the ids are owned by the table again on purpose: free them */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, seen);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_free (key);
  }
  if (found == NULL)
    return FALSE;
  if (g_ascii_strtoull (PQgetvalue (found, 0, 0), NULL, 10) != json_array_get_length (out))
    json_object_set_string_member (problems, name, N_("No such tag"));
  else
    json_object_set_array_member (normalized, name, g_steal_pointer (&out));
  return TRUE;
}

static gboolean
check_text_array (const char *name,
                  JsonNode   *value,
                  JsonObject *normalized,
                  JsonObject *problems)
{
  g_autoptr(JsonArray) out = json_array_new ();
  JsonArray *in;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    {
      json_object_set_string_member (problems, name, N_("Must be a list of texts"));
      return TRUE;
    }
  in = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (in); i++)
    {
      JsonNode *element = json_array_get_element (in, i);
      g_autofree char *text = NULL;
      const char *problem = NULL;

      if (json_node_get_value_type (element) != G_TYPE_STRING
          || !crm_validate_text (json_node_get_string (element), 100, TRUE, &text, &problem))
        {
          json_object_set_string_member (problems, name, N_("Must be a list of texts"));
          return TRUE;
        }
      for (guint j = 0; j < json_array_get_length (out); j++)
        if (g_str_equal (json_array_get_string_element (out, j), text))
          g_clear_pointer (&text, g_free);
      if (text != NULL)
        json_array_add_string_element (out, text);
    }
  json_object_set_array_member (normalized, name, g_steal_pointer (&out));
  return TRUE;
}

/**
 * crm_resource_check_body:
 * @normalized: receives the values to store, normalised (read-only members dropped)
 * @problems: receives a message (an English msgid) per field that is not valid
 * @db_ok: (out): %FALSE when @error is set
 *
 * Checks the body of a create or update against the field table and the caller's field
 * access. Returns %FALSE when the caller may not write a field: a 403 reply is set (or,
 * with *@db_ok %FALSE, @error). Invalid values only fill @problems.
 */
gboolean
crm_resource_check_body (CrmCall           *call,
                         const CrmResource *resource,
                         JsonObject        *body,
                         gboolean           creating,
                         JsonObject        *normalized,
                         JsonObject        *problems,
                         gboolean          *db_ok,
                         GError           **error)
{
  g_autoptr(GList) members = json_object_get_members (body);

  *db_ok = TRUE;
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      const CrmResourceField *field = find_field (resource, name);
      CrmJsonType type = crm_json_get_type (body, name);
      JsonNode *value = json_object_get_member (body, name);

      if (field == NULL)
        {
          if (!g_str_equal (name, "id") && !g_str_equal (name, "version")
              && !g_str_equal (name, "created_at") && !g_str_equal (name, "updated_at"))
            json_object_set_string_member (problems, name, N_("Unknown field"));
          continue;
        }
      if ((field->flags & CRM_RESOURCE_FIELD_READ_ONLY) != 0)
        continue;
      if (!creating && (field->flags & CRM_RESOURCE_FIELD_CREATE_ONLY) != 0)
        {
          json_object_set_string_member (problems, name, N_("Cannot be changed"));
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
            json_object_set_string_member (problems, name, N_("This field is required"));
          else
            json_object_set_null_member (normalized, name);
          continue;
        }
      switch (field->type)
        {
        case CRM_RESOURCE_TEXT:
          {
            const char *text = crm_json_get_string (body, name);
            g_autofree char *clean = NULL;
            const char *problem = NULL;

            if (text == NULL)
              json_object_set_string_member (problems, name, N_("Enter text in this field"));
            else if (!normalize_text (field, text, &clean, &problem))
              json_object_set_string_member (problems, name, problem);
            else if (clean == NULL)
              json_object_set_null_member (normalized, name);
            else
              json_object_set_string_member (normalized, name, clean);
          }
          break;
        case CRM_RESOURCE_ID:
          if (type != CRM_JSON_INT || json_object_get_int_member (body, name) <= 0)
            json_object_set_string_member (problems, name, N_("Must be a record id"));
          else
            json_object_set_int_member (normalized, name, json_object_get_int_member (body, name));
          break;
        case CRM_RESOURCE_INTEGER:
          if (type != CRM_JSON_INT)
            json_object_set_string_member (problems, name, N_("Must be a whole number"));
          else if (field->format == CRM_RESOURCE_FORMAT_AMOUNT
                   && json_object_get_int_member (body, name) < 0)
            json_object_set_string_member (problems, name,
                                           N_("Enter an amount of at least 0"));
          else
            json_object_set_int_member (normalized, name, json_object_get_int_member (body, name));
          break;
        case CRM_RESOURCE_BOOLEAN:
          if (type != CRM_JSON_BOOLEAN)
            json_object_set_string_member (problems, name, N_("Choose yes or no"));
          else
            json_object_set_boolean_member (normalized, name,
                                            json_object_get_boolean_member (body, name));
          break;
        case CRM_RESOURCE_TAGS:
          if (!check_tags (call, name, value, normalized, problems, error))
            {
              *db_ok = FALSE;
              return FALSE;
            }
          break;
        case CRM_RESOURCE_TEXT_ARRAY:
          check_text_array (name, value, normalized, problems);
          break;
        case CRM_RESOURCE_CUSTOM:
          {
            /* Each custom value is a field of its own to the permissions. */
            g_autofree char *denied = custom_key_not_writable (call, resource, value);

            if (denied != NULL)
              {
                *db_ok = crm_call_deny (call, resource->object, creating ? "create" : "update",
                                        0, denied, error);
                return FALSE;
              }
          }
          if (!check_custom (call, resource, value, creating, normalized, problems, error))
            {
              *db_ok = FALSE;
              return FALSE;
            }
          break;
        case CRM_RESOURCE_TIMESTAMP:
        default:
          g_assert_not_reached ();
        }
    }
  if (creating)
    for (guint i = 0; i < resource->n_fields; i++)
      {
        const CrmResourceField *field = &resource->fields[i];

        if ((field->flags & CRM_RESOURCE_FIELD_REQUIRED) != 0
            && crm_json_get_type (body, field->name) == CRM_JSON_ABSENT
            && !json_object_has_member (problems, field->name))
          json_object_set_string_member (problems, field->name, N_("This field is required"));
        if (field->type == CRM_RESOURCE_CUSTOM && !json_object_has_member (body, field->name)
            && !check_custom (call, resource, NULL, TRUE, normalized, problems, error))
          {
            *db_ok = FALSE;
            return FALSE;
          }
      }
  return TRUE;
}

/* Checks a body; sets a 400, 403 or 422 reply and returns FALSE when it is refused. */
static gboolean
validate_body (CrmCall           *call,
               const CrmResource *resource,
               JsonObject        *body,
               gboolean           creating,
               JsonObject        *normalized,
               gboolean          *db_ok,
               GError           **error)
{
  g_autoptr(JsonObject) problems = json_object_new ();

  *db_ok = TRUE;
  if (body == NULL)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("The body must be a JSON object"));
      return FALSE;
    }
  if (!crm_resource_check_body (call, resource, body, creating, normalized, problems, db_ok,
                                error))
    return FALSE;
  if (json_object_get_size (problems) > 0)
    {
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      return FALSE;
    }
  return TRUE;
}

/*
 * A normalised value as a query parameter (sensitive text encrypted under the current
 * key), and the SQL expression that reads it.
 */
static gboolean
value_for_column (CrmCall                 *call,
                  const CrmResource       *resource,
                  const CrmResourceField  *field,
                  JsonObject              *values,
                  char                   **value,
                  GError                 **error)
{
  JsonNode *node = json_object_get_member (values, field->name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  switch (field->type)
    {
    case CRM_RESOURCE_ID:
    case CRM_RESOURCE_INTEGER:
      *value = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      return TRUE;
    case CRM_RESOURCE_BOOLEAN:
      *value = g_strdup (json_node_get_boolean (node) ? "true" : "false");
      return TRUE;
    case CRM_RESOURCE_TAGS:
    case CRM_RESOURCE_TEXT_ARRAY:
    case CRM_RESOURCE_CUSTOM:
      *value = crm_json_to_string (node);
      return TRUE;
    case CRM_RESOURCE_TEXT:
    default:
      if (is_sensitive (call, resource, field->name))
        {
          *value = seal_value (call, resource, field->name, json_node_get_string (node), error);
          return *value != NULL;
        }
      *value = g_strdup (json_node_get_string (node));
      return TRUE;
    }
}

/* The SQL that stores parameter $@n into @field; an update merges custom values. */
static char *
value_sql (const CrmResourceField *field,
           guint                   n,
           gboolean                updating)
{
  switch (field->type)
    {
    case CRM_RESOURCE_TAGS:
      return g_strdup_printf ("ARRAY (SELECT jsonb_array_elements_text ($%u::jsonb))::bigint[]", n);
    case CRM_RESOURCE_TEXT_ARRAY:
      return g_strdup_printf ("ARRAY (SELECT jsonb_array_elements_text ($%u::jsonb))", n);
    case CRM_RESOURCE_CUSTOM:
      if (updating)
        return g_strdup_printf ("jsonb_strip_nulls (%s || coalesce ($%u::jsonb, '{}'))",
                                field->name, n);
      return g_strdup_printf ("jsonb_strip_nulls (coalesce ($%u::jsonb, '{}'))", n);
    default:
      return g_strdup_printf ("$%u%s", n, cast_for (field->type));
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

/* The column of @field in @resource's table as SQL, quoted; free with PQfreemem (). */
static char *
quote_column (CrmCall    *call,
              const char *field)
{
  return PQescapeIdentifier (crm_call_get_conn (call), field, strlen (field));
}

/*
 * The stored value of the text field @field of record @id, in clear: decrypted when the
 * field is sensitive (a value stored before the field turned sensitive is taken as it
 * is, as crm_resource_reseal_field () does). *@value is %NULL when there is none.
 */
gboolean
crm_resource_get_clear_value (CrmCall           *call,
                              const CrmResource *resource,
                              gint64             id,
                              const char        *field,
                              char             **value,
                              GError           **error)
{
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *context = context_for (resource, field);
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) result = NULL;
  const char *params[] = { id_text };
  const char *stored;
  char *column = quote_column (call, field);

  *value = NULL;
  sql = g_strdup_printf ("SELECT %s FROM %s WHERE id = $1::bigint", column, resource->table);
  PQfreemem (column);
  result = crm_call_exec (call, sql, 1, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1 || PQgetisnull (result, 0, 0))
    return TRUE;
  stored = PQgetvalue (result, 0, 0);
  *value = open_value (is_sensitive (call, resource, field) ? box : NULL, stored, context, NULL,
                       NULL);
  return TRUE;
}

/*
 * Stores @value (not %NULL) as the text field @field of record @id: sealed when the field
 * is sensitive. Its blind index is left to crm_resource_reindex_record ().
 */
gboolean
crm_resource_set_clear_value (CrmCall           *call,
                              const CrmResource *resource,
                              gint64             id,
                              const char        *field,
                              const char        *value,
                              GError           **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *sealed = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) result = NULL;
  char *column = quote_column (call, field);

  sql = g_strdup_printf ("UPDATE %s SET %s = $2 WHERE id = $1::bigint", resource->table, column);
  PQfreemem (column);
  if (is_sensitive (call, resource, field)
      && (sealed = seal_value (call, resource, field, value, error)) == NULL)
    return FALSE;
  {
    const char *params[] = { id_text, sealed != NULL ? sealed : value };

    result = crm_call_exec (call, sql, 2, params, error);
  }
  return result != NULL;
}

/*
 * Brings the blind indexes of record @id in step with its stored sensitive values, for
 * values written other than through a create or an update (a merge fills the survivor's
 * empty fields in SQL, which cannot compute a blind index).
 */
gboolean
crm_resource_reindex_record (CrmCall           *call,
                             const CrmResource *resource,
                             gint64             id,
                             GError           **error)
{
  g_autoptr(JsonObject) values = json_object_new ();

  for (guint i = 0; i < resource->n_fields; i++)
    {
      const char *name = resource->fields[i].name;
      g_autofree char *value = NULL;

      if (resource->fields[i].type != CRM_RESOURCE_TEXT || !is_sensitive (call, resource, name))
        continue;
      if (!crm_resource_get_clear_value (call, resource, id, name, &value, error))
        return FALSE;
      if (value != NULL)
        json_object_set_string_member (values, name, value);
      else
        json_object_set_null_member (values, name);
    }
  return update_blind_indexes (call, resource, id, values, error);
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
  g_autoptr(JsonObject) clean = json_object_new ();
  gboolean allowed, db_ok;
  const char *owner_field = NULL;
  gint64 owner, id;
  Params p;

  if (!crm_call_require (call, resource->object, CRM_ACTION_CREATE, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (!validate_body (call, resource, body, TRUE, clean, &db_ok, error))
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

          json_object_set_string_member (problems, resource->parent_field, N_("No such record"));
          crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
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
      g_autofree char *expression = NULL;

      if ((field->flags & CRM_RESOURCE_FIELD_OWNER) != 0)
        value = g_strdup_printf ("%" G_GINT64_FORMAT, owner);
      else if (!json_object_has_member (clean, field->name))
        continue;
      else if (!value_for_column (call, resource, field, clean, &value, error))
        {
          params_clear (&p);
          return FALSE;
        }
      expression = value_sql (field, params_add (&p, value), FALSE);
      g_string_append_printf (columns, "%s%s", columns->len ? ", " : "", field->name);
      g_string_append_printf (values, "%s%s", values->len ? ", " : "", expression);
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
  append_select (p.sql, call, resource, "r");
  result = params_exec (call, &p, error);
  params_clear (&p);
  if (result == NULL)
    return FALSE;
  record = record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
  if (record == NULL)
    return FALSE;
  id = json_object_get_int_member (json_node_get_object (record), "id");
  if (!update_blind_indexes (call, resource, id, clean, error))
    return FALSE;

  detail = json_node_new (JSON_NODE_OBJECT);
  {
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_member (object, "after", record_for_audit (call, resource, record));
    json_node_set_object (detail, object);
  }
  add_parent_to_detail (resource, record, detail);
  if (!crm_call_audit (call, "create", crm_object_to_string (resource->object), id, "ok", detail,
                       error))
    return FALSE;
  if (resource->after_write != NULL
      && !resource->after_write (call, resource, json_node_get_object (record), error))
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
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
      return NULL;
    }
  owner = owner_of (result, 0);
  if (!row_in_scope (call, resource, CRM_ACTION_READ, owner))
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
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

/*
 * The audit detail of an update: the fields named in @changed whose value changed (and
 * every sensitive one named, as its redacted value hides whether it did), before and after.
 */
static JsonNode *
changes_detail (CrmCall           *call,
                const CrmResource *resource,
                JsonNode          *before,
                JsonNode          *after,
                JsonObject        *changed)
{
  g_autoptr(JsonNode) audit_before = record_for_audit (call, resource, before);
  g_autoptr(JsonNode) audit_after = record_for_audit (call, resource, after);
  JsonObject *b = json_node_get_object (audit_before);
  JsonObject *a = json_node_get_object (audit_after);
  g_autoptr(JsonObject) changes_before = json_object_new ();
  g_autoptr(JsonObject) changes_after = json_object_new ();
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *detail;

  for (guint i = 0; i < resource->n_fields; i++)
    {
      const char *name = resource->fields[i].name;
      JsonNode *old_value = json_object_get_member (b, name);
      JsonNode *new_value = json_object_get_member (a, name);

      if (!json_object_has_member (changed, name))
        continue;
      if (old_value != NULL && new_value != NULL && json_node_equal (old_value, new_value)
          && !is_sensitive (call, resource, name))
        continue;
      json_object_set_member (changes_before, name,
                              old_value ? json_node_copy (old_value) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (changes_after, name,
                              new_value ? json_node_copy (new_value) : json_node_new (JSON_NODE_NULL));
    }
  json_object_set_object_member (object, "before", g_steal_pointer (&changes_before));
  json_object_set_object_member (object, "after", g_steal_pointer (&changes_after));
  detail = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (detail, object);
  return detail;
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
  g_autoptr(GString) sets = g_string_new ("");
  g_autoptr(JsonObject) clean = json_object_new ();
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

  if (!validate_body (call, resource, body, FALSE, clean, &db_ok, error))
    return db_ok;

  /* Outside the update scope only the assign scope got us here: owner changes only. */
  if (!row_in_scope (call, resource, CRM_ACTION_UPDATE, owner))
    {
      g_autoptr(GList) members = json_object_get_members (clean);

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
      crm_call_reply_conflict (call,
                               N_("Someone else changed this record; here is the current "
                                  "version"),
                               before);
      return TRUE;
    }

  params_init (&p);
  for (guint i = 0; i < resource->n_fields; i++)
    {
      const CrmResourceField *field = &resource->fields[i];
      g_autofree char *value = NULL;
      g_autofree char *expression = NULL;

      if (!json_object_has_member (clean, field->name))
        continue;
      if ((field->flags & CRM_RESOURCE_FIELD_OWNER) != 0)
        {
          gint64 new_owner = body_owner (resource, clean, owner);

          if (!may_assign (call, resource, field->name, owner, new_owner))
            {
              params_clear (&p);
              return deny_assign (call, resource, id, field->name, error);
            }
        }
      if (!value_for_column (call, resource, field, clean, &value, error))
        {
          params_clear (&p);
          return FALSE;
        }
      expression = value_sql (field, params_add (&p, value), TRUE);
      g_string_append_printf (sets, "%s%s = %s", sets->len ? ", " : "", field->name, expression);
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
  append_select (p.sql, call, resource, "r");
  result = params_exec (call, &p, error);
  params_clear (&p);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
      return TRUE;
    }
  after = record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
  if (after == NULL || !update_blind_indexes (call, resource, id, clean, error))
    return FALSE;

  detail = changes_detail (call, resource, before, after, clean);
  add_parent_to_detail (resource, after, detail);
  if (!crm_call_audit (call, "update", crm_object_to_string (resource->object), id, "ok", detail,
                       error))
    return FALSE;
  if (resource->after_write != NULL
      && !resource->after_write (call, resource, json_node_get_object (after), error))
    return FALSE;
  crm_call_reply (call, 200, after);
  return TRUE;
}

static gboolean
clear_blind_indexes (CrmCall           *call,
                     const CrmResource *resource,
                     const char        *id_text,
                     GError           **error)
{
  static const char bidx_sql[] =
    "DELETE FROM blind_indexes WHERE object = $1 AND record_id = $2::bigint";
  const char *params[] = { crm_object_to_string (resource->object), id_text };
  g_autoptr(PGresult) cleared = crm_call_exec (call, bidx_sql, 2, params, error);

  return cleared != NULL;
}

static gboolean
audit_record (CrmCall           *call,
              const CrmResource *resource,
              const char        *action,
              gint64             id,
              const char        *member,
              JsonNode          *record,
              GError           **error)
{
  g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_member (object, member, record_for_audit (call, resource, record));
  json_node_take_object (detail, g_steal_pointer (&object));
  add_parent_to_detail (resource, record, detail);
  return crm_call_audit (call, action, crm_object_to_string (resource->object), id, "ok", detail,
                         error);
}

/*
 * Purging from the recycle bin, restoring from it: the delete scope `all`, and a record
 * that is in the bin.
 */
static PGresult *
fetch_deleted (CrmCall           *call,
               const CrmResource *resource,
               const char        *action,
               gint64             id,
               GError           **error)
{
  g_autoptr(PGresult) result = NULL;

  if (crm_call_get_scope (call, resource->object, CRM_ACTION_DELETE) != CRM_SCOPE_ALL)
    {
      crm_call_deny (call, resource->object, action, id, NULL, error);
      return NULL;
    }
  result = fetch_row_in (call, resource, id, TRUE, DELETED, error);
  if (result != NULL && PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record in the recycle bin"));
      return NULL;
    }
  return g_steal_pointer (&result);
}

static gboolean
delete_record (CrmCall  *call,
               GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  const char *purge = crm_call_get_query (call, "purge");
  gboolean purging = resource->soft_delete && purge != NULL && g_str_equal (purge, "true");
  g_autoptr(PGresult) current = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *id_text = NULL;
  g_autofree char *user_text = NULL;
  gboolean allowed;
  gint64 id;

  if (!crm_call_require (call, resource->object, CRM_ACTION_DELETE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  if (purging)
    current = fetch_deleted (call, resource, "purge", id, error);
  else
    current = fetch_for_change (call, resource, CRM_ACTION_DELETE, id, error);
  if (current == NULL)
    return !(error != NULL && *error != NULL);
  before = record_for_caller (call, resource, PQgetvalue (current, 0, 0), error);
  if (before == NULL)
    return FALSE;

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  user_text = g_strdup_printf ("%" G_GINT64_FORMAT, crm_call_get_principal (call)->user_id);
  if (resource->soft_delete && !purging)
    {
      const char *params[] = { id_text, user_text };

      g_string_append_printf (sql, "UPDATE %s SET deleted_at = now (), deleted_by = $2::bigint "
                                   "WHERE id = $1::bigint RETURNING id", resource->table);
      result = crm_call_exec (call, sql->str, 2, params, error);
    }
  else
    {
      const char *params[] = { id_text };
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PGresult) savepoint = NULL;

      /* A refused DELETE must not abort the transaction: the refusal is still written
       * after it (the Idempotency-Key's stored reply). */
      savepoint = crm_call_exec (call, "SAVEPOINT before_delete", 0, NULL, error);
      if (savepoint == NULL)
        return FALSE;
      g_string_append_printf (sql, "DELETE FROM %s WHERE id = $1::bigint RETURNING id",
                              resource->table);
      result = crm_call_exec (call, sql->str, 1, params, &local_error);
      if (result == NULL && g_error_matches (local_error, CRM_DB_ERROR, CRM_DB_ERROR_REFERENCE))
        {
          g_autoptr(PGresult) rollback = crm_call_exec (call, "ROLLBACK TO SAVEPOINT before_delete",
                                                        0, NULL, error);

          if (rollback == NULL)
            return FALSE;
          /* Orders keep their customer: the record stays in the bin. */
          crm_call_reply_error (call, CRM_API_ERROR_CONFLICT,
                                N_("Other records (such as orders) still refer to this one"));
          return TRUE;
        }
      if (result == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
      return TRUE;
    }
  if ((!resource->soft_delete || purging)
      && !clear_blind_indexes (call, resource, id_text, error))
    return FALSE;
  if (!audit_record (call, resource, purging ? "purge" : "delete", id, "before", before, error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

static gboolean
restore_record (CrmCall  *call,
                GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  g_autoptr(PGresult) current = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *id_text = NULL;
  const char *params[1];
  gboolean allowed;
  gint64 id;

  g_assert (resource->soft_delete);
  if (!crm_call_require (call, resource->object, CRM_ACTION_DELETE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  current = fetch_deleted (call, resource, "restore", id, error);
  if (current == NULL)
    return !(error != NULL && *error != NULL);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  params[0] = id_text;
  {
    g_autofree char *returning = returning_list (resource);

    g_string_append_printf (sql, "WITH r AS (UPDATE %s SET deleted_at = NULL, deleted_by = NULL, "
                                 "merged_into = NULL WHERE id = $1::bigint RETURNING %s)\n",
                            resource->table, returning);
  }
  append_select (sql, call, resource, "r");
  result = crm_call_exec (call, sql->str, 1, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
      return TRUE;
    }
  after = record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
  if (after == NULL
      || !audit_record (call, resource, "restore", id, "after", after, error))
    return FALSE;
  crm_call_reply (call, 200, after);
  return TRUE;
}

/* ---- batch update ---- */

typedef struct
{
  gint64    id;
  guint     status;
  JsonNode *before;
  char     *message;
} BatchItem;

static void
batch_item_clear (gpointer data)
{
  BatchItem *item = data;

  g_clear_pointer (&item->before, json_node_unref);
  g_clear_pointer (&item->message, g_free);
}

static JsonNode *
batch_results (GArray *items)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      BatchItem *item = &g_array_index (items, BatchItem, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, item->id);
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, item->status);
      if (item->message != NULL)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "code");
          json_builder_add_string_value (builder, item->status == 404 ? "not_found" : "forbidden");
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, item->message);
          json_builder_end_object (builder);
        }
      else if (item->before != NULL)
        {
          json_builder_set_member_name (builder, "version");
          json_builder_add_int_value (builder, json_object_get_int_member (
                                                 json_node_get_object (item->before), "version"));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

/* Reads `ids` of a batch: 1 to MAX_BATCH distinct positive integers. */
static GArray *
batch_ids (JsonObject *body)
{
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (BatchItem));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  JsonArray *ids;

  g_array_set_clear_func (items, batch_item_clear);
  if (crm_json_get_type (body, "ids") != CRM_JSON_ARRAY)
    return NULL;
  ids = json_object_get_array_member (body, "ids");
  if (json_array_get_length (ids) == 0 || json_array_get_length (ids) > MAX_BATCH)
    return NULL;
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      JsonNode *element = json_array_get_element (ids, i);
      BatchItem item = { 0 };

      if (json_node_get_value_type (element) != G_TYPE_INT64 || json_node_get_int (element) <= 0)
        return NULL;
      item.id = json_node_get_int (element);
      g_array_append_val (items, item);
    }
  for (guint i = 0; i < items->len; i++)
    {
      gint64 *id = &g_array_index (items, BatchItem, i).id;

      if (!g_hash_table_add (seen, id))
        return NULL;
    }
  return g_steal_pointer (&items);
}

/*
 * PATCH on the collection: `{"ids": […], "changes": {…}}`, one transaction. Every id is
 * checked before anything is written, so a refusal changes nothing (its audit rows of
 * denials stay).
 */
static gboolean
batch_update_records (CrmCall  *call,
                      GError  **error)
{
  const CrmResource *resource = crm_call_get_data (call);
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(GArray) items = NULL;
  g_autoptr(JsonObject) clean = json_object_new ();
  g_autoptr(JsonObject) problems = json_object_new ();
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(GString) sets = g_string_new ("");
  const CrmResourceField *tags_field = NULL;
  const char *owner_field = NULL;
  JsonNode *add_tags = NULL;
  JsonNode *remove_tags = NULL;
  gboolean allowed, db_ok, owner_only = TRUE;
  guint failed = 0;
  Params p;

  if (!crm_call_require (call, resource->object, CRM_ACTION_UPDATE, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (body == NULL || (items = batch_ids (body)) == NULL
      || crm_json_get_type (body, "changes") != CRM_JSON_OBJECT)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED,
                            N_("A batch needs “ids” (1 to 1000 distinct ids) and “changes”"));
      return TRUE;
    }

  /* add_tags / remove_tags change a tags field without replacing it. */
  changes = json_object_ref (json_object_get_object_member (body, "changes"));
  for (guint i = 0; i < resource->n_fields; i++)
    if (resource->fields[i].type == CRM_RESOURCE_TAGS)
      tags_field = &resource->fields[i];
  if (tags_field != NULL)
    {
      g_autoptr(JsonObject) tag_values = json_object_new ();

      if (json_object_has_member (changes, "add_tags")
          && !check_tags (call, "add_tags", json_object_get_member (changes, "add_tags"),
                          tag_values, problems, error))
        return FALSE;
      if (json_object_has_member (changes, "remove_tags")
          && !check_tags (call, "remove_tags", json_object_get_member (changes, "remove_tags"),
                          tag_values, problems, error))
        return FALSE;
      if (json_object_has_member (tag_values, "add_tags"))
        add_tags = json_node_copy (json_object_get_member (tag_values, "add_tags"));
      if (json_object_has_member (tag_values, "remove_tags"))
        remove_tags = json_node_copy (json_object_get_member (tag_values, "remove_tags"));
      json_object_remove_member (changes, "add_tags");
      json_object_remove_member (changes, "remove_tags");
    }
  for (guint i = 0; i < resource->n_fields; i++)
    if ((resource->fields[i].flags & CRM_RESOURCE_FIELD_REQUIRED) != 0
        && json_object_has_member (changes, resource->fields[i].name))
      json_object_set_string_member (problems, resource->fields[i].name,
                                     N_("Cannot be changed for many records at once"));
  if (!crm_resource_check_body (call, resource, changes, FALSE, clean, problems, &db_ok, error))
    {
      g_clear_pointer (&add_tags, json_node_unref);
      g_clear_pointer (&remove_tags, json_node_unref);
      return db_ok;
    }
  if (json_object_get_size (problems) > 0
      || (json_object_get_size (clean) == 0 && add_tags == NULL && remove_tags == NULL))
    {
      g_clear_pointer (&add_tags, json_node_unref);
      g_clear_pointer (&remove_tags, json_node_unref);
      if (json_object_get_size (problems) == 0)
        json_object_set_string_member (problems, "changes", N_("Nothing to change"));
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      /* The same refusal for every record: nothing was changed. */
      for (guint i = 0; i < items->len; i++)
        g_array_index (items, BatchItem, i).status = 422;
      crm_call_add_reply_member (call, "results", batch_results (items));
      return TRUE;
    }
  {
    g_autoptr(GList) members = json_object_get_members (clean);

    for (GList *l = members; l != NULL; l = l->next)
      {
        const CrmResourceField *field = find_field (resource, l->data);

        if (field != NULL && (field->flags & CRM_RESOURCE_FIELD_OWNER) == 0)
          owner_only = FALSE;
        else if (field != NULL)
          owner_field = field->name;
      }
    if (add_tags != NULL || remove_tags != NULL)
      owner_only = FALSE;
  }

  /* Every record first: visible (else 404), and in scope for the change (else 403). */
  for (guint i = 0; i < items->len; i++)
    {
      BatchItem *item = &g_array_index (items, BatchItem, i);
      g_autoptr(PGresult) row = fetch_row (call, resource, item->id, TRUE, error);
      gint64 owner, new_owner;

      if (row == NULL)
        goto fail;
      if (PQntuples (row) != 1
          || !row_in_scope (call, resource, CRM_ACTION_READ, (owner = owner_of (row, 0))))
        {
          item->status = 404;
          item->message = g_strdup (crm_call_translate (call, N_("No such record")));
          failed++;
          continue;
        }
      new_owner = body_owner (resource, clean, owner);
      /* As a single update: changes within the update scope; outside it, owner changes
       * alone, within the assign scope. */
      if (!row_in_scope (call, resource, CRM_ACTION_UPDATE, owner)
          && !(owner_only && row_in_scope (call, resource, CRM_ACTION_ASSIGN, owner)))
        {
          item->status = 403;
          item->message = g_strdup (crm_call_translate (call, N_("You may not change this "
                                                                 "record")));
          if (!crm_call_deny_quietly (call, resource->object, "update", item->id, NULL, error))
            goto fail;
          failed++;
          continue;
        }
      if (owner_field != NULL && !may_assign (call, resource, owner_field, owner, new_owner))
        {
          item->status = 403;
          item->message = g_strdup (crm_call_translate (call,
                                                        assign_refusal (call, resource)));
          if (!crm_call_deny_quietly (call, resource->object, "assign", item->id, owner_field,
                                      error))
            goto fail;
          failed++;
          continue;
        }
      item->status = 200;
      item->before = record_for_caller (call, resource, PQgetvalue (row, 0, 0), error);
      if (item->before == NULL)
        goto fail;
    }
  if (failed > 0)
    {
      guint status = 0;
      g_autoptr(JsonNode) reply = NULL;

      for (guint i = 0; i < items->len && status == 0; i++)
        if (g_array_index (items, BatchItem, i).status != 200)
          status = g_array_index (items, BatchItem, i).status;
      reply = crm_api_error_body_new (status == 404 ? CRM_API_ERROR_NOT_FOUND
                                                    : CRM_API_ERROR_FORBIDDEN,
                                      crm_call_translate (call, N_("Nothing was changed: some "
                                                                   "records cannot be changed")),
                                      NULL);
      json_object_set_member (json_node_get_object (reply), "results", batch_results (items));
      crm_call_reply (call, status, reply);
      g_clear_pointer (&add_tags, json_node_unref);
      g_clear_pointer (&remove_tags, json_node_unref);
      return TRUE;
    }

  params_init (&p);
  for (guint i = 0; i < resource->n_fields; i++)
    {
      const CrmResourceField *field = &resource->fields[i];
      g_autofree char *value = NULL;
      g_autofree char *expression = NULL;

      if (!json_object_has_member (clean, field->name))
        continue;
      if (!value_for_column (call, resource, field, clean, &value, error))
        {
          params_clear (&p);
          goto fail;
        }
      expression = value_sql (field, params_add (&p, value), TRUE);
      g_string_append_printf (sets, "%s%s = %s", sets->len ? ", " : "", field->name, expression);
    }
  if (tags_field != NULL && (add_tags != NULL || remove_tags != NULL))
    {
      g_autofree char *add = add_tags != NULL ? crm_json_to_string (add_tags) : g_strdup ("[]");
      g_autofree char *remove = remove_tags != NULL ? crm_json_to_string (remove_tags)
                                                    : g_strdup ("[]");
      guint an = params_add (&p, add);
      guint rn = params_add (&p, remove);

      g_string_append_printf (sets,
                              "%s%s = ARRAY (SELECT DISTINCT t FROM unnest (%s || ARRAY (SELECT "
                              "jsonb_array_elements_text ($%u::jsonb))::bigint[]) AS t WHERE t <> "
                              "ALL (ARRAY (SELECT jsonb_array_elements_text ($%u::jsonb))::bigint[]) "
                              "ORDER BY t)",
                              sets->len ? ", " : "", tags_field->name, tags_field->name, an, rn);
      json_object_set_null_member (clean, tags_field->name);
    }
  for (guint i = 0; i < items->len; i++)
    {
      BatchItem *item = &g_array_index (items, BatchItem, i);
      g_autoptr(PGresult) result = NULL;
      g_autoptr(GString) sql = g_string_new (p.sql->str);
      g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonNode) after = NULL;
      g_autoptr(JsonNode) detail = NULL;
      g_autofree char *returning = returning_list (resource);

      for (guint v = 0; v < p.values->len; v++)
        g_ptr_array_add (values, g_strdup (g_ptr_array_index (p.values, v)));
      g_ptr_array_add (values, g_strdup_printf ("%" G_GINT64_FORMAT, item->id));
      g_string_append_printf (sql, "WITH r AS (UPDATE %s SET %s WHERE id = $%u::bigint RETURNING %s)\n",
                              resource->table, sets->str, values->len, returning);
      append_select (sql, call, resource, "r");
      result = crm_call_exec (call, sql->str, (int) values->len,
                              (const char * const *) values->pdata, error);
      if (result == NULL)
        {
          params_clear (&p);
          goto fail;
        }
      if (PQntuples (result) != 1)
        {
          params_clear (&p);
          g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INTERNAL,
                       "A batch row vanished under row-level security");
          goto fail;
        }
      after = record_for_caller (call, resource, PQgetvalue (result, 0, 0), error);
      if (after == NULL)
        {
          params_clear (&p);
          goto fail;
        }
      detail = changes_detail (call, resource, item->before, after, clean);
      if (!crm_call_audit (call, "batch_update", crm_object_to_string (resource->object), item->id,
                           "ok", detail, error))
        {
          params_clear (&p);
          goto fail;
        }
      g_clear_pointer (&item->before, json_node_unref);
      item->before = g_steal_pointer (&after);
    }
  params_clear (&p);
  {
    g_autoptr(JsonObject) object = json_object_new ();
    g_autoptr(JsonNode) reply = json_node_new (JSON_NODE_OBJECT);

    json_object_set_member (object, "results", batch_results (items));
    json_node_set_object (reply, object);
    crm_call_reply (call, 200, reply);
  }
  g_clear_pointer (&add_tags, json_node_unref);
  g_clear_pointer (&remove_tags, json_node_unref);
  return TRUE;

fail:
  g_clear_pointer (&add_tags, json_node_unref);
  g_clear_pointer (&remove_tags, json_node_unref);
  return FALSE;
}

void
crm_resource_batch_update (CrmRequest        *request,
                           const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, batch_update_records, resource);
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

void
crm_resource_count (CrmRequest        *request,
                    const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, count_records, resource);
}

/**
 * crm_resource_facet:
 * @facet: the resource and its text field
 *
 * `GET …/<values>`: the distinct values of the field among the records the caller may read
 * (and the list's filters keep), with their counts, most common first.
 */
void
crm_resource_facet (CrmRequest             *request,
                    const CrmResourceFacet *facet)
{
  crm_call_run_full (request, CRM_CALL_NONE, facet_records, facet);
}

void
crm_resource_restore (CrmRequest        *request,
                      const CrmResource *resource)
{
  crm_call_run_full (request, CRM_CALL_NONE, restore_record, resource);
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
      gboolean was_sealed;
      g_autofree char *plain = open_value (box, stored, context, &was_sealed, NULL);
      g_autofree char *sealed = NULL;
      g_autoptr(PGresult) updated = NULL;

      if (!seal)
        {
          /* Only what decrypts is ours; anything else was stored in clear already. */
          if (!was_sealed)
            continue;
        }
      else
        {
          g_autofree char *digest = NULL;
          g_autoptr(PGresult) indexed = NULL;

          if (was_sealed
              && crm_secret_box_token_get_key_id (stored) == crm_secret_box_get_current_key_id (box))
            continue;
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
