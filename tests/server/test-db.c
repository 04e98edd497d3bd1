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

/* How many statements of this text the connection holds prepared. */
static int
n_prepared (PGconn     *conn,
            const char *sql)
{
  const char *params[] = { sql };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = crm_db_exec (conn, "SELECT count(*) FROM pg_prepared_statements "
                                                  "WHERE statement = $1", 1, params, &error);

  g_assert_no_error (error);
  return (int) g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* crm-db.c: a statement is prepared once per connection, in the round trip of its first
 * run, and run by name afterwards; a Parse that failed or never ran is not remembered. */
static void
test_prepared (Fixture       *fixture,
               gconstpointer  data)
{
  static const char add_sql[] = "SELECT $1::integer + 1";
  static const char divide_sql[] = "SELECT 1 / $1::integer";
  static const char skipped_sql[] = "SELECT $1::integer * 2";
  const char *params[] = { "41" };
  const char *zero[] = { "0" };
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(PGresult) result = crm_db_exec (fixture->conn, add_sql, 1, params, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "42");
      g_assert_cmpint (n_prepared (fixture->conn, add_sql), ==, 1);
    }

  /* Deferred twice in one pipeline: prepared once, run twice. */
  g_assert_true (crm_db_defer (fixture->conn, "BEGIN", 0, NULL, &error));
  g_assert_true (crm_db_defer (fixture->conn, "SELECT set_config ('rapport.n', $1, true)", 1,
                               params, &error));
  g_assert_true (crm_db_defer (fixture->conn, "SELECT set_config ('rapport.n', $1, true)", 1,
                               zero, &error));
  g_assert_true (crm_db_flush (fixture->conn, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_prepared (fixture->conn, "SELECT set_config ('rapport.n', $1, true)"), ==, 1);
  g_assert_true (crm_db_exec_command (fixture->conn, "COMMIT", &error));

  /* A run that fails keeps its statement, which runs again by name. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(PGresult) failed = crm_db_exec (fixture->conn, divide_sql, 1, zero, &error);

      g_assert_null (failed);
      g_assert_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_cmpint (n_prepared (fixture->conn, divide_sql), ==, 1);
    }

  /* A Parse that fails: the error is the statement's, nothing is remembered. */
  {
    g_autoptr(PGresult) wrong = crm_db_exec (fixture->conn, "SELEC 1", 0, NULL, &error);

    g_assert_null (wrong);
    g_assert_nonnull (strstr (error->message, "42601"));
    g_clear_error (&error);
  }

  /* A Parse after a failure in the same pipeline never runs; the statement is prepared
   * afresh on its next run. */
  g_assert_true (crm_db_defer (fixture->conn, "BEGIN", 0, NULL, &error));
  g_assert_true (crm_db_defer (fixture->conn, divide_sql, 1, zero, &error));
  {
    g_autoptr(PGresult) skipped = crm_db_exec (fixture->conn, skipped_sql, 1, params, &error);

    g_assert_null (skipped);
    g_clear_error (&error);
  }
  g_assert_true (crm_db_exec_command (fixture->conn, "ROLLBACK", &error));
  g_assert_cmpint (n_prepared (fixture->conn, skipped_sql), ==, 0);
  {
    g_autoptr(PGresult) doubled = crm_db_exec (fixture->conn, skipped_sql, 1, params, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (PQgetvalue (doubled, 0, 0), ==, "82");
    g_assert_cmpint (n_prepared (fixture->conn, skipped_sql), ==, 1);
  }

  /* Past the limit the connection forgets them all and starts again. */
  for (int i = 0; i < 300; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT %d", i);
      g_autoptr(PGresult) result = crm_db_exec (fixture->conn, sql, 0, NULL, &error);

      g_assert_no_error (error);
    }
  count = crm_test_query_value (fixture->conn, "SELECT count(*) FROM pg_prepared_statements");
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), <=, 257);
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
  g_test_add ("/crm/db/prepared", Fixture, NULL,
              crm_test_database_set_up, test_prepared, crm_test_database_tear_down);
  return g_test_run ();
}
