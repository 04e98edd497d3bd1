/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crm-api-client-private.h"
#include "crm-api-client.h"
#include "crm-api-paths.h"
#include "crm-error.h"
#include "crm-json.h"

/* Seconds libsoup waits for a connection or a reply before it gives up. */
#define IO_TIMEOUT_SECONDS 15

/* A GET, or a write with an Idempotency-Key, answered 503 (the server's database
 * is unavailable) is sent again after each of these pauses, in milliseconds, or
 * after the reply's Retry-After when that is longer (up to MAX_RETRY_AFTER_MS). */
static const guint retry_delays_ms[] = { 500, 1000, 2000, 4000 };
#define MAX_RETRY_AFTER_MS 30000

#define SESSION_PATH CRM_API_BASE "/session"

/**
 * CrmApiClient:
 *
 * Talks to one Rapport server over HTTPS + JSON through a single #SoupSession.
 *
 * Without a pinned certificate the server must present a certificate the
 * system trusts. With one (see crm_api_client_set_pinned_certificate()),
 * the system trust store is not consulted and exactly that certificate is
 * accepted, whatever its issuer or host name. Any other certificate ends the
 * TLS handshake before a request is sent, and the request fails with
 * %CRM_API_CLIENT_ERROR_UNTRUSTED_CERTIFICATE (no pin) or
 * %CRM_API_CLIENT_ERROR_CERTIFICATE_CHANGED (another pin); its finish
 * function hands out the certificate, for the user to judge as ssh asks.
 *
 * Once signed in (crm_api_client_sign_in_async(), or a token restored with
 * crm_api_client_set_token()), every call but the sign-in itself carries
 * `Authorization: Bearer TOKEN`. When such a call is answered 401, the client
 * emits #CrmApiClient::unauthorized: the session has ended.
 */
struct _CrmApiClient
{
  GObject          parent_instance;

  SoupSession     *session;
  char            *base_url;
  GTlsCertificate *pinned_certificate;
  char            *token;
};

