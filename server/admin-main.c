/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport-admin"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <sodium.h>
#include <string.h>

#include "crm-audit.h"
#include "crm-config.h"
#include "crm-db.h"
#include "crm-demo.h"
#include "crm-log.h"
#include "crm-migrate.h"
#include "crm-password.h"
#include "crm-resource.h"
#include "crm-secret-box.h"
#include "crm-startup.h"

/*
 * rapport-admin: maintenance from the command line. With --data-dir it reaches the
 * embedded cluster whether or not rapport-server is running: it starts the cluster when
 * needed and stops it again only if it started it.
 */

typedef int (*CommandFunc) (PGconn *conn);

/* Options of single commands. */
static char *opt_username;
static char *opt_display_name;
static char *opt_role;
static gboolean opt_password_stdin;
static char *opt_expect_head;
static const CrmConfig *admin_config;

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

/* Reads one line from standard input, without its newline. */
static char *
read_password_line (void)
{
  GString *line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (line, FALSE);
}

static int
command_create_user (PGconn *conn)
{
  static const char sql[] =
    "INSERT INTO users (username, display_name, role_id, password_hash, password_changed_at)\n"
    "SELECT $1, $2, r.id, $4, now () FROM roles r WHERE r.builtin = $3 OR r.name = $3\n"
    "ORDER BY r.builtin IS NULL LIMIT 1\n"
    "RETURNING id";
  static const char audit_sql[] =
    "INSERT INTO audit_log (username, source, action, object, record_id, detail)\n"
    "VALUES ('rapport-admin', 'command line', 'create', 'users', $1::bigint,\n"
    "        jsonb_build_object ('after', jsonb_build_object ('username', $2::text,\n"
    "                                                         'role', $3::text)))";
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) audit = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  guint applied = 0;

  if (opt_username == NULL || opt_role == NULL || !opt_password_stdin)
    {
      g_printerr ("Usage: rapport-admin create-user --username NAME --role ROLE "
                  "--password-stdin [--display-name NAME]\n"
                  "ROLE: admin, sales_manager, sales_rep, service_agent, marketing, auditor, "
                  "or the name of a role\n");
      return 2;
    }
  password = read_password_line ();
  if (!crm_password_check_policy (password, opt_username, &error))
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      sodium_memzero (password, strlen (password));
      return 1;
    }
  hash = crm_password_hash (password, &error);
  sodium_memzero (password, strlen (password));
  if (hash == NULL || !crm_migrate_run (conn, &applied, &error))
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      return 1;
    }
  {
    const char *params[] = { opt_username, opt_display_name ? opt_display_name : opt_username,
                             opt_role, hash };

    result = crm_db_exec (conn, sql, 4, params, &error);
  }
  if (result == NULL)
    {
      if (g_error_matches (error, CRM_DB_ERROR, CRM_DB_ERROR_CONFLICT))
        g_printerr ("rapport-admin: a user “%s” exists already\n", opt_username);
      else
        g_printerr ("rapport-admin: %s\n", error->message);
      return 1;
    }
  if (PQntuples (result) != 1)
    {
      g_printerr ("rapport-admin: no role “%s”\n", opt_role);
      return 1;
    }
  {
    const char *params[] = { PQgetvalue (result, 0, 0), opt_username, opt_role };

    audit = crm_db_exec (conn, audit_sql, 3, params, &error);
    if (audit == NULL)
      {
        g_printerr ("rapport-admin: %s\n", error->message);
        return 1;
      }
  }
  g_print ("Created user %s (id %s) with role %s.\n", opt_username, PQgetvalue (result, 0, 0),
           opt_role);
  return 0;
}

