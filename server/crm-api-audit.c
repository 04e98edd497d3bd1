/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-audit"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-call.h"

/*
 * GET /api/v1/audit?user_id=&object=&action=&from=&to=&after=&limit=: the audit log,
 * newest first, for roles with audit read (row-level security limits own/team scopes
 * to the rows of those users). GET /api/v1/alerts: what admins are warned about.
 */

#define MAX_LIMIT 500

static gboolean
parse_positive (const char *text,
                gint64      max,
                gint64     *value)
{
  char *end = NULL;

  errno = 0;
  *value = g_ascii_strtoll (text, &end, 10);
  return errno == 0 && end != text && *end == '\0' && *value > 0 && *value <= max;
}

static gboolean
valid_time (const char *text)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  return time != NULL;
}

static gboolean
list_audit (CrmCall  *call,
            GError  **error)
{
  static const char sql[] =
    "SELECT coalesce (jsonb_agg (jsonb_build_object ('id', a.id, 'seq', a.seq, 'at', a.at,\n"
    "  'user_id', a.user_id, 'username', a.username, 'source', a.source,\n"
    "  'request_id', a.request_id, 'action', a.action, 'object', a.object,\n"
    "  'record_id', a.record_id, 'outcome', a.outcome, 'detail', a.detail)\n"
    "  ORDER BY a.id DESC), '[]')::text, min (a.id), count(*)\n"
    "FROM (SELECT * FROM audit_log a\n"
    "      WHERE ($1::bigint IS NULL OR a.user_id = $1::bigint)\n"
    "        AND ($2::text IS NULL OR a.object = $2)\n"
    "        AND ($3::text IS NULL OR a.action = $3)\n"
    "        AND ($4::timestamptz IS NULL OR a.at >= $4::timestamptz)\n"
    "        AND ($5::timestamptz IS NULL OR a.at < $5::timestamptz)\n"
    "        AND ($6::bigint IS NULL OR a.id < $6::bigint)\n"
    "        AND ($7::text IS NULL OR a.outcome = $7)\n"
    "      ORDER BY a.id DESC LIMIT $8::integer) a";
  const char *user_id = crm_call_get_query (call, "user_id");
  const char *from = crm_call_get_query (call, "from");
  const char *to = crm_call_get_query (call, "to");
  const char *after = crm_call_get_query (call, "after");
  const char *limit_text = crm_call_get_query (call, "limit");
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) items = NULL;
  g_autoptr(JsonNode) reply = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *limit = NULL;
  JsonObject *object = json_object_new ();
  JsonObject *filters = json_object_new ();
  gint64 value, n_limit = 100;
  gboolean allowed;

  json_node_take_object (reply, object);
  json_node_take_object (detail, filters);
  if (!crm_call_require (call, CRM_OBJECT_AUDIT, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if ((user_id != NULL && !parse_positive (user_id, G_MAXINT64, &value))
      || (after != NULL && !parse_positive (after, G_MAXINT64, &value))
      || (limit_text != NULL && !parse_positive (limit_text, MAX_LIMIT, &n_limit))
      || (from != NULL && !valid_time (from)) || (to != NULL && !valid_time (to)))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED,
                            N_("user_id, after and limit (≤ 500) are numbers; from and to are "
                            "RFC 3339 times"));
      return TRUE;
    }
  limit = g_strdup_printf ("%" G_GINT64_FORMAT, n_limit);
  {
    const char *params[] = { user_id, crm_call_get_query (call, "object"),
                             crm_call_get_query (call, "action"), from, to, after,
                             crm_call_get_query (call, "outcome"), limit };

    result = crm_call_exec (call, sql, 8, params, error);
    if (result == NULL)
      return FALSE;
  }
  items = json_from_string (PQgetvalue (result, 0, 0), error);
  if (items == NULL)
    return FALSE;
  json_object_set_member (object, "items", g_steal_pointer (&items));
  if (g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10) == n_limit)
    json_object_set_string_member (object, "next", PQgetvalue (result, 0, 1));
  else
    json_object_set_null_member (object, "next");

  {
    const char *names[] = { "user_id", "object", "action", "from", "to", "after", "outcome" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      if (crm_call_get_query (call, names[i]) != NULL)
        json_object_set_string_member (filters, names[i], crm_call_get_query (call, names[i]));
  }
  if (!crm_call_audit (call, "list", "audit", 0, "ok", detail, error))
    return FALSE;
  crm_call_reply (call, 200, reply);
  return TRUE;
}

void
crm_api_audit_list (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, list_audit);
}

static gboolean
list_alerts (CrmCall  *call,
             GError  **error)
{
  static const char sql[] =
    "SELECT coalesce (jsonb_agg (jsonb_build_object ('id', id, 'kind', kind,\n"
    "  'user_id', user_id, 'username', username, 'source', source, 'count', count,\n"
    "  'message', message, 'created_at', created_at, 'acknowledged_at', acknowledged_at)\n"
    "  ORDER BY id DESC), '[]')::text\n"
    "FROM (SELECT * FROM alerts ORDER BY id DESC LIMIT 200) a";
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) items = NULL;
  g_autoptr(JsonNode) reply = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  gboolean allowed;

  json_node_take_object (reply, object);
  if (!crm_call_require (call, CRM_OBJECT_AUDIT, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  if (crm_call_get_scope (call, CRM_OBJECT_AUDIT, CRM_ACTION_READ) != CRM_SCOPE_ALL)
    return crm_call_deny (call, CRM_OBJECT_AUDIT, "read", 0, NULL, error);
  result = crm_call_exec (call, sql, 0, NULL, error);
  if (result == NULL)
    return FALSE;
  items = json_from_string (PQgetvalue (result, 0, 0), error);
  if (items == NULL)
    return FALSE;
  json_object_set_member (object, "items", g_steal_pointer (&items));
  json_object_set_null_member (object, "next");
  crm_call_reply (call, 200, reply);
  return TRUE;
}

void
crm_api_alerts_list (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_NONE, list_alerts);
}