G_DEFINE_FINAL_TYPE (CrmApiClient, crm_api_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (crm-api-client-error-quark, crm_api_client_error)

/* What an error of CRM_API_REPLY_ERROR carries besides its code and message. */
typedef struct
{
  guint     status;
  JsonNode *body;     /* the reply's JSON, or NULL */
} CrmApiReplyErrorPrivate;

static void
crm_api_reply_error_private_init (CrmApiReplyErrorPrivate *priv)
{
}

static void
crm_api_reply_error_private_copy (const CrmApiReplyErrorPrivate *src,
                                  CrmApiReplyErrorPrivate       *dest)
{
  dest->status = src->status;
  dest->body = src->body != NULL ? json_node_ref (src->body) : NULL;
}

static void
crm_api_reply_error_private_clear (CrmApiReplyErrorPrivate *priv)
{
  g_clear_pointer (&priv->body, json_node_unref);
}

G_DEFINE_EXTENDED_ERROR (CrmApiReplyError, crm_api_reply_error)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_PINNED_CERTIFICATE,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UNAUTHORIZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The absolute URI of @path on the server, keeping any path prefix of the base URL
 * (a server behind a reverse proxy at https://example.com/rapport/). */
static GUri *
build_uri (CrmApiClient  *self,
           const char    *path,
           GError       **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  const char *scheme;

  base = g_strstrip (g_strdup (self->base_url != NULL ? self->base_url : ""));
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  url = g_strconcat (base, path, NULL);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL
      || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0)
      || g_uri_get_host (uri) == NULL
      || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid server address"), self->base_url);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

static JsonNode *
parse_json (GBytes  *body,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  if (size == 0 || !json_parser_load_from_data (parser, data, size, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                             "empty reply body");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/* The `error` object of an error reply, or NULL when the body has none. */
static JsonObject *
get_error_object (JsonNode *root)
{
  JsonNode *member;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  member = json_object_get_member (json_node_get_object (root), "error");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    return NULL;
  return json_node_get_object (member);
}

/* A CRM_API_ERROR for a reply with an unsuccessful status: the code of its
 * `{"error":{"code","message"}}` body, or the code its status stands for. */
static GError *
error_from_reply (SoupMessage *message,
                  JsonNode    *root)
{
  JsonObject *object = get_error_object (root);
  guint status = soup_message_get_status (message);
  const char *code_string = NULL;
  const char *text = NULL;
  CrmApiError code;

  if (object != NULL)
    {
      code_string = json_object_get_string_member_with_default (object, "code", NULL);
      text = json_object_get_string_member_with_default (object, "message", NULL);
    }
  if (!crm_api_error_from_string (code_string, &code))
    code = crm_api_error_from_http_status (status);

  if (text != NULL && *text != '\0')
    return g_error_new_literal (CRM_API_ERROR, code, text);
  return g_error_new (CRM_API_ERROR, code, "HTTP %u %s", status,
                      soup_message_get_reason_phrase (message) != NULL
                      ? soup_message_get_reason_phrase (message) : "");
}

/* One request in flight: the GTask's data. */
typedef struct
{
  SoupMessage          *message;
  GTlsCertificate      *pinned;            /* the pin when the request started, or NULL */
  GTlsCertificate      *peer_certificate;  /* what the server presented, once known */
  gboolean              rejected;          /* whether the certificate was turned down */
  char                 *token;             /* the token the request carries, or NULL */
  guint                 retry_after;       /* a 429's Retry-After, in seconds */
  gboolean              generic;           /* crm_api_client_call_async () */
  guint                 status;            /* the reply's HTTP status */
  guint                 retries;           /* how often a 503 was sent again */
  GBytes               *body;              /* the request body, to send it again */
} Request;

static void
request_free (Request *request)
{
  if (request->message != NULL)
    g_signal_handlers_disconnect_by_data (request->message, request);
  g_clear_object (&request->message);
  g_clear_object (&request->pinned);
  g_clear_object (&request->peer_certificate);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->token);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

/* Called when the system does not trust the server's certificate, or for every
 * certificate when one is pinned (the session has no database then). Remembers
 * the certificate, so that the caller can show it. */
static gboolean
message_accept_certificate_cb (SoupMessage          *message,
                               GTlsCertificate      *peer_certificate,
                               GTlsCertificateFlags  errors,
                               gpointer              user_data)
{
  Request *request = user_data;

  g_set_object (&request->peer_certificate, peer_certificate);
  if (request->pinned != NULL && g_tls_certificate_is_same (peer_certificate, request->pinned))
    return TRUE;

  g_debug ("Rejecting a server certificate that is %s (flags 0x%x)",
           request->pinned != NULL ? "not the pinned one" : "not trusted", errors);
  request->rejected = TRUE;
  return FALSE;
}

/* Why a request whose certificate was turned down failed, in CRM_API_CLIENT_ERROR. */
static GError *
certificate_error (Request *request)
{
  if (request->pinned != NULL)
    return g_error_new_literal (CRM_API_CLIENT_ERROR, CRM_API_CLIENT_ERROR_CERTIFICATE_CHANGED,
                                _("The server presented a certificate other than the "
                                  "trusted one"));
  return g_error_new_literal (CRM_API_CLIENT_ERROR, CRM_API_CLIENT_ERROR_UNTRUSTED_CERTIFICATE,
                              _("The server’s certificate is not trusted"));
}

/* With @authenticated, the request carries the client's token, if it has one. */
static Request *
new_request (CrmApiClient  *self,
             const char    *method,
             const char    *path,
             gboolean       authenticated,
             GError       **error)
{
  g_autoptr(Request) request = NULL;
  g_autoptr(GUri) uri = NULL;

  uri = build_uri (self, path, error);
  if (uri == NULL)
    return NULL;

  request = g_new0 (Request, 1);
  request->message = soup_message_new_from_uri (method, uri);
  if (self->pinned_certificate != NULL)
    request->pinned = g_object_ref (self->pinned_certificate);
  soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                "Accept", "application/json");
  {
    g_autofree char *language = crm_api_client_dup_accept_language ();

    soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                  "Accept-Language", language);
  }
  g_signal_connect (request->message, "accept-certificate",
                    G_CALLBACK (message_accept_certificate_cb), request);
  if (authenticated && self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      request->token = g_strdup (self->token);
      soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                    "Authorization", authorization);
    }

  return g_steal_pointer (&request);
}

static void
get_health_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CrmHealth) health = NULL;
  Request *request = g_task_get_task_data (task);
  SoupMessage *message = request->message;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (request->rejected && error->domain == G_TLS_ERROR)
        {
          g_debug ("TLS handshake failed: %s", error->message);
          g_task_return_error (task, certificate_error (request));
        }
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A certificate the system trusts never reaches the accept-certificate handler. */
  if (request->peer_certificate == NULL)
    g_set_object (&request->peer_certificate, soup_message_get_tls_peer_certificate (message));

  status = soup_message_get_status (message);
  root = parse_json (body, &error);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      /* A server whose database is down still describes itself: the contract's
       * error object plus a "health" member. */
      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && root != NULL
          && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonNode *described = json_object_get_member (json_node_get_object (root), "health");

          if (described != NULL)
            health = crm_health_from_json (described, NULL);
        }
      if (health != NULL)
        g_task_return_pointer (task, g_steal_pointer (&health),
                               (GDestroyNotify) crm_health_free);
      else
        g_task_return_error (task, error_from_reply (message, root));
      return;
    }

  if (root == NULL)
    {
      g_task_return_new_error (task, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                               "health reply is not JSON: %s", error->message);
      return;
    }

  health = crm_health_from_json (root, &error);
  if (health == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&health), (GDestroyNotify) crm_health_free);
}

