/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "crm-api-paths.h"
#include "crm-test-server.h"

/*
 * rapport-server under valgrind memcheck: requests of every kind the server answers
 * (success, 404, 405, 415, 503 during a database outage), then SIGTERM. Valgrind must
 * report no memory errors and no definitely or indirectly lost bytes.
 */

static void
send_requests (CrmTestServer *server,
               guint          expected_health)
{
  const struct
  {
    const char *method;
    const char *path;
    const char *body;
    guint       status;
  } requests[] = {
    { "GET", CRM_API_HEALTH, NULL, 0 },
    { "GET", CRM_API_BASE "/nothing-here", NULL, 404 },
    { "PUT", CRM_API_HEALTH, "{}", 405 },
    { "GET", CRM_API_HEALTH "/", NULL, 0 },
  };

  for (guint round = 0; round < 5; round++)
    for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
      {
        g_autoptr(JsonNode) reply = NULL;
        guint status = 0;

        reply = crm_test_server_request (server, requests[i].method, requests[i].path,
                                         requests[i].body, &status);
        g_assert_cmpuint (status, ==, requests[i].status ? requests[i].status : expected_health);
      }
  {
      g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "POST", CRM_API_HEALTH,
                                                                  NULL);
    g_autoptr(GBytes) body = g_bytes_new_static ("a=b", 3);
    g_autoptr(JsonNode) reply = NULL;
    guint status = 0;

    soup_message_set_request_body_from_bytes (message, "text/plain", body);
    reply = crm_test_server_send (server, message, &status);
    g_assert_cmpuint (status, ==, 415);
  }
}

static void
test_request_path_leaks (void)
{
  CrmTestCluster *cluster = crm_test_cluster_new ();
  g_autofree char *dir = crm_test_make_dir ();
  g_autofree char *log_path = g_build_filename (dir, "valgrind.log", NULL);
  g_autofree char *log_option = g_strdup_printf ("--log-file=%s", log_path);
  g_autofree char *suppressions = g_test_build_filename (G_TEST_DIST, "server", "valgrind.supp", NULL);
  g_autofree char *suppressions_option = g_strdup_printf ("--suppressions=%s", suppressions);
  g_autofree char *report = NULL;
  g_autoptr(GError) error = NULL;
  const char *wrapper[] = {
    "valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite,indirect",
    "--errors-for-leak-kinds=definite,indirect", "--num-callers=30", suppressions_option,
    log_option, NULL
  };
  CrmTestServer *server;

  crm_test_server_set_wrapper (wrapper);
  server = crm_test_server_new (cluster, NULL);
  send_requests (server, 200);
  crm_test_cluster_stop (cluster);
  send_requests (server, 503);
  crm_test_cluster_start (cluster);
  send_requests (server, 200);

  crm_test_server_send_signal (server, SIGTERM);
  g_assert_cmpint (crm_test_server_wait (server), ==, 0);
  crm_test_server_free (server);
  crm_test_server_set_wrapper (NULL);

  g_file_get_contents (log_path, &report, NULL, &error);
  g_assert_no_error (error);
  if (strstr (report, "ERROR SUMMARY: 0 errors") == NULL)
    {
      g_printerr ("valgrind found problems in rapport-server:\n%s", report);
      g_test_fail ();
    }
  {
    const char *summary = strstr (report, "LEAK SUMMARY");

    g_test_message ("%s", summary ? summary : "no leak summary (all heap blocks freed)");
  }
  crm_test_remove_dir (dir);
  crm_test_cluster_free (cluster);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;
  if (g_find_program_in_path ("valgrind") == NULL)
    {
      g_print ("1..0 # SKIP valgrind is not installed\n");
      return 0;
    }
  g_test_add_func ("/crm/leaks/request-path", test_request_path_leaks);
  return g_test_run ();
}
