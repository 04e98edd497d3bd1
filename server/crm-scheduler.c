/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-scheduler"

#include "config.h"

#include "crm-db.h"
#include "crm-pq.h"
#include "crm-scheduler.h"

/*
 * Periodic work: update reminders and the pruning of expired idempotency keys each
 * interval, customer levels once a day (orders age out of a rule's period). Every
 * instance runs the timer; a transaction advisory lock inside rapport_send_reminders ()
 * lets one of them send reminders at a time (pruning twice at once is harmless).
 */

#define LEVELS_EVERY_US ((gint64) G_USEC_PER_SEC * 60 * 60 * 24)

typedef struct
{
  CrmDbPool *pool;
  gboolean   busy;
  gint64     levels_at;
} Scheduler;

typedef struct
{
  gboolean levels;
  gint64   reminders;
  gint64   level_changes;
  gint64   pruned_keys;
} Round;

static void
scheduler_clear (gpointer data)
{
  Scheduler *scheduler = data;

  g_object_unref (scheduler->pool);
}

static gboolean
run_round (PGconn   *conn,
           gpointer  user_data,
           GError  **error)
{
  Round *round = user_data;
  g_autoptr(PGresult) sent = crm_db_exec (conn, "SELECT rapport_send_reminders ()", 0, NULL,
                                          error);

  if (sent == NULL)
    return FALSE;
  round->reminders = g_ascii_strtoll (PQgetvalue (sent, 0, 0), NULL, 10);
  {
    g_autoptr(PGresult) pruned = crm_db_exec (conn, "SELECT rapport_prune_idempotency_keys ()",
                                              0, NULL, error);

    if (pruned == NULL)
      return FALSE;
    round->pruned_keys = g_ascii_strtoll (PQgetvalue (pruned, 0, 0), NULL, 10);
  }
  if (round->levels)
    {
      g_autoptr(PGresult) changed = crm_db_exec (conn, "SELECT rapport_recompute_levels ()", 0,
                                                 NULL, error);

      if (changed == NULL)
        return FALSE;
      round->level_changes = g_ascii_strtoll (PQgetvalue (changed, 0, 0), NULL, 10);
    }
  return TRUE;
}

static void
round_in_worker (CrmDbWorker *worker,
                 GTask       *task)
{
  Round *round = g_task_get_task_data (task);
  GError *error = NULL;

  if (!crm_db_worker_run_transaction (worker, run_round, round, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
round_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Scheduler *scheduler = user_data;
  Round *round = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  scheduler->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, CRM_DB_ERROR, CRM_DB_ERROR_UNAVAILABLE))
        g_warning ("Scheduled work failed: %s", error->message);
    }
  else
    {
      if (round->reminders > 0)
        g_message ("Sent %" G_GINT64_FORMAT " update reminders", round->reminders);
      if (round->pruned_keys > 0)
        g_message ("Pruned %" G_GINT64_FORMAT " expired idempotency keys", round->pruned_keys);
      if (round->levels)
        g_message ("Recomputed customer levels: %" G_GINT64_FORMAT " changed",
                   round->level_changes);
    }
  g_rc_box_release_full (scheduler, scheduler_clear);
}

static gboolean
scheduler_tick (gpointer data)
{
  Scheduler *scheduler = data;
  Round *round;
  GTask *task;
  gint64 now = g_get_monotonic_time ();

  if (scheduler->busy)
    return G_SOURCE_CONTINUE;
  scheduler->busy = TRUE;
  round = g_new0 (Round, 1);
  if (scheduler->levels_at == 0 || now - scheduler->levels_at >= LEVELS_EVERY_US)
    {
      round->levels = TRUE;
      scheduler->levels_at = now;
    }
  task = g_task_new (NULL, NULL, round_cb, g_rc_box_acquire (scheduler));
  g_task_set_source_tag (task, scheduler_tick);
  g_task_set_task_data (task, round, g_free);
  _crm_db_pool_push (scheduler->pool, task, round_in_worker);
  return G_SOURCE_CONTINUE;
}

static void
scheduler_free (gpointer data)
{
  g_rc_box_release_full (data, scheduler_clear);
}

/**
 * crm_scheduler_start:
 *
 * Runs the periodic work every @interval_s seconds on the main context, one round at a
 * time. Returns: the source id, to remove at shutdown
 */
guint
crm_scheduler_start (CrmDbPool *pool,
                     guint      interval_s)
{
  Scheduler *scheduler = g_rc_box_new0 (Scheduler);

  scheduler->pool = g_object_ref (pool);
  return g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, interval_s, scheduler_tick, scheduler,
                                     scheduler_free);
}