static int
command_verify_audit (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmAuditReport) report = NULL;
  gint64 sealed = 0;

  if (!crm_audit_seal_now (conn, &sealed, &error)
      || (report = crm_audit_verify (conn, &error)) == NULL)
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      return 1;
    }
  if (opt_expect_head != NULL)
    {
      /* The head a server logged ("Audit log sealed up to SEQ:HASH") must still be there. */
      static const char head_sql[] =
        "SELECT encode (hash, 'hex') FROM audit_log WHERE seq = $1::bigint";
      g_auto(GStrv) parts = g_strsplit (opt_expect_head, ":", 2);
      g_autoptr(PGresult) head = NULL;
      gint64 seq;

      if (parts[0] == NULL || parts[1] == NULL
          || !g_ascii_string_to_signed (parts[0], 10, 1, G_MAXINT64, &seq, NULL))
        {
          g_printerr ("rapport-admin: --expect-head takes SEQ:HASH as the server logs it\n");
          return 2;
        }
      {
        const char *params[] = { parts[0] };

        head = crm_db_exec (conn, head_sql, 1, params, &error);
      }
      if (head == NULL)
        {
          g_printerr ("rapport-admin: %s\n", error->message);
          return 1;
        }
      if (PQntuples (head) == 0)
        g_ptr_array_add (report->problems,
                         g_strdup_printf ("seq %" G_GINT64_FORMAT " (the expected head) is gone: "
                                          "rows were removed from the end of the chain", seq));
      else if (g_ascii_strcasecmp (PQgetvalue (head, 0, 0), parts[1]) != 0)
        g_ptr_array_add (report->problems,
                         g_strdup_printf ("seq %" G_GINT64_FORMAT " does not have the expected "
                                          "head's hash: the chain was rewritten", seq));
    }
  for (guint i = 0; i < report->problems->len; i++)
    g_print ("TAMPERED: %s\n", (const char *) g_ptr_array_index (report->problems, i));
  g_print ("%" G_GINT64_FORMAT " audit rows checked (%" G_GINT64_FORMAT " sealed now), "
           "%u problem(s).\n", report->n_sealed, sealed, report->problems->len);
  return report->problems->len == 0 ? 0 : 4;
}

/*
 * Re-encrypts every sensitive value under a new key: values of older keys, and plain
 * values of fields marked sensitive since they were written (with their blind index).
 */
static int
command_rotate_key (PGconn *conn)
{
  static const char fields_sql[] =
    "SELECT object, field FROM field_policies WHERE sensitive ORDER BY object, field";
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmSecretBox) box = NULL;
  g_autoptr(PGresult) fields = NULL;
  guint n_values = 0;

  box = crm_secret_box_load (admin_config->key_file, FALSE, &error);
  if (box == NULL || !crm_secret_box_rotate (box, admin_config->key_file, &error))
    {
      g_printerr ("rapport-admin: %s\n", error->message);
      return 1;
    }
  g_print ("Key %u is now current in %s.\n", crm_secret_box_get_current_key_id (box),
           admin_config->key_file);
  if (!crm_db_exec_command (conn, "BEGIN", &error)
      || (fields = crm_db_exec (conn, fields_sql, 0, NULL, &error)) == NULL)
    goto failed;
  for (int f = 0; f < PQntuples (fields); f++)
    {
      guint n = 0;

      if (!crm_resource_reseal_field (conn, box, PQgetvalue (fields, f, 0),
                                      PQgetvalue (fields, f, 1), TRUE, &n, &error))
        goto failed;
      n_values += n;
    }
  if (!crm_db_exec_command (conn, "COMMIT", &error))
    goto failed;
  g_print ("Re-encrypted %u value(s). Restart rapport-server so it loads the new key.\n",
           n_values);
  return 0;

failed:
  {
    g_autoptr(PGresult) rollback = PQexec (conn, "ROLLBACK");
  }
  g_printerr ("rapport-admin: %s (nothing re-encrypted; the new key stays in the key file)\n",
              error->message);
  return 1;
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
  { "create-user", command_create_user,
    "Create a user: --username NAME --role ROLE --password-stdin" },
  { "verify-audit", command_verify_audit,
    "Check the audit log's hash chain (exit 4 if rows were edited, removed or reordered)" },
  { "rotate-key", command_rotate_key,
    "Add a new field-encryption key and re-encrypt sensitive values under it" },
};

static char *
commands_help (void)
{
  GString *text = g_string_new ("Commands:\n");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-13s %s\n", commands[i].name, commands[i].summary);
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
  const GOptionEntry extra[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &opt_username, "create-user: the login", "NAME" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &opt_display_name,
      "create-user: the name shown (default: the login)", "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, "create-user: the role", "ROLE" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_password_stdin,
      "create-user: read the password from the first line of standard input", NULL },
    { "expect-head", 0, 0, G_OPTION_ARG_STRING, &opt_expect_head,
      "verify-audit: a head the server logged (“Audit log sealed up to SEQ:HASH”)", "SEQ:HASH" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_set_prgname ("rapport-admin");
  crm_log_init (CRM_LOG_FORMAT_TEXT);

  admin_config = config;
  if (!crm_config_load (config, CRM_CONFIG_FOR_ADMIN, extra, "COMMAND", &args,
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
