/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-events"

#include "config.h"

#include <glib-unix.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-call.h"
#include "crm-events.h"

/*
 * Live events (issue 5). Writers NOTIFY rapport_events inside their transaction (triggers
 * of server/sql/0004-events.sql), so an event exists only once its change is committed,
 * whichever server instance made it. Each instance holds ONE extra connection that
 * LISTENs: non-blocking libpq watched by a unix fd source on the main context, so the
 * loop never waits on it; it reconnects with back-off and, after an outage, tells every
 * subscriber to reload ("resync"), since events of that time are lost.
 *
 * A subscriber is a WebSocket opened on /api/v1/events with a bearer token
 * (crm-api-events.c). Each event goes only to the sockets whose user may read the record:
 * the payload carries the owner (and the previous owner when an update moved it), checked
 * against the subscriber's read scope like any request. A revoked session closes its
 * sockets at once (the revocation is an event too); a sweep every SWEEP_S seconds closes
 * those whose session expired or went idle.
 */

#define SWEEP_S 30
#define RETRY_MAX_S 30
#define CLOSE_POLICY 1008
#define CLOSE_GOING_AWAY 1001

typedef enum
{
  LISTEN_IDLE,
  LISTEN_CONNECTING,
  LISTEN_WAITING,
  LISTEN_READY,
} ListenState;

typedef struct
{
  SoupWebsocketConnection *socket;
  gint64                   session_id;
  CrmPrincipal             principal;
  CrmScope                 customers_read;
  CrmScope                 contacts_read;
} Subscriber;

struct _CrmEvents
{
  GObject                parent_instance;

  CrmDbPool             *pool;
  const CrmAuthSettings *auth;
  PGconn                *conn;
  GSource               *source;
  ListenState            state;
  gboolean               started;
  gboolean               was_ready;
  guint                  retry_s;
  guint                  retry_id;
  guint                  sweep_id;
  gboolean               sweeping;
  GPtrArray             *subscribers;
};

G_DEFINE_FINAL_TYPE (CrmEvents, crm_events, G_TYPE_OBJECT)

static void connect_start (CrmEvents *self);

static void
subscriber_free (Subscriber *subscriber)
{
  if (subscriber->socket != NULL)
    g_signal_handlers_disconnect_by_data (subscriber->socket, subscriber);
  g_clear_object (&subscriber->socket);
  g_clear_pointer (&subscriber->principal.team_members, g_free);
  g_free (subscriber);
}