/* Turns a successful reply's JSON into the task's result. */
typedef gboolean (*ReturnFunc) (GTask    *task,
                                Request  *request,
                                JsonNode *root);

static gboolean
return_account (GTask    *task,
                Request  *request,
                JsonNode *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmAccount) account = crm_account_from_json (root, &error);

  if (account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  /* GET /session does not repeat the token it was asked with. */
  if (account->token == NULL)
    account->token = g_strdup (request->token);
  if (account->token == NULL)
    {
      g_task_return_new_error (task, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                               "session reply has no token");
      return FALSE;
    }
  g_task_return_pointer (task, g_steal_pointer (&account), (GDestroyNotify) crm_account_free);
  return TRUE;
}

static gboolean
return_true (GTask    *task,
             Request  *request,
             JsonNode *root)
{
  g_task_return_boolean (task, TRUE);
  return TRUE;
}

static gboolean
return_node (GTask    *task,
             Request  *request,
             JsonNode *root)
{
  if (root == NULL && request->status != SOUP_STATUS_NO_CONTENT)
    {
      g_task_return_new_error (task, CRM_API_REPLY_ERROR, CRM_API_ERROR_MALFORMED,
                               "HTTP %u reply is not JSON", request->status);
      return FALSE;
    }
  if (root == NULL)
    root = json_node_new (JSON_NODE_NULL);
  else
    json_node_ref (root);
  g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
  return TRUE;
}

static void call_read_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

/* The pause before sending @request again after a 503, in milliseconds, or 0
 * when it is not sent again: only GETs and writes with an Idempotency-Key (which
 * the server runs once however often they come) are, a few times. */
static guint
retry_delay (Request *request)
{
  const char *retry_after;
  guint64 seconds = 0;
  guint delay;

  if (request->status != SOUP_STATUS_SERVICE_UNAVAILABLE
      || (g_strcmp0 (soup_message_get_method (request->message), SOUP_METHOD_GET) != 0
          && soup_message_headers_get_one (soup_message_get_request_headers (request->message),
                                           "Idempotency-Key") == NULL)
      || request->retries >= G_N_ELEMENTS (retry_delays_ms))
    return 0;

  delay = retry_delays_ms[request->retries];
  retry_after = soup_message_headers_get_one (
    soup_message_get_response_headers (request->message), "Retry-After");
  if (retry_after != NULL
      && g_ascii_string_to_unsigned (retry_after, 10, 0, MAX_RETRY_AFTER_MS / 1000, &seconds,
                                     NULL))
    delay = MAX (delay, (guint) seconds * 1000);
  return delay;
}

/* The pause after a 503 is over, or the call was cancelled during it. */
static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  CrmApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  /* A message is sent once: the same request again (its Idempotency-Key too), in a new one. */
  message = soup_message_new_from_uri (soup_message_get_method (request->message),
                                       soup_message_get_uri (request->message));
  soup_message_headers_foreach (soup_message_get_request_headers (request->message),
                                copy_header, soup_message_get_request_headers (message));
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", request->body);
  soup_message_set_flags (message, soup_message_get_flags (request->message));
  g_signal_handlers_disconnect_by_data (request->message, request);
  g_set_object (&request->message, message);
  g_signal_connect (request->message, "accept-certificate",
                    G_CALLBACK (message_accept_certificate_cb), request);
  request->retries++;
  request->status = 0;
  soup_session_send_and_read_async (self->session, request->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), call_read_cb, task);
  return G_SOURCE_REMOVE;
}

/* Sends @task's request again after @delay ms, or ends it once it is cancelled. */
static void
schedule_retry (GTask *task,
                guint  delay)
{
  g_autoptr(GSource) source = g_timeout_source_new (delay);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

      /* A child that is ready dispatches the parent: retry_cb () sees the cancellation. */
      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (source, cancelled);
    }
  g_source_set_name (source, "[rapport] API retry");
  g_source_set_callback (source, retry_cb, task, NULL);
  g_source_attach (source, g_task_get_context (task));
}

