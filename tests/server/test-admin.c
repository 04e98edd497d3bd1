/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "crm-api-paths.h"
#include "crm-cluster.h"
#include "crm-db.h"
#include "crm-demo.h"
#include "crm-migrate.h"
#include "crm-test-server.h"

/* rapport-admin against the embedded cluster, with and without a running server. */

static int
run_admin (const char  *data_dir,
           const char  *command,
           char       **output)
{
  const char *argv[] = { g_getenv ("RAPPORT_ADMIN_BIN"), "--data-dir", data_dir, command, NULL };

  return crm_test_run_tool (argv, output);
}

static char *
socket_path (const char *data_dir)
{
  return g_build_filename (data_dir, "pg", ".s.PGSQL.5432", NULL);
}

static void
check_demo_data (const char *data_dir)
{
  g_autoptr(CrmCluster) cluster = crm_cluster_new (data_dir, PG_BINDIR, "postgres");
  g_autofree char *conninfo = crm_cluster_dup_conninfo (cluster, "rapport");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = crm_db_connect (conninfo, &error);
  g_autofree char *customers = NULL;
  g_autofree char *bad_mobiles = NULL;
  g_autofree char *not_chinese = NULL;
  g_autofree char *primaries = NULL;
  g_autofree char *unowned = NULL;
  g_autofree char *owners = NULL;
  g_autofree char *sample = NULL;

  g_assert_no_error (error);
  customers = crm_test_query_value (conn, "SELECT count(*) FROM customers");
  g_assert_cmpint (g_ascii_strtoll (customers, NULL, 10), ==, CRM_DEMO_N_CUSTOMERS);
  bad_mobiles = crm_test_query_value (conn, "SELECT count(*) FROM contacts "
                                            "WHERE mobile !~ '^1[3-9][0-9]{9}$'");
  g_assert_cmpstr (bad_mobiles, ==, "0");
  not_chinese = crm_test_query_value (conn, "SELECT count(*) FROM customers "
                                            "WHERE name !~ '[一-龥]'");
  g_assert_cmpstr (not_chinese, ==, "0");
  /* Every customer has exactly one primary contact. */
  primaries = crm_test_query_value (conn,
                           "SELECT count(*) FROM customers c WHERE (SELECT count(*) FROM contacts "
                           "WHERE customer_id = c.id AND is_primary) <> 1");
  g_assert_cmpstr (primaries, ==, "0");
  unowned = crm_test_query_value (conn, "SELECT count(*) FROM customers WHERE owner_id IS NULL");
  g_assert_cmpstr (unowned, ==, "0");
  owners = crm_test_query_value (conn, "SELECT count(DISTINCT owner_id) FROM customers");
  g_assert_cmpint (g_ascii_strtoll (owners, NULL, 10), >=, 3);
  sample = crm_test_query_value (conn, "SELECT name FROM customers WHERE kind = 'company' "
                                       "ORDER BY id LIMIT 1");
  g_assert_true (g_str_has_suffix (sample, "有限公司"));
}

static void
test_admin_embedded (void)
{
  g_autofree char *root = crm_test_make_dir ();
  g_autofree char *data_dir = g_build_filename (root, "d", NULL);
  g_autofree char *socket = socket_path (data_dir);
  g_autofree char *output = NULL;
  g_autofree char *expected = NULL;
  CrmTestServer *server;

  /* No server: admin starts the cluster (creating it first), and stops it again. */
  g_assert_cmpint (run_admin (data_dir, "migrate", &output), ==, 0);
  expected = g_strdup_printf ("Schema at version %" G_GINT64_FORMAT ";",
                              crm_migrate_get_latest_known ());
  g_assert_nonnull (strstr (output, expected));
  g_assert_false (g_file_test (socket, G_FILE_TEST_EXISTS));
  g_clear_pointer (&output, g_free);

  g_assert_cmpint (run_admin (data_dir, "seed-demo", &output), ==, 0);
  g_assert_nonnull (strstr (output, "Added demo data: 60 customers"));
  g_clear_pointer (&output, g_free);
  g_assert_cmpint (run_admin (data_dir, "seed-demo", &output), ==, 0);
  g_assert_nonnull (strstr (output, "already present"));
  g_clear_pointer (&output, g_free);

  /* With the server running on the same data dir, admin uses its cluster and leaves it up. */
  server = crm_test_server_try_new (NULL, data_dir, NULL, &output, NULL);
  if (server == NULL)
    g_error ("server did not start: %s", output);
  g_assert_cmpint (run_admin (data_dir, "status", &output), ==, 0);
  g_assert_nonnull (strstr (output, "schema version: "));
  g_assert_true (g_file_test (socket, G_FILE_TEST_EXISTS));
  {
    g_autoptr(JsonNode) reply = NULL;
    guint status = 0;

    reply = crm_test_server_request (server, "GET", CRM_API_HEALTH, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  check_demo_data (data_dir);
  crm_test_server_free (server);
  g_assert_false (g_file_test (socket, G_FILE_TEST_EXISTS));

  crm_test_remove_dir (root);
}

static void
test_admin_usage (void)
{
  const char *no_command[] = { g_getenv ("RAPPORT_ADMIN_BIN"), NULL };
  const char *unknown[] = { g_getenv ("RAPPORT_ADMIN_BIN"), "--data-dir", "/nonexistent",
                            "frobnicate", NULL };
  g_autofree char *output = NULL;

  g_assert_cmpint (crm_test_run_tool (no_command, &output), ==, 2);
  g_assert_nonnull (strstr (output, "seed-demo"));
  g_clear_pointer (&output, g_free);
  g_assert_cmpint (crm_test_run_tool (unknown, &output), ==, 2);
  g_assert_nonnull (strstr (output, "unknown command"));
}

/* A data directory the cluster user cannot reach fails with a clear message. */
static void
test_admin_bad_database_url (void)
{
  const char *argv[] = { g_getenv ("RAPPORT_ADMIN_BIN"), "--database-url",
                         "host=/nonexistent-dir port=1 dbname=rapport", "status", NULL };
  g_autofree char *output = NULL;

  g_assert_cmpint (crm_test_run_tool (argv, &output), ==, 1);
  g_assert_nonnull (strstr (output, "Cannot connect to the database"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;
  g_test_add_func ("/crm/admin/embedded", test_admin_embedded);
  g_test_add_func ("/crm/admin/usage", test_admin_usage);
  g_test_add_func ("/crm/admin/bad-database-url", test_admin_bad_database_url);
  return g_test_run ();
}
