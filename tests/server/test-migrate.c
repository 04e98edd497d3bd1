/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "crm-db.h"
#include "crm-migrate.h"
#include "crm-test-server.h"

/* Migrations: a fresh database, a re-run, and a database newer than this binary. */

typedef CrmTestDatabase Fixture;

/* How many migrations the server embeds: fewer than the latest version while a
 * number reserved for another branch is not merged yet. */
static gint64
n_known (void)
{
  g_auto(GStrv) names = g_resources_enumerate_children ("/org/rapportcrm/Rapport/server/sql/",
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_assert_nonnull (names);
  return g_strv_length (names);
}

static void
test_fresh (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  g_autofree char *tables = NULL;
  gint64 latest = crm_migrate_get_latest_known ();
  guint applied = 0;

  g_assert_cmpint (latest, >=, 1);
  g_assert_cmpint (crm_migrate_get_current (fixture->conn, &error), ==, 0);
  g_assert_no_error (error);

  g_assert_true (crm_migrate_run (fixture->conn, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, n_known ());
  g_assert_cmpint (crm_migrate_get_current (fixture->conn, &error), ==, latest);

  count = crm_test_query_value (fixture->conn, "SELECT count(*) FROM schema_migrations");
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), ==, n_known ());
  tables = crm_test_query_value (fixture->conn,
                        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                        "WHERE schemaname = 'public'");
  g_assert_nonnull (strstr (tables, "customers"));
  g_assert_nonnull (strstr (tables, "contacts"));
  g_assert_nonnull (strstr (tables, "users"));
  g_assert_nonnull (strstr (tables, "schema_migrations"));
}

static void
test_rerun_is_noop (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint applied = 99;

  g_assert_true (crm_migrate_run (fixture->conn, NULL, &error));
  before = crm_test_query_value (fixture->conn,
                        "SELECT string_agg(version || '@' || applied_at, ',' ORDER BY version) "
                        "FROM schema_migrations");
  g_assert_true (crm_migrate_run (fixture->conn, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 0);
  after = crm_test_query_value (fixture->conn,
                       "SELECT string_agg(version || '@' || applied_at, ',' ORDER BY version) "
                       "FROM schema_migrations");
  g_assert_cmpstr (before, ==, after);
}

/* The library, the server and rapport-admin all refuse a newer schema, changing nothing. */
static void
test_newer_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *newer = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            crm_migrate_get_latest_known () + 1);
  const char *values[] = { newer };
  g_autofree char *output = NULL;
  g_autofree char *count = NULL;
  int exit_status = 0;
  CrmTestServer *server;

  g_assert_true (crm_migrate_run (fixture->conn, NULL, &error));
  result = crm_db_exec (fixture->conn,
                        "INSERT INTO schema_migrations (version, name) VALUES ($1::bigint, 'future')",
                        1, values, &error);
  g_assert_no_error (error);

  g_assert_false (crm_migrate_run (fixture->conn, NULL, &error));
  g_assert_error (error, CRM_MIGRATE_ERROR, CRM_MIGRATE_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer"));

  server = crm_test_server_try_new (fixture->cluster, NULL, NULL, &output, &exit_status);
  g_assert_null (server);
  g_assert_cmpint (exit_status, ==, 1);
  g_assert_nonnull (strstr (output, "newer than the"));
  g_assert_nonnull (strstr (output, "Upgrade rapport"));
  g_clear_pointer (&output, g_free);

  {
    const char *argv[] = { g_getenv ("RAPPORT_ADMIN_BIN"), "--database-url",
                           crm_test_cluster_get_conninfo (fixture->cluster), "migrate", NULL };

    g_assert_cmpint (crm_test_run_tool (argv, &output), ==, 1);
    g_assert_nonnull (strstr (output, "newer than the"));
  }

  count = crm_test_query_value (fixture->conn, "SELECT count(*) FROM schema_migrations");
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), ==, n_known () + 1);
}

/* Two migrators at once (two servers starting together): the lock serializes them. */
static void
test_concurrent (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *argv[] = { g_getenv ("RAPPORT_ADMIN_BIN"), "--database-url",
                         crm_test_cluster_get_conninfo (fixture->cluster), "migrate", NULL };
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;

  first = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  second = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (second, NULL, &error));
  g_assert_no_error (error);

  count = crm_test_query_value (fixture->conn, "SELECT count(*) FROM schema_migrations");
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), ==, n_known ());
}

