/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-fields"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-json.h"
#include "crm-resource.h"

/*
 * What administrators define for everyone: tags, custom fields, level rules and the
 * reminder settings (all under the `fields` permission: everyone reads, scope all
 * writes), and each user's own notifications.
 */

static const char * const objects[] = { "customers", "contacts", "leads", "opportunities",
                                        "orders", "tickets", NULL };
static const char * const types[] = { "text", "number", "money", "date", "choice",
                                      "multi_choice", "boolean", NULL };

#define REQ CRM_RESOURCE_FIELD_REQUIRED
#define ONCE CRM_RESOURCE_FIELD_CREATE_ONLY

static const CrmResourceField tag_fields[] = {
  { "name", CRM_RESOURCE_TEXT, REQ | CRM_RESOURCE_FIELD_SEARCH | CRM_RESOURCE_FIELD_SORT, NULL,
    50, 0 },
  { "color", CRM_RESOURCE_TEXT, 0, NULL, 7, CRM_RESOURCE_FORMAT_COLOR },
};

static const CrmResource tags = {
  .object = CRM_OBJECT_FIELDS,
  .table = "tags",
  .fields = tag_fields,
  .n_fields = G_N_ELEMENTS (tag_fields),
};

static const CrmResourceField custom_field_fields[] = {
  { "object", CRM_RESOURCE_TEXT, REQ | ONCE | CRM_RESOURCE_FIELD_FILTER, objects, 0, 0 },
  { "key", CRM_RESOURCE_TEXT, REQ | ONCE, NULL, 51, CRM_RESOURCE_FORMAT_KEY },
  { "label", CRM_RESOURCE_TEXT, REQ | CRM_RESOURCE_FIELD_SEARCH, NULL, 100, 0 },
  { "type", CRM_RESOURCE_TEXT, REQ | ONCE | CRM_RESOURCE_FIELD_FILTER, types, 0, 0 },
  { "choices", CRM_RESOURCE_TEXT_ARRAY, 0, NULL, 0, 0 },
  { "required", CRM_RESOURCE_BOOLEAN, 0, NULL, 0, 0 },
  { "sensitive", CRM_RESOURCE_BOOLEAN, 0, NULL, 0, 0 },
  { "position", CRM_RESOURCE_INTEGER, 0, NULL, 0, 0 },
};

static const CrmResource custom_fields = {
  .object = CRM_OBJECT_FIELDS,
  .table = "custom_fields",
  .fields = custom_field_fields,
  .n_fields = G_N_ELEMENTS (custom_field_fields),
};

static const CrmResourceField level_rule_fields[] = {
  { "level", CRM_RESOURCE_TEXT, REQ, NULL, 50, CRM_RESOURCE_FORMAT_LEVEL },
  { "min_amount", CRM_RESOURCE_INTEGER, REQ, NULL, 0, 0 },
  { "currency", CRM_RESOURCE_TEXT, 0, NULL, 3, CRM_RESOURCE_FORMAT_CURRENCY },
  { "months", CRM_RESOURCE_INTEGER, 0, NULL, 0, 0 },
  { "position", CRM_RESOURCE_INTEGER, 0, NULL, 0, 0 },
};

static const CrmResource level_rules = {
  .object = CRM_OBJECT_FIELDS,
  .table = "level_rules",
  .fields = level_rule_fields,
  .n_fields = G_N_ELEMENTS (level_rule_fields),
};

/* ---- reminder settings ---- */

static const char get_setting_sql[] =
  "SELECT value::text, version FROM settings WHERE key = 'reminders'";
static const char put_setting_sql[] =
  "UPDATE settings SET value = $1::jsonb WHERE key = 'reminders' RETURNING value::text, version";

static gboolean
reply_setting (CrmCall  *call,
               PGresult *result,
               GError  **error)
{
  JsonNode *value;

  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such setting"));
      return TRUE;
    }
  value = json_from_string (PQgetvalue (result, 0, 0), error);
  if (value == NULL)
    return FALSE;
  crm_call_set_header (call, "ETag", PQgetvalue (result, 0, 1));
  crm_call_reply (call, 200, value);
  json_node_unref (value);
  return TRUE;
}

