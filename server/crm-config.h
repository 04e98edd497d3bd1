/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRM_CONFIG_ERROR (crm_config_error_quark ())

/**
 * CrmConfigError:
 * @CRM_CONFIG_ERROR_INVALID: a value does not parse or is out of range
 * @CRM_CONFIG_ERROR_FILE: the configuration file cannot be read
 * @CRM_CONFIG_ERROR_USAGE: the command line is wrong
 */
typedef enum
{
  CRM_CONFIG_ERROR_INVALID,
  CRM_CONFIG_ERROR_FILE,
  CRM_CONFIG_ERROR_USAGE,
} CrmConfigError;

typedef enum
{
  CRM_CONFIG_FOR_SERVER = 1 << 0,
  CRM_CONFIG_FOR_ADMIN  = 1 << 1,
} CrmConfigProgram;

typedef enum
{
  CRM_CONFIG_TYPE_STRING,
  CRM_CONFIG_TYPE_INT,
} CrmConfigType;

/**
 * CrmConfigKey:
 *
 * One row of the declarative key table: the key-file key (group `[server]`), its
 * environment variable and its long option share the name; precedence is key file <
 * environment < command line.
 */
typedef struct
{
  const char       *key;
  const char       *env;
  CrmConfigType     type;
  const char       *default_value;
  int               min;
  int               max;
  CrmConfigProgram  programs;
  const char       *arg_description;
  const char       *description;
  gsize             offset;
} CrmConfigKey;

typedef struct
{
  char *config_file;
  char *data_dir;
  char *listen;
  char *database_url;
  char *tls_cert;
  char *tls_key;
  char *cluster_user;
  char *pg_bindir;
  char *log_format;
  int   workers;
  int   statement_timeout_ms;
  int   shutdown_timeout_s;
  char *key_file;
  int   session_idle_minutes;
  int   session_max_hours;
  int   lockout_threshold;
  int   lockout_base_seconds;
  int   lockout_max_seconds;
  int   alert_threshold;
  int   reminder_interval_seconds;

  /* Derived from listen by crm_config_load (). */
  char *listen_host;
  guint listen_port;
} CrmConfig;

GQuark              crm_config_error_quark (void);
const CrmConfigKey *crm_config_get_keys    (guint              *n_keys);
CrmConfig          *crm_config_new         (void);
void                crm_config_free        (CrmConfig          *config);
gboolean            crm_config_load        (CrmConfig          *config,
                                            CrmConfigProgram    program,
                                            const GOptionEntry *extra_entries,
                                            const char         *parameter_string,
                                            char             ***argv,
                                            const char * const *envp,
                                            GError            **error);
gboolean            crm_config_parse_listen (const char        *listen,
                                             char             **host,
                                             guint             *port,
                                             GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmConfig, crm_config_free)

G_END_DECLS
