/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-audit"

#include "config.h"

#include <string.h>

#include "crm-audit.h"

/*
 * The audit chain. Requests append rows without locks; the sealer (one at a time across
 * all server instances, by a transaction advisory lock inside rapport_seal_audit ())
 * numbers them gap-free and sets hash = SHA-256 (prev_hash || canonical row). The
 * canonical text is defined once, in SQL (rapport_audit_canonical); verification
 * recomputes every hash here, independently of the SQL that wrote it.
 */

#define SEAL_BATCH 5000
#define GENESIS "rapport audit log"

static gboolean
seal_in_transaction (PGconn   *conn,
                     gpointer  user_data,
                     GError  **error)
{
  gint64 *n_sealed = user_data;
  g_autofree char *batch = g_strdup_printf ("%d", SEAL_BATCH);
  const char *params[] = { batch };
  g_autoptr(PGresult) result = crm_db_exec (conn, "SELECT rapport_seal_audit ($1::integer)", 1,
                                            params, error);

  if (result == NULL)
    return FALSE;
  *n_sealed = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  return TRUE;
}

/** crm_audit_seal_now: seals what is pending, in batches, on @conn (outside a transaction). */
gboolean
crm_audit_seal_now (PGconn   *conn,
                    gint64   *n_sealed,
                    GError  **error)
{
  gint64 total = 0;

  for (;;)
    {
      gint64 n = 0;

      if (!crm_db_exec_command (conn, "BEGIN", error))
        return FALSE;
      if (!seal_in_transaction (conn, &n, error))
        {
          g_autoptr(PGresult) rollback = PQexec (conn, "ROLLBACK");
          return FALSE;
        }
      if (!crm_db_exec_command (conn, "COMMIT", error))
        return FALSE;
      total += n;
      if (n < SEAL_BATCH)
        break;
    }
  if (n_sealed != NULL)
    *n_sealed = total;
  return TRUE;
}

/* Seals what is pending; answers the chain's new head as "SEQ:HASH", or NULL if none. */
static gboolean
read_head (PGconn   *conn,
           gpointer  user_data,
           GError  **error)
{
  /* Through the owner's function: the request role may not read the audit log. */
  static const char sql[] = "SELECT rapport_audit_head ()";
  char **head = user_data;
  g_autoptr(PGresult) result = crm_db_exec (conn, sql, 0, NULL, error);

  if (result == NULL)
    return FALSE;
  g_clear_pointer (head, g_free);
  if (PQntuples (result) == 1 && !PQgetisnull (result, 0, 0))
    *head = g_strdup (PQgetvalue (result, 0, 0));
  return TRUE;
}

/*
 * Every write is audited, so rows to seal mean the GIN indexes' pending lists grew:
 * move them into the indexes here rather than in the request whose write overflows
 * a list (0035-clean-gin-pending-lists.sql). A failure only costs a later request
 * that work, so it is logged, not returned.
 */
static gboolean
clean_pending_lists (PGconn   *conn,
                     gpointer  user_data,
                     GError  **error)
{
  g_autoptr(PGresult) result = crm_db_exec (conn, "SELECT rapport_clean_pending_lists ()", 0,
                                            NULL, error);

  return result != NULL;
}

