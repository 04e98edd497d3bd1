/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-server"
#define _GNU_SOURCE   /* POLLRDHUP */

#include "config.h"

#include <libsoup/soup.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "crm-api-paths.h"
#include "crm-events.h"
#include "crm-memory.h"
#include "crm-request.h"
#include "crm-router.h"
#include "crm-secret-box.h"
#include "crm-server.h"

/*
 * CrmServer owns the SoupServer: the main loop only reads requests and writes replies;
 * the database work of a request runs on the pool's workers.
 *
 * Shutdown is graceful: after crm_server_begin_shutdown () new requests get 503 with
 * `Connection: close`, and the "drained" signal fires once every request in flight has
 * been answered (or the timeout passed).
 */

#define REQUEST_KEY "crm-request"
#define IN_FLIGHT_KEY "crm-in-flight"
#define REQUEST_DEADLINE_KEY "crm-request-deadline"
#define REQUEST_TIMED_OUT_KEY "crm-request-timed-out"

/* Quiet time after the last request before the memory of a burst goes back to the
 * system (crm-memory.c). */
#define TRIM_AFTER_IDLE_S 1

/* How long a keep-alive connection may wait for its next request. The desktop client
 * closes its own after 60 s (libsoup's default); this is for the connections of clients
 * that went away without a word (a laptop suspended, a network gone). */
#define IDLE_TIMEOUT_S 300

/* How long a client has to send a request, headers and body: from when it connects (its
 * TLS handshake included), or on a keep-alive connection from the first byte of the
 * request. The client's requests are small JSON documents. */
#define REQUEST_TIMEOUT_S 30

struct _CrmServer
{
  GObject     parent_instance;

  SoupServer *soup;
  CrmDbPool  *pool;
  gint64      schema_expected;
  CrmAuthSettings auth;
  CrmSecretBox   *secret_box;
  CrmEvents      *events;
  guint       n_in_flight;
  guint       trim_id;
  gboolean    shutting_down;
  guint       shutdown_timeout_id;
  gboolean    drained;
  GHashTable *idle_connections;   /* IdleConnection set */
  guint       idle_timeout_s;
  guint       request_timeout_s;
};

G_DEFINE_FINAL_TYPE (CrmServer, crm_server, G_TYPE_OBJECT)

