/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRM_CLUSTER_ERROR (crm_cluster_error_quark ())

/**
 * CrmClusterError:
 * @CRM_CLUSTER_ERROR_FAILED: initdb, pg_ctl or a connection failed; the message says why.
 * @CRM_CLUSTER_ERROR_PERMISSION: the PostgreSQL OS user cannot reach the data directory.
 * @CRM_CLUSTER_ERROR_PATH_TOO_LONG: the socket path would exceed the 107-byte limit.
 * @CRM_CLUSTER_ERROR_NOT_INITIALIZED: the cluster has not been created with initdb yet.
 *
 * Error codes in the %CRM_CLUSTER_ERROR domain.
 */
typedef enum
{
  CRM_CLUSTER_ERROR_FAILED,
  CRM_CLUSTER_ERROR_PERMISSION,
  CRM_CLUSTER_ERROR_PATH_TOO_LONG,
  CRM_CLUSTER_ERROR_NOT_INITIALIZED,
} CrmClusterError;

/* The port only names the socket file (no TCP), so it never clashes. */
#define CRM_CLUSTER_PORT 5432
#define CRM_CLUSTER_USER "rapport"

typedef struct _CrmCluster CrmCluster;

GQuark      crm_cluster_error_quark        (void);

CrmCluster *crm_cluster_new                (const char  *data_dir,
                                            const char  *bindir,
                                            const char  *os_user);
void        crm_cluster_free               (CrmCluster  *self);

void        crm_cluster_set_durable        (CrmCluster  *self,
                                            gboolean     durable);
gboolean    crm_cluster_get_durable        (CrmCluster  *self);
void        crm_cluster_set_attached       (CrmCluster  *self,
                                            gboolean     attached);
const char *crm_cluster_get_data_dir       (CrmCluster  *self);
const char *crm_cluster_get_pgdata         (CrmCluster  *self);
const char *crm_cluster_get_log_path       (CrmCluster  *self);
char       *crm_cluster_dup_conninfo       (CrmCluster  *self,
                                            const char  *dbname);

gboolean    crm_cluster_is_initialized     (CrmCluster  *self);
gboolean    crm_cluster_ensure_initialized (CrmCluster  *self,
                                            GError     **error);
gboolean    crm_cluster_is_running         (CrmCluster  *self);
gboolean    crm_cluster_start              (CrmCluster  *self,
                                            GError     **error);
gboolean    crm_cluster_stop               (CrmCluster  *self,
                                            GError     **error);
gboolean    crm_cluster_get_started_here   (CrmCluster  *self);
gboolean    crm_cluster_ensure_database    (CrmCluster  *self,
                                            const char  *dbname,
                                            GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmCluster, crm_cluster_free)

G_END_DECLS
