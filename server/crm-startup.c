/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-startup"

#include "config.h"

#include "crm-startup.h"

#define EMBEDDED_DATABASE "rapport"

/**
 * crm_startup_open_database:
 * @cluster: (out) (transfer full) (nullable): the embedded cluster, when one is used
 *
 * What rapport-server and rapport-admin both do first: with a database URL, use it;
 * without one, initialize (first time) and start the embedded cluster in the data
 * directory and make sure its database exists.
 *
 * Returns: (transfer full): the conninfo to connect with
 */
char *
crm_startup_open_database (const CrmConfig  *config,
                           CrmCluster      **cluster,
                           GError          **error)
{
  g_autoptr(CrmCluster) embedded = NULL;
  char *conninfo;

  *cluster = NULL;
  if (config->database_url != NULL)
    return g_strdup (config->database_url);

  embedded = crm_cluster_new (config->data_dir, config->pg_bindir, config->cluster_user);
  if (!crm_cluster_ensure_initialized (embedded, error)
      || !crm_cluster_start (embedded, error)
      || !crm_cluster_ensure_database (embedded, EMBEDDED_DATABASE, error))
    {
      if (crm_cluster_get_started_here (embedded))
        crm_cluster_stop (embedded, NULL);
      return NULL;
    }
  conninfo = crm_cluster_dup_conninfo (embedded, EMBEDDED_DATABASE);
  *cluster = g_steal_pointer (&embedded);
  return conninfo;
}
