/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-config"

#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "crm-config.h"

G_DEFINE_QUARK (crm-config-error-quark, crm_config_error)

#define CONFIG_GROUP "server"
#define ALL (CRM_CONFIG_FOR_SERVER | CRM_CONFIG_FOR_ADMIN)
#define SERVER CRM_CONFIG_FOR_SERVER

/* The one table: key file, environment, command line and crm-server.conf.sample. */
static const CrmConfigKey config_keys[] = {
  { "data-dir", "RAPPORT_DATA_DIR", CRM_CONFIG_TYPE_STRING, NULL, 0, 0, ALL, "DIR",
    "Data directory: the embedded database cluster and generated TLS files live here "
    "(default: /var/lib/rapport as root, else $XDG_DATA_HOME/rapport)",
    G_STRUCT_OFFSET (CrmConfig, data_dir) },
  { "database-url", "RAPPORT_DATABASE_URL", CRM_CONFIG_TYPE_STRING, NULL, 0, 0, ALL, "URL",
    "PostgreSQL connection URL or conninfo; without it the embedded cluster in the data "
    "directory is used",
    G_STRUCT_OFFSET (CrmConfig, database_url) },
  { "listen", "RAPPORT_LISTEN", CRM_CONFIG_TYPE_STRING, "127.0.0.1:8443", 0, 0, SERVER,
    "HOST:PORT", "Address and port to serve HTTPS on (port 0 picks a free port)",
    G_STRUCT_OFFSET (CrmConfig, listen) },
  { "tls-cert", "RAPPORT_TLS_CERT", CRM_CONFIG_TYPE_STRING, NULL, 0, 0, SERVER, "FILE",
    "PEM certificate (chain); without it a self-signed pair is generated in the data "
    "directory for development",
    G_STRUCT_OFFSET (CrmConfig, tls_cert) },
  { "tls-key", "RAPPORT_TLS_KEY", CRM_CONFIG_TYPE_STRING, NULL, 0, 0, SERVER, "FILE",
    "PEM private key matching tls-cert",
    G_STRUCT_OFFSET (CrmConfig, tls_key) },
  { "workers", "RAPPORT_WORKERS", CRM_CONFIG_TYPE_INT, "8", 1, 256, SERVER, "N",
    "Database workers, each with its own connection",
    G_STRUCT_OFFSET (CrmConfig, workers) },
  { "statement-timeout-ms", "RAPPORT_STATEMENT_TIMEOUT_MS", CRM_CONFIG_TYPE_INT, "30000", 0,
    3600000, SERVER, "MS", "statement_timeout of the workers' connections (0 = none)",
    G_STRUCT_OFFSET (CrmConfig, statement_timeout_ms) },
  { "shutdown-timeout", "RAPPORT_SHUTDOWN_TIMEOUT", CRM_CONFIG_TYPE_INT, "30", 0, 3600, SERVER,
    "SECONDS", "How long SIGTERM waits for requests in flight before stopping anyway",
    G_STRUCT_OFFSET (CrmConfig, shutdown_timeout_s) },
  { "cluster-user", "RAPPORT_CLUSTER_USER", CRM_CONFIG_TYPE_STRING, "postgres", 0, 0, ALL, "USER",
    "System user that runs the embedded cluster when started as root",
    G_STRUCT_OFFSET (CrmConfig, cluster_user) },
  { "pg-bindir", "RAPPORT_PG_BINDIR", CRM_CONFIG_TYPE_STRING, PG_BINDIR, 0, 0, ALL, "DIR",
    "Directory holding initdb and pg_ctl for the embedded cluster",
    G_STRUCT_OFFSET (CrmConfig, pg_bindir) },
  { "key-file", "RAPPORT_KEY_FILE", CRM_CONFIG_TYPE_STRING, NULL, 0, 0, ALL, "FILE",
    "Keys for sensitive fields and MFA secrets (0600); created on first start "
    "(default: DATA_DIR/keys/fields.key)",
    G_STRUCT_OFFSET (CrmConfig, key_file) },
  { "session-idle-minutes", "RAPPORT_SESSION_IDLE_MINUTES", CRM_CONFIG_TYPE_INT, "480", 1,
    525600, SERVER, "MINUTES", "A session unused this long expires",
    G_STRUCT_OFFSET (CrmConfig, session_idle_minutes) },
  { "session-max-hours", "RAPPORT_SESSION_MAX_HOURS", CRM_CONFIG_TYPE_INT, "720", 1, 87600,
    SERVER, "HOURS", "A session expires this long after sign-in, however busy",
    G_STRUCT_OFFSET (CrmConfig, session_max_hours) },
  { "lockout-threshold", "RAPPORT_LOCKOUT_THRESHOLD", CRM_CONFIG_TYPE_INT, "5", 1, 1000,
    SERVER, "N", "Failed sign-ins (per user name and per source address) before a lockout",
    G_STRUCT_OFFSET (CrmConfig, lockout_threshold) },
  { "lockout-base-seconds", "RAPPORT_LOCKOUT_BASE_SECONDS", CRM_CONFIG_TYPE_INT, "30", 1,
    86400, SERVER, "SECONDS", "The first lockout; each further failure doubles it",
    G_STRUCT_OFFSET (CrmConfig, lockout_base_seconds) },
  { "lockout-max-seconds", "RAPPORT_LOCKOUT_MAX_SECONDS", CRM_CONFIG_TYPE_INT, "3600", 1,
    604800, SERVER, "SECONDS", "The longest lockout",
    G_STRUCT_OFFSET (CrmConfig, lockout_max_seconds) },
  { "alert-threshold", "RAPPORT_ALERT_THRESHOLD", CRM_CONFIG_TYPE_INT, "5", 0, 1000, SERVER,
    "N", "Denials or failed sign-ins within ten minutes that raise an alert to admins "
    "(0 = never)",
    G_STRUCT_OFFSET (CrmConfig, alert_threshold) },
  { "reminder-interval-seconds", "RAPPORT_REMINDER_INTERVAL_SECONDS", CRM_CONFIG_TYPE_INT, "300",
    1, 86400, SERVER, "SECONDS", "How often to send update reminders and prune expired idempotency keys",
    G_STRUCT_OFFSET (CrmConfig, reminder_interval_seconds) },
  { "log-format", "RAPPORT_LOG_FORMAT", CRM_CONFIG_TYPE_STRING, "text", 0, 0, ALL, "text|json",
    "Log lines as key=value text or as one JSON object per line",
    G_STRUCT_OFFSET (CrmConfig, log_format) },
};

