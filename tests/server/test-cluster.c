/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-test-cluster"

#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "crm-cluster.h"
#include "crm-pq.h"
#include "crm-test-server.h"

typedef struct
{
  char       *tmp_dir;
  CrmCluster *cluster;
} Fixture;

static gboolean
can_run_postgres (void)
{
  g_autofree char *initdb = g_build_filename (PG_BINDIR, "initdb", NULL);

  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("initdb not found in " PG_BINDIR);
      return FALSE;
    }
  if (geteuid () == 0 && getpwnam ("postgres") == NULL)
    {
      g_test_skip ("running as root, but there is no postgres user to run PostgreSQL");
      return FALSE;
    }
  return TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  /* The harness's: removed, and PostgreSQL in it stopped, when the test ends by an abort. */
  fixture->tmp_dir = crm_test_make_dir ();
  g_assert_cmpint (g_chmod (fixture->tmp_dir, 0700), ==, 0);

  fixture->cluster = crm_cluster_new (fixture->tmp_dir, PG_BINDIR, NULL);
  crm_cluster_set_durable (fixture->cluster, FALSE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  crm_cluster_stop (fixture->cluster, &error);
  g_assert_no_error (error);
  g_clear_pointer (&fixture->cluster, crm_cluster_free);

  crm_test_remove_dir (fixture->tmp_dir);
  g_assert_false (g_file_test (fixture->tmp_dir, G_FILE_TEST_EXISTS));
  g_clear_pointer (&fixture->tmp_dir, g_free);
}

static PGconn *
connect_or_fail (CrmCluster *cluster,
                 const char *dbname)
{
  g_autofree char *conninfo = crm_cluster_dup_conninfo (cluster, dbname);
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Could not connect with %s: %s", conninfo, PQerrorMessage (conn));
  return conn;
}