enum {
  DRAINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_drained (CrmServer *self)
{
  if (self->drained)
    return;
  self->drained = TRUE;
  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  g_signal_emit (self, signals[DRAINED], 0);
}

static CrmRequest *
request_for (SoupServerMessage *message)
{
  return g_object_get_data (G_OBJECT (message), REQUEST_KEY);
}

/*
 * Connections that never send a request. libsoup 3.2 starts a connection's first request
 * ("request-started") as soon as it accepts the connection, before the TLS handshake, and a
 * later request on a keep-alive connection at its first byte; but it gives a request no
 * time limit: a client that connects and stays silent, stops in its TLS handshake or in the
 * middle of its headers holds its connection (a descriptor, a TLS session, buffers) for the
 * life of the process, and a few thousand of them leave none for anyone else. So does one
 * that sends its headers and then its body a byte at a time, or never.
 *
 * So each request gets a deadline to be read by. When it passes, the server shuts the
 * socket down (shutdown (2), both ways): libsoup's handshake or read then ends as if the
 * client had closed, and libsoup closes and frees the connection itself, in every state
 * it may be in. Its message is not taken from libsoup: during the handshake it has no
 * connection to hand over yet. libsoup reads the end of the stream after part of the
 * headers as their end, and would go on with a request cut short: such a request is
 * refused before any handler sees it (request_read_cb ()).
 */
static void
request_deadline_remove (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

static gboolean
request_deadline_cb (gpointer user_data)
{
  SoupServerMessage *message = user_data;
  GSocket *socket = soup_server_message_get_socket (message);

  /* The source ends by returning: nothing left to remove. */
  g_object_steal_data (G_OBJECT (message), REQUEST_DEADLINE_KEY);
  g_object_set_data (G_OBJECT (message), REQUEST_TIMED_OUT_KEY, GINT_TO_POINTER (TRUE));
  if (socket != NULL && !g_socket_is_closed (socket))
    {
      g_debug ("Closing a connection whose request did not come in time");
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  return G_SOURCE_REMOVE;
}

/* Read, answered without its body, or gone. */
static void
request_deadline_clear (SoupServerMessage *message)
{
  g_object_set_data (G_OBJECT (message), REQUEST_DEADLINE_KEY, NULL);
}

/*
 * A connection gone before its request was read. One whose TLS handshake failed (the
 * client hung up, or its deadline passed) keeps its first message in libsoup 3.2, which
 * holds the connection, which holds the message: neither is ever freed (about 22 kB with
 * the TLS session, that only a later libsoup frees). What the server hung on the message
 * goes now, not with it.
 */
static void
message_disconnected_cb (SoupServerMessage *message)
{
  if (g_object_get_data (G_OBJECT (message), IN_FLIGHT_KEY) != NULL)
    return;   /* read: its request ends with the request's end */
  request_deadline_clear (message);
  g_object_set_data (G_OBJECT (message), REQUEST_KEY, NULL);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *message,
                    CrmServer         *self)
{
  /* The deadline goes with the message: a message freed first takes its deadline along. */
  guint deadline_id = g_timeout_add_seconds (self->request_timeout_s, request_deadline_cb, message);

  g_object_set_data_full (G_OBJECT (message), REQUEST_DEADLINE_KEY,
                          GUINT_TO_POINTER (deadline_id), request_deadline_remove);
  g_signal_connect (message, "disconnected", G_CALLBACK (message_disconnected_cb), NULL);
  g_object_set_data_full (G_OBJECT (message), REQUEST_KEY, crm_request_new (self, message),
                          (GDestroyNotify) crm_request_unref);
}

/*
 * A request is in flight from when it has been read until its reply is written: an idle
 * keep-alive connection, or one that never completes its request, holds no work.
 */
static void
request_read_cb (SoupServer        *soup,
                 SoupServerMessage *message,
                 CrmServer         *self)
{
  CrmRequest *request = request_for (message);

  request_deadline_clear (message);
  if (request != NULL)
    _crm_request_read (request);
  g_object_set_data (G_OBJECT (message), IN_FLIGHT_KEY, GINT_TO_POINTER (TRUE));
  self->n_in_flight++;
  g_clear_handle_id (&self->trim_id, g_source_remove);
  /* Its headers cut short by the deadline: no handler runs it. */
  if (g_object_get_data (G_OBJECT (message), REQUEST_TIMED_OUT_KEY) != NULL)
    soup_server_message_set_status (message, SOUP_STATUS_REQUEST_TIMEOUT, NULL);
}

static gboolean
trim_cb (gpointer user_data)
{
  CrmServer *self = user_data;

  self->trim_id = 0;
  crm_memory_trim ();
  return G_SOURCE_REMOVE;
}

/* Once nothing is in flight: the memory freed goes back to the system after a quiet time. */
static void
schedule_trim (CrmServer *self)
{
  if (self->n_in_flight == 0 && self->trim_id == 0 && !self->shutting_down)
    self->trim_id = g_timeout_add_seconds (TRIM_AFTER_IDLE_S, trim_cb, self);
}

static void
request_done (CrmServer         *self,
              SoupServerMessage *message,
              gboolean           aborted)
{
  CrmRequest *request = request_for (message);

  gboolean in_flight = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (message), IN_FLIGHT_KEY));

  if (request == NULL || crm_request_is_finished (request))
    return;
  _crm_request_finish (request, aborted);
  /* The request holds the message: detach it, or the two would keep each other alive.
   * A database job still running holds its own reference to the request. */
  g_object_set_data (G_OBJECT (message), REQUEST_KEY, NULL);
  if (!in_flight)
    return;
  g_assert (self->n_in_flight > 0);
  self->n_in_flight--;
  if (self->n_in_flight > 0)
    return;
  if (self->shutting_down)
    emit_drained (self);
  else
    schedule_trim (self);
}

/*
 * Keep-alive connections the client closes while idle, or abandons (issue 6). libsoup 3.2 reads the
 * next request of a keep-alive connection with a message it reports to nobody; when the
 * client closes the connection instead, that message ends without a word and the
 * connection stays: its socket in CLOSE-WAIT, its TLS session and buffers (~24 kB), for
 * the life of the process (fixed in libsoup 3.3). The desktop client's session drops
 * its idle connections after a minute, so a day's work left thousands, until the
 * server ran out of file descriptors.
 *
 * So after each answer the server watches the connection's socket, ahead of libsoup
 * (a higher priority). When the client has closed it, the server takes the connection
 * from libsoup, which lets it go, and closes it; anything else is the next request and
 * libsoup's to read. A connection idle for longer than the idle timeout is closed the
 * same way: a client that vanished without closing would otherwise hold it forever.
 */
typedef struct
{
  CrmServer         *server;
  SoupServerMessage *message;   /* the last answered, to take the connection by */
  GSource           *source;    /* on its socket */
  guint              timeout_id;
  gulong             disconnected_id;
} IdleConnection;

static void
idle_connection_free (IdleConnection *idle)
{
  g_clear_signal_handler (&idle->disconnected_id, idle->message);
  g_clear_handle_id (&idle->timeout_id, g_source_remove);
  if (idle->source != NULL)
    {
      g_source_destroy (idle->source);
      g_source_unref (idle->source);
    }
  g_object_unref (idle->message);
  g_free (idle);
}

static void
idle_connection_forget (IdleConnection *idle)
{
  g_hash_table_remove (idle->server->idle_connections, idle);
  idle_connection_free (idle);
}

/*
 * Whether the client of an idle connection is closing it: it shut its side (a FIN), or
 * over TLS sent only the close_notify alert, which may come a moment before the FIN.
 * TLS 1.2 sends an alert as such (record type 21); TLS 1.3 encrypts it as application
 * data (23): 2 bytes of alert, 1 of type and a 16-byte tag, a record of 19 bytes where
 * the shortest request ("GET / HTTP/1.1\r\n\r\n", 18 bytes) makes one of 35.
 */
static gboolean
peer_is_closing (GSocket  *socket,
                 gboolean  tls)
{
  struct pollfd pfd = { .fd = g_socket_get_fd (socket), .events = POLLIN | POLLRDHUP };
  guint8 head[64];
  gssize n;
  gsize record;

  if (poll (&pfd, 1, 0) < 0)
    return FALSE;
  if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
    return TRUE;
  n = recv (pfd.fd, head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0)
    return TRUE;
  if (!tls || n < 5)
    return FALSE;
  record = (gsize) head[3] << 8 | head[4];
  return (gsize) n == 5 + record && (head[0] == 21 || (head[0] == 23 && record < 35));
}

/* Takes the connection from libsoup, which lets it go, and closes it. */
static void
idle_connection_close (IdleConnection *idle)
{
  g_autoptr(GIOStream) stream = NULL;

  /* Taking the connection tells libsoup it is gone; the watch goes first. */
  g_clear_signal_handler (&idle->disconnected_id, idle->message);
  stream = soup_server_message_steal_connection (idle->message);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  schedule_trim (idle->server);   /* the connection's buffers and TLS session */
  idle_connection_forget (idle);
}

static gboolean
idle_readable_cb (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  IdleConnection *idle = user_data;

  if ((condition & (G_IO_HUP | G_IO_ERR)) == 0
      && !peer_is_closing (socket, soup_server_is_https (idle->server->soup)))
    idle_connection_forget (idle);   /* the next request: libsoup reads it */
  else
    idle_connection_close (idle);
  return G_SOURCE_REMOVE;
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  IdleConnection *idle = user_data;

  idle->timeout_id = 0;
  idle_connection_close (idle);
  return G_SOURCE_REMOVE;
}

static void
idle_disconnected_cb (SoupServerMessage *message,
                      IdleConnection    *idle)
{
  idle_connection_forget (idle);
}

/* After @message is answered: watches its connection until the next request comes. */
static void
watch_idle_connection (CrmServer         *self,
                       SoupServerMessage *message)
{
  GSocket *socket = soup_server_message_get_socket (message);
  IdleConnection *idle;

  if (socket == NULL || g_socket_is_closed (socket))
    return;
  /* Kept only to take the connection by: not with the reply it has sent (a page of
   * customers is ~32 kB) nor the request. */
  soup_message_body_truncate (soup_server_message_get_response_body (message));
  soup_message_body_truncate (soup_server_message_get_request_body (message));
  idle = g_new0 (IdleConnection, 1);
  idle->server = self;
  idle->message = g_object_ref (message);
  idle->source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_priority (idle->source, G_PRIORITY_HIGH);
  g_source_set_callback (idle->source, G_SOURCE_FUNC (idle_readable_cb), idle, NULL);
  g_source_attach (idle->source, g_main_context_get_thread_default ());
  idle->timeout_id = g_timeout_add_seconds (self->idle_timeout_s, idle_timeout_cb, idle);
  /* A connection libsoup closes itself (no keep-alive, shutdown) needs no watch. */
  idle->disconnected_id = g_signal_connect (message, "disconnected",
                                            G_CALLBACK (idle_disconnected_cb), idle);
  g_hash_table_add (self->idle_connections, idle);
}

static void
request_finished_cb (SoupServer        *soup,
                     SoupServerMessage *message,
                     CrmServer         *self)
{
  request_deadline_clear (message);
  request_done (self, message, FALSE);
  watch_idle_connection (self, message);
}

static void
request_aborted_cb (SoupServer        *soup,
                    SoupServerMessage *message,
                    CrmServer         *self)
{
  request_deadline_clear (message);
  request_done (self, message, TRUE);
}

static gboolean
is_json_content_type (SoupMessageHeaders *headers)
{
  g_autoptr(GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (headers, &params);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

/* Before the body is read: refuse what is too large or not JSON. */
static void
early_handler_cb (SoupServer        *soup,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CrmRequest *request = request_for (message);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  goffset length = soup_message_headers_get_content_length (headers);
  gboolean has_body = encoding == SOUP_ENCODING_CHUNKED
                      || (encoding == SOUP_ENCODING_CONTENT_LENGTH && length > 0);

  if (request == NULL)
    return;
  _crm_request_headers_read (request);
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH && length > CRM_API_MAX_BODY_SIZE)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "Connection", "close");
      crm_request_reply_error (request, CRM_API_ERROR_TOO_LARGE,
                               N_("The request body is larger than the server accepts"));
      return;
    }
  if (has_body && !is_json_content_type (headers))
    crm_request_reply_error (request, CRM_API_ERROR_UNSUPPORTED_MEDIA_TYPE,
                             N_("The request body must be application/json"));
}

