/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-event-stream"

#include "config.h"

#include "crm-event-stream.h"

/*
 * CrmEventStream:
 *
 * The live events of the server (`/api/v1/events`, see server/API.md) for one
 * #CrmApiClient: while the client holds a token, a WebSocket is open through the
 * client's session; when it drops it is opened again after 1, 2, 4 … 30 seconds.
 * Each event is emitted as #CrmEventStream::event with its type as the detail
 * (`event::customers`, `event::contacts`, `event::notification`, `event::rules` when
 * an admin changed a role or the field policies); after a
 * reconnection, and when the server says it lost events, a `resync` event tells
 * the views to reload what they show.
 *
 * One stream per client (crm_event_stream_get_for_client()), shared by every view.
 */

#define RETRY_MAX_S 30
#define KEEPALIVE_S 10
#define STREAM_KEY "crm-event-stream"

struct _CrmEventStream
{
  GObject                  parent_instance;

  CrmApiClient            *api_client;   /* not owned: the client owns the stream */
  SoupWebsocketConnection *socket;
  GCancellable            *cancellable;
  guint                    retry_id;
  guint                    retry_s;
  gboolean                 was_open;
};

G_DEFINE_FINAL_TYPE (CrmEventStream, crm_event_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void open_socket (CrmEventStream *self);

static void
emit_event (CrmEventStream *self,
            JsonObject     *event)
{
  const char *type = json_object_get_string_member_with_default (event, "type", "");

  if (*type == '\0')
    return;
  g_signal_emit (self, signals[EVENT], g_quark_from_string (type), event);
}

static void
emit_resync (CrmEventStream *self)
{
  g_autoptr(JsonObject) event = json_object_new ();

  json_object_set_string_member (event, "type", "resync");
  emit_event (self, event);
}

static void
close_socket (CrmEventStream *self)
{
  gboolean was_connected = self->socket != NULL;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->socket, self);
      if (soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->socket);
    }
  if (was_connected)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static gboolean
retry_cb (gpointer user_data)
{
  CrmEventStream *self = user_data;

  self->retry_id = 0;
  open_socket (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CrmEventStream *self)
{
  if (self->retry_id != 0 || crm_api_client_get_token (self->api_client) == NULL)
    return;
  g_debug ("Reopening the live events in %u s", self->retry_s);
  self->retry_id = g_timeout_add_seconds (self->retry_s, retry_cb, self);
  self->retry_s = MIN (self->retry_s * 2, RETRY_MAX_S);
}

static void
socket_message_cb (SoupWebsocketConnection *socket,
                   gint                     type,
                   GBytes                  *message,
                   CrmEventStream          *self)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (message, &length);

  if (type != SOUP_WEBSOCKET_DATA_TEXT
      || !json_parser_load_from_data (parser, data, (gssize) length, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_debug ("Ignoring an event that is not a JSON object");
      return;
    }
  emit_event (self, json_node_get_object (json_parser_get_root (parser)));
}

static void
socket_closed_cb (SoupWebsocketConnection *socket,
                  CrmEventStream          *self)
{
  g_debug ("The live events closed (%u)", soup_websocket_connection_get_close_code (socket));
  g_signal_handlers_disconnect_by_data (self->socket, self);
  g_clear_object (&self->socket);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
  schedule_retry (self);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmEventStream) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *socket;

  socket = crm_api_client_open_events_finish (CRM_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (socket == NULL)
    {
      g_debug ("The live events could not be opened: %s", error->message);
      schedule_retry (self);
      return;
    }
  self->socket = socket;
  self->retry_s = 1;
  soup_websocket_connection_set_keepalive_interval (socket, KEEPALIVE_S);
  g_signal_connect (socket, "message", G_CALLBACK (socket_message_cb), self);
  g_signal_connect (socket, "closed", G_CALLBACK (socket_closed_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
  /* Whatever changed while the socket was closed went unheard. */
  if (self->was_open)
    emit_resync (self);
  self->was_open = TRUE;
}

static void
open_socket (CrmEventStream *self)
{
  if (self->socket != NULL || self->cancellable != NULL
      || crm_api_client_get_token (self->api_client) == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  crm_api_client_open_events_async (self->api_client, self->cancellable, opened_cb,
                                    g_object_ref (self));
}

static void
api_client_notify_token_cb (CrmEventStream *self)
{
  close_socket (self);
  self->retry_s = 1;
  self->was_open = FALSE;
  open_socket (self);
}

static void
crm_event_stream_dispose (GObject *object)
{
  CrmEventStream *self = CRM_EVENT_STREAM (object);

  close_socket (self);
  self->api_client = NULL;

  G_OBJECT_CLASS (crm_event_stream_parent_class)->dispose (object);
}

static void
crm_event_stream_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CrmEventStream *self = CRM_EVENT_STREAM (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, crm_event_stream_get_connected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_event_stream_class_init (CrmEventStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_event_stream_dispose;
  object_class->get_property = crm_event_stream_get_property;

  /**
   * CrmEventStream:connected:
   *
   * Whether the socket is open (events are heard).
   */
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmEventStream::event:
   * @event: the event's JSON object (see server/API.md)
   *
   * One change on the server, detailed by its type.
   */
  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
crm_event_stream_init (CrmEventStream *self)
{
  self->retry_s = 1;
}

/**
 * crm_event_stream_get_for_client:
 * @api_client: a #CrmApiClient
 *
 * The live events of @api_client's server, opened once it holds a token.
 *
 * Returns: (transfer none): the stream, owned by @api_client
 */
CrmEventStream *
crm_event_stream_get_for_client (CrmApiClient *api_client)
{
  CrmEventStream *self;

  g_return_val_if_fail (CRM_IS_API_CLIENT (api_client), NULL);

  self = g_object_get_data (G_OBJECT (api_client), STREAM_KEY);
  if (self != NULL)
    return self;
  self = g_object_new (CRM_TYPE_EVENT_STREAM, NULL);
  self->api_client = api_client;
  g_object_set_data_full (G_OBJECT (api_client), STREAM_KEY, self, g_object_unref);
  g_signal_connect_object (api_client, "notify::token", G_CALLBACK (api_client_notify_token_cb),
                           self, G_CONNECT_SWAPPED);
  open_socket (self);
  return self;
}

gboolean
crm_event_stream_get_connected (CrmEventStream *self)
{
  g_return_val_if_fail (CRM_IS_EVENT_STREAM (self), FALSE);
  return self->socket != NULL;
}

/** crm_event_stream_get_event_id: an id member of an event, 0 when absent or null. */
gint64
crm_event_stream_get_event_id (JsonObject *event,
                               const char *member)
{
  JsonNode *node;

  g_return_val_if_fail (event != NULL, 0);

  node = json_object_get_member (event, member);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}
