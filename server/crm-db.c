/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-db"

#include "config.h"

#include <string.h>

#include <libpq-events.h>

#include "crm-db.h"

G_DEFINE_QUARK (crm-db-error-quark, crm_db_error)

/* The one mapping from SQLSTATE to what the rest of the server acts on. */
CrmDbError
crm_db_error_from_sqlstate (const char *sqlstate)
{
  if (sqlstate == NULL || strlen (sqlstate) != 5)
    return CRM_DB_ERROR_INTERNAL;
  if (g_str_equal (sqlstate, "23505"))
    return CRM_DB_ERROR_CONFLICT;
  if (g_str_equal (sqlstate, "23503"))
    return CRM_DB_ERROR_REFERENCE;
  if (g_str_equal (sqlstate, "23514") || g_str_equal (sqlstate, "23502")
      || g_str_has_prefix (sqlstate, "22"))
    return CRM_DB_ERROR_INVALID;
  if (g_str_equal (sqlstate, "40001") || g_str_equal (sqlstate, "40P01"))
    return CRM_DB_ERROR_RETRY;
  if (g_str_has_prefix (sqlstate, "08") || g_str_equal (sqlstate, "57P01")
      || g_str_equal (sqlstate, "57P02") || g_str_equal (sqlstate, "57P03"))
    return CRM_DB_ERROR_UNAVAILABLE;
  if (g_str_equal (sqlstate, "57014"))
    return CRM_DB_ERROR_TIMEOUT;
  return CRM_DB_ERROR_INTERNAL;
}

/* Sets @error from a failed result, or from the connection when there is none. */
void
crm_db_set_error (GError         **error,
                  PGconn          *conn,
                  const PGresult  *result)
{
  const char *sqlstate = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *message = result ? PQresultErrorMessage (result) : NULL;
  CrmDbError code = crm_db_error_from_sqlstate (sqlstate);
  g_autofree char *clean = NULL;

  if (message == NULL || *message == '\0')
    message = conn ? PQerrorMessage (conn) : "no connection";
  if (conn == NULL || PQstatus (conn) == CONNECTION_BAD)
    code = CRM_DB_ERROR_UNAVAILABLE;
  clean = g_strstrip (g_strdup (message));
  g_set_error (error, CRM_DB_ERROR, code, "%s%s%s", clean,
               sqlstate ? " SQLSTATE " : "", sqlstate ? sqlstate : "");
}

/*
 * Statements prepared once per connection. PostgreSQL parses and plans an unnamed
 * statement again each time it runs: for a read as a sales rep that was about half of
 * the database's CPU time (pgbench -M extended against -M prepared on the same SQL). So
 * every statement sent through crm_db_exec () or crm_db_defer () on a connection made by
 * crm_db_connect () is prepared under a name the first time (in the same round trip as
 * its first run) and run by that name afterwards. PostgreSQL re-plans a prepared
 * statement itself when a table, function or policy it depends on changes, or the role
 * or search_path it was planned for. A name is remembered only once its Parse succeeded;
 * past MAX_PREPARED distinct texts, the connection forgets them all (DEALLOCATE ALL) and
 * starts again.
 */
#define MAX_PREPARED 256

typedef struct
{
  char *name;   /* a Parse; NULL for a statement's run */
  char *sql;
} Sent;

typedef struct
{
  GHashTable *names;    /* SQL text → statement name */
  guint       next;     /* the number of the next name */
  GArray     *sent;     /* Sent: what the pipeline in flight holds, in order */
} Statements;

static void
sent_clear (gpointer data)
{
  Sent *sent = data;

  g_free (sent->name);
  g_free (sent->sql);
}

static int
statements_event (PGEventId  id,
                  void      *event_info,
                  void      *pass_through)
{
  Statements *statements;

  switch (id)
    {
    case PGEVT_REGISTER:
      statements = g_new0 (Statements, 1);
      statements->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      statements->sent = g_array_new (FALSE, FALSE, sizeof (Sent));
      g_array_set_clear_func (statements->sent, sent_clear);
      PQsetInstanceData (((PGEventRegister *) event_info)->conn, statements_event, statements);
      break;
    case PGEVT_CONNRESET:
      statements = PQinstanceData (((PGEventConnReset *) event_info)->conn, statements_event);
      if (statements != NULL)
        {
          g_hash_table_remove_all (statements->names);
          g_array_set_size (statements->sent, 0);
        }
      break;
    case PGEVT_CONNDESTROY:
      statements = PQinstanceData (((PGEventConnDestroy *) event_info)->conn, statements_event);
      if (statements != NULL)
        {
          g_hash_table_unref (statements->names);
          g_array_unref (statements->sent);
          g_free (statements);
        }
      break;
    default:
      break;
    }
  return TRUE;
}