static void
api_handler_cb (SoupServer        *soup,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  CrmServer *self = user_data;
  CrmRequest *request = request_for (message);

  if (request == NULL)
    return;
  if (soup_server_message_get_status (message) != SOUP_STATUS_NONE)
    return;   /* answered by the early handler */
  if (self->shutting_down)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "Connection", "close");
      crm_request_reply_error (request, CRM_API_ERROR_UNAVAILABLE,
                               N_("The server is shutting down"));
      return;
    }
  if (soup_server_message_get_request_body (message)->length > CRM_API_MAX_BODY_SIZE)
    {
      crm_request_reply_error (request, CRM_API_ERROR_TOO_LARGE,
                               N_("The request body is larger than the server accepts"));
      return;
    }
  crm_router_dispatch (request);
}

static void
crm_server_dispose (GObject *object)
{
  CrmServer *self = CRM_SERVER (object);

  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  g_clear_handle_id (&self->trim_id, g_source_remove);
  g_clear_object (&self->events);
  if (self->idle_connections != NULL)
    {
      GHashTableIter iter;
      gpointer idle;

      g_hash_table_iter_init (&iter, self->idle_connections);
      while (g_hash_table_iter_next (&iter, &idle, NULL))
        idle_connection_free (idle);
      g_clear_pointer (&self->idle_connections, g_hash_table_unref);
    }
  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
    }
  g_clear_object (&self->soup);
  g_clear_object (&self->pool);

  G_OBJECT_CLASS (crm_server_parent_class)->dispose (object);
}

