/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "crm-api-paths.h"
#include "crm-db.h"
#include "crm-test-server.h"

/*
 * SIGTERM with a request in flight: the request is held in the database by a lock the
 * test owns; the server must refuse new work, wait, answer the held request once the
 * lock goes, and then exit 0.
 */

typedef struct
{
  GBytes  *body;
  GError  *error;
  gboolean done;
} Pending;

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;

  pending->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                     &pending->error);
  pending->done = TRUE;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

/* Iterates the main context until a backend waits on a lock (the held request). */
static void
wait_for_lock_waiter (CrmTestCluster *cluster)
{
  g_autoptr(PGconn) watcher = crm_test_cluster_connect (cluster);
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *waiting = crm_test_query_value (watcher,
                                                       "SELECT count(*) FROM pg_stat_activity"
                                                       " WHERE wait_event_type = 'Lock'");

      if (g_strcmp0 (waiting, "0") != 0)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      iterate_for (20);
    }
}

static void
test_sigterm_with_request_in_flight (void)
{
  CrmTestCluster *cluster = crm_test_cluster_new ();
  CrmTestServer *server = crm_test_server_new (cluster, NULL);
  g_autoptr(PGconn) locker = crm_test_cluster_connect (cluster);
  g_autoptr(SoupSession) session = crm_test_session_new ();
  g_autoptr(SoupMessage) held = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) locked = NULL;
  g_autofree char *log = NULL;
  Pending pending = { NULL, };

  g_assert_true (crm_db_exec_command (locker, "BEGIN", &error));
  locked = crm_db_exec (locker, "LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE", 0, NULL,
                        &error);
  g_assert_no_error (error);

  held = crm_test_server_new_message (server, "GET", CRM_API_HEALTH, NULL);
  soup_session_send_and_read_async (session, held, G_PRIORITY_DEFAULT, NULL, send_cb, &pending);
  /* Wait until the server's worker is blocked on the lock: a fixed pause was not enough
   * on a loaded machine, where the server had not yet read the request at SIGTERM. */
  wait_for_lock_waiter (cluster);
  g_assert_false (pending.done);

  crm_test_server_send_signal (server, SIGTERM);
  iterate_for (300);
  g_assert_true (crm_test_server_is_running (server));
  g_assert_false (pending.done);

  /* New work is refused while draining. */
  {
    g_autoptr(SoupSession) other = crm_test_session_new ();
    g_autoptr(SoupMessage) late = crm_test_server_new_message (server, "GET", CRM_API_HEALTH, NULL);
    g_autoptr(JsonNode) reply = NULL;
    guint status = 0;

    reply = crm_test_send (other, late, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 503);
    g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==, "unavailable");
  }
  g_assert_true (crm_test_server_is_running (server));

  /* Release the lock: the held request completes with 200, then the server exits 0. */
  g_assert_true (crm_db_exec_command (locker, "COMMIT", &error));
  while (!pending.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (pending.error);
  g_assert_cmpuint (soup_message_get_status (held), ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (pending.body, NULL), "\"state\":\"ok\""));
  g_bytes_unref (pending.body);

  g_assert_cmpint (crm_test_server_wait (server), ==, 0);
  log = crm_test_server_dup_log (server);
  g_assert_nonnull (strstr (log, "Shutting down: waiting for 1 requests in flight"));
  g_assert_nonnull (strstr (log, "Goodbye"));

  crm_test_server_free (server);
  crm_test_cluster_free (cluster);
}

/* SIGINT on an idle server: a clean, quick exit. */
static void
test_sigint_idle (void)
{
  CrmTestCluster *cluster = crm_test_cluster_new ();
  CrmTestServer *server = crm_test_server_new (cluster, NULL);
  gint64 start = g_get_monotonic_time ();

  crm_test_server_send_signal (server, SIGINT);
  g_assert_cmpint (crm_test_server_wait (server), ==, 0);
  g_test_message ("idle shutdown took %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  crm_test_server_free (server);
  crm_test_cluster_free (cluster);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;
  g_test_add_func ("/crm/shutdown/sigterm-with-request-in-flight",
                   test_sigterm_with_request_in_flight);
  g_test_add_func ("/crm/shutdown/sigint-idle", test_sigint_idle);
  return g_test_run ();
}
