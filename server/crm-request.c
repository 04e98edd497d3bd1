/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-request"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-catalog.h"
#include "crm-db.h"
#include "crm-json.h"
#include "crm-request.h"

/*
 * One API request, on the main thread only. It is created when libsoup starts reading
 * a message and finished (one access log line) when libsoup is done with it. Replies
 * unpause a paused message exactly once, and never touch a message whose client left.
 *
 * The message owns the request (crm-server.c keeps it in the message's data); the request
 * holds the message only from when it has been read until it is finished, while a
 * database job may outlive the message's signals. libsoup 3.2 starts the next message of
 * a keep-alive connection at once and, when the client closes the connection instead of
 * sending it, emits neither request-finished nor request-aborted for it: a reference
 * taken at the start kept that message, its connection and its socket (in CLOSE-WAIT)
 * forever, ~24 kB and a file descriptor per connection a client ever closed.
 */

/* Requests alive in this process: a test checks that finished ones are freed. */
static gint n_alive;

struct _CrmRequest
{
  CrmServer         *server;
  SoupServerMessage *message;
  GCancellable      *cancellable;
  GHashTable        *params;
  char              *id;
  const char        *language;   /* of the catalog messages are answered in; NULL: English */
  gint64             started_us;
  gboolean           holds_message;   /* from read until finished */
  gboolean           paused;
  gboolean           replied;
  gboolean           finished;
};