static void
call_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  CrmApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  ReturnFunc return_func = g_object_get_data (G_OBJECT (task), "crm-return-func");
  SoupMessage *message = request->message;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (request->rejected && error->domain == G_TLS_ERROR)
        g_task_return_error (task, certificate_error (request));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (message);
  request->status = status;
  {
    guint delay = retry_delay (request);

    if (delay > 0)
      {
        g_debug ("%s %s: 503, sending it again in %u ms", soup_message_get_method (message),
                 g_uri_get_path (soup_message_get_uri (message)), delay);
        schedule_retry (g_steal_pointer (&task), delay);
        return;
      }
  }
  if (g_bytes_get_size (body) > 0)
    root = parse_json (body, NULL);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(GError) reply_error = error_from_reply (message, root);

      if (request->generic)
        {
          CrmApiReplyErrorPrivate *priv;
          GError *typed = g_error_new_literal (CRM_API_REPLY_ERROR, reply_error->code,
                                               reply_error->message);

          priv = crm_api_reply_error_get_private (typed);
          priv->status = status;
          priv->body = root != NULL ? json_node_ref (root) : NULL;
          g_clear_error (&reply_error);
          reply_error = typed;
        }

      if (status == 429 /* Too Many Requests */)
        {
          const char *retry_after =
            soup_message_headers_get_one (soup_message_get_response_headers (message),
                                          "Retry-After");
          guint64 seconds = 0;

          if (retry_after != NULL
              && g_ascii_string_to_unsigned (retry_after, 10, 0, G_MAXUINT, &seconds, NULL))
            request->retry_after = (guint) seconds;
        }
      /* The session behind the token ended (not a wrong code while signing in). */
      if (status == SOUP_STATUS_UNAUTHORIZED && request->token != NULL
          && g_strcmp0 (request->token, self->token) == 0)
        {
          g_debug ("The server no longer accepts the session token");
          g_signal_emit (self, signals[UNAUTHORIZED], 0);
        }
      g_task_return_error (task, g_steal_pointer (&reply_error));
      return;
    }

  return_func (task, request, root);
}

/*
 * A write gets a key of its own (server/API.md, Idempotency-Key), kept for all its
 * sends: the server then runs it once however often it arrives, so libsoup may send it
 * over the kept-alive connection and send it again when that connection turns out to be
 * closed (SOUP_MESSAGE_IDEMPOTENT); unflagged, every POST and PATCH opened a new TLS
 * connection. Not for signing in and MFA enrollment, which the server does not replay.
 */
static void
add_idempotency_key (SoupMessage *message,
                     const char  *path)
{
  const char *method = soup_message_get_method (message);
  g_autofree char *key = NULL;

  if (g_str_equal (method, SOUP_METHOD_GET) || g_str_equal (method, SOUP_METHOD_HEAD)
      || g_str_has_prefix (path, SESSION_PATH))
    return;
  key = g_uuid_string_random ();
  soup_message_headers_replace (soup_message_get_request_headers (message), "Idempotency-Key",
                                key);
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
}

/* Sends @method @path with @body (or none) and ends @task through @return_func. */
static void
start_call_full (CrmApiClient *self,
                 GTask        *task,
                 const char   *method,
                 const char   *path,
                 gboolean      authenticated,
                 JsonNode     *body,
                 gint64        if_match,
                 gboolean      generic,
                 ReturnFunc    return_func)
{
  g_autoptr(GError) error = NULL;
  Request *request;

  request = new_request (self, method, path, authenticated, &error);
  if (request == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  request->generic = generic;
  if (if_match > 0)
    {
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, if_match);

      soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                    "If-Match", version);
    }
  if (body != NULL)
    {
      g_autofree char *json = crm_json_to_string (body);
      gsize length = strlen (json);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&json), length);

      soup_message_set_request_body_from_bytes (request->message, "application/json", bytes);
      request->body = g_bytes_ref (bytes);
    }
  if (generic)
    add_idempotency_key (request->message, path);

  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_object_set_data (G_OBJECT (task), "crm-return-func", return_func);
  soup_session_send_and_read_async (self->session, request->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), call_read_cb, task);
}

static void
start_call (CrmApiClient *self,
            GTask        *task,
            const char   *method,
            const char   *path,
            gboolean      authenticated,
            JsonNode     *body,
            ReturnFunc    return_func)
{
  start_call_full (self, task, method, path, authenticated, body, 0, FALSE, return_func);
}

static void
crm_api_client_dispose (GObject *object)
{
  CrmApiClient *self = CRM_API_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->pinned_certificate);

  G_OBJECT_CLASS (crm_api_client_parent_class)->dispose (object);
}

static void
crm_api_client_finalize (GObject *object)
{
  CrmApiClient *self = CRM_API_CLIENT (object);

  g_free (self->base_url);
  g_free (self->token);

  G_OBJECT_CLASS (crm_api_client_parent_class)->finalize (object);
}