/* The name @sql is prepared under, or about to be earlier in the pipeline; NULL if none. */
static const char *
statements_find (Statements *statements,
                 const char *sql,
                 gboolean   *preparing)
{
  const char *name = g_hash_table_lookup (statements->names, sql);

  *preparing = FALSE;
  if (name != NULL)
    return name;
  for (guint i = 0; i < statements->sent->len; i++)
    {
      Sent *sent = &g_array_index (statements->sent, Sent, i);

      if (sent->name != NULL)
        {
          *preparing = TRUE;
          if (g_str_equal (sent->sql, sql))
            return sent->name;
        }
    }
  return NULL;
}

static void
statements_push (Statements *statements,
                 char       *name,
                 const char *sql)
{
  Sent sent = { name, name != NULL ? g_strdup (sql) : NULL };

  g_array_append_val (statements->sent, sent);
}

/*
 * Sends @sql into the pipeline: by its name when prepared, otherwise prepared now
 * (Parse) then run, or run unnamed on a connection crm_db_connect () did not make.
 */
static gboolean
send_statement (PGconn             *conn,
                const char         *sql,
                int                 n_params,
                const char * const *values)
{
  Statements *statements = PQinstanceData (conn, statements_event);
  const char *name;
  gboolean preparing;

  if (statements == NULL)
    return PQsendQueryParams (conn, sql, n_params, NULL, values, NULL, NULL, 0);
  name = statements_find (statements, sql, &preparing);
  if (name == NULL && g_hash_table_size (statements->names) >= MAX_PREPARED && !preparing)
    {
      if (!PQsendQueryParams (conn, "DEALLOCATE ALL", 0, NULL, NULL, NULL, NULL, 0))
        return FALSE;
      statements_push (statements, NULL, NULL);
      g_hash_table_remove_all (statements->names);
    }
  if (name == NULL && g_hash_table_size (statements->names) < MAX_PREPARED)
    {
      char *new_name = g_strdup_printf ("crm_%u", statements->next++);

      if (!PQsendPrepare (conn, new_name, sql, n_params, NULL))
        {
          g_free (new_name);
          return FALSE;
        }
      statements_push (statements, new_name, sql);
      name = new_name;
    }
  if (name == NULL)
    {
      if (!PQsendQueryParams (conn, sql, n_params, NULL, values, NULL, NULL, 0))
        return FALSE;
    }
  else if (!PQsendQueryPrepared (conn, name, n_params, values, NULL, NULL, 0))
    return FALSE;
  statements_push (statements, NULL, NULL);
  return TRUE;
}

/* The pipeline's result number @index has come: a Parse that succeeded is remembered. */
static void
statements_result (PGconn         *conn,
                   guint           index,
                   const PGresult *result)
{
  Statements *statements = PQinstanceData (conn, statements_event);
  Sent *sent;

  if (statements == NULL || index >= statements->sent->len)
    return;
  sent = &g_array_index (statements->sent, Sent, index);
  if (sent->name != NULL && PQresultStatus (result) == PGRES_COMMAND_OK)
    g_hash_table_replace (statements->names, g_steal_pointer (&sent->sql),
                          g_steal_pointer (&sent->name));
}

/* The pipeline is over: what was not confirmed is forgotten. */
static void
statements_end_pipeline (PGconn *conn)
{
  Statements *statements = PQinstanceData (conn, statements_event);

  if (statements != NULL)
    g_array_set_size (statements->sent, 0);
}

/* Whether result number @index of the pipeline answers a Parse (not a statement's run). */
static gboolean
statements_is_parse (PGconn *conn,
                     guint   index)
{
  Statements *statements = PQinstanceData (conn, statements_event);

  return statements != NULL && index < statements->sent->len
         && g_array_index (statements->sent, Sent, index).name != NULL;
}

/* NOTICEs ("relation … already exists, skipping") are traces, not output. */
static void
log_notice (void       *data,
            const char *message)
{
  g_debug ("%s", message);
}

/**
 * crm_db_connect:
 * @conninfo: a URL or key=value conninfo; its settings win over the defaults here
 *
 * A blocking connection with a 5 s connect timeout, UTF-8 and UTC, named after the
 * program (application_name), so rapport-admin can tell whether a server is connected.
 */
PGconn *
crm_db_connect (const char  *conninfo,
                GError     **error)
{
  static const char *const keywords[] = {
    "connect_timeout", "application_name", "client_encoding", "options", "dbname", NULL
  };
  const char *name = g_get_prgname () ? g_get_prgname () : "rapport";
  const char *values[] = { "5", name, "UTF8", "-c TimeZone=UTC", conninfo, NULL };
  g_autoptr(PGconn) conn = NULL;

  conn = PQconnectdbParams (keywords, values, 1);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (conn ? PQerrorMessage (conn) : "out of memory"));

      g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_UNAVAILABLE,
                   "Cannot connect to the database: %s", message);
      return NULL;
    }
  PQsetNoticeProcessor (conn, log_notice, NULL);
  if (!PQregisterEventProc (conn, statements_event, "crm-statements", NULL))
    {
      g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INTERNAL,
                   "Cannot keep the prepared statements of a connection");
      return NULL;
    }
  return g_steal_pointer (&conn);
}

