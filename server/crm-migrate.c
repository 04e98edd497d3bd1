/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-migrate"

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-db.h"
#include "crm-migrate.h"

/*
 * Migrations are the numbered files server/sql/NNNN-name.sql, embedded as resources.
 * Each pending one runs in its own transaction and is recorded in schema_migrations; a
 * session advisory lock keeps two servers (or rapport-admin) from migrating at once.
 */

#define SQL_RESOURCE_DIR "/org/rapportcrm/Rapport/server/sql/"
#define MIGRATE_LOCK_KEY "7312680441"   /* any constant shared by every rapport */

G_DEFINE_QUARK (crm-migrate-error-quark, crm_migrate_error)

typedef struct
{
  gint64  version;
  char   *name;
} Migration;

static const char create_table_sql[] =
  "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
  "  version bigint PRIMARY KEY,\n"
  "  name text NOT NULL,\n"
  "  applied_at timestamptz NOT NULL DEFAULT now()\n"
  ")";

static const char current_version_sql[] =
  "SELECT coalesce(max(version), 0) FROM schema_migrations";

static const char table_exists_sql[] =
  "SELECT to_regclass('schema_migrations') IS NOT NULL";

static const char record_sql[] =
  "INSERT INTO schema_migrations (version, name) VALUES ($1::bigint, $2)";

static void
migration_clear (gpointer data)
{
  Migration *migration = data;

  g_free (migration->name);
}

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  const Migration *ma = a;
  const Migration *mb = b;

  return (ma->version > mb->version) - (ma->version < mb->version);
}

/* The embedded migrations in version order; a misnamed file is a build mistake. */
static GArray *
list_migrations (void)
{
  g_auto(GStrv) names = NULL;
  GArray *migrations = g_array_new (FALSE, TRUE, sizeof (Migration));

  g_array_set_clear_func (migrations, migration_clear);
  names = g_resources_enumerate_children (SQL_RESOURCE_DIR, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      Migration migration = { 0, };
      char *end = NULL;

      if (!g_str_has_suffix (names[i], ".sql"))
        continue;
      migration.version = g_ascii_strtoll (names[i], &end, 10);
      g_assert (migration.version > 0 && end != names[i] && *end == '-');
      migration.name = g_strdup (names[i]);
      g_array_append_val (migrations, migration);
    }
  g_array_sort (migrations, compare_migrations);
  for (guint i = 1; i < migrations->len; i++)
    g_assert (g_array_index (migrations, Migration, i - 1).version
              < g_array_index (migrations, Migration, i).version);
  return migrations;
}

/** crm_migrate_get_latest_known: the newest migration this binary carries. */
gint64
crm_migrate_get_latest_known (void)
{
  g_autoptr(GArray) migrations = list_migrations ();

  if (migrations->len == 0)
    return 0;
  return g_array_index (migrations, Migration, migrations->len - 1).version;
}

/** crm_migrate_get_current: the newest applied migration, 0 for an empty database. */
gint64
crm_migrate_get_current (PGconn  *conn,
                         GError **error)
{
  g_autoptr(PGresult) exists = crm_db_exec (conn, table_exists_sql, 0, NULL, error);
  g_autoptr(PGresult) result = NULL;

  if (exists == NULL)
    return -1;
  if (!g_str_equal (PQgetvalue (exists, 0, 0), "t"))
    return 0;
  result = crm_db_exec (conn, current_version_sql, 0, NULL, error);
  if (result == NULL)
    return -1;
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static gboolean
apply (PGconn           *conn,
       const Migration  *migration,
       GError          **error)
{
  g_autofree char *path = g_strconcat (SQL_RESOURCE_DIR, migration->name, NULL);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, migration->version);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sql = NULL;
  const char *values[2] = { version, migration->name };
  gint64 started = g_get_monotonic_time ();
  gsize size;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  sql = g_strndup (g_bytes_get_data (bytes, &size), g_bytes_get_size (bytes));

  if (!crm_db_exec_command (conn, "BEGIN", error))
    return FALSE;
  /* A migration is several statements of our own text, no values: PQexec runs them all. */
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      crm_db_set_error (&local_error, conn, result);
      g_clear_pointer (&result, PQclear);
      result = PQexec (conn, "ROLLBACK");
      g_set_error (error, CRM_MIGRATE_ERROR, CRM_MIGRATE_ERROR_FAILED,
                   "Migration %s failed and was rolled back: %s", migration->name,
                   local_error->message);
      return FALSE;
    }
  g_clear_pointer (&result, PQclear);
  result = crm_db_exec (conn, record_sql, 2, values, error);
  if (result == NULL || !crm_db_exec_command (conn, "COMMIT", error))
    {
      g_autoptr(PGresult) rollback = PQexec (conn, "ROLLBACK");
      return FALSE;
    }
  /* How long: an upgrade of a large database may take minutes (bench/README.md). */
  g_message ("Applied migration %s in %.1f s", migration->name,
             (g_get_monotonic_time () - started) / 1e6);
  return TRUE;
}