static gboolean
is_valid_request_id (const char *id)
{
  gsize length = id ? strlen (id) : 0;

  if (length == 0 || length > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

CrmRequest *
crm_request_new (CrmServer         *server,
                 SoupServerMessage *message)
{
  CrmRequest *self = g_atomic_rc_box_new0 (CrmRequest);

  g_atomic_int_inc (&n_alive);
  self->server = server;
  self->message = message;   /* the message owns the request */
  self->cancellable = g_cancellable_new ();
  self->started_us = g_get_monotonic_time ();
  self->id = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
  return self;
}

/*
 * Once the headers are read: a caller's own sane X-Request-Id replaces the generated one,
 * and Accept-Language chooses the language of the messages the request is answered with
 * (the one place that does).
 */
void
_crm_request_headers_read (CrmRequest *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (self->message);
  const char *given;

  given = soup_message_headers_get_one (headers, "X-Request-Id");
  if (is_valid_request_id (given))
    {
      g_free (self->id);
      self->id = g_strdup (given);
    }
  self->language = crm_catalog_choose (soup_message_headers_get_one (headers, "Accept-Language"));
}

/* Once the whole request is read: the request keeps its message until it is finished. */
void
_crm_request_read (CrmRequest *self)
{
  g_return_if_fail (!self->holds_message && !self->finished);
  g_object_ref (self->message);
  self->holds_message = TRUE;
}

static void
request_clear (gpointer data)
{
  CrmRequest *self = data;

  if (self->holds_message)
    g_object_unref (self->message);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_free (self->id);
  g_atomic_int_dec_and_test (&n_alive);
}

/** crm_request_get_n_alive: how many requests exist in this process. */
guint
crm_request_get_n_alive (void)
{
  return (guint) g_atomic_int_get (&n_alive);
}

CrmRequest *
crm_request_ref (CrmRequest *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
crm_request_unref (CrmRequest *self)
{
  g_atomic_rc_box_release_full (self, request_clear);
}

CrmServer *
crm_request_get_server (CrmRequest *self)
{
  return self->server;
}

SoupServerMessage *
crm_request_get_message (CrmRequest *self)
{
  return self->message;
}

GCancellable *
crm_request_get_cancellable (CrmRequest *self)
{
  return self->cancellable;
}

const char *
crm_request_get_id (CrmRequest *self)
{
  return self->id;
}

/**
 * crm_request_get_language:
 *
 * Returns: (transfer none) (nullable): the language the caller's Accept-Language chose,
 *   for crm_catalog_lookup (); %NULL for English. It lives as long as the process.
 */
const char *
crm_request_get_language (CrmRequest *self)
{
  return self->language;
}

/** crm_request_translate: @msgid (marked with N_()) in the caller's language. */
const char *
crm_request_translate (CrmRequest *self,
                       const char *msgid)
{
  return crm_catalog_lookup (self->language, msgid);
}

const char *
crm_request_get_param (CrmRequest *self,
                       const char *name)
{
  return self->params ? g_hash_table_lookup (self->params, name) : NULL;
}

/** crm_request_get_params: (nullable): the path parameters by name */
GHashTable *
crm_request_get_params (CrmRequest *self)
{
  return self->params;
}

void
crm_request_set_param (CrmRequest *self,
                       const char *name,
                       const char *value)
{
  if (self->params == NULL)
    self->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (self->params, g_strdup (name), g_strdup (value));
}

gboolean
crm_request_is_finished (CrmRequest *self)
{
  return self->finished;
}

/* Before handing work to the database: the reply comes later, from a callback. */
void
crm_request_pause (CrmRequest *self)
{
  g_return_if_fail (!self->paused && !self->replied);

  soup_server_message_pause (self->message);
  self->paused = TRUE;
}

/**
 * crm_request_reply_bytes:
 * @body: JSON text
 *
 * Replies with @body, which the message keeps a reference to (no copy).
 */
void
crm_request_reply_bytes (CrmRequest *self,
                         guint       status,
                         GBytes     *body)
{
  SoupMessageHeaders *headers;
  SoupMessageBody *response;

  if (self->finished || self->replied)
    return;
  self->replied = TRUE;
  headers = soup_server_message_get_response_headers (self->message);
  soup_message_headers_replace (headers, "X-Request-Id", self->id);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Content-Type", "application/json; charset=utf-8");
  soup_server_message_set_status (self->message, status, NULL);
  response = soup_server_message_get_response_body (self->message);
  soup_message_body_truncate (response);
  soup_message_body_append_bytes (response, body);
  if (self->paused)
    soup_server_message_unpause (self->message);
}

/** crm_request_reply_empty: a reply without a body, such as 204. */
void
crm_request_reply_empty (CrmRequest *self,
                         guint       status)
{
  SoupMessageHeaders *headers;

  if (self->finished || self->replied)
    return;
  self->replied = TRUE;
  headers = soup_server_message_get_response_headers (self->message);
  soup_message_headers_replace (headers, "X-Request-Id", self->id);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (self->message, status, NULL);
  if (self->paused)
    soup_server_message_unpause (self->message);
}

/**
 * crm_request_reply_upgrade:
 *
 * Sends the status and headers a protocol switch has set on the message (a WebSocket
 * handshake's 101), without a body.
 */
void
crm_request_reply_upgrade (CrmRequest *self)
{
  if (self->finished || self->replied)
    return;
  self->replied = TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (self->message),
                                "X-Request-Id", self->id);
  if (self->paused)
    soup_server_message_unpause (self->message);
}

void
crm_request_reply_json (CrmRequest *self,
                        guint       status,
                        JsonNode   *node)
{
  g_autofree char *text = crm_json_to_string (node);
  gsize length = strlen (text);
  g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&text), length);

  crm_request_reply_bytes (self, status, body);
}

/**
 * crm_api_error_body_new:
 * @fields: (nullable): per field a message, for 422 and for a 403 naming a field
 *
 * The contract's error body: `{"error":{"code":…,"message":…,"fields":{…}}}`.
 */
JsonNode *
crm_api_error_body_new (CrmApiError  code,
                        const char  *message,
                        JsonObject  *fields)
{
  JsonObject *inner = json_object_new ();
  JsonObject *outer = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (inner, "code", crm_api_error_to_string (code));
  json_object_set_string_member (inner, "message", message);
  if (fields != NULL)
    json_object_set_object_member (inner, "fields", json_object_ref (fields));
  json_object_set_object_member (outer, "error", inner);
  json_node_take_object (node, outer);
  return node;
}