const CrmConfigKey *
crm_config_get_keys (guint *n_keys)
{
  *n_keys = G_N_ELEMENTS (config_keys);
  return config_keys;
}

static char **
string_slot (CrmConfig          *config,
             const CrmConfigKey *key)
{
  return (char **) G_STRUCT_MEMBER_P (config, key->offset);
}

static int *
int_slot (CrmConfig          *config,
          const CrmConfigKey *key)
{
  return (int *) G_STRUCT_MEMBER_P (config, key->offset);
}

static gboolean
set_value (CrmConfig          *config,
           const CrmConfigKey *key,
           const char         *value,
           const char         *origin,
           GError            **error)
{
  if (key->type == CRM_CONFIG_TYPE_STRING)
    {
      char **slot = string_slot (config, key);

      g_free (*slot);
      *slot = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
      return TRUE;
    }
  else
    {
      char *end = NULL;
      gint64 number;

      errno = 0;
      number = g_ascii_strtoll (value, &end, 10);
      if (errno != 0 || end == value || *end != '\0' || number < key->min || number > key->max)
        {
          g_set_error (error, CRM_CONFIG_ERROR, CRM_CONFIG_ERROR_INVALID,
                       "%s: %s must be an integer from %d to %d, not “%s”",
                       origin, key->key, key->min, key->max, value);
          return FALSE;
        }
      *int_slot (config, key) = (int) number;
      return TRUE;
    }
}

