/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "crm-pq.h"

G_BEGIN_DECLS

#define CRM_MIGRATE_ERROR (crm_migrate_error_quark ())

/**
 * CrmMigrateError:
 * @CRM_MIGRATE_ERROR_NEWER_SCHEMA: the database was migrated by a newer rapport
 * @CRM_MIGRATE_ERROR_FAILED: a migration failed; it was rolled back
 */
typedef enum
{
  CRM_MIGRATE_ERROR_NEWER_SCHEMA,
  CRM_MIGRATE_ERROR_FAILED,
} CrmMigrateError;

GQuark   crm_migrate_error_quark     (void);
gint64   crm_migrate_get_latest_known (void);
gint64   crm_migrate_get_current      (PGconn  *conn,
                                       GError **error);
gboolean crm_migrate_run              (PGconn  *conn,
                                       guint   *n_applied,
                                       GError **error);
gboolean crm_migrate_run_to           (PGconn  *conn,
                                       gint64   up_to,
                                       guint   *n_applied,
                                       GError **error);

G_END_DECLS