static void
close_subscriber (Subscriber *subscriber,
                  gushort     code,
                  const char *reason)
{
  if (soup_websocket_connection_get_state (subscriber->socket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (subscriber->socket, code, reason);
}

static void
send_to_all (CrmEvents  *self,
             const char *text)
{
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *subscriber = g_ptr_array_index (self->subscribers, i);

      if (soup_websocket_connection_get_state (subscriber->socket) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (subscriber->socket, text);
    }
}

/* ---- who sees what ---- */

static gint64
member_id (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static gboolean
may_see (Subscriber *subscriber,
         JsonObject *event)
{
  const char *type = json_object_get_string_member_with_default (event, "type", "");
  gint64 owner = member_id (event, "owner_id");
  gint64 previous = member_id (event, "previous_owner_id");
  CrmScope scope;

  if (g_str_equal (type, "notification"))
    return member_id (event, "user_id") == subscriber->principal.user_id;
  /* Roles or field policies changed: everyone reads their session again. */
  if (g_str_equal (type, "rules"))
    return TRUE;
  if (g_str_equal (type, "customers"))
    scope = subscriber->customers_read;
  else if (g_str_equal (type, "contacts"))
    scope = subscriber->contacts_read;
  else
    return FALSE;
  return crm_principal_in_scope (&subscriber->principal, scope, owner)
         || (previous > 0 && crm_principal_in_scope (&subscriber->principal, scope, previous));
}

static void
close_session (CrmEvents *self,
               gint64     session_id)
{
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *subscriber = g_ptr_array_index (self->subscribers, i);

      if (subscriber->session_id == session_id)
        close_subscriber (subscriber, CLOSE_POLICY, "session ended");
    }
}

static void
dispatch (CrmEvents  *self,
          const char *payload)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  JsonObject *event;

  if (!json_parser_load_from_data (parser, payload, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("Ignoring a malformed event: %s", error ? error->message : "not an object");
      return;
    }
  event = json_node_get_object (json_parser_get_root (parser));
  if (g_str_equal (json_object_get_string_member_with_default (event, "type", ""), "session"))
    {
      close_session (self, member_id (event, "id"));
      return;
    }
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *subscriber = g_ptr_array_index (self->subscribers, i);

      if (soup_websocket_connection_get_state (subscriber->socket) == SOUP_WEBSOCKET_STATE_OPEN
          && may_see (subscriber, event))
        soup_websocket_connection_send_text (subscriber->socket, payload);
    }
}

/* ---- the LISTEN connection ---- */

static void
drop_connection (CrmEvents *self)
{
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_pointer (&self->conn, PQfinish);
  self->state = LISTEN_IDLE;
}

static gboolean
retry_cb (gpointer user_data)
{
  CrmEvents *self = user_data;

  self->retry_id = 0;
  connect_start (self);
  return G_SOURCE_REMOVE;
}

static void
connection_failed (CrmEvents  *self,
                   const char *what)
{
  g_autofree char *message = g_strdup (self->conn != NULL ? PQerrorMessage (self->conn) : "");

  g_strchomp (message);
  if (self->retry_s <= 1)
    g_message ("Live events: %s (%s); retrying", what, message);
  drop_connection (self);
  self->retry_id = g_timeout_add_seconds (self->retry_s, retry_cb, self);
  self->retry_s = MIN (self->retry_s * 2, RETRY_MAX_S);
}

static gboolean fd_ready_cb (int fd, GIOCondition condition, gpointer user_data);

static void
watch (CrmEvents    *self,
       GIOCondition  condition)
{
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  self->source = g_unix_fd_source_new (PQsocket (self->conn), condition | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (self->source, G_SOURCE_FUNC (fd_ready_cb), self, NULL);
  g_source_set_static_name (self->source, "[crm-events] listen");
  g_source_attach (self->source, g_main_context_get_thread_default ());
}

static void
listen_ready (CrmEvents *self)
{
  self->state = LISTEN_READY;
  self->retry_s = 1;
  if (self->was_ready)
    {
      g_message ("Live events: listening again; subscribers reload");
      send_to_all (self, "{\"type\":\"resync\"}");
    }
  self->was_ready = TRUE;
}

/* Returns FALSE when the connection failed (and was dropped). */
static gboolean
read_input (CrmEvents *self)
{
  PGnotify *notify;

  if (!PQconsumeInput (self->conn))
    {
      connection_failed (self, "the connection was lost");
      return FALSE;
    }
  while (!PQisBusy (self->conn))
    {
      g_autoptr(PGresult) result = PQgetResult (self->conn);

      if (result == NULL)
        break;
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        {
          connection_failed (self, "LISTEN failed");
          return FALSE;
        }
      if (self->state == LISTEN_WAITING)
        listen_ready (self);
    }
  while ((notify = PQnotifies (self->conn)) != NULL)
    {
      if (g_str_equal (notify->relname, CRM_EVENTS_CHANNEL))
        dispatch (self, notify->extra);
      PQfreemem (notify);
    }
  if (PQstatus (self->conn) == CONNECTION_BAD)
    {
      connection_failed (self, "the connection was lost");
      return FALSE;
    }
  return TRUE;
}

static gboolean
fd_ready_cb (int           fd,
             GIOCondition  condition,
             gpointer      user_data)
{
  CrmEvents *self = user_data;

  if (self->state == LISTEN_CONNECTING)
    {
      switch (PQconnectPoll (self->conn))
        {
        case PGRES_POLLING_READING:
          watch (self, G_IO_IN);
          break;
        case PGRES_POLLING_WRITING:
          watch (self, G_IO_OUT);
          break;
        case PGRES_POLLING_OK:
          if (PQsetnonblocking (self->conn, 1) != 0
              || !PQsendQuery (self->conn, "LISTEN " CRM_EVENTS_CHANNEL))
            {
              connection_failed (self, "cannot LISTEN");
              break;
            }
          self->state = LISTEN_WAITING;
          watch (self, PQflush (self->conn) == 1 ? G_IO_IN | G_IO_OUT : G_IO_IN);
          break;
        case PGRES_POLLING_FAILED:
        default:
          connection_failed (self, "cannot connect to the database");
          break;
        }
      /* Each step above replaced or dropped this source. */
      return G_SOURCE_REMOVE;
    }

  if ((condition & G_IO_OUT) != 0 && PQflush (self->conn) == 0)
    watch (self, G_IO_IN);
  if (!read_input (self))
    return G_SOURCE_REMOVE;
  /* When watch () replaced this source it is destroyed already, and this changes nothing. */
  return G_SOURCE_CONTINUE;
}

static void
connect_start (CrmEvents *self)
{
  drop_connection (self);
  self->conn = PQconnectStart (crm_db_pool_get_conninfo (self->pool));
  if (self->conn == NULL || PQstatus (self->conn) == CONNECTION_BAD)
    {
      connection_failed (self, "cannot connect to the database");
      return;
    }
  self->state = LISTEN_CONNECTING;
  watch (self, G_IO_OUT);
}

/* ---- the session sweep ---- */

typedef struct
{
  GArray *ids;
  int     idle_s;
  GArray *alive;
} Sweep;

static void
sweep_free (Sweep *sweep)
{
  g_array_unref (sweep->ids);
  g_clear_pointer (&sweep->alive, g_array_unref);
  g_free (sweep);
}

static gboolean
sweep_transaction (PGconn   *conn,
                   gpointer  user_data,
                   GError  **error)
{
  static const char sql[] = "SELECT rapport_sessions_alive ($1::bigint[], $2::integer)";
  Sweep *sweep = user_data;
  g_autoptr(GString) ids = g_string_new ("{");
  g_autofree char *idle = g_strdup_printf ("%d", sweep->idle_s);
  g_autoptr(PGresult) result = NULL;
  const char *params[2];

  for (guint i = 0; i < sweep->ids->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (sweep->ids, gint64, i));
  g_string_append_c (ids, '}');
  params[0] = ids->str;
  params[1] = idle;
  result = crm_db_exec (conn, sql, 2, params, error);
  if (result == NULL)
    return FALSE;
  g_clear_pointer (&sweep->alive, g_array_unref);
  sweep->alive = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 id = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);

      g_array_append_val (sweep->alive, id);
    }
  return TRUE;
}