CrmConfig *
crm_config_new (void)
{
  CrmConfig *config = g_new0 (CrmConfig, 1);

  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    {
      const CrmConfigKey *key = &config_keys[i];

      if (key->default_value != NULL && !set_value (config, key, key->default_value, "default", NULL))
        g_assert_not_reached ();
    }
  return config;
}

void
crm_config_free (CrmConfig *config)
{
  if (config == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    if (config_keys[i].type == CRM_CONFIG_TYPE_STRING)
      g_free (*string_slot (config, &config_keys[i]));
  g_free (config->config_file);
  g_free (config->listen_host);
  g_free (config);
}

gboolean
crm_config_parse_listen (const char  *listen,
                         char       **host,
                         guint       *port,
                         GError     **error)
{
  const char *colon;
  g_autofree char *host_part = NULL;
  guint64 number;

  colon = listen != NULL ? strrchr (listen, ':') : NULL;
  if (colon == NULL || colon == listen)
    goto invalid;
  if (listen[0] == '[')
    {
      if (colon[-1] != ']')
        goto invalid;
      host_part = g_strndup (listen + 1, colon - listen - 2);
    }
  else
    host_part = g_strndup (listen, colon - listen);
  if (*host_part == '\0' || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &number, NULL))
    goto invalid;

  *host = g_steal_pointer (&host_part);
  *port = (guint) number;
  return TRUE;

invalid:
  g_set_error (error, CRM_CONFIG_ERROR, CRM_CONFIG_ERROR_INVALID,
               "listen must be HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443), not “%s”",
               listen ? listen : "");
  return FALSE;
}

static gboolean
load_key_file (CrmConfig         *config,
               CrmConfigProgram   program,
               const char        *path,
               GError           **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) keys = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, CRM_CONFIG_ERROR, CRM_CONFIG_ERROR_FILE,
                   "Cannot read configuration file %s: %s", path, local_error->message);
      return FALSE;
    }

  keys = g_key_file_get_keys (key_file, CONFIG_GROUP, NULL, NULL);
  for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
    {
      const CrmConfigKey *key = NULL;
      g_autofree char *value = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
        if (g_str_equal (config_keys[i].key, keys[k]))
          key = &config_keys[i];
      if (key == NULL)
        {
          g_set_error (error, CRM_CONFIG_ERROR, CRM_CONFIG_ERROR_INVALID,
                       "%s: unknown key “%s” in [%s]", path, keys[k], CONFIG_GROUP);
          return FALSE;
        }
      if ((key->programs & program) == 0)
        continue;
      value = g_key_file_get_string (key_file, CONFIG_GROUP, keys[k], &local_error);
      if (value == NULL)
        {
          g_set_error (error, CRM_CONFIG_ERROR, CRM_CONFIG_ERROR_INVALID,
                       "%s: %s: %s", path, keys[k], local_error->message);
          return FALSE;
        }
      if (!set_value (config, key, g_strstrip (value), path, error))
        return FALSE;
    }
  return TRUE;
}

static char *
default_data_dir (void)
{
  if (geteuid () == 0)
    return g_strdup ("/var/lib/rapport");
  return g_build_filename (g_get_user_data_dir (), "rapport", NULL);
}

/**
 * crm_config_load:
 * @argv: (inout): the command line; parsed options are removed
 * @envp: the environment to read (g_get_environ () in programs, a crafted one in tests)
 *
 * Fills @config from, in rising precedence: defaults, the key file (`--config FILE` or
 * `RAPPORT_CONFIG`), the environment, the command line. Then validates it.
 */
