/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport-admin"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "crm-config.h"
#include "crm-db.h"
#include "crm-demo.h"
#include "crm-log.h"
#include "crm-migrate.h"
#include "crm-startup.h"

/*
 * rapport-admin: maintenance from the command line. With --data-dir it reaches the
 * embedded cluster whether or not rapport-server is running: it starts the cluster when
 * needed and stops it again only if it started it.
 */

typedef int (*CommandFunc) (PGconn *conn);

static const char servers_connected_sql[] =
  "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rapport-server'";

/* Whether a rapport-server uses the cluster: then it is not ours to stop. */
static gboolean
is_server_connected (PGconn *conn)
{
  g_autoptr(PGresult) result = crm_db_exec (conn, servers_connected_sql, 0, NULL, NULL);

  return result == NULL || !g_str_equal (PQgetvalue (result, 0, 0), "0");
}

static int
command_migrate (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  guint applied = 0;

  if (!crm_migrate_run (conn, &applied, &error))
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      return 1;
    }
  g_print ("Schema at version %" G_GINT64_FORMAT "; %u migration(s) applied.\n",
           crm_migrate_get_current (conn, NULL), applied);
  return 0;
}

static int
command_status (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  gint64 current = crm_migrate_get_current (conn, &error);

  if (current < 0)
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      return 1;
    }
  g_print ("database: %s\nserver version: %s\nschema version: %" G_GINT64_FORMAT
           "\nschema known to this rapport: %" G_GINT64_FORMAT "\n",
           PQdb (conn), PQparameterStatus (conn, "server_version"), current,
           crm_migrate_get_latest_known ());
  return current == crm_migrate_get_latest_known () ? 0 : 3;
}

static int
command_seed_demo (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  guint applied = 0;
  guint n_customers = 0;

  if (!crm_migrate_run (conn, &applied, &error) || !crm_demo_seed (conn, &n_customers, &error))
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      return 1;
    }
  if (n_customers == 0)
    g_print ("Demo data already present; nothing added.\n");
  else
    g_print ("Added demo data: %u customers with their contacts and owners.\n", n_customers);
  return 0;
}

static const struct
{
  const char  *name;
  CommandFunc  func;
  const char  *summary;
} commands[] = {
  { "migrate", command_migrate, "Apply pending database migrations" },
  { "status", command_status, "Show the database and schema versions (exit 3 if not current)" },
  { "seed-demo", command_seed_demo, "Fill an empty database with demo customers" },
};

static char *
commands_help (void)
{
  GString *text = g_string_new ("Commands:\n");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-12s %s\n", commands[i].name, commands[i].summary);
  return g_string_free (text, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CrmConfig) config = crm_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmCluster) cluster = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_auto(GStrv) args = g_strdupv (argv);
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *conninfo = NULL;
  g_autofree char *help = commands_help ();
  CommandFunc func = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("rapport-admin");
  crm_log_init (CRM_LOG_FORMAT_TEXT);

  if (!crm_config_load (config, CRM_CONFIG_FOR_ADMIN, NULL, "COMMAND", &args,
                        (const char * const *) env, &error))
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      return 2;
    }
  if (args[1] == NULL || args[2] != NULL)
    {
      g_printerr ("Usage: rapport-admin [OPTION…] COMMAND\n%s", help);
      return 2;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (args[1], commands[i].name))
      func = commands[i].func;
  if (func == NULL)
    {
      g_printerr ("rapport-admin: unknown command “%s”\n%s", args[1], help);
      return 2;
    }

  conninfo = crm_startup_open_database (config, &cluster, &error);
  if (conninfo != NULL)
    conn = crm_db_connect (conninfo, &error);
  if (conn == NULL)
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      status = 1;
    }
  else
    status = func (conn);

  if (cluster != NULL && crm_cluster_get_started_here (cluster) && conn != NULL
      && is_server_connected (conn))
    {
      g_message ("A rapport-server started meanwhile; leaving the database running for it");
      g_clear_pointer (&cluster, crm_cluster_free);
    }
  g_clear_pointer (&conn, PQfinish);
  if (cluster != NULL && crm_cluster_get_started_here (cluster))
    {
      g_autoptr(GError) stop_error = NULL;

      if (!crm_cluster_stop (cluster, &stop_error))
        g_printerr ("rapport-admin: cannot stop the embedded database: %s\n", stop_error->message);
    }
  return status;
}