static void
sweep_in_worker (CrmDbWorker *worker,
                 GTask       *task)
{
  GError *error = NULL;

  if (crm_db_worker_run_transaction (worker, sweep_transaction, g_task_get_task_data (task),
                                     &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
array_has (GArray *array,
           gint64  id)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
sweep_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmEvents) self = user_data;
  Sweep *sweep = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->sweeping = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("Session sweep failed: %s", error->message);
      return;
    }
  for (guint i = 0; i < sweep->ids->len; i++)
    {
      gint64 id = g_array_index (sweep->ids, gint64, i);

      if (!array_has (sweep->alive, id))
        close_session (self, id);
    }
}

static gboolean
sweep_tick (gpointer user_data)
{
  CrmEvents *self = user_data;
  GTask *task;
  Sweep *sweep;

  if (self->sweeping || self->subscribers->len == 0)
    return G_SOURCE_CONTINUE;
  sweep = g_new0 (Sweep, 1);
  sweep->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sweep->idle_s = self->auth->session_idle_s;
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *subscriber = g_ptr_array_index (self->subscribers, i);

      if (!array_has (sweep->ids, subscriber->session_id))
        g_array_append_val (sweep->ids, subscriber->session_id);
    }
  self->sweeping = TRUE;
  task = g_task_new (NULL, NULL, sweep_cb, g_object_ref (self));
  g_task_set_source_tag (task, sweep_tick);
  g_task_set_task_data (task, sweep, (GDestroyNotify) sweep_free);
  _crm_db_pool_push (self->pool, task, sweep_in_worker);
  return G_SOURCE_CONTINUE;
}

