/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-db-pool"

#include "config.h"

#include "crm-db-pool.h"

#define MAX_RETRIES 3

/*
 * N worker threads share one job queue; each owns one blocking PGconn, connected lazily
 * and again after the database went away. The main thread never touches a PGconn; a
 * worker never touches Soup objects: results return through the job's GTask onto the
 * context that created it.
 */

struct _CrmDbWorker
{
  CrmDbPool *pool;
  guint      index;
  GThread   *thread;
  PGconn    *conn;
};

typedef struct
{
  GTask         *task;
  CrmDbWorkFunc  func;
} Job;

struct _CrmDbPool
{
  GObject       parent_instance;

  char         *conninfo;
  char         *statement_timeout;
  GAsyncQueue  *queue;
  CrmDbWorker  *workers;
  guint         n_workers;
  gboolean      shut_down;
};

G_DEFINE_FINAL_TYPE (CrmDbPool, crm_db_pool, G_TYPE_OBJECT)

/* A job without a task tells a worker to stop. */
static Job stop_job;

static void
drop_connection (CrmDbWorker *worker)
{
  g_clear_pointer (&worker->conn, PQfinish);
}

static PGconn *
ensure_connection (CrmDbWorker  *worker,
                   GError      **error)
{
  const char *values[1];

  if (worker->conn != NULL && PQstatus (worker->conn) == CONNECTION_OK)
    return worker->conn;

  drop_connection (worker);
  worker->conn = crm_db_connect (worker->pool->conninfo, error);
  if (worker->conn == NULL)
    return NULL;

  /* Requests run as the role that owns no table, so row-level security binds them.
   * No JIT: it compiled a jump deep into 1,000,000 customers for 15-20 ms of its 80 ms
   * (and loaded LLVM for 0.2-1 s at a connection's first), and the requests' queries
   * are short; a report that would gain from it can turn it on for itself. */
  values[0] = worker->pool->statement_timeout;
  {
    g_autoptr(PGresult) result = crm_db_exec (worker->conn,
                                              "SELECT set_config('statement_timeout', $1, false), "
                                              "set_config('jit', 'off', false)",
                                              1, values, error);
    if (result == NULL || !crm_db_exec_command (worker->conn, "SET ROLE " CRM_DB_APP_ROLE, error))
      {
        drop_connection (worker);
        return NULL;
      }
  }
  g_debug ("worker %u connected", worker->index);
  return worker->conn;
}

/* After a failure: what is still queued is read and dropped, then the transaction rolled
 * back. A connection that cannot leave pipeline mode has lost its place: dropped. */
static void
rollback_quietly (CrmDbWorker *worker)
{
  PGconn *conn = worker->conn;
  g_autoptr(PGresult) result = NULL;

  if (PQstatus (conn) == CONNECTION_OK && PQpipelineStatus (conn) != PQ_PIPELINE_OFF)
    (void) crm_db_flush (conn, NULL);
  if (PQpipelineStatus (conn) != PQ_PIPELINE_OFF)
    {
      drop_connection (worker);
      return;
    }
  if (PQstatus (conn) == CONNECTION_OK && PQtransactionStatus (conn) != PQTRANS_IDLE)
    result = PQexec (conn, "ROLLBACK");
}

/**
 * crm_db_worker_run_transaction:
 *
 * Runs @func between BEGIN and COMMIT on the worker's connection: again (up to three
 * times) after a serialization failure or deadlock, and once more on a fresh connection
 * when the old one turned out to be dead, so a restarted database is picked up by the
 * next request. Fails with %CRM_DB_ERROR_UNAVAILABLE while the database is unreachable.
 */
