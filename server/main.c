/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport-server"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "crm-certificate.h"
#include "crm-config.h"
#include "crm-db.h"
#include "crm-db-pool.h"
#include "crm-events.h"
#include "crm-log.h"
#include "crm-audit.h"
#include "crm-memory.h"
#include "crm-scheduler.h"
#include "crm-migrate.h"
#include "crm-secret-box.h"
#include "crm-server.h"
#include "crm-startup.h"
#include "crm-tls.h"

typedef struct
{
  GMainLoop *loop;
  CrmServer *server;
  guint      shutdown_timeout_s;
} ServerState;

static gboolean
signal_cb (gpointer user_data)
{
  ServerState *state = user_data;

  if (crm_server_is_shutting_down (state->server))
    {
      g_message ("Second signal: stopping now");
      g_main_loop_quit (state->loop);
      return G_SOURCE_CONTINUE;
    }
  crm_server_begin_shutdown (state->server, state->shutdown_timeout_s);
  return G_SOURCE_CONTINUE;
}

static void
server_drained_cb (CrmServer   *server,
                   ServerState *state)
{
  g_main_loop_quit (state->loop);
}

static GTlsCertificate *
load_certificate (const CrmConfig  *config,
                  GError          **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *tls_dir = NULL;

  if (config->tls_cert != NULL)
    return g_tls_certificate_new_from_files (config->tls_cert, config->tls_key, error);

  tls_dir = g_build_filename (config->data_dir, "tls", NULL);
  if (!crm_tls_ensure_self_signed (tls_dir, &cert_path, &key_path, error))
    return NULL;
  return g_tls_certificate_new_from_files (cert_path, key_path, error);
}

static gboolean
migrate (const char  *conninfo,
         GError     **error)
{
  g_autoptr(PGconn) conn = crm_db_connect (conninfo, error);
  guint applied = 0;

  if (conn == NULL || !crm_migrate_run (conn, &applied, error))
    return FALSE;
  g_message ("Database schema at version %" G_GINT64_FORMAT " (%u migrations applied now)",
             crm_migrate_get_latest_known (), applied);
  return TRUE;
}

static int
run (CrmConfig *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmCluster) cluster = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(CrmDbPool) pool = NULL;
  g_autoptr(CrmServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *workers = NULL;
  g_autoptr(CrmSecretBox) secret_box = NULL;
  ServerState state = { 0, };
  guint sealer_id = 0;
  guint scheduler_id = 0;
  int status = 1;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_printerr ("rapport-server: no TLS backend: install glib-networking\n");
      return 1;
    }
  certificate = load_certificate (config, &error);
  if (certificate == NULL)
    {
      g_printerr ("rapport-server: %s\n", error->message);
      return 1;
    }
  fingerprint = crm_certificate_dup_fingerprint (certificate);

  conninfo = crm_startup_open_database (config, &cluster, &error);
  if (conninfo == NULL || !migrate (conninfo, &error))
    {
      g_printerr ("rapport-server: %s\n", error->message);
      goto out;
    }

  {
    g_autofree char *key_dir = g_path_get_dirname (config->key_file);

    g_mkdir_with_parents (key_dir, 0700);
  }
  secret_box = crm_secret_box_load (config->key_file, TRUE, &error);
  if (secret_box == NULL)
    {
      g_printerr ("rapport-server: %s\n", error->message);
      goto out;
    }

  pool = crm_db_pool_new (conninfo, config->workers, config->statement_timeout_ms);
  server = crm_server_new (pool, certificate, crm_migrate_get_latest_known ());
  {
    CrmAuthSettings auth = {
      .session_idle_s = config->session_idle_minutes * 60,
      .session_max_s = config->session_max_hours * 3600,
      .lockout_threshold = config->lockout_threshold,
      .lockout_base_s = config->lockout_base_seconds,
      .lockout_max_s = config->lockout_max_seconds,
      .alert_threshold = config->alert_threshold,
    };

    crm_server_set_auth_settings (server, &auth);
    crm_server_set_secret_box (server, g_steal_pointer (&secret_box));
  }
  if (!crm_server_listen (server, config->listen_host, config->listen_port, &error))
    {
      g_printerr ("rapport-server: cannot listen on %s: %s\n", config->listen, error->message);
      goto out;
    }

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.server = server;
  state.shutdown_timeout_s = config->shutdown_timeout_s;
  g_signal_connect (server, "drained", G_CALLBACK (server_drained_cb), &state);
  g_unix_signal_add (SIGTERM, signal_cb, &state);
  g_unix_signal_add (SIGINT, signal_cb, &state);

  url = crm_server_dup_url (server);
  workers = g_strdup_printf ("%d", config->workers);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                    "URL", url,
                    "FINGERPRINT", fingerprint ? fingerprint : "",
                    "DATABASE", cluster ? "embedded" : "external",
                    "WORKERS", workers,
                    "MESSAGE", "Listening on %s", url);
  /* The one line on stdout: scripts and the test harness wait for it. */
  printf ("rapport-server listening on %s\n", url);
  fflush (stdout);

  sealer_id = crm_audit_sealer_start (pool, 1000);
  scheduler_id = crm_scheduler_start (pool, config->reminder_interval_seconds);
  crm_events_start (crm_server_get_events (server));
  g_main_loop_run (loop);
  g_clear_handle_id (&sealer_id, g_source_remove);
  g_clear_handle_id (&scheduler_id, g_source_remove);

  g_message ("Stopped taking requests");
  /* Close the clients' connections, and let their closing run to its end. */
  g_clear_object (&server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  status = 0;

out:
  if (pool != NULL)
    crm_db_pool_shutdown (pool);
  if (cluster != NULL)
    {
      g_autoptr(GError) stop_error = NULL;

      if (!crm_cluster_stop (cluster, &stop_error))
        g_warning ("Cannot stop the embedded database: %s", stop_error->message);
    }
  if (status == 0)
    g_message ("Goodbye");
  return status;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CrmConfig) config = crm_config_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_strdupv (argv);
  g_auto(GStrv) env = g_get_environ ();
  gboolean version = FALSE;
  const GOptionEntry extra[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };

  crm_memory_tune (argv);
  setlocale (LC_ALL, "");
  g_set_prgname ("rapport-server");
  signal (SIGPIPE, SIG_IGN);
  crm_log_init (CRM_LOG_FORMAT_TEXT);

  if (!crm_config_load (config, CRM_CONFIG_FOR_SERVER, extra, "- the Rapport CRM server", &args,
                        (const char * const *) env, &error))
    {
      g_printerr ("rapport-server: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("rapport-server %s (schema %" G_GINT64_FORMAT ")\n", PACKAGE_VERSION,
               crm_migrate_get_latest_known ());
      return 0;
    }
  if (args[1] != NULL)
    {
      g_printerr ("rapport-server: unexpected argument “%s” (see --help)\n", args[1]);
      return 2;
    }
  crm_log_init (g_str_equal (config->log_format, "json") ? CRM_LOG_FORMAT_JSON
                                                         : CRM_LOG_FORMAT_TEXT);
  return run (config);
}