/* ---- subscribers ---- */

static void
socket_closed_cb (SoupWebsocketConnection *socket,
                  Subscriber              *subscriber)
{
  CrmEvents *self = g_object_get_data (G_OBJECT (socket), "crm-events");

  g_debug ("Subscriber of user %" G_GINT64_FORMAT " left (%u)", subscriber->principal.user_id,
           soup_websocket_connection_get_close_code (socket));
  g_ptr_array_remove (self->subscribers, subscriber);
}

/* What a client sends is not read: the socket only delivers. */
static void
socket_message_cb (SoupWebsocketConnection *socket,
                   gint                     type,
                   GBytes                  *message,
                   Subscriber              *subscriber)
{
}

/* Weak pointers: a handshake still on its way must not keep a stopping server alive. */
typedef struct
{
  CrmEvents  *events;
  CrmServer  *server;
  Subscriber *subscriber;
} Upgrade;

static void
upgrade_free (gpointer data,
              GClosure *closure)
{
  Upgrade *upgrade = data;

  g_clear_weak_pointer (&upgrade->events);
  g_clear_weak_pointer (&upgrade->server);
  g_clear_pointer (&upgrade->subscriber, subscriber_free);
  g_free (upgrade);
}

/* The 101 is written: the connection becomes a WebSocket. */
static void
wrote_informational_cb (SoupServerMessage *message,
                        Upgrade           *upgrade)
{
  CrmEvents *self = upgrade->events;
  Subscriber *subscriber = g_steal_pointer (&upgrade->subscriber);
  g_autoptr(GIOStream) stream = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  if (subscriber == NULL || self == NULL || upgrade->server == NULL
      || soup_server_message_get_status (message) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      g_clear_pointer (&subscriber, subscriber_free);
      return;
    }
  stream = soup_server_message_steal_connection (message);
  subscriber->socket = soup_websocket_connection_new (stream, soup_server_message_get_uri (message),
                                                      SOUP_WEBSOCKET_CONNECTION_SERVER,
                                                      soup_message_headers_get_one (headers, "Origin"),
                                                      NULL, NULL);
  soup_websocket_connection_set_keepalive_interval (subscriber->socket, SWEEP_S);
  g_object_set_data (G_OBJECT (subscriber->socket), "crm-events", self);
  g_signal_connect (subscriber->socket, "closed", G_CALLBACK (socket_closed_cb), subscriber);
  g_signal_connect (subscriber->socket, "message", G_CALLBACK (socket_message_cb), subscriber);
  g_ptr_array_add (self->subscribers, subscriber);
  g_debug ("Subscriber of user %" G_GINT64_FORMAT " joined", subscriber->principal.user_id);
  _crm_server_request_upgraded (upgrade->server, message);
}

static CrmScope
scope_member (JsonObject *object,
              const char *name)
{
  CrmScope scope = CRM_SCOPE_NONE;

  if (!crm_scope_from_string (json_object_get_string_member_with_default (object, name, ""),
                              &scope))
    return CRM_SCOPE_NONE;
  return scope;
}

/**
 * crm_events_accept:
 * @subscriber: who subscribes, as crm-api-events.c read it in the caller's transaction:
 *   `{"session_id", "user_id", "team_members", "customers", "contacts"}` (read scopes)
 *
 * Answers @request (a checked WebSocket handshake) with 101 and keeps the socket until it
 * closes.
 */