static void
seal_in_worker (CrmDbWorker *worker,
                GTask       *task)
{
  gint64 n = 0, total = 0;
  char *head = NULL;
  GError *error = NULL;

  do
    {
      if (!crm_db_worker_run_transaction (worker, seal_in_transaction, &n, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      total += n;
    }
  while (n == SEAL_BATCH);
  if (total > 0 && !crm_db_worker_run_transaction (worker, read_head, &head, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (total > 0 && !crm_db_worker_run_transaction (worker, clean_pending_lists, NULL, &error))
    {
      if (!g_error_matches (error, CRM_DB_ERROR, CRM_DB_ERROR_UNAVAILABLE))
        g_warning ("Cleaning the search indexes' pending lists failed: %s", error->message);
      g_clear_error (&error);
    }
  g_task_return_pointer (task, head, g_free);
}

typedef struct
{
  CrmDbPool *pool;
  gboolean   busy;
} Sealer;

static void
sealer_clear (gpointer data)
{
  Sealer *sealer = data;

  g_object_unref (sealer->pool);
}

/*
 * Logs the chain's head after each sealing: a copy outside the database, so that
 * verify-audit --expect-head can tell when rows were cut from the end of the chain.
 */
static void
seal_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sealer *sealer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = g_task_propagate_pointer (G_TASK (result), &error);

  sealer->busy = FALSE;
  if (error != NULL && !g_error_matches (error, CRM_DB_ERROR, CRM_DB_ERROR_UNAVAILABLE))
    g_warning ("Sealing the audit log failed: %s", error->message);
  if (head != NULL)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                      "AUDIT_HEAD", head,
                      "MESSAGE", "Audit log sealed up to %s", head);
  g_rc_box_release_full (sealer, sealer_clear);
}

static gboolean
sealer_tick (gpointer data)
{
  Sealer *sealer = data;
  GTask *task;

  if (sealer->busy)
    return G_SOURCE_CONTINUE;
  sealer->busy = TRUE;
  /* The job holds the sealer: it may finish after the timer was removed. */
  task = g_task_new (NULL, NULL, seal_cb, g_rc_box_acquire (sealer));
  g_task_set_source_tag (task, sealer_tick);
  _crm_db_pool_push (sealer->pool, task, seal_in_worker);
  return G_SOURCE_CONTINUE;
}

static void
sealer_free (gpointer data)
{
  g_rc_box_release_full (data, sealer_clear);
}

/**
 * crm_audit_sealer_start:
 *
 * Seals the audit log every @interval_ms on the main context, one job at a time.
 * Returns: the source id, to remove at shutdown
 */
guint
crm_audit_sealer_start (CrmDbPool *pool,
                        guint      interval_ms)
{
  Sealer *sealer = g_rc_box_new0 (Sealer);

  sealer->pool = g_object_ref (pool);
  return g_timeout_add_full (G_PRIORITY_DEFAULT, interval_ms, sealer_tick, sealer, sealer_free);
}

static gboolean
decode_hex (const char *bytea,
            guint8     *out,
            gsize       length)
{
  if (bytea == NULL || strlen (bytea) != 2 + 2 * length || bytea[0] != '\\' || bytea[1] != 'x')
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      int hi = g_ascii_xdigit_value (bytea[2 + 2 * i]);
      int lo = g_ascii_xdigit_value (bytea[3 + 2 * i]);

      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

/**
 * crm_audit_verify:
 *
 * Walks the sealed rows in sequence order and recomputes each hash from the previous
 * one: an edited row, a deleted row (a gap in seq), a reordered or swapped row, or a
 * row whose stored prev_hash does not match shows up as a problem.
 */
CrmAuditReport *
crm_audit_verify (PGconn  *conn,
                  GError **error)
{
  static const char sql[] =
    "SELECT a.seq, a.id, a.prev_hash, a.hash, rapport_audit_canonical (a)\n"
    "FROM audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq";
  static const char unsealed_sql[] = "SELECT count(*) FROM audit_log WHERE seq IS NULL";
  g_autoptr(CrmAuditReport) report = g_new0 (CrmAuditReport, 1);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) unsealed = NULL;
  guint8 previous[32];
  gsize digest_length = sizeof previous;
  gint64 expected_seq = 1;

  report->problems = g_ptr_array_new_with_free_func (g_free);
  {
    g_autoptr(GChecksum) genesis = g_checksum_new (G_CHECKSUM_SHA256);

    g_checksum_update (genesis, (const guchar *) GENESIS, strlen (GENESIS));
    g_checksum_get_digest (genesis, previous, &digest_length);
  }

  result = PQexecParams (conn, sql, 0, NULL, NULL, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      crm_db_set_error (error, conn, result);
      return NULL;
    }
  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 seq = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
      const char *id = PQgetvalue (result, row, 1);
      const char *canonical = PQgetvalue (result, row, 4);
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 stored_prev[32], stored[32], computed[32];
      gsize length = sizeof computed;

      report->n_sealed++;
      if (seq != expected_seq)
        g_ptr_array_add (report->problems,
                         g_strdup_printf ("seq %" G_GINT64_FORMAT " follows %" G_GINT64_FORMAT
                                          ": %" G_GINT64_FORMAT " row(s) missing",
                                          seq, expected_seq - 1, seq - expected_seq));
      expected_seq = seq + 1;

      if (!decode_hex (PQgetvalue (result, row, 2), stored_prev, sizeof stored_prev)
          || !decode_hex (PQgetvalue (result, row, 3), stored, sizeof stored))
        {
          g_ptr_array_add (report->problems,
                           g_strdup_printf ("seq %" G_GINT64_FORMAT " (id %s): hash missing", seq, id));
          continue;
        }
      if (memcmp (stored_prev, previous, sizeof previous) != 0)
        g_ptr_array_add (report->problems,
                         g_strdup_printf ("seq %" G_GINT64_FORMAT " (id %s): does not follow the "
                                          "previous row (reordered, or a row was removed)",
                                          seq, id));
      g_checksum_update (checksum, stored_prev, sizeof stored_prev);
      g_checksum_update (checksum, (const guchar *) canonical, strlen (canonical));
      g_checksum_get_digest (checksum, computed, &length);
      if (memcmp (computed, stored, sizeof stored) != 0)
        g_ptr_array_add (report->problems,
                         g_strdup_printf ("seq %" G_GINT64_FORMAT " (id %s): content does not "
                                          "match its hash (edited)", seq, id));
      memcpy (previous, stored, sizeof previous);
    }

  unsealed = PQexecParams (conn, unsealed_sql, 0, NULL, NULL, NULL, NULL, 0);
  if (PQresultStatus (unsealed) != PGRES_TUPLES_OK)
    {
      crm_db_set_error (error, conn, unsealed);
      return NULL;
    }
  report->n_unsealed = g_ascii_strtoll (PQgetvalue (unsealed, 0, 0), NULL, 10);
  return g_steal_pointer (&report);
}

void
crm_audit_report_free (CrmAuditReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  g_free (report);
}