gboolean
crm_config_load (CrmConfig           *config,
                 CrmConfigProgram     program,
                 const GOptionEntry  *extra_entries,
                 const char          *parameter_string,
                 char              ***argv,
                 const char * const  *envp,
                 GError             **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  char *cli_values[G_N_ELEMENTS (config_keys)] = { NULL, };
  g_autofree char *cli_config = NULL;
  g_autoptr(GString) description = g_string_new ("Configuration precedence: key file "
                                                  "([server] group) < environment < command "
                                                  "line.\nEnvironment variables:\n");
  const char *config_path;
  gboolean ok = FALSE;

  g_return_val_if_fail (config != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    {
      const CrmConfigKey *key = &config_keys[i];
      GOptionEntry entry = { key->key, 0, 0, G_OPTION_ARG_STRING, &cli_values[i],
                             key->description, key->arg_description };

      if ((key->programs & program) == 0)
        continue;
      g_array_append_val (entries, entry);
      g_string_append_printf (description, "  %-30s %s\n", key->env, key->key);
    }
  {
    GOptionEntry entry = { "config", 'c', 0, G_OPTION_ARG_FILENAME, &cli_config,
                           "Configuration key file (also RAPPORT_CONFIG)", "FILE" };
    g_array_append_val (entries, entry);
  }
  for (guint i = 0; extra_entries != NULL && extra_entries[i].long_name != NULL; i++)
    g_array_append_val (entries, extra_entries[i]);

  context = g_option_context_new (parameter_string);
  g_option_context_add_main_entries (context, (GOptionEntry *) entries->data, NULL);
  g_option_context_set_description (context, description->str);
  if (!g_option_context_parse_strv (context, argv, error))
    goto out;

  config_path = cli_config != NULL ? cli_config : g_environ_getenv ((char **) envp, "RAPPORT_CONFIG");
  if (config_path != NULL && *config_path != '\0')
    {
      g_free (config->config_file);
      config->config_file = g_strdup (config_path);
      if (!load_key_file (config, program, config_path, error))
        goto out;
    }

  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    {
      const CrmConfigKey *key = &config_keys[i];
      const char *value = g_environ_getenv ((char **) envp, key->env);

      if ((key->programs & program) != 0 && value != NULL
          && !set_value (config, key, value, key->env, error))
        goto out;
    }

  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    {
      g_autofree char *origin = g_strdup_printf ("--%s", config_keys[i].key);

      if (cli_values[i] != NULL && !set_value (config, &config_keys[i], cli_values[i], origin, error))
        goto out;
    }

  if (config->data_dir == NULL)
    config->data_dir = default_data_dir ();
  if (!g_path_is_absolute (config->data_dir))
    {
      g_autofree char *cwd = g_get_current_dir ();
      char *absolute = g_canonicalize_filename (config->data_dir, cwd);

      g_free (config->data_dir);
      config->data_dir = absolute;
    }
  if (config->key_file == NULL)
    config->key_file = g_build_filename (config->data_dir, "keys", "fields.key", NULL);
  if ((config->tls_cert == NULL) != (config->tls_key == NULL))
    {
      g_set_error_literal (error, CRM_CONFIG_ERROR, CRM_CONFIG_ERROR_INVALID,
                           "tls-cert and tls-key must be given together");
      goto out;
    }
  if (!g_str_equal (config->log_format, "text") && !g_str_equal (config->log_format, "json"))
    {
      g_set_error (error, CRM_CONFIG_ERROR, CRM_CONFIG_ERROR_INVALID,
                   "log-format must be “text” or “json”, not “%s”", config->log_format);
      goto out;
    }
  g_clear_pointer (&config->listen_host, g_free);
  if ((program & CRM_CONFIG_FOR_SERVER) != 0
      && !crm_config_parse_listen (config->listen, &config->listen_host, &config->listen_port,
                                   error))
    goto out;

  ok = TRUE;

out:
  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    g_free (cli_values[i]);
  return ok;
}