void
crm_events_accept (CrmEvents  *self,
                   CrmRequest *request,
                   JsonNode   *subscriber)
{
  SoupServerMessage *message = crm_request_get_message (request);
  JsonObject *object = json_node_get_object (subscriber);
  Upgrade *upgrade;

  g_return_if_fail (CRM_IS_EVENTS (self));

  crm_events_start (self);
  if (!soup_websocket_server_process_handshake (message, NULL, NULL, NULL, NULL))
    {
      crm_request_reply_error (request, CRM_API_ERROR_MALFORMED,
                               N_("This address takes a WebSocket handshake"));
      return;
    }
  upgrade = g_new0 (Upgrade, 1);
  g_set_weak_pointer (&upgrade->events, self);
  g_set_weak_pointer (&upgrade->server, crm_request_get_server (request));
  upgrade->subscriber = g_new0 (Subscriber, 1);
  upgrade->subscriber->session_id = json_object_get_int_member (object, "session_id");
  upgrade->subscriber->principal.user_id = json_object_get_int_member (object, "user_id");
  upgrade->subscriber->principal.team_members =
    g_strdup (json_object_get_string_member_with_default (object, "team_members", ""));
  upgrade->subscriber->customers_read = scope_member (object, "customers");
  upgrade->subscriber->contacts_read = scope_member (object, "contacts");
  g_signal_connect_data (message, "wrote-informational", G_CALLBACK (wrote_informational_cb),
                         upgrade, upgrade_free, 0);
  crm_request_reply_upgrade (request);
}

/* ---- the object ---- */

static void
crm_events_dispose (GObject *object)
{
  CrmEvents *self = CRM_EVENTS (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  drop_connection (self);
  crm_events_close_all (self);
  g_ptr_array_set_size (self->subscribers, 0);
  g_clear_object (&self->pool);

  G_OBJECT_CLASS (crm_events_parent_class)->dispose (object);
}

static void
crm_events_finalize (GObject *object)
{
  CrmEvents *self = CRM_EVENTS (object);

  g_ptr_array_unref (self->subscribers);

  G_OBJECT_CLASS (crm_events_parent_class)->finalize (object);
}

static void
crm_events_class_init (CrmEventsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_events_dispose;
  object_class->finalize = crm_events_finalize;
}

static void
crm_events_init (CrmEvents *self)
{
  self->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify) subscriber_free);
  self->retry_s = 1;
}

/**
 * crm_events_new:
 * @auth: the server's sign-in policy (its idle limit), alive as long as the events
 */
CrmEvents *
crm_events_new (CrmDbPool             *pool,
                const CrmAuthSettings *auth)
{
  CrmEvents *self;

  g_return_val_if_fail (CRM_IS_DB_POOL (pool), NULL);

  self = g_object_new (CRM_TYPE_EVENTS, NULL);
  self->pool = g_object_ref (pool);
  self->auth = auth;
  return self;
}

/** crm_events_start: connects and LISTENs (once; later calls do nothing). */
void
crm_events_start (CrmEvents *self)
{
  g_return_if_fail (CRM_IS_EVENTS (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->sweep_id = g_timeout_add_seconds (SWEEP_S, sweep_tick, self);
  connect_start (self);
}

/** crm_events_is_listening: whether the LISTEN is in place (events flow). */
gboolean
crm_events_is_listening (CrmEvents *self)
{
  g_return_val_if_fail (CRM_IS_EVENTS (self), FALSE);
  return self->state == LISTEN_READY;
}

/** crm_events_close_all: closes every socket ("going away"), at shutdown. */
void
crm_events_close_all (CrmEvents *self)
{
  g_return_if_fail (CRM_IS_EVENTS (self));

  for (guint i = 0; i < self->subscribers->len; i++)
    close_subscriber (g_ptr_array_index (self->subscribers, i), CLOSE_GOING_AWAY,
                      "server shutting down");
}

guint
crm_events_get_n_subscribers (CrmEvents *self)
{
  g_return_val_if_fail (CRM_IS_EVENTS (self), 0);
  return self->subscribers->len;
}