static gboolean
get_reminders (CrmCall  *call,
               GError  **error)
{
  g_autoptr(PGresult) result = crm_call_exec (call, get_setting_sql, 0, NULL, error);

  return result != NULL && reply_setting (call, result, error);
}

static gboolean
put_reminders (CrmCall  *call,
               GError  **error)
{
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(JsonObject) problems = json_object_new ();
  g_autoptr(JsonObject) value = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) current = NULL;
  g_autofree char *text = NULL;
  gboolean allowed;

  if (!crm_call_require (call, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (crm_call_get_scope (call, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE) != CRM_SCOPE_ALL)
    return crm_call_deny (call, CRM_OBJECT_FIELDS, "update", 0, NULL, error);
  if (body == NULL)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("The body must be a JSON object"));
      return TRUE;
    }
  if (crm_json_get_type (body, "enabled") != CRM_JSON_BOOLEAN)
    json_object_set_string_member (problems, "enabled", N_("Choose yes or no"));
  if (crm_json_get_type (body, "days") != CRM_JSON_INT
      || json_object_get_int_member (body, "days") < 1
      || json_object_get_int_member (body, "days") > 3650)
    json_object_set_string_member (problems, "days", N_("Enter a number of days from 1 to 3650"));
  if (json_object_get_size (problems) > 0)
    {
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      return TRUE;
    }
  current = crm_call_exec (call, get_setting_sql, 0, NULL, error);
  if (current == NULL)
    return FALSE;
  json_object_set_boolean_member (value, "enabled", json_object_get_boolean_member (body, "enabled"));
  json_object_set_int_member (value, "days", json_object_get_int_member (body, "days"));
  json_node_set_object (node, value);
  text = crm_json_to_string (node);
  {
    const char *params[] = { text };

    result = crm_call_exec (call, put_setting_sql, 1, params, error);
  }
  if (result == NULL)
    return FALSE;
  {
    g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(JsonObject) object = json_object_new ();
    JsonNode *before = PQntuples (current) == 1
                         ? json_from_string (PQgetvalue (current, 0, 0), NULL) : NULL;

    json_object_set_member (object, "before", before != NULL ? before
                                                             : json_node_new (JSON_NODE_NULL));
    json_object_set_member (object, "after", json_node_copy (node));
    json_object_set_string_member (object, "setting", "reminders");
    json_node_take_object (detail, g_steal_pointer (&object));
    if (!crm_call_audit (call, "update", "settings", 0, "ok", detail, error))
      return FALSE;
  }
  return reply_setting (call, result, error);
}

/* ---- notifications ---- */

static const char list_notifications_sql[] =
  "SELECT jsonb_build_object ('id', id, 'kind', kind, 'customer_id', customer_id,\n"
  "                           'title', title, 'created_at', created_at, 'read_at', read_at)::text\n"
  "FROM notifications\n"
  "WHERE user_id = rapport_user_id () AND ($1::bigint IS NULL OR id < $1::bigint)\n"
  "  AND (NOT $2::boolean OR read_at IS NULL)\n"
  "ORDER BY id DESC\n"
  "LIMIT $3::integer";