gboolean
crm_db_worker_run_transaction (CrmDbWorker           *worker,
                               CrmDbTransactionFunc   func,
                               gpointer               user_data,
                               GError               **error)
{
  guint retries = 0;
  gboolean reconnected = FALSE;

  g_return_val_if_fail (worker != NULL, FALSE);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      PGconn *conn = ensure_connection (worker, &local_error);

      /* BEGIN goes with the transaction's first statement, in one round trip. */
      if (conn != NULL
          && crm_db_defer (conn, "BEGIN", 0, NULL, &local_error)
          && func (conn, user_data, &local_error)
          && crm_db_exec_command (conn, "COMMIT", &local_error))
        return TRUE;

      g_assert (local_error != NULL);
      if (conn != NULL)
        rollback_quietly (worker);

      if (g_error_matches (local_error, CRM_DB_ERROR, CRM_DB_ERROR_RETRY) && retries < MAX_RETRIES)
        {
          retries++;
          g_debug ("worker %u: retrying transaction (%u): %s", worker->index, retries,
                   local_error->message);
          continue;
        }
      if (g_error_matches (local_error, CRM_DB_ERROR, CRM_DB_ERROR_UNAVAILABLE))
        {
          gboolean was_connected = conn != NULL;

          drop_connection (worker);
          if (was_connected && !reconnected)
            {
              reconnected = TRUE;
              g_message ("worker %u lost its database connection; reconnecting", worker->index);
              continue;
            }
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
}

static gpointer
worker_main (gpointer data)
{
  CrmDbWorker *worker = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (worker->pool->queue);

      if (job == &stop_job)
        break;
      if (!g_task_return_error_if_cancelled (job->task))
        job->func (worker, job->task);
      g_object_unref (job->task);
      g_free (job);
    }
  drop_connection (worker);
  return NULL;
}

/**
 * _crm_db_pool_push:
 * @task: (transfer full): the job's task
 *
 * Queues @func to run with @task on the next free worker.
 */
void
_crm_db_pool_push (CrmDbPool     *self,
                   GTask         *task,
                   CrmDbWorkFunc  func)
{
  Job *job;

  g_return_if_fail (CRM_IS_DB_POOL (self));
  g_return_if_fail (G_IS_TASK (task));

  if (self->shut_down)
    {
      g_task_return_new_error (task, CRM_DB_ERROR, CRM_DB_ERROR_UNAVAILABLE,
                               "The server is shutting down");
      g_object_unref (task);
      return;
    }
  job = g_new0 (Job, 1);
  job->task = task;
  job->func = func;
  g_async_queue_push (self->queue, job);
}

/**
 * crm_db_pool_shutdown:
 *
 * Lets the workers finish the jobs already queued, then joins them and closes their
 * connections. Blocks; call it once the main loop has stopped taking requests.
 */
void
crm_db_pool_shutdown (CrmDbPool *self)
{
  g_return_if_fail (CRM_IS_DB_POOL (self));

  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  for (guint i = 0; i < self->n_workers; i++)
    g_async_queue_push (self->queue, &stop_job);
  for (guint i = 0; i < self->n_workers; i++)
    g_clear_pointer (&self->workers[i].thread, g_thread_join);
}

guint
crm_db_pool_get_n_workers (CrmDbPool *self)
{
  g_return_val_if_fail (CRM_IS_DB_POOL (self), 0);
  return self->n_workers;
}

static void
crm_db_pool_finalize (GObject *object)
{
  CrmDbPool *self = CRM_DB_POOL (object);

  crm_db_pool_shutdown (self);
  g_free (self->workers);
  g_async_queue_unref (self->queue);
  g_free (self->conninfo);
  g_free (self->statement_timeout);

  G_OBJECT_CLASS (crm_db_pool_parent_class)->finalize (object);
}

static void
crm_db_pool_class_init (CrmDbPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = crm_db_pool_finalize;
}

static void
crm_db_pool_init (CrmDbPool *self)
{
  self->queue = g_async_queue_new ();
}

/**
 * crm_db_pool_new:
 * @conninfo: where the workers connect
 * @n_workers: how many workers, hence connections
 * @statement_timeout_ms: each connection's statement_timeout, 0 for none
 *
 * Starts the workers; they connect on their first job.
 */
CrmDbPool *
crm_db_pool_new (const char *conninfo,
                 guint       n_workers,
                 int         statement_timeout_ms)
{
  CrmDbPool *self;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (n_workers > 0, NULL);

  self = g_object_new (CRM_TYPE_DB_POOL, NULL);
  self->conninfo = g_strdup (conninfo);
  self->statement_timeout = g_strdup_printf ("%d", statement_timeout_ms);
  self->n_workers = n_workers;
  self->workers = g_new0 (CrmDbWorker, n_workers);
  for (guint i = 0; i < n_workers; i++)
    {
      g_autofree char *name = g_strdup_printf ("crm-db-%u", i);

      self->workers[i].pool = self;
      self->workers[i].index = i;
      self->workers[i].thread = g_thread_new (name, worker_main, &self->workers[i]);
    }
  return self;
}

/** crm_db_pool_get_conninfo: where the workers connect */
const char *
crm_db_pool_get_conninfo (CrmDbPool *self)
{
  g_return_val_if_fail (CRM_IS_DB_POOL (self), NULL);
  return self->conninfo;
}