/*
 * Sends @sql (if any) after the statements crm_db_defer() queued, ends the pipeline with a
 * sync and reads every result, then leaves pipeline mode. The first failure is the error
 * (the statements after it were skipped); otherwise the answer is the last statement's.
 */
static gboolean
exec_pipeline (PGconn              *conn,
               const char          *sql,
               int                  n_params,
               const char * const  *values,
               PGresult           **answer,
               GError             **error)
{
  g_autoptr(PGresult) last = NULL;
  g_autoptr(PGresult) failed = NULL;
  gboolean synced = FALSE;
  guint nulls = 0;
  guint index = 0;

  if ((sql != NULL && !send_statement (conn, sql, n_params, values)) || !PQpipelineSync (conn))
    {
      statements_end_pipeline (conn);
      crm_db_set_error (error, conn, NULL);
      return FALSE;
    }
  /* Each statement's result is followed by a NULL; the sync's result ends the pipeline.
   * Two NULLs in a row mean nothing more will come (a lost connection). */
  while (nulls < 2)
    {
      PGresult *result = PQgetResult (conn);

      if (result == NULL)
        {
          nulls++;
          if (PQstatus (conn) == CONNECTION_BAD)
            break;
          continue;
        }
      nulls = 0;
      if (PQresultStatus (result) != PGRES_PIPELINE_SYNC)
        statements_result (conn, index, result);
      switch (PQresultStatus (result))
        {
        case PGRES_PIPELINE_SYNC:
          synced = TRUE;
          PQclear (result);
          break;
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
          if (statements_is_parse (conn, index))
            {
              PQclear (result);
              break;
            }
          g_clear_pointer (&last, PQclear);
          last = result;
          break;
        case PGRES_PIPELINE_ABORTED:
          PQclear (result);
          break;
        default:
          if (failed == NULL)
            failed = result;
          else
            PQclear (result);
          break;
        }
      if (synced)
        break;
      index++;
    }
  statements_end_pipeline (conn);
  /* Out of pipeline mode once the sync is read, also after a failure, so the rollback
   * runs as usual; a connection that lost its place is dropped by the worker. */
  if (!synced || !PQexitPipelineMode (conn) || failed != NULL)
    {
      crm_db_set_error (error, conn, failed);
      return FALSE;
    }
  if (answer != NULL)
    *answer = g_steal_pointer (&last);
  return TRUE;
}

/**
 * crm_db_defer:
 * @values: (array length=n_params) (nullable): text parameters $1…$n
 *
 * Queues a statement whose answer nobody reads (BEGIN, settings, an audit row) to go
 * to the server with the next crm_db_exec() (or crm_db_flush()) in one round trip,
 * through libpq's pipeline mode. Its failure is reported by that call, which then fails
 * as the statements after it are skipped. Returns %FALSE with @error set only when the
 * statement cannot be queued.
 */
gboolean
crm_db_defer (PGconn              *conn,
              const char          *sql,
              int                  n_params,
              const char * const  *values,
              GError             **error)
{
  if ((PQpipelineStatus (conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode (conn))
      || !send_statement (conn, sql, n_params, values))
    {
      crm_db_set_error (error, conn, NULL);
      return FALSE;
    }
  return TRUE;
}

/**
 * crm_db_flush:
 *
 * Sends what crm_db_defer() queued and waits for it; the connection is out of pipeline
 * mode afterwards, as before the first crm_db_defer(). Returns %FALSE with @error set if
 * a queued statement failed.
 */
gboolean
crm_db_flush (PGconn  *conn,
              GError **error)
{
  if (PQpipelineStatus (conn) == PQ_PIPELINE_OFF)
    return TRUE;
  return exec_pipeline (conn, NULL, 0, NULL, NULL, error);
}

/**
 * crm_db_exec:
 * @values: (array length=n_params) (nullable): text parameters $1…$n
 *
 * Runs one parameterized statement, after the statements crm_db_defer() queued, in the
 * same round trip. Returns: (transfer full) (nullable): the result on success (tuples or
 * command OK), %NULL with @error set otherwise (also when a queued statement failed).
 */
PGresult *
crm_db_exec (PGconn              *conn,
             const char          *sql,
             int                  n_params,
             const char * const  *values,
             GError             **error)
{
  g_autoptr(PGresult) result = NULL;
  ExecStatusType status;

  /* A connection that prepares its statements sends even a lone one as a pipeline: the
   * Parse of its first run goes in the same round trip. */
  if (PQpipelineStatus (conn) != PQ_PIPELINE_OFF
      || (PQinstanceData (conn, statements_event) != NULL && PQenterPipelineMode (conn)))
    return exec_pipeline (conn, sql, n_params, values, &result, error)
             ? g_steal_pointer (&result) : NULL;
  result = PQexecParams (conn, sql, n_params, NULL, values, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    {
      crm_db_set_error (error, conn, result);
      return NULL;
    }
  return g_steal_pointer (&result);
}

gboolean
crm_db_exec_command (PGconn      *conn,
                     const char  *sql,
                     GError     **error)
{
  g_autoptr(PGresult) result = crm_db_exec (conn, sql, 0, NULL, error);

  return result != NULL;
}