static gboolean
list_notifications (CrmCall  *call,
                    GError  **error)
{
  const char *after = crm_call_get_query (call, "after");
  const char *unread = crm_call_get_query (call, "unread");
  const char *limit_text = crm_call_get_query (call, "limit");
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *limit_param = NULL;
  gint64 limit = 50, last = 0;
  int n_rows;

  if (limit_text != NULL)
    limit = g_ascii_strtoll (limit_text, NULL, 10);
  if (limit < 1 || limit > 500
      || (after != NULL && g_ascii_strtoll (after, NULL, 10) <= 0))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("Bad limit or cursor"));
      return TRUE;
    }
  limit_param = g_strdup_printf ("%" G_GINT64_FORMAT, limit + 1);
  {
    const char *params[] = { after, unread != NULL && g_str_equal (unread, "true") ? "true" : "false",
                             limit_param };

    result = crm_call_exec (call, list_notifications_sql, 3, params, error);
  }
  if (result == NULL)
    return FALSE;
  n_rows = PQntuples (result);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (int row = 0; row < n_rows && row < limit; row++)
    {
      JsonNode *item = json_from_string (PQgetvalue (result, row, 0), error);

      if (item == NULL)
        return FALSE;
      last = json_object_get_int_member (json_node_get_object (item), "id");
      json_builder_add_value (builder, item);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next");
  if (n_rows > limit)
    {
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, last);

      json_builder_add_string_value (builder, next);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);
  crm_call_reply (call, 200, reply);
  return TRUE;
}

static gboolean
mark_notification (CrmCall  *call,
                   GError  **error)
{
  static const char sql[] =
    "UPDATE notifications SET read_at = CASE WHEN $2::boolean THEN coalesce (read_at, now ()) END\n"
    "WHERE id = $1::bigint AND user_id = rapport_user_id ()\n"
    "RETURNING jsonb_build_object ('id', id, 'kind', kind, 'customer_id', customer_id,\n"
    "  'title', title, 'created_at', created_at, 'read_at', read_at)::text";
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(PGresult) result = NULL;
  JsonNode *record;
  gint64 id;

  if (!crm_call_get_id_param (call, "id", &id))
    return TRUE;
  if (body == NULL || crm_json_get_type (body, "read") != CRM_JSON_BOOLEAN)
    {
      g_autoptr(JsonObject) problems = json_object_new ();

      json_object_set_string_member (problems, "read", N_("Choose yes or no"));
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      return TRUE;
    }
  {
    const char *params[] = { crm_call_get_param (call, "id"),
                             json_object_get_boolean_member (body, "read") ? "true" : "false" };

    result = crm_call_exec (call, sql, 2, params, error);
  }
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      crm_call_reply_error (call, CRM_API_ERROR_NOT_FOUND, N_("No such notification"));
      return TRUE;
    }
  record = json_from_string (PQgetvalue (result, 0, 0), error);
  if (record == NULL)
    return FALSE;
  crm_call_reply (call, 200, record);
  json_node_unref (record);
  return TRUE;
}

void crm_api_tags_list (CrmRequest *r) { crm_resource_list (r, &tags); }
void crm_api_tags_get (CrmRequest *r) { crm_resource_get (r, &tags); }
void crm_api_tags_create (CrmRequest *r) { crm_resource_create (r, &tags); }
void crm_api_tags_update (CrmRequest *r) { crm_resource_update (r, &tags); }
void crm_api_tags_delete (CrmRequest *r) { crm_resource_delete (r, &tags); }

void crm_api_fields_list (CrmRequest *r) { crm_resource_list (r, &custom_fields); }
void crm_api_fields_get (CrmRequest *r) { crm_resource_get (r, &custom_fields); }
void crm_api_fields_create (CrmRequest *r) { crm_resource_create (r, &custom_fields); }
void crm_api_fields_update (CrmRequest *r) { crm_resource_update (r, &custom_fields); }
void crm_api_fields_delete (CrmRequest *r) { crm_resource_delete (r, &custom_fields); }

void crm_api_level_rules_list (CrmRequest *r) { crm_resource_list (r, &level_rules); }
void crm_api_level_rules_get (CrmRequest *r) { crm_resource_get (r, &level_rules); }
void crm_api_level_rules_create (CrmRequest *r) { crm_resource_create (r, &level_rules); }
void crm_api_level_rules_update (CrmRequest *r) { crm_resource_update (r, &level_rules); }
void crm_api_level_rules_delete (CrmRequest *r) { crm_resource_delete (r, &level_rules); }

void crm_api_settings_reminders_get (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, get_reminders); }
void crm_api_settings_reminders_put (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, put_reminders); }

void crm_api_notifications_list (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, list_notifications); }
void crm_api_notifications_update (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, mark_notification); }