static void
exec_ok (PGconn     *conn,
         const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

static char *
dup_setting (PGconn     *conn,
             const char *name)
{
  const char *params[1] = { name };
  g_autoptr(PGresult) result = PQexecParams (conn, "SELECT current_setting($1)",
                                             1, NULL, params, NULL, NULL, 0);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  return g_strdup (PQgetvalue (result, 0, 0));
}

static gint64
count_notes (CrmCluster *cluster,
             const char *body)
{
  g_autoptr(PGconn) conn = connect_or_fail (cluster, "rapport");
  const char *params[1] = { body };
  g_autoptr(PGresult) result = PQexecParams (conn,
                                             "SELECT count(*) FROM notes WHERE body = $1",
                                             1, NULL, params, NULL, NULL, 0);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static void
insert_note (CrmCluster *cluster,
             const char *body)
{
  g_autoptr(PGconn) conn = connect_or_fail (cluster, "rapport");
  const char *params[1] = { body };
  g_autoptr(PGresult) result = NULL;

  /* The cluster is not durable, but a committed row must survive a crash of PostgreSQL
   * (not of the machine): commit waits for the WAL write, fsync stays off. */
  exec_ok (conn, "SET synchronous_commit = on");
  exec_ok (conn, "CREATE TABLE IF NOT EXISTS notes (body text NOT NULL)");
  result = PQexecParams (conn, "INSERT INTO notes (body) VALUES ($1)",
                         1, NULL, params, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_lifecycle (Fixture       *fixture,
                gconstpointer  data)
{
  CrmCluster *cluster = fixture->cluster;
  const char *tricky = "it's a \"note\" \\ ; DROP TABLE notes";
  g_autoptr(CrmCluster) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *pgdata = g_build_filename (fixture->tmp_dir, "pg", NULL);
  g_autofree char *main_conf_path = g_build_filename (pgdata, "postgresql.conf", NULL);
  g_autofree char *main_conf = NULL;
  g_autofree char *value = NULL;
  struct stat st;

  if (!can_run_postgres ())
    return;

  g_assert_false (crm_cluster_is_initialized (cluster));
  g_assert_true (crm_cluster_ensure_initialized (cluster, &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_is_initialized (cluster));
  g_assert_cmpint (g_stat (pgdata, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  if (geteuid () == 0)
    {
      g_assert_cmpint (st.st_uid, ==, getpwnam ("postgres")->pw_uid);
      g_assert_cmpint (g_stat (fixture->tmp_dir, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0711);
    }

  /* A second initialization is a no-op. */
  g_assert_true (crm_cluster_ensure_initialized (cluster, &error));
  g_assert_no_error (error);

  g_assert_false (crm_cluster_is_running (cluster));
  g_assert_true (crm_cluster_start (cluster, &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_is_running (cluster));
  g_assert_true (crm_cluster_get_started_here (cluster));

  g_assert_true (g_file_get_contents (main_conf_path, &main_conf, NULL, NULL));
  g_assert_cmpuint (count_occurrences (main_conf, "include 'rapport.conf'"), ==, 1);

  g_assert_true (crm_cluster_ensure_database (cluster, "rapport", &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_ensure_database (cluster, "rapport", &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_ensure_database (cluster, "odd \"name\"; x", &error));
  g_assert_no_error (error);
  conn = connect_or_fail (cluster, "odd \"name\"; x");

  /* Our settings are in force: no TCP, test durability. */
  g_clear_pointer (&conn, PQfinish);
  conn = connect_or_fail (cluster, "rapport");
  value = dup_setting (conn, "listen_addresses");
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);
  value = dup_setting (conn, "fsync");
  g_assert_cmpstr (value, ==, "off");
  g_clear_pointer (&value, g_free);
  value = dup_setting (conn, "max_connections");
  g_assert_cmpstr (value, ==, "200");
  g_clear_pointer (&value, g_free);
  value = dup_setting (conn, "server_encoding");
  g_assert_cmpstr (value, ==, "UTF8");
  g_clear_pointer (&conn, PQfinish);

  insert_note (cluster, tricky);
  g_assert_cmpint (count_notes (cluster, tricky), ==, 1);

  /* Starting a running cluster is a no-op, and not ours to stop. */
  other = crm_cluster_new (fixture->tmp_dir, PG_BINDIR, NULL);
  g_assert_true (crm_cluster_start (other, &error));
  g_assert_no_error (error);
  g_assert_false (crm_cluster_get_started_here (other));
  g_assert_true (crm_cluster_get_started_here (cluster));
  g_clear_pointer (&other, crm_cluster_free);
  g_assert_true (crm_cluster_is_running (cluster));

  g_assert_true (crm_cluster_stop (cluster, &error));
  g_assert_no_error (error);
  g_assert_false (crm_cluster_is_running (cluster));
  g_assert_false (crm_cluster_get_started_here (cluster));
  /* Stopping a stopped cluster succeeds. */
  g_assert_true (crm_cluster_stop (cluster, &error));
  g_assert_no_error (error);

  /* The data survive a restart. */
  g_assert_true (crm_cluster_start (cluster, &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_get_started_here (cluster));
  g_assert_cmpint (count_notes (cluster, tricky), ==, 1);
}

static gboolean
process_is_gone (GPid pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    return TRUE;
  /* Nobody may reap it in a container: a zombie is gone too. */
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  state = strrchr (stat, ')');
  return state != NULL && state[2] == 'Z';
}

static void
test_stale_pid (Fixture       *fixture,
                gconstpointer  data)
{
  CrmCluster *cluster = fixture->cluster;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid_path = g_build_filename (fixture->tmp_dir, "pg", "postmaster.pid", NULL);
  g_autofree char *conf_path = g_build_filename (fixture->tmp_dir, "pg", "postgresql.conf", NULL);
  g_autofree char *contents = NULL;
  FILE *conf = NULL;
  GPid pid;

  if (!can_run_postgres ())
    return;

  g_assert_true (crm_cluster_ensure_initialized (cluster, &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_start (cluster, &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_ensure_database (cluster, "rapport", &error));
  g_assert_no_error (error);
  insert_note (cluster, "before the crash");

  g_assert_true (g_file_get_contents (pid_path, &contents, NULL, NULL));
  pid = (GPid) g_ascii_strtoll (contents, NULL, 10);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  for (guint i = 0; i < 100 && !process_is_gone (pid); i++)
    g_usleep (50 * 1000);
  g_assert_true (process_is_gone (pid));
  g_assert_true (g_file_test (pid_path, G_FILE_TEST_EXISTS));
  g_assert_false (crm_cluster_is_running (cluster));

  g_assert_true (crm_cluster_start (cluster, &error));
  g_assert_no_error (error);
  g_assert_true (crm_cluster_is_running (cluster));
  g_assert_true (crm_cluster_get_started_here (cluster));
  g_assert_cmpint (count_notes (cluster, "before the crash"), ==, 1);

  /* A failed start explains itself with the end of the server log. */
  g_assert_true (crm_cluster_stop (cluster, &error));
  g_assert_no_error (error);
  conf = fopen (conf_path, "a");
  g_assert_nonnull (conf);
  fputs ("no_such_setting = on\n", conf);
  g_assert_cmpint (fclose (conf), ==, 0);
  g_assert_false (crm_cluster_start (cluster, &error));
  g_assert_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "no_such_setting"));
  g_assert_false (crm_cluster_get_started_here (cluster));
}

static void
test_not_initialized (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (crm_cluster_is_initialized (fixture->cluster));
  g_assert_false (crm_cluster_is_running (fixture->cluster));
  g_assert_false (crm_cluster_start (fixture->cluster, &error));
  g_assert_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);

  g_assert_false (crm_cluster_ensure_database (fixture->cluster, "rapport", &error));
  g_assert_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED);
}

static void
test_path_too_long (void)
{
  g_autofree char *long_name = g_strnfill (100, 'x');
  g_autofree char *data_dir = g_build_filename ("/tmp", long_name, NULL);
  g_autoptr(CrmCluster) cluster = crm_cluster_new (data_dir, PG_BINDIR, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (crm_cluster_ensure_initialized (cluster, &error));
  g_assert_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_PATH_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "socket"));
  g_clear_error (&error);
  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));

  g_assert_false (crm_cluster_start (cluster, &error));
  g_assert_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_PATH_TOO_LONG);
  g_assert_false (crm_cluster_is_running (cluster));
}

static void
test_permission (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *data_dir = g_build_filename (fixture->tmp_dir, "inner", "data", NULL);
  g_autoptr(CrmCluster) cluster = NULL;
  g_autoptr(GError) error = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("only root hands the cluster to another user");
      return;
    }
  if (!can_run_postgres ())
    return;

  /* fixture->tmp_dir is 0700 and owned by root: postgres cannot pass. */
  cluster = crm_cluster_new (data_dir, PG_BINDIR, NULL);
  g_assert_false (crm_cluster_ensure_initialized (cluster, &error));
  g_assert_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, fixture->tmp_dir));
  g_assert_false (crm_cluster_is_initialized (cluster));
}

static void
test_conninfo (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected_dir = g_build_filename (cwd, "rel", NULL);
  g_autoptr(CrmCluster) plain = crm_cluster_new ("/srv/rapport/../rapport", NULL, NULL);
  g_autoptr(CrmCluster) relative = crm_cluster_new ("rel/.", NULL, NULL);
  g_autoptr(CrmCluster) tricky = crm_cluster_new ("/tmp/a b/it's\\", NULL, NULL);
  g_autofree char *conninfo = NULL;
  PQconninfoOption *options = NULL;
  char *parse_error = NULL;
  guint n_checked = 0;

  conninfo = crm_cluster_dup_conninfo (plain, "rapport");
  g_assert_cmpstr (conninfo, ==, "host=/srv/rapport/pg port=5432 user=rapport dbname=rapport");
  g_assert_cmpstr (crm_cluster_get_data_dir (plain), ==, "/srv/rapport");
  g_clear_pointer (&conninfo, g_free);

  conninfo = crm_cluster_dup_conninfo (plain, NULL);
  g_assert_cmpstr (conninfo, ==, "host=/srv/rapport/pg port=5432 user=rapport dbname=postgres");
  g_clear_pointer (&conninfo, g_free);

  g_assert_cmpstr (crm_cluster_get_data_dir (relative), ==, expected_dir);

  conninfo = crm_cluster_dup_conninfo (tricky, "my 'db'");
  g_assert_cmpstr (conninfo, ==,
                   "host='/tmp/a b/it\\'s\\\\/pg' port=5432 user=rapport dbname='my \\'db\\''");
  options = PQconninfoParse (conninfo, &parse_error);
  g_assert_null (parse_error);
  g_assert_nonnull (options);
  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      if (g_strcmp0 (option->keyword, "host") == 0)
        {
          g_assert_cmpstr (option->val, ==, "/tmp/a b/it's\\/pg");
          n_checked++;
        }
      else if (g_strcmp0 (option->keyword, "dbname") == 0)
        {
          g_assert_cmpstr (option->val, ==, "my 'db'");
          n_checked++;
        }
    }
  PQconninfoFree (options);
  g_assert_cmpuint (n_checked, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crm/cluster/conninfo", test_conninfo);
  g_test_add_func ("/crm/cluster/path-too-long", test_path_too_long);
  g_test_add ("/crm/cluster/not-initialized", Fixture, NULL,
              fixture_set_up, test_not_initialized, fixture_tear_down);
  g_test_add ("/crm/cluster/permission", Fixture, NULL,
              fixture_set_up, test_permission, fixture_tear_down);
  g_test_add ("/crm/cluster/lifecycle", Fixture, NULL,
              fixture_set_up, test_lifecycle, fixture_tear_down);
  g_test_add ("/crm/cluster/stale-pid", Fixture, NULL,
              fixture_set_up, test_stale_pid, fixture_tear_down);

  return g_test_run ();
}
