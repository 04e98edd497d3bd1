/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "crm-db.h"
#include "crm-test-server.h"

/* crm-db.c: statements deferred (libpq pipeline mode) go with the next one and report
 * their failures there. */

typedef CrmTestDatabase Fixture;

static void
test_deferred (Fixture       *fixture,
               gconstpointer  data)
{
  const char *params[] = { "rapport.test", "42" };
  g_autoptr(GError) error = NULL;
  g_autofree char *setting = NULL;

  g_assert_true (crm_db_flush (fixture->conn, &error));   /* nothing queued */
  g_assert_true (crm_db_defer (fixture->conn, "BEGIN", 0, NULL, &error));
  g_assert_true (crm_db_defer (fixture->conn, "SELECT set_config ($1, $2, true)", 2, params,
                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (PQpipelineStatus (fixture->conn), ==, PQ_PIPELINE_ON);

  /* Both applied, in order, before the statement that carried them. */
  setting = crm_test_query_value (fixture->conn, "SELECT current_setting ('rapport.test')");
  g_assert_cmpstr (setting, ==, "42");
  g_assert_cmpint (PQpipelineStatus (fixture->conn), ==, PQ_PIPELINE_OFF);
  g_assert_cmpint (PQtransactionStatus (fixture->conn), ==, PQTRANS_INTRANS);

  g_assert_true (crm_db_defer (fixture->conn, "COMMIT", 0, NULL, &error));
  g_assert_true (crm_db_flush (fixture->conn, &error));
  g_assert_no_error (error);
  g_assert_cmpint (PQtransactionStatus (fixture->conn), ==, PQTRANS_IDLE);
}

static void
test_deferred_failure (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *exists = NULL;

  g_assert_true (crm_db_defer (fixture->conn, "BEGIN", 0, NULL, &error));
  g_assert_true (crm_db_defer (fixture->conn, "SELECT 1 / 0", 0, NULL, &error));
  g_assert_true (crm_db_defer (fixture->conn, "CREATE TABLE after_failure (id integer)", 0, NULL,
                               &error));
  g_assert_no_error (error);

  /* The next statement reports the queued failure (22012: invalid) and does not run. */
  result = crm_db_exec (fixture->conn, "SELECT 1", 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "22012"));
  g_clear_error (&error);
  g_assert_cmpint (PQpipelineStatus (fixture->conn), ==, PQ_PIPELINE_OFF);
  g_assert_cmpint (PQtransactionStatus (fixture->conn), ==, PQTRANS_INERROR);

  /* The connection rolls back as usual and the statement after the failure never ran. */
  g_assert_true (crm_db_exec_command (fixture->conn, "ROLLBACK", &error));
  g_assert_no_error (error);
  exists = crm_test_query_value (fixture->conn,
                                 "SELECT to_regclass ('after_failure') IS NOT NULL");
  g_assert_cmpstr (exists, ==, "f");

  /* A failure found by a flush is reported by the flush. */
  g_assert_true (crm_db_defer (fixture->conn, "SELECT 1 / 0", 0, NULL, &error));
  g_assert_false (crm_db_flush (fixture->conn, &error));
  g_assert_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INVALID);
  g_assert_cmpint (PQpipelineStatus (fixture->conn), ==, PQ_PIPELINE_OFF);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;

  g_test_add ("/crm/db/deferred", Fixture, NULL,
              crm_test_database_set_up, test_deferred, crm_test_database_tear_down);
  g_test_add ("/crm/db/deferred-failure", Fixture, NULL,
              crm_test_database_set_up, test_deferred_failure, crm_test_database_tear_down);
  return g_test_run ();
}
