/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-api-paths.h"
#include "crm-db.h"
#include "crm-memory.h"
#include "crm-migrate.h"
#include "crm-request.h"
#include "crm-server.h"
#include "crm-test-server.h"

/*
 * CrmServer in this process (plain HTTP on loopback), so the test can see its insides:
 * every request is freed once answered — also one whose client went away while its
 * database work was still running — and none stays counted as in flight; and once
 * the requests stop, the server hands the memory they freed back to the system, once.
 */

typedef struct
{
  CrmTestCluster *cluster;
  CrmDbPool      *pool;
  CrmServer      *server;
  SoupSession    *session;
  char           *url;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;

  fixture->cluster = crm_test_cluster_new ();
  conn = crm_test_cluster_connect (fixture->cluster);
  crm_migrate_run (conn, NULL, &error);
  g_assert_no_error (error);
  fixture->pool = crm_db_pool_new (crm_test_cluster_get_conninfo (fixture->cluster), 2, 30000);
  fixture->server = crm_server_new (fixture->pool, NULL, 1);
  crm_server_listen (fixture->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  fixture->url = crm_server_dup_url (fixture->server);
  g_assert_true (g_str_has_prefix (fixture->url, "http://127.0.0.1:"));
  fixture->session = crm_test_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->server);
  crm_db_pool_shutdown (fixture->pool);
  g_clear_object (&fixture->pool);
  crm_test_cluster_free (fixture->cluster);
  g_free (fixture->url);
}

typedef struct
{
  guint n_pending;
  guint n_ok;
} Counts;

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Counts *counts = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  counts->n_pending--;
  if (body != NULL)
    counts->n_ok++;
}

static void
wait_until_idle (Fixture *fixture)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((crm_request_get_n_alive () > 0 || crm_server_get_n_in_flight (fixture->server) > 0)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* @n GETs at once, of @paths round-robin; all of them must be answered. */
static void
send_requests (Fixture            *fixture,
               const char * const *paths,
               guint               n_paths,
               guint               n)
{
  Counts counts = { 0, 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *url = g_strconcat (fixture->url, paths[i % n_paths], NULL);
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);

      counts.n_pending++;
      soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, NULL,
                                        send_cb, &counts);
    }
  while (counts.n_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counts.n_ok, ==, n);
}

static void
test_requests_are_freed (Fixture       *fixture,
                         gconstpointer  data)
{
  const char * const paths[] = { CRM_API_HEALTH, CRM_API_BASE "/missing" };

  send_requests (fixture, paths, G_N_ELEMENTS (paths), 100);

  wait_until_idle (fixture);
  g_assert_cmpuint (crm_server_get_n_in_flight (fixture->server), ==, 0);
  g_assert_cmpuint (crm_request_get_n_alive (), ==, 0);
}

static void
test_abandoned_request_is_freed (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(PGconn) locker = crm_test_cluster_connect (fixture->cluster);
  g_autoptr(PGresult) locked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = g_strconcat (fixture->url, CRM_API_HEALTH, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  Counts counts = { 1, 0 };
  gint64 end;

  /* Hold the request's database work, then let its client go. */
  g_assert_true (crm_db_exec_command (locker, "BEGIN", &error));
  locked = crm_db_exec (locker, "LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE", 0, NULL,
                        &error);
  g_assert_no_error (error);
  soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, &counts);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (crm_server_get_n_in_flight (fixture->server) == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (crm_server_get_n_in_flight (fixture->server), ==, 1);
  g_cancellable_cancel (cancellable);
  while (counts.n_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counts.n_ok, ==, 0);

  /* The database work finishes after the client left; nothing may stay behind. */
  g_assert_true (crm_db_exec_command (locker, "COMMIT", &error));
  wait_until_idle (fixture);
  g_assert_cmpuint (crm_server_get_n_in_flight (fixture->server), ==, 0);
  g_assert_cmpuint (crm_request_get_n_alive (), ==, 0);
}

static void
run_until (gint64 end_us)
{
  while (g_get_monotonic_time () < end_us)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
test_idle_server_trims_memory (Fixture       *fixture,
                               gconstpointer  data)
{
  const char * const paths[] = { CRM_API_HEALTH };
  guint before;
  gint64 end;

  /* Nothing trims while no request comes. */
  before = crm_memory_get_n_trims ();
  run_until (g_get_monotonic_time () + 2500 * 1000);
  g_assert_cmpuint (crm_memory_get_n_trims (), ==, before);

  send_requests (fixture, paths, G_N_ELEMENTS (paths), 20);

  /* About a second after the burst: one trim, and no more while it stays quiet. */
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (crm_memory_get_n_trims () == before && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpuint (crm_memory_get_n_trims (), ==, before + 1);
  run_until (g_get_monotonic_time () + 2500 * 1000);
  g_assert_cmpuint (crm_memory_get_n_trims (), ==, before + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;
  g_test_add ("/crm/server/requests-are-freed", Fixture, NULL, fixture_set_up,
              test_requests_are_freed, fixture_tear_down);
  g_test_add ("/crm/server/abandoned-request-is-freed", Fixture, NULL, fixture_set_up,
              test_abandoned_request_is_freed, fixture_tear_down);
  g_test_add ("/crm/server/idle-server-trims-memory", Fixture, NULL, fixture_set_up,
              test_idle_server_trims_memory, fixture_tear_down);
  return g_test_run ();
}