static void
crm_server_finalize (GObject *object)
{
  CrmServer *self = CRM_SERVER (object);

  g_clear_pointer (&self->secret_box, crm_secret_box_free);

  G_OBJECT_CLASS (crm_server_parent_class)->finalize (object);
}

static void
crm_server_class_init (CrmServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_server_dispose;
  object_class->finalize = crm_server_finalize;

  /**
   * CrmServer::drained:
   *
   * After crm_server_begin_shutdown (): every request in flight has been answered, or
   * the timeout passed.
   */
  signals[DRAINED] = g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
crm_server_init (CrmServer *self)
{
  self->idle_connections = g_hash_table_new (NULL, NULL);
  self->idle_timeout_s = IDLE_TIMEOUT_S;
  self->request_timeout_s = REQUEST_TIMEOUT_S;
  self->auth = (CrmAuthSettings) {
    .session_idle_s = 8 * 3600,
    .session_max_s = 30 * 24 * 3600,
    .lockout_threshold = 5,
    .lockout_base_s = 30,
    .lockout_max_s = 3600,
    .alert_threshold = 5,
  };
}

/**
 * crm_server_new:
 * @pool: the database workers
 * @certificate: (nullable): the TLS certificate with its key; %NULL serves plain HTTP
 *   (loopback development and tests of plain behaviour only)
 * @schema_expected: the newest migration this binary knows, for health
 */
CrmServer *
crm_server_new (CrmDbPool       *pool,
                GTlsCertificate *certificate,
                gint64           schema_expected)
{
  CrmServer *self;

  g_return_val_if_fail (CRM_IS_DB_POOL (pool), NULL);

  self = g_object_new (CRM_TYPE_SERVER, NULL);
  self->pool = g_object_ref (pool);
  self->schema_expected = schema_expected;
  self->soup = soup_server_new ("server-header", "rapport-server/" PACKAGE_VERSION " ",
                                "tls-certificate", certificate,
                                NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (request_read_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_aborted_cb), self);
  soup_server_add_early_handler (self->soup, "/api", early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, "/api", api_handler_cb, self, NULL);
  self->events = crm_events_new (pool, &self->auth);
  return self;
}

/* GLib listens with a backlog of 10: 50 clients connecting at once overflowed it, and
 * the dropped connections retried after 1 s, 3 s, 7 s (bench/run: list pages at
 * concurrency 50 took 6.5 s at the median, 500 connections saw resets). */
#define LISTEN_BACKLOG 1024

static gboolean
listen_on (CrmServer                *self,
           GSocketAddress           *address,
           SoupServerListenOptions   options,
           GError                  **error)
{
  g_autoptr(GSocket) socket = g_socket_new (g_socket_address_get_family (address),
                                            G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                            error);

  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (self->soup, socket, options, error);
}

/**
 * crm_server_listen:
 * @host: an IP address or "localhost"
 * @port: the port, 0 for a free one (crm_server_dup_url () tells which)
 */
gboolean
crm_server_listen (CrmServer   *self,
                   const char  *host,
                   guint        port,
                   GError     **error)
{
  SoupServerListenOptions options = 0;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (CRM_IS_SERVER (self), FALSE);

  if (soup_server_is_https (self->soup))
    options |= SOUP_SERVER_LISTEN_HTTPS;
  if (g_str_equal (host, "localhost"))
    return soup_server_listen_local (self->soup, port, options, error);

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Cannot listen on “%s”: give an IP address or localhost", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  return listen_on (self, socket_address, options, error);
}

/*
 * The first address the server listens on, as a URL. Built from the listening socket
 * rather than soup_server_get_uris (), which leaks an address in libsoup 3.2.
 */
char *
crm_server_dup_url (CrmServer *self)
{
  g_autoptr(GSList) listeners = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *host = NULL;
  const char *scheme;

  g_return_val_if_fail (CRM_IS_SERVER (self), NULL);

  listeners = soup_server_get_listeners (self->soup);
  if (listeners == NULL)
    return NULL;
  address = g_socket_get_local_address (listeners->data, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  host = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  scheme = soup_server_is_https (self->soup) ? "https" : "http";
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("%s://[%s]:%u", scheme, host,
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup_printf ("%s://%s:%u", scheme, host,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

/**
 * crm_server_set_idle_timeout:
 * @seconds: how long a keep-alive connection may wait for its next request
 *
 * For connections answered from now on (tests shorten it).
 */
void
crm_server_set_idle_timeout (CrmServer *self,
                             guint      seconds)
{
  g_return_if_fail (CRM_IS_SERVER (self));
  g_return_if_fail (seconds > 0);
  self->idle_timeout_s = seconds;
}

/**
 * crm_server_set_request_timeout:
 * @seconds: how long a client has to send a request, from when it connects (or, on a
 *   keep-alive connection, from the request's first byte)
 *
 * For requests started from now on (tests shorten it).
 */
void
crm_server_set_request_timeout (CrmServer *self,
                                guint      seconds)
{
  g_return_if_fail (CRM_IS_SERVER (self));
  g_return_if_fail (seconds > 0);
  self->request_timeout_s = seconds;
}

CrmDbPool *
crm_server_get_db_pool (CrmServer *self)
{
  g_return_val_if_fail (CRM_IS_SERVER (self), NULL);
  return self->pool;
}

gint64
crm_server_get_schema_expected (CrmServer *self)
{
  g_return_val_if_fail (CRM_IS_SERVER (self), -1);
  return self->schema_expected;
}

guint
crm_server_get_n_in_flight (CrmServer *self)
{
  g_return_val_if_fail (CRM_IS_SERVER (self), 0);
  return self->n_in_flight;
}

gboolean
crm_server_is_shutting_down (CrmServer *self)
{
  g_return_val_if_fail (CRM_IS_SERVER (self), FALSE);
  return self->shutting_down;
}

static gboolean
shutdown_timeout_cb (gpointer user_data)
{
  CrmServer *self = user_data;

  self->shutdown_timeout_id = 0;
  g_warning ("Stopping with %u requests still in flight", self->n_in_flight);
  emit_drained (self);
  return G_SOURCE_REMOVE;
}

/**
 * crm_server_begin_shutdown:
 * @timeout_s: how long to wait for requests in flight
 *
 * Stops taking new work; "drained" follows.
 */
void
crm_server_begin_shutdown (CrmServer *self,
                           guint      timeout_s)
{
  g_return_if_fail (CRM_IS_SERVER (self));

  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;
  crm_events_close_all (self->events);
  g_message ("Shutting down: waiting for %u requests in flight", self->n_in_flight);
  if (self->n_in_flight == 0)
    {
      emit_drained (self);
      return;
    }
  self->shutdown_timeout_id = g_timeout_add_seconds (timeout_s, shutdown_timeout_cb, self);
}

/* Read by workers; set before the server listens and never changed after. */
const CrmAuthSettings *
crm_server_get_auth_settings (CrmServer *self)
{
  g_return_val_if_fail (CRM_IS_SERVER (self), NULL);
  return &self->auth;
}

void
crm_server_set_auth_settings (CrmServer             *self,
                              const CrmAuthSettings *settings)
{
  g_return_if_fail (CRM_IS_SERVER (self));
  g_return_if_fail (settings != NULL);
  self->auth = *settings;
}

/**
 * crm_server_get_secret_box:
 *
 * Returns: (transfer none) (nullable): the keys for sensitive fields and MFA secrets
 */
CrmSecretBox *
crm_server_get_secret_box (CrmServer *self)
{
  g_return_val_if_fail (CRM_IS_SERVER (self), NULL);
  return self->secret_box;
}

/**
 * crm_server_set_secret_box:
 * @box: (transfer full): the keys; set before the server listens
 */
void
crm_server_set_secret_box (CrmServer    *self,
                           CrmSecretBox *box)
{
  g_return_if_fail (CRM_IS_SERVER (self));
  g_clear_pointer (&self->secret_box, crm_secret_box_free);
  self->secret_box = box;
}

/**
 * crm_server_get_events:
 *
 * Returns: (transfer none): the live events and their WebSocket subscribers
 */
CrmEvents *
crm_server_get_events (CrmServer *self)
{
  g_return_val_if_fail (CRM_IS_SERVER (self), NULL);
  return self->events;
}

/*
 * A request answered with 101 Switching Protocols: libsoup hands its connection over and
 * reports no end of the request, so it ends here.
 */
void
_crm_server_request_upgraded (CrmServer         *self,
                              SoupServerMessage *message)
{
  g_return_if_fail (CRM_IS_SERVER (self));
  request_done (self, message, FALSE);
}