/* The schema's own rules: Chinese text and mobile numbers round-trip, bad ones are refused. */
static void
test_schema_rules (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) user = NULL;
  g_autoptr(PGresult) bad = NULL;
  g_autoptr(PGresult) customer = NULL;
  g_autoptr(PGresult) version = NULL;
  g_autoptr(PGresult) touched = NULL;
  const char *user_values[] = { "zhangsan", "张三", "13812345678" };
  const char *bad_values[] = { "lisi", "李四", "12345" };

  g_assert_true (crm_migrate_run (fixture->conn, NULL, &error));
  user = crm_db_exec (fixture->conn,
                      "INSERT INTO users (username, display_name, mobile) VALUES ($1, $2, $3) "
                      "RETURNING id, display_name", 3, user_values, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (user, 0, 1), ==, "张三");

  bad = crm_db_exec (fixture->conn,
                     "INSERT INTO users (username, display_name, mobile) VALUES ($1, $2, $3)",
                     3, bad_values, &error);
  g_assert_null (bad);
  g_assert_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INVALID);
  g_clear_error (&error);

  {
    const char *values[] = { "杭州西湖茶业有限公司", PQgetvalue (user, 0, 0) };

    customer = crm_db_exec (fixture->conn,
                            "INSERT INTO customers (name, owner_id) VALUES ($1, $2::bigint) "
                            "RETURNING id, version", 2, values, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (PQgetvalue (customer, 0, 1), ==, "1");
  }
  {
    const char *values[] = { PQgetvalue (customer, 0, 0) };

    touched = crm_db_exec (fixture->conn,
                           "UPDATE customers SET industry = '制造业' WHERE id = $1::bigint "
                           "RETURNING version, updated_at > created_at", 1, values, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (PQgetvalue (touched, 0, 0), ==, "2");
  }
}

/* Contacts added in bulk in one transaction, on a database just migrated (its tables
 * analysed while empty): the primary-contact trigger must look a customer's contacts up
 * by index once the table has grown, not scan the whole table for each primary contact
 * added (quadratic; 0013). Counted as the rows the transaction's sequential scans of
 * contacts read (seq_tup_read of pg_stat_xact_user_tables), which does not depend on
 * timing: 1,999,000 with the scan kept, about 30,000 (the first few pages scanned while
 * that is cheaper) with the update planned each time. */
static void
test_bulk_contacts_no_scans (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) begin = NULL;
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) scans = NULL;
  g_autoptr(PGresult) rollback = NULL;

  g_assert_true (crm_migrate_run (fixture->conn, NULL, &error));
  begin = crm_db_exec (fixture->conn, "BEGIN", 0, NULL, &error);
  g_assert_no_error (error);
  insert = crm_db_exec (fixture->conn,
                        "WITH u AS (INSERT INTO users (username, display_name) "
                        "           VALUES ('bulk', '批量') RETURNING id), "
                        "c AS (INSERT INTO customers (name, owner_id) "
                        "      SELECT '客户' || n, u.id FROM u, generate_series (1, 2000) n "
                        "      RETURNING id) "
                        "INSERT INTO contacts (customer_id, full_name, is_primary) "
                        "SELECT c.id, '联系人' || k, k = 1 FROM c, generate_series (1, 2) k",
                        0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQcmdTuples (insert), ==, "4000");
  scans = crm_db_exec (fixture->conn,
                       "SELECT pg_stat_get_xact_tuples_returned ('contacts'::regclass), "
                       "       (SELECT count (*) FROM contacts WHERE is_primary)",
                       0, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("rows read by sequential scans: %s", PQgetvalue (scans, 0, 0));
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (scans, 0, 0), NULL, 10), <, 25 * 4000);
  g_assert_cmpstr (PQgetvalue (scans, 0, 1), ==, "2000");
  rollback = crm_db_exec (fixture->conn, "ROLLBACK", 0, NULL, &error);
  g_assert_no_error (error);
}

/* The plan of a search's match for q, with sequential scans off: which index serves it. */
static char *
dup_match_plan (PGconn     *conn,
                const char *q)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) sql = NULL;
  g_autoptr(PGresult) plan = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", q);
  const char *match_values[1] = { q };
  const char *values[2] = { pattern, q };

  g_assert_true (crm_db_exec_command (conn, "SET enable_seqscan = off", &error));
  /* The match uses $1 (the LIKE pattern) or $2 (the text): both given a type. */
  sql = crm_db_exec (conn, "SELECT 'EXPLAIN SELECT FROM customers s WHERE '"
                           " || rapport_customer_match ('s', $1, NULL)"
                           " || ' AND $1::text IS NOT NULL AND $2::text IS NOT NULL'",
                     1, match_values, &error);
  g_assert_no_error (error);
  plan = crm_db_exec (conn, PQgetvalue (sql, 0, 0), 2, values, &error);
  g_assert_no_error (error);
  for (int i = 0; i < PQntuples (plan); i++)
    g_string_append_printf (text, "%s\n", PQgetvalue (plan, i, 0));
  g_assert_true (crm_db_exec_command (conn, "RESET enable_seqscan", &error));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* An upgrade through 0022 (one search index over a customer's own and its contacts'
 * texts) of a database holding customers: the index's statistics at the target the
 * search's estimates need (1,001 histogram bounds, not the default's 101, which the
 * migration's own ANALYZE would take if it trusted the index's new target), and the
 * match served by the new indexes (their expressions must be the match's, or every
 * search reads the whole table), and the indexes' pending lists kept short. */