static void
crm_api_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CrmApiClient *self = CRM_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_PINNED_CERTIFICATE:
      g_value_set_object (value, self->pinned_certificate);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_api_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CrmApiClient *self = CRM_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      crm_api_client_set_base_url (self, g_value_get_string (value));
      break;

    case PROP_PINNED_CERTIFICATE:
      crm_api_client_set_pinned_certificate (self, g_value_get_object (value));
      break;

    case PROP_TOKEN:
      crm_api_client_set_token (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_api_client_class_init (CrmApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_api_client_dispose;
  object_class->finalize = crm_api_client_finalize;
  object_class->get_property = crm_api_client_get_property;
  object_class->set_property = crm_api_client_set_property;

  /**
   * CrmApiClient:base-url:
   *
   * The server's address, such as `https://crm.example.com:8443`.
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmApiClient:pinned-certificate:
   *
   * The one certificate the server may present, or %NULL to rely on the
   * system's certificate authorities.
   */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_object ("pinned-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmApiClient:token:
   *
   * The session token every call but the sign-in carries, or %NULL when
   * signed out. Pointing the client at another server forgets it.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmApiClient::unauthorized:
   * @self: the client
   *
   * A call that carried the token was answered 401: the session expired or
   * was revoked. Emitted before the call's callback runs.
   */
  signals[UNAUTHORIZED] =
    g_signal_new ("unauthorized",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
crm_api_client_init (CrmApiClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "Rapport/" PACKAGE_VERSION " ",
                                                 "timeout", IO_TIMEOUT_SECONDS,
                                                 NULL);
}

/**
 * crm_api_client_new:
 * @base_url: (nullable): the server's address
 *
 * Returns: (transfer full): a new #CrmApiClient
 */
CrmApiClient *
crm_api_client_new (const char *base_url)
{
  return g_object_new (CRM_TYPE_API_CLIENT, "base-url", base_url, NULL);
}

/**
 * crm_api_client_get_base_url:
 * @self: a #CrmApiClient
 *
 * Returns: (nullable) (transfer none): the server's address
 */
const char *
crm_api_client_get_base_url (CrmApiClient *self)
{
  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * crm_api_client_set_base_url:
 * @self: a #CrmApiClient
 * @base_url: (nullable): the server's address, such as `https://crm.example.com:8443`
 *
 * Points the client at another server. An address that is not an http or
 * https URL makes requests fail with %G_IO_ERROR_INVALID_ARGUMENT.
 */
void
crm_api_client_set_base_url (CrmApiClient *self,
                             const char   *base_url)
{
  g_return_if_fail (CRM_IS_API_CLIENT (self));

  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  /* A token is good for the server that issued it only. */
  crm_api_client_set_token (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

/* The session every call goes through, for tests that watch its connections. */
SoupSession *
_crm_api_client_get_session (CrmApiClient *self)
{
  return self->session;
}

/**
 * crm_api_client_get_pinned_certificate:
 * @self: a #CrmApiClient
 *
 * Returns: (nullable) (transfer none): the pinned certificate
 */
GTlsCertificate *
crm_api_client_get_pinned_certificate (CrmApiClient *self)
{
  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);

  return self->pinned_certificate;
}

/**
 * crm_api_client_set_pinned_certificate:
 * @self: a #CrmApiClient
 * @certificate: (nullable): the certificate the server must present
 *
 * Pins the server's certificate. Open connections are closed, so the next
 * request is checked against the new pin.
 */
void
crm_api_client_set_pinned_certificate (CrmApiClient    *self,
                                       GTlsCertificate *certificate)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_if_fail (CRM_IS_API_CLIENT (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (self->pinned_certificate == certificate
      || (self->pinned_certificate != NULL && certificate != NULL
          && g_tls_certificate_is_same (self->pinned_certificate, certificate)))
    return;

  g_set_object (&self->pinned_certificate, certificate);

  /* Without a database every peer certificate fails validation, so each one
   * reaches message_accept_certificate_cb() and is compared with the pin. */
  if (certificate == NULL)
    database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  soup_session_set_tls_database (self->session, database);
  soup_session_abort (self->session);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
}

/**
 * crm_api_client_get_health_async:
 * @self: a #CrmApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered or could not be reached
 * @user_data: data for @callback
 *
 * Asks the server for `GET /api/v1/health`.
 */
void
crm_api_client_get_health_async (CrmApiClient        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Request *request;

  g_return_if_fail (CRM_IS_API_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_api_client_get_health_async);

  request = new_request (self, SOUP_METHOD_GET, CRM_API_HEALTH, FALSE, &error);
  if (request == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  soup_session_send_and_read_async (self->session, request->message, G_PRIORITY_DEFAULT,
                                    cancellable, get_health_read_cb, g_steal_pointer (&task));
}

/**
 * crm_api_client_get_health_finish:
 * @self: a #CrmApiClient
 * @result: the #GAsyncResult passed to the callback
 * @peer_certificate: (out) (optional) (nullable) (transfer full): the
 *   certificate the server presented, when the connection got that far
 *   (also with %CRM_API_CLIENT_ERROR), else %NULL
 * @error: return location for a #GError
 *
 * Errors are in %CRM_API_ERROR when the server answered with an error
 * status, in %CRM_API_CLIENT_ERROR when its certificate is not trusted or
 * not the pinned one, in %G_IO_ERROR, %G_RESOLVER_ERROR or %G_TLS_ERROR when
 * it could not be reached, and %G_IO_ERROR_CANCELLED when cancelled.
 *
 * Returns: (transfer full): the server's health, or %NULL with @error set
 */
CrmHealth *
crm_api_client_get_health_finish (CrmApiClient     *self,
                                  GAsyncResult     *result,
                                  GTlsCertificate **peer_certificate,
                                  GError          **error)
{
  Request *request;

  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == crm_api_client_get_health_async,
                        NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (peer_certificate != NULL)
    *peer_certificate = request != NULL && request->peer_certificate != NULL
                        ? g_object_ref (request->peer_certificate) : NULL;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * crm_api_client_get_token:
 * @self: a #CrmApiClient
 *
 * Returns: (nullable) (transfer none): the session token
 */
const char *
crm_api_client_get_token (CrmApiClient *self)
{
  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);

  return self->token;
}

/**
 * crm_api_client_set_token:
 * @self: a #CrmApiClient
 * @token: (nullable): a session token, or %NULL to sign out locally
 *
 * Sets the token later calls carry.
 */
void
crm_api_client_set_token (CrmApiClient *self,
                          const char   *token)
{
  g_return_if_fail (CRM_IS_API_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * crm_api_client_sign_in_async:
 * @self: a #CrmApiClient
 * @username: the user name
 * @password: the password
 * @totp: (nullable): the code of the user's authenticator app
 * @recovery_code: (nullable): one of the user's recovery codes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered or could not be reached
 * @user_data: data for @callback
 *
 * Signs in: `POST /api/v1/session`. It does not carry the current token, nor
 * change it: on success, hand the account's token to crm_api_client_set_token().
 */
void
crm_api_client_sign_in_async (CrmApiClient        *self,
                              const char          *username,
                              const char          *password,
                              const char          *totp,
                              const char          *recovery_code,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (CRM_IS_API_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_api_client_sign_in_async);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  if (totp != NULL)
    {
      json_builder_set_member_name (builder, "totp");
      json_builder_add_string_value (builder, totp);
    }
  if (recovery_code != NULL)
    {
      json_builder_set_member_name (builder, "recovery_code");
      json_builder_add_string_value (builder, recovery_code);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  start_call (self, task, SOUP_METHOD_POST, SESSION_PATH, FALSE, body, return_account);
}

/**
 * crm_api_client_sign_in_finish:
 * @self: a #CrmApiClient
 * @result: the #GAsyncResult passed to the callback
 * @retry_after: (out) (optional): with %CRM_API_ERROR_RATE_LIMITED, the seconds
 *   the server asks to wait (0 when it did not say), else 0
 * @error: return location for a #GError
 *
 * Errors are in %CRM_API_ERROR: %CRM_API_ERROR_UNAUTHENTICATED for a wrong user
 * name, password or code, %CRM_API_ERROR_MFA_REQUIRED when the password was
 * right and a code is needed, %CRM_API_ERROR_RATE_LIMITED while locked out;
 * else as crm_api_client_get_health_finish().
 *
 * Returns: (transfer full): who signed in, with the new token, or %NULL
 */
CrmAccount *
crm_api_client_sign_in_finish (CrmApiClient  *self,
                               GAsyncResult  *result,
                               guint         *retry_after,
                               GError       **error)
{
  Request *request;

  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == crm_api_client_sign_in_async,
                        NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (retry_after != NULL)
    *retry_after = request != NULL ? request->retry_after : 0;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * crm_api_client_get_session_async:
 * @self: a #CrmApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered or could not be reached
 * @user_data: data for @callback
 *
 * Asks who the client's token belongs to: `GET /api/v1/session`.
 */
void
crm_api_client_get_session_async (CrmApiClient        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CRM_IS_API_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_api_client_get_session_async);
  start_call (self, task, SOUP_METHOD_GET, SESSION_PATH, TRUE, NULL, return_account);
}

/**
 * crm_api_client_get_session_finish:
 * @self: a #CrmApiClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * %CRM_API_ERROR_UNAUTHENTICATED means the token is not (or no longer) valid.
 *
 * Returns: (transfer full): who the token belongs to, or %NULL
 */
CrmAccount *
crm_api_client_get_session_finish (CrmApiClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == crm_api_client_get_session_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * crm_api_client_sign_out_async:
 * @self: a #CrmApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered or could not be reached
 * @user_data: data for @callback
 *
 * Ends the session on the server: `DELETE /api/v1/session`. The request
 * carries the token the client has now; the caller forgets it locally with
 * crm_api_client_set_token() (at once: it need not wait for the server).
 */
void
crm_api_client_sign_out_async (CrmApiClient        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CRM_IS_API_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_api_client_sign_out_async);
  start_call (self, task, SOUP_METHOD_DELETE, SESSION_PATH, TRUE, NULL, return_true);
}

/**
 * crm_api_client_sign_out_finish:
 * @self: a #CrmApiClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server ended the session
 */
gboolean
crm_api_client_sign_out_finish (CrmApiClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (CRM_IS_API_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == crm_api_client_sign_out_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * crm_api_reply_error_get_status:
 * @error: an error of %CRM_API_REPLY_ERROR
 *
 * Returns: the HTTP status of the reply, or 0 for another domain
 */
guint
crm_api_reply_error_get_status (const GError *error)
{
  CrmApiReplyErrorPrivate *priv;

  if (error == NULL || error->domain != CRM_API_REPLY_ERROR)
    return 0;
  priv = crm_api_reply_error_get_private (error);
  return priv != NULL ? priv->status : 0;
}

/**
 * crm_api_reply_error_get_body:
 * @error: an error of %CRM_API_REPLY_ERROR
 *
 * Returns: (nullable) (transfer none): the reply's JSON
 */
JsonNode *
crm_api_reply_error_get_body (const GError *error)
{
  CrmApiReplyErrorPrivate *priv;

  if (error == NULL || error->domain != CRM_API_REPLY_ERROR)
    return NULL;
  priv = crm_api_reply_error_get_private (error);
  return priv != NULL ? priv->body : NULL;
}

static JsonNode *
get_error_member (const GError *error,
                  const char   *name)
{
  JsonObject *object = get_error_object (crm_api_reply_error_get_body (error));

  return object != NULL ? json_object_get_member (object, name) : NULL;
}

/**
 * crm_api_reply_error_get_fields:
 * @error: an error of %CRM_API_REPLY_ERROR
 *
 * Returns: (nullable) (transfer none): `error.fields` of a 422: a message per field name
 */
JsonObject *
crm_api_reply_error_get_fields (const GError *error)
{
  JsonNode *fields = get_error_member (error, "fields");

  return fields != NULL && JSON_NODE_HOLDS_OBJECT (fields) ? json_node_get_object (fields) : NULL;
}

/**
 * crm_api_reply_error_get_current:
 * @error: an error of %CRM_API_REPLY_ERROR
 *
 * Returns: (nullable) (transfer none): `error.current` of a 409 (or a top-level
 *   `current`): the record as stored now
 */
JsonNode *
crm_api_reply_error_get_current (const GError *error)
{
  JsonNode *current = get_error_member (error, "current");
  JsonNode *body = crm_api_reply_error_get_body (error);

  /* API.md puts it in `error`; the server (so far) beside it. */
  if (current == NULL && body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    current = json_object_get_member (json_node_get_object (body), "current");

  return current != NULL && JSON_NODE_HOLDS_OBJECT (current) ? current : NULL;
}

/**
 * crm_api_client_dup_accept_language:
 *
 * The user's language as an `Accept-Language` value: `zh_CN.UTF-8` → `zh-CN`;
 * `en` for the C locale.
 *
 * Returns: (transfer full): a language tag
 */
char *
crm_api_client_dup_accept_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *tag = NULL;
      char *end;

      if (g_str_equal (names[i], "C") || g_str_equal (names[i], "POSIX")
          || g_str_has_prefix (names[i], "C."))
        continue;
      tag = g_strdup (names[i]);
      end = strpbrk (tag, ".@");
      if (end != NULL)
        *end = '\0';
      g_strdelimit (tag, "_", '-');
      if (*tag != '\0')
        return g_steal_pointer (&tag);
    }
  return g_strdup ("en");
}

/**
 * crm_api_query_add:
 * @query: a query string being built, without the leading `?`
 * @key: the parameter's name
 * @value: (nullable): its value; %NULL or empty adds nothing
 *
 * Appends `key=value`, percent-encoded, joined with `&`.
 */
void
crm_api_query_add (GString    *query,
                   const char *key,
                   const char *value)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (query != NULL);
  g_return_if_fail (key != NULL);

  if (value == NULL || *value == '\0')
    return;
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (query, "%s%s=%s", query->len > 0 ? "&" : "", key, escaped);
}

/**
 * crm_api_client_call_async:
 * @self: a #CrmApiClient
 * @method: the HTTP method, such as `GET` or `PATCH`
 * @path: the path below the server's address, such as `/api/v1/customers`
 * @query: (nullable): the encoded query string, without `?` (see crm_api_query_add())
 * @body: (nullable): the JSON body to send
 * @if_match: the version to send as `If-Match`, or 0 for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the reply
 * @user_data: data for @callback
 *
 * Sends any authenticated API call. A 401 to a call with the client's
 * token emits #CrmApiClient::unauthorized first, as for every call.
 *
 * Every other method carries an `Idempotency-Key` of its own (a random UUID,
 * the same for every send of the call), so the server runs it once however
 * often it arrives: libsoup sends it over the kept-alive connection and may
 * send it again when that connection turns out to be closed.
 *
 * A `GET` or such a write answered `503` (the server's database is
 * unavailable) is sent again after 0.5, 1, 2 and 4 s, or after the reply's
 * `Retry-After` when that is longer, before the 503 is handed over;
 * @cancellable also ends the waits.
 */
void
crm_api_client_call_async (CrmApiClient        *self,
                           const char          *method,
                           const char          *path,
                           const char          *query,
                           JsonNode            *body,
                           gint64               if_match,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *full_path = NULL;
  GTask *task;

  g_return_if_fail (CRM_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && *path == '/');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_api_client_call_async);
  full_path = query != NULL && *query != '\0' ? g_strconcat (path, "?", query, NULL)
                                              : g_strdup (path);
  start_call_full (self, task, method, full_path, TRUE, body, if_match, TRUE, return_node);
}

/**
 * crm_api_client_call_finish:
 * @self: a #CrmApiClient
 * @result: the #GAsyncResult passed to the callback
 * @status: (out) (optional): the reply's HTTP status, 0 when there was no reply
 * @error: return location for a #GError
 *
 * Errors: %CRM_API_REPLY_ERROR for an unsuccessful status (see its accessors),
 * %G_IO_ERROR_CANCELLED when cancelled, else as crm_api_client_get_health_finish().
 *
 * Returns: (transfer full): the reply's JSON (a null node for `204`), or %NULL
 */
JsonNode *
crm_api_client_call_finish (CrmApiClient  *self,
                            GAsyncResult  *result,
                            guint         *status,
                            GError       **error)
{
  Request *request;

  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == crm_api_client_call_async,
                        NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (status != NULL)
    *status = request != NULL ? request->status : 0;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
events_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *socket;
  guint status;

  socket = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (socket != NULL)
    {
      g_task_return_pointer (task, socket, g_object_unref);
      return;
    }
  status = soup_message_get_status (request->message);
  if (request->rejected)
    g_task_return_error (task, certificate_error (request));
  else if (status >= 400)
    g_task_return_new_error (task, CRM_API_REPLY_ERROR,
                             status == SOUP_STATUS_UNAUTHORIZED ? CRM_API_ERROR_UNAUTHENTICATED
                                                                : CRM_API_ERROR_INTERNAL,
                             "HTTP %u", status);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * crm_api_client_open_events_async:
 * @self: a #CrmApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the socket is open or could not be opened
 * @user_data: data for @callback
 *
 * Opens the live events WebSocket (`GET /api/v1/events`) with the client's token, through
 * the client's session and its certificate check. A refusal does not emit
 * #CrmApiClient::unauthorized: the calls that follow will.
 */
void
crm_api_client_open_events_async (CrmApiClient        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Request *request;

  g_return_if_fail (CRM_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_api_client_open_events_async);
  request = new_request (self, SOUP_METHOD_GET, CRM_API_BASE "/events", TRUE, &error);
  if (request == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  soup_session_websocket_connect_async (self->session, request->message, NULL, NULL,
                                        G_PRIORITY_DEFAULT, cancellable, events_opened_cb,
                                        g_steal_pointer (&task));
}

/**
 * crm_api_client_open_events_finish:
 *
 * Errors: %CRM_API_REPLY_ERROR (%CRM_API_ERROR_UNAUTHENTICATED for a bad token), the
 * certificate errors of %CRM_API_CLIENT_ERROR, or the connection's.
 *
 * Returns: (transfer full): the open socket, or %NULL
 */
SoupWebsocketConnection *
crm_api_client_open_events_finish (CrmApiClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (CRM_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