/* The tables that have pages but few of them marked all-visible. */
static const char unvacuumed_tables_sql[] =
  "SELECT string_agg (format ('%I.%I', n.nspname, c.relname), ', ' ORDER BY c.relname)\n"
  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace\n"
  "WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relpages > 0\n"
  "  AND c.relallvisible < c.relpages / 2 AND pg_has_role (c.relowner, 'USAGE')";

/*
 * A migration that rewrites a table (0017's ALTER TABLE … TYPE … USING) leaves it with an
 * empty visibility map, and autovacuum counts a rewrite as no change: until a VACUUM,
 * every index-only scan (a jump deep into the list, a sales rep's count) reads the table
 * as well, a jump to the 500,000th customer 2.9 s instead of 0.15 s. So after migrations
 * the tables mostly not marked all-visible are vacuumed, outside the migrations'
 * transactions (VACUUM cannot run in one): 2.7 s for 1,000,000 customers. A failure
 * here is only logged: the schema is in place, and autovacuum comes later.
 */
static void
vacuum_rewritten (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) tables = crm_db_exec (conn, unvacuumed_tables_sql, 0, NULL, &error);
  g_autofree char *sql = NULL;
  gint64 started = g_get_monotonic_time ();

  if (tables == NULL || PQntuples (tables) != 1 || PQgetisnull (tables, 0, 0))
    {
      if (error != NULL)
        g_warning ("Cannot list the tables to vacuum after migrating: %s", error->message);
      return;
    }
  /* Names from the catalog, quoted by format (%I). */
  sql = g_strconcat ("VACUUM ", PQgetvalue (tables, 0, 0), NULL);
  if (!crm_db_exec_command (conn, sql, &error))
    {
      g_warning ("Cannot vacuum after migrating: %s", error->message);
      return;
    }
  g_message ("Vacuumed %s in %.1f s", PQgetvalue (tables, 0, 0),
             (g_get_monotonic_time () - started) / 1e6);
}

/**
 * crm_migrate_run:
 * @n_applied: (out) (optional): how many migrations ran
 *
 * Applies every pending migration in order. Refuses, changing nothing, a database whose
 * schema is newer than this binary knows.
 */
gboolean
crm_migrate_run (PGconn  *conn,
                 guint   *n_applied,
                 GError **error)
{
  return crm_migrate_run_to (conn, G_MAXINT64, n_applied, error);
}

/**
 * crm_migrate_run_to:
 * @up_to: the last version to apply
 * @n_applied: (out) (optional): how many migrations ran
 *
 * As crm_migrate_run(), stopping after version @up_to: a test's database as an older
 * rapport left it, to upgrade with data in it.
 */
gboolean
crm_migrate_run_to (PGconn  *conn,
                    gint64   up_to,
                    guint   *n_applied,
                    GError **error)
{
  g_autoptr(GArray) migrations = list_migrations ();
  const char *lock_values[1] = { MIGRATE_LOCK_KEY };
  g_autoptr(PGresult) locked = NULL;
  gint64 latest = migrations->len ? g_array_index (migrations, Migration, migrations->len - 1).version : 0;
  gint64 current;
  gboolean ok = FALSE;
  guint applied = 0;

  locked = crm_db_exec (conn, "SELECT pg_advisory_lock($1::bigint)", 1, lock_values, error);
  if (locked == NULL)
    return FALSE;

  if (!crm_db_exec_command (conn, create_table_sql, error))
    goto out;
  current = crm_migrate_get_current (conn, error);
  if (current < 0)
    goto out;
  if (current > latest)
    {
      g_set_error (error, CRM_MIGRATE_ERROR, CRM_MIGRATE_ERROR_NEWER_SCHEMA,
                   "The database schema is at version %" G_GINT64_FORMAT ", newer than the "
                   "%" G_GINT64_FORMAT " this rapport %s knows. Upgrade rapport to use this "
                   "database.", current, latest, PACKAGE_VERSION);
      goto out;
    }
  for (guint i = 0; i < migrations->len; i++)
    {
      const Migration *migration = &g_array_index (migrations, Migration, i);

      if (migration->version <= current)
        continue;
      if (migration->version > up_to)
        break;
      if (!apply (conn, migration, error))
        goto out;
      applied++;
    }
  if (applied > 0)
    vacuum_rewritten (conn);
  ok = TRUE;

out:
  {
    g_autoptr(PGresult) unlocked = crm_db_exec (conn, "SELECT pg_advisory_unlock($1::bigint)", 1,
                                                lock_values, NULL);
  }
  if (n_applied != NULL)
    *n_applied = applied;
  return ok;
}
