/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-db.h"

G_BEGIN_DECLS

#define CRM_TYPE_DB_POOL (crm_db_pool_get_type ())
G_DECLARE_FINAL_TYPE (CrmDbPool, crm_db_pool, CRM, DB_POOL, GObject)

typedef struct _CrmDbWorker CrmDbWorker;

/**
 * CrmDbWorkFunc:
 * @worker: the worker running the job, owner of one connection
 * @task: the job's task; the function must return a value through it
 *
 * Runs on a worker thread: it may block on libpq, never touch Soup or GTK objects.
 */
typedef void (*CrmDbWorkFunc) (CrmDbWorker *worker,
                               GTask       *task);

/**
 * CrmDbTransactionFunc:
 *
 * The body of one transaction on @conn. Returns %FALSE with @error set to roll back.
 */
typedef gboolean (*CrmDbTransactionFunc) (PGconn   *conn,
                                          gpointer  user_data,
                                          GError  **error);

CrmDbPool *crm_db_pool_new              (const char           *conninfo,
                                         guint                 n_workers,
                                         int                   statement_timeout_ms);
void       crm_db_pool_shutdown         (CrmDbPool            *self);
guint      crm_db_pool_get_n_workers    (CrmDbPool            *self);
const char *crm_db_pool_get_conninfo    (CrmDbPool            *self);
void       _crm_db_pool_push            (CrmDbPool            *self,
                                         GTask                *task,
                                         CrmDbWorkFunc         func);

gboolean   crm_db_worker_run_transaction (CrmDbWorker          *worker,
                                          CrmDbTransactionFunc  func,
                                          gpointer              user_data,
                                          GError              **error);

G_END_DECLS