static void
test_upgrade_search_text (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) seeded = NULL;
  g_autofree char *bounds = NULL;
  g_autofree char *target = NULL;
  g_autofree char *trigram_plan = NULL;
  g_autofree char *bigram_plan = NULL;
  g_autofree char *unlimited = NULL;
  g_autofree char *vacuum = NULL;

  g_assert_true (crm_migrate_run_to (fixture->conn, 19, NULL, &error));
  g_assert_no_error (error);
  seeded = crm_db_exec (fixture->conn,
                        "WITH u AS (INSERT INTO users (username, display_name) "
                        "           VALUES ('upgrade', '升级') RETURNING id), "
                        "c AS (INSERT INTO customers (name, owner_id, email) "
                        "      SELECT '客户' || n || md5 (n::text), u.id, "
                        "             'sales' || n || '@example' || n % 97 || '.cn' "
                        "      FROM u, generate_series (1, 3000) n RETURNING id) "
                        "INSERT INTO contacts (customer_id, full_name, email) "
                        "SELECT c.id, '联系' || c.id, 'c' || c.id || '@contact.cn' FROM c",
                        0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQcmdTuples (seeded), ==, "3000");

  g_assert_true (crm_migrate_run (fixture->conn, NULL, &error));
  g_assert_no_error (error);
  target = crm_test_query_value (fixture->conn,
                                 "SELECT attstattarget FROM pg_attribute "
                                 "WHERE attrelid = 'customers_text_idx'::regclass");
  g_assert_cmpstr (target, ==, "1000");
  bounds = crm_test_query_value (fixture->conn,
                                 "SELECT cardinality (histogram_bounds::text::text[]) "
                                 "FROM pg_stats WHERE tablename = 'customers_text_idx'");
  g_test_message ("histogram bounds of the search text after the upgrade: %s", bounds);
  g_assert_cmpstr (bounds, ==, "1001");

  /* Every GIN index of customers and contacts keeps a short pending list, which each
   * scan reads whole (0022): a new index must say so too. */
  unlimited = crm_test_query_value (fixture->conn,
                                    "SELECT coalesce (string_agg (c.relname, ', '), '') "
                                    "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                    "JOIN pg_am a ON a.oid = c.relam "
                                    "WHERE a.amname = 'gin' "
                                    "  AND i.indrelid IN ('customers'::regclass, 'contacts'::regclass) "
                                    "  AND NOT coalesce (c.reloptions @> '{gin_pending_list_limit=512}', false)");
  g_assert_cmpstr (unlimited, ==, "");
  /* Vacuumed after 0.5% of the customers changed (0023), which keeps index-only scans
   * (counts, deep jumps) off the table. */
  vacuum = crm_test_query_value (fixture->conn,
                                 "SELECT array_to_string (reloptions, ',') FROM pg_class "
                                 "WHERE oid = 'customers'::regclass");
  g_assert_cmpstr (vacuum, ==, "autovacuum_vacuum_scale_factor=0.005,"
                               "autovacuum_vacuum_insert_scale_factor=0.005");

  trigram_plan = dup_match_plan (fixture->conn, "example1");
  g_test_message ("%s", trigram_plan);
  g_assert_nonnull (strstr (trigram_plan, "customers_text_idx"));
  bigram_plan = dup_match_plan (fixture->conn, "联系");
  g_test_message ("%s", bigram_plan);
  g_assert_nonnull (strstr (bigram_plan, "customers_text_bigrams_idx"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;

  g_test_add ("/crm/migrate/fresh", Fixture, NULL,
              crm_test_database_set_up, test_fresh, crm_test_database_tear_down);
  g_test_add ("/crm/migrate/rerun-is-noop", Fixture, NULL,
              crm_test_database_set_up, test_rerun_is_noop, crm_test_database_tear_down);
  g_test_add ("/crm/migrate/newer-refused", Fixture, NULL,
              crm_test_database_set_up, test_newer_refused, crm_test_database_tear_down);
  g_test_add ("/crm/migrate/concurrent", Fixture, NULL,
              crm_test_database_set_up, test_concurrent, crm_test_database_tear_down);
  g_test_add ("/crm/migrate/schema-rules", Fixture, NULL,
              crm_test_database_set_up, test_schema_rules, crm_test_database_tear_down);
  g_test_add ("/crm/migrate/bulk-contacts-no-scans", Fixture, NULL,
              crm_test_database_set_up, test_bulk_contacts_no_scans, crm_test_database_tear_down);
  g_test_add ("/crm/migrate/upgrade-search-text", Fixture, NULL,
              crm_test_database_set_up, test_upgrade_search_text, crm_test_database_tear_down);
  return g_test_run ();
}