static void
reply_error_text (CrmRequest  *self,
                  CrmApiError  code,
                  const char  *text)
{
  g_autoptr(JsonNode) node = crm_api_error_body_new (code, text, NULL);

  crm_request_reply_json (self, crm_api_error_get_http_status (code), node);
}

/**
 * crm_request_reply_error:
 * @message: an English msgid, marked with N_()
 *
 * Replies with the contract's error body, @message in the caller's language.
 */
void
crm_request_reply_error (CrmRequest  *self,
                         CrmApiError  code,
                         const char  *message)
{
  reply_error_text (self, code, crm_request_translate (self, message));
}

/*
 * The one table from internal errors to the API's: 500s never echo internals. A
 * CRM_API_ERROR's message is already in the caller's language (crm_call_dup_printf ()).
 */
void
crm_request_reply_gerror (CrmRequest   *self,
                          const GError *error)
{
  CrmApiError code = CRM_API_ERROR_INTERNAL;
  const char *message = NULL;

  if (error->domain == CRM_API_ERROR)
    {
      code = (CrmApiError) error->code;
      message = error->message;
    }
  else if (error->domain == CRM_DB_ERROR)
    {
      switch ((CrmDbError) error->code)
        {
        case CRM_DB_ERROR_CONFLICT:
          code = CRM_API_ERROR_CONFLICT;
          message = N_("The record conflicts with an existing one");
          break;
        case CRM_DB_ERROR_REFERENCE:
          code = CRM_API_ERROR_INVALID;
          message = N_("The record refers to something that does not exist");
          break;
        case CRM_DB_ERROR_INVALID:
          code = CRM_API_ERROR_INVALID;
          message = N_("The database refused a value");
          break;
        case CRM_DB_ERROR_UNAVAILABLE:
        case CRM_DB_ERROR_TIMEOUT:
          code = CRM_API_ERROR_UNAVAILABLE;
          message = N_("The database is unavailable; try again shortly");
          break;
        case CRM_DB_ERROR_RETRY:
        case CRM_DB_ERROR_INTERNAL:
        default:
          break;
        }
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      code = CRM_API_ERROR_UNAVAILABLE;
      message = N_("The request was cancelled");
    }

  if (code == CRM_API_ERROR_INTERNAL || code == CRM_API_ERROR_UNAVAILABLE)
    g_log_structured (G_LOG_DOMAIN, code == CRM_API_ERROR_INTERNAL ? G_LOG_LEVEL_WARNING
                                                                   : G_LOG_LEVEL_MESSAGE,
                      "REQUEST_ID", self->id,
                      "MESSAGE", "%s", error->message);
  if (code == CRM_API_ERROR_INTERNAL)
    message = N_("Internal server error");
  if (code == CRM_API_ERROR_UNAVAILABLE)
    soup_message_headers_replace (soup_server_message_get_response_headers (self->message),
                                  "Retry-After", "1");
  if (code == CRM_API_ERROR_INTERNAL || error->domain != CRM_API_ERROR)
    message = crm_request_translate (self, message);
  reply_error_text (self, code, message);
}

/* Called once libsoup is done with the message: logs the access line. */
void
_crm_request_finish (CrmRequest *self,
                     gboolean    aborted)
{
  g_autofree char *duration = NULL;
  g_autofree char *status = NULL;
  GUri *uri;

  if (self->finished)
    return;
  self->finished = TRUE;
  if (aborted)
    g_cancellable_cancel (self->cancellable);

  uri = soup_server_message_get_uri (self->message);
  duration = g_strdup_printf ("%.3f", (g_get_monotonic_time () - self->started_us) / 1000.0);
  /* libsoup reports a 500 it has written as aborted too: log what was answered. */
  status = aborted && !self->replied ? g_strdup ("aborted")
                   : g_strdup_printf ("%u", soup_server_message_get_status (self->message));
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                    "METHOD", soup_server_message_get_method (self->message),
                    "PATH", uri ? g_uri_get_path (uri) : "",
                    "STATUS", status,
                    "MS", duration,
                    "REQUEST_ID", self->id,
                    "MESSAGE", "request");
}
