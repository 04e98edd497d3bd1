/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-health"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-db-pool.h"
#include "crm-health.h"
#include "crm-migrate.h"
#include "crm-server.h"

/* GET /api/v1/health: whether the database answers, and the schema it holds. */

static gboolean
read_schema_version (PGconn   *conn,
                     gpointer  user_data,
                     GError  **error)
{
  gint64 *version = user_data;

  *version = crm_migrate_get_current (conn, error);
  return *version >= 0;
}

static void
read_health_in_worker (CrmDbWorker *worker,
                       GTask       *task)
{
  gint64 version = -1;
  GError *error = NULL;

  if (crm_db_worker_run_transaction (worker, read_schema_version, &version, &error))
    g_task_return_int (task, version);
  else
    g_task_return_error (task, error);
}

static void
read_health_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CrmRequest) request = user_data;
  g_autoptr(CrmHealth) health = crm_health_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;

  if (crm_request_is_finished (request))
    return;

  version = g_task_propagate_int (G_TASK (result), &error);
  health->server_version = g_strdup (PACKAGE_VERSION);
  health->schema_expected = crm_server_get_schema_expected (crm_request_get_server (request));
  if (error == NULL)
    {
      health->database_ok = TRUE;
      health->schema_version = version;
      node = crm_health_to_json (health);
      crm_request_reply_json (request, SOUP_STATUS_OK, node);
      return;
    }
  if (g_error_matches (error, CRM_DB_ERROR, CRM_DB_ERROR_UNAVAILABLE)
      || g_error_matches (error, CRM_DB_ERROR, CRM_DB_ERROR_TIMEOUT))
    {
      g_autoptr(JsonNode) reply = NULL;

      /* The contract's error body, plus the health fields a monitor reads. */
      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                        "REQUEST_ID", crm_request_get_id (request),
                        "MESSAGE", "%s", error->message);
      node = crm_health_to_json (health);
      reply = crm_api_error_body_new (CRM_API_ERROR_UNAVAILABLE,
                                      crm_request_translate (request,
                                                             N_("The database is unavailable")),
                                      NULL);
      json_object_set_member (json_node_get_object (reply), "health", g_steal_pointer (&node));
      soup_message_headers_replace (
        soup_server_message_get_response_headers (crm_request_get_message (request)),
        "Retry-After", "1");
      crm_request_reply_json (request, SOUP_STATUS_SERVICE_UNAVAILABLE, reply);
      return;
    }
  crm_request_reply_gerror (request, error);
}

void
crm_api_health_get (CrmRequest *request)
{
  CrmServer *server = crm_request_get_server (request);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, crm_request_get_cancellable (request), read_health_cb,
                     crm_request_ref (request));
  g_task_set_source_tag (task, crm_api_health_get);
  crm_request_pause (request);
  _crm_db_pool_push (crm_server_get_db_pool (server), g_steal_pointer (&task), read_health_in_worker);
}
