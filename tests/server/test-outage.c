/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-api-paths.h"
#include "crm-test-server.h"

/*
 * The database goes away under a running server: requests get a clear 503, and once
 * the database is back the same server process answers 200 again.
 */

static void
expect_unavailable (CrmTestServer *server)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "GET", CRM_API_HEALTH,
                                                                NULL);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_server_send (server, message, &status);
  g_assert_cmpuint (status, ==, 503);
  g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==, "unavailable");
  g_assert_nonnull (crm_test_json_get_string (reply, "error.message"));
  g_assert_cmpstr (crm_test_json_get_string (reply, "health.database.state"), ==, "unavailable");
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                 "Retry-After"), ==, "1");
}

static void
expect_ok (CrmTestServer *server)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_server_request (server, "GET", CRM_API_HEALTH, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (crm_test_json_get_string (reply, "database.state"), ==, "ok");
}

static void
test_outage_and_recovery (void)
{
  CrmTestCluster *cluster = crm_test_cluster_new ();
  CrmTestServer *server = crm_test_server_new (cluster, NULL);

  /* Warm every worker's connection (4 workers), so each has one to lose. */
  for (guint i = 0; i < 8; i++)
    expect_ok (server);

  for (guint round = 0; round < 2; round++)
    {
      crm_test_cluster_stop (cluster);
      /* More requests than workers: every worker meets the outage. */
      for (guint i = 0; i < 6; i++)
        expect_unavailable (server);
      g_assert_true (crm_test_server_is_running (server));

      crm_test_cluster_start (cluster);
      /* No retry loop here: the very next requests must succeed. */
      for (guint i = 0; i < 8; i++)
        expect_ok (server);
    }

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
  g_test_add_func ("/crm/outage/503-then-recovery", test_outage_and_recovery);
  return g_test_run ();
}
