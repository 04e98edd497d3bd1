/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-api"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crm-api-client.h"
#include "crm-api-client-private.h"
#include "crm-api-paths.h"
#include "crm-error.h"
#ifdef HAVE_SERVER
#include "crm-test-server.h"
#endif

/* What the in-process server answers on the health path. */
typedef struct
{
  guint       status;
  const char *content_type;
  const char *body;
} Reply;

typedef struct
{
  SoupServer   *server;
  char         *url;
  CrmApiClient *client;
  const Reply  *reply;
  char         *tmpdir;       /* TLS cases: certificates made for the test */
  char         *authorization; /* the last session request's Authorization header */
  char         *session_body;  /* the last session request's body */
  char         *session_method;
} ApiFixture;

static const char healthy_body[] =
  "{\"status\":\"ok\",\"version\":\"0.1.0\","
  "\"database\":{\"state\":\"ok\",\"schema_version\":3,\"schema_expected\":3}}";

static void
health_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  ApiFixture *fixture = user_data;
  const Reply *reply = fixture->reply;

  g_assert_nonnull (reply);
  soup_server_message_set_status (message, reply->status, NULL);
  if (reply->body != NULL)
    soup_server_message_set_response (message,
                                      reply->content_type ? reply->content_type
                                                          : "application/json",
                                      SOUP_MEMORY_STATIC, reply->body, strlen (reply->body));
}

/* A fake of POST/GET/DELETE /api/v1/session: password "pw"; user "mfa" needs the
 * TOTP code 123456 or the recovery code "abcd-efgh"; user "locked" is locked out
 * for 90 s; the token "good" is a live session. */
static const char session_reply[] =
  "{\"token\":\"%s\",\"user\":{\"id\":7,\"username\":\"%s\",\"display_name\":\"Li Wei\","
  "\"team_id\":null,\"role\":{\"id\":3,\"name\":\"Sales rep\",\"require_mfa\":false},"
  "\"mfa_enabled\":false},\"permissions\":{\"scopes\":{\"customers\":{\"read\":\"own\"}}},"
  "\"mfa_enrollment_required\":false}";

static void
reply_json (SoupServerMessage *message,
            guint              status,
            const char        *body)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
reply_error (SoupServerMessage *message,
             guint              status,
             const char        *code)
{
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":\"no\"}}",
                                           code);

  reply_json (message, status, body);
}

static void
session_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  ApiFixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  SoupMessageBody *request_body = soup_server_message_get_request_body (message);
  const char *method = soup_server_message_get_method (message);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  g_free (fixture->authorization);
  fixture->authorization = g_strdup (authorization);
  g_free (fixture->session_method);
  fixture->session_method = g_strdup (method);
  g_free (fixture->session_body);
  fixture->session_body = g_strndup (request_body->data, request_body->length);

  if (g_str_equal (method, SOUP_METHOD_POST))
    {
      g_autoptr(JsonNode) node = json_from_string (fixture->session_body, NULL);
      JsonObject *object = json_node_get_object (node);
      const char *username = json_object_get_string_member (object, "username");
      const char *password = json_object_get_string_member (object, "password");
      const char *totp = json_object_get_string_member_with_default (object, "totp", NULL);
      const char *recovery =
        json_object_get_string_member_with_default (object, "recovery_code", NULL);
      g_autofree char *token = NULL;
      g_autofree char *body = NULL;

      if (g_str_equal (username, "locked"))
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                        "Retry-After", "90");
          reply_error (message, 429, "rate_limited");
          return;
        }
      if (!g_str_equal (password, "pw"))
        {
          reply_error (message, 401, "unauthenticated");
          return;
        }
      if (g_str_equal (username, "mfa"))
        {
          if (totp == NULL && recovery == NULL)
            {
              reply_error (message, 401, "mfa_required");
              return;
            }
          if (g_strcmp0 (totp, "123456") != 0 && g_strcmp0 (recovery, "abcd-efgh") != 0)
            {
              reply_error (message, 401, "unauthenticated");
              return;
            }
        }
      token = g_strdup_printf ("tok-%s", username);
      body = g_strdup_printf (session_reply, token, username);
      reply_json (message, 201, body);
      return;
    }

  if (g_strcmp0 (authorization, "Bearer good") != 0)
    {
      reply_error (message, 401, "unauthenticated");
      return;
    }
  if (g_str_equal (method, SOUP_METHOD_DELETE))
    {
      soup_server_message_set_status (message, 204, NULL);
      return;
    }
  {
    g_autofree char *body = g_strdup_printf (session_reply, "ignored", "li");
    g_autoptr(JsonNode) node = json_from_string (body, NULL);

    /* GET does not repeat the token. */
    json_object_remove_member (json_node_get_object (node), "token");
    g_free (body);
    body = json_to_string (node, FALSE);
    reply_json (message, 200, body);
  }
}

static void
start_server (ApiFixture      *fixture,
              GTlsCertificate *certificate,
              const char      *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strconcat (prefix, CRM_API_HEALTH, NULL);
  SoupServerListenOptions options = SOUP_SERVER_LISTEN_IPV4_ONLY;
  GSList *uris;
  g_autofree char *root = NULL;

  fixture->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (fixture->server, path, health_cb, fixture, NULL);
  soup_server_add_handler (fixture->server, CRM_API_BASE "/session", session_cb, fixture, NULL);
  if (certificate != NULL)
    options |= SOUP_SERVER_LISTEN_HTTPS;
  soup_server_listen_local (fixture->server, 0, options, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  g_assert_nonnull (uris);
  root = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* The root URI ends in '/', the prefix starts with one; a base URL may end in '/'. */
  g_clear_pointer (&fixture->url, g_free);
  fixture->url = *prefix == '/' ? g_strconcat (root, prefix + 1, "/", NULL) : g_strdup (root);
  fixture->client = crm_api_client_new (fixture->url);
}

static void
fixture_set_up (ApiFixture    *fixture,
                gconstpointer  data)
{
  start_server (fixture, NULL, "");
}

static void
fixture_set_up_bare (ApiFixture    *fixture,
                     gconstpointer  data)
{
}

static void
fixture_tear_down (ApiFixture    *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  if (fixture->server != NULL)
    soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  /* Let both ends finish closing their connections. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&fixture->url, g_free);
  g_clear_pointer (&fixture->authorization, g_free);
  g_clear_pointer (&fixture->session_body, g_free);
  g_clear_pointer (&fixture->session_method, g_free);
  if (fixture->tmpdir != NULL)
    {
      const char *names[] = { "server.pem", "server.key", "other.pem", "other.key" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *file = g_build_filename (fixture->tmpdir, names[i], NULL);

          g_remove (file);
        }
      g_rmdir (fixture->tmpdir);
      g_clear_pointer (&fixture->tmpdir, g_free);
    }
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs the async call to its end on the test's main context. */
static CrmHealth *
get_health_full (CrmApiClient     *client,
                 GCancellable     *cancellable,
                 GTlsCertificate **peer_certificate,
                 GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  crm_api_client_get_health_async (client, cancellable, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return crm_api_client_get_health_finish (client, result, peer_certificate, error);
}

static CrmHealth *
get_health (CrmApiClient  *client,
            GCancellable  *cancellable,
            GError       **error)
{
  return get_health_full (client, cancellable, NULL, error);
}

/* --- plain HTTP ----------------------------------------------------------- */

static void
test_health_ok (ApiFixture    *fixture,
                gconstpointer  data)
{
  static const Reply reply = { SOUP_STATUS_OK, NULL, healthy_body };
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  fixture->reply = &reply;
  health = get_health (fixture->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (health);
  g_assert_cmpstr (health->server_version, ==, "0.1.0");
  g_assert_true (health->database_ok);
  g_assert_cmpint (health->schema_version, ==, 3);
  g_assert_cmpint (health->schema_expected, ==, 3);
}

static void
test_health_prefix (ApiFixture    *fixture,
                    gconstpointer  data)
{
  static const Reply reply = { SOUP_STATUS_OK, NULL, healthy_body };
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  /* A server behind a reverse proxy under /rapport/: the prefix stays. */
  start_server (fixture, NULL, "/rapport");
  fixture->reply = &reply;
  health = get_health (fixture->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (health->server_version, ==, "0.1.0");
}

static void
test_health_degraded (ApiFixture    *fixture,
                      gconstpointer  data)
{
  /* rapport-server's 503: the contract's error plus a health report that still
   * describes the server. */
  static const Reply reply = {
    SOUP_STATUS_SERVICE_UNAVAILABLE, NULL,
    "{\"error\":{\"code\":\"unavailable\",\"message\":\"The database is unavailable\"},"
    "\"health\":{\"status\":\"degraded\",\"version\":\"0.1.0\","
    "\"database\":{\"state\":\"unavailable\",\"schema_version\":null,\"schema_expected\":3}}}",
  };
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  fixture->reply = &reply;
  health = get_health (fixture->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (health->database_ok);
  g_assert_cmpint (health->schema_version, ==, -1);
}

typedef struct
{
  Reply        reply;
  CrmApiError  code;
  const char  *message;    /* NULL: not checked */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { { SOUP_STATUS_SERVICE_UNAVAILABLE, NULL,
      "{\"error\":{\"code\":\"unavailable\",\"message\":\"database down\"}}" },
    CRM_API_ERROR_UNAVAILABLE, "database down" },
  { { SOUP_STATUS_NOT_FOUND, NULL, NULL }, CRM_API_ERROR_NOT_FOUND, "HTTP 404 Not Found" },
  { { SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/html", "<h1>oops</h1>" },
    CRM_API_ERROR_INTERNAL, NULL },
  /* An unknown code falls back to the status. */
  { { SOUP_STATUS_CONFLICT, NULL, "{\"error\":{\"code\":\"no_such_code\"}}" },
    CRM_API_ERROR_CONFLICT, NULL },
  { { SOUP_STATUS_UNAUTHORIZED, NULL,
      "{\"error\":{\"code\":\"unauthenticated\",\"message\":\"sign in\"}}" },
    CRM_API_ERROR_UNAUTHENTICATED, "sign in" },
  /* Successful status, unusable body. */
  { { SOUP_STATUS_OK, "text/plain", "hello" }, CRM_API_ERROR_MALFORMED, NULL },
  { { SOUP_STATUS_OK, NULL, "{}" }, CRM_API_ERROR_MALFORMED, NULL },
  { { SOUP_STATUS_OK, NULL, "[1,2]" }, CRM_API_ERROR_MALFORMED, NULL },
};

static void
test_health_errors (ApiFixture    *fixture,
                    gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autoptr(CrmHealth) health = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("Reply %u: status %u", i, error_cases[i].reply.status);
      fixture->reply = &error_cases[i].reply;
      health = get_health (fixture->client, NULL, &error);
      g_assert_null (health);
      g_assert_error (error, CRM_API_ERROR, (int) error_cases[i].code);
      if (error_cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, error_cases[i].message);
    }
}

static void
test_health_cancelled (ApiFixture    *fixture,
                       gconstpointer  data)
{
  static const Reply reply = { SOUP_STATUS_OK, NULL, healthy_body };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  fixture->reply = &reply;
  g_cancellable_cancel (cancellable);
  health = get_health (fixture->client, cancellable, &error);
  g_assert_null (health);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_health_refused (ApiFixture    *fixture,
                     gconstpointer  data)
{
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  fixture->client = crm_api_client_new ("http://127.0.0.1:1");
  health = get_health (fixture->client, NULL, &error);
  g_assert_null (health);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_health_invalid_url (ApiFixture    *fixture,
                         gconstpointer  data)
{
  const char *urls[] = { "not a url", "ftp://127.0.0.1/", "https://", "", NULL };

  fixture->client = crm_api_client_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(CrmHealth) health = NULL;
      g_autoptr(GError) error = NULL;

      crm_api_client_set_base_url (fixture->client, urls[i]);
      health = get_health (fixture->client, NULL, &error);
      g_assert_null (health);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

/* --- TLS and pinning ----------------------------------------------------- */

/* A self-signed certificate for 127.0.0.1 in @dir, as @name.pem and @name.key. */
static gboolean
make_certificate (const char *dir,
                  const char *name)
{
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, name);
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", key, "-out", cert, NULL
  };

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &wait_status, &error))
    return FALSE;
  return g_spawn_check_wait_status (wait_status, NULL);
}

static void
fixture_set_up_tls (ApiFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()) || openssl == NULL)
    return;

  fixture->tmpdir = g_dir_make_tmp ("crm-test-tls-XXXXXX", &error);
  g_assert_no_error (error);
  if (!make_certificate (fixture->tmpdir, "server") || !make_certificate (fixture->tmpdir, "other"))
    return;

  cert = g_build_filename (fixture->tmpdir, "server.pem", NULL);
  key = g_build_filename (fixture->tmpdir, "server.key", NULL);
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  start_server (fixture, certificate, "");
}

static GTlsCertificate *
load_certificate (ApiFixture *fixture,
                  const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s/%s.pem", fixture->tmpdir, name);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  certificate = g_tls_certificate_new_from_file (file, &error);
  g_assert_no_error (error);
  return certificate;
}

static gboolean
skip_without_tls (ApiFixture *fixture)
{
  if (fixture->server != NULL)
    return FALSE;
  g_test_skip ("No TLS backend or no openssl to make a certificate");
  return TRUE;
}

static void
test_tls_untrusted (ApiFixture    *fixture,
                    gconstpointer  data)
{
  static const Reply reply = { SOUP_STATUS_OK, NULL, healthy_body };
  g_autoptr(GTlsCertificate) server = NULL;
  g_autoptr(GTlsCertificate) peer = NULL;
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_tls (fixture))
    return;

  /* No pin: a self-signed certificate is not trusted by the system. The
   * client says so, and hands out the certificate for the user to judge. */
  fixture->reply = &reply;
  health = get_health_full (fixture->client, NULL, &peer, &error);
  g_assert_null (health);
  g_assert_error (error, CRM_API_CLIENT_ERROR, CRM_API_CLIENT_ERROR_UNTRUSTED_CERTIFICATE);
  server = load_certificate (fixture, "server");
  g_assert_nonnull (peer);
  g_assert_true (g_tls_certificate_is_same (peer, server));
}

static void
test_tls_pinned (ApiFixture    *fixture,
                 gconstpointer  data)
{
  static const Reply reply = { SOUP_STATUS_OK, NULL, healthy_body };
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autoptr(GTlsCertificate) peer = NULL;
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_tls (fixture))
    return;

  fixture->reply = &reply;
  pinned = load_certificate (fixture, "server");
  crm_api_client_set_pinned_certificate (fixture->client, pinned);
  health = get_health_full (fixture->client, NULL, &peer, &error);
  g_assert_no_error (error);
  g_assert_true (health->database_ok);
  g_assert_nonnull (peer);
  g_assert_true (g_tls_certificate_is_same (peer, pinned));

  /* Unpinning goes back to the system's trust, which rejects the server. */
  g_clear_pointer (&health, crm_health_free);
  crm_api_client_set_pinned_certificate (fixture->client, NULL);
  health = get_health (fixture->client, NULL, &error);
  g_assert_null (health);
  g_assert_error (error, CRM_API_CLIENT_ERROR, CRM_API_CLIENT_ERROR_UNTRUSTED_CERTIFICATE);
}

static void
test_tls_wrong_pin (ApiFixture    *fixture,
                    gconstpointer  data)
{
  static const Reply reply = { SOUP_STATUS_OK, NULL, healthy_body };
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autoptr(GTlsCertificate) server = NULL;
  g_autoptr(GTlsCertificate) peer = NULL;
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_tls (fixture))
    return;

  fixture->reply = &reply;
  pinned = load_certificate (fixture, "other");
  server = load_certificate (fixture, "server");
  crm_api_client_set_pinned_certificate (fixture->client, pinned);
  health = get_health_full (fixture->client, NULL, &peer, &error);
  g_assert_null (health);
  g_assert_error (error, CRM_API_CLIENT_ERROR, CRM_API_CLIENT_ERROR_CERTIFICATE_CHANGED);
  g_assert_nonnull (peer);
  g_assert_true (g_tls_certificate_is_same (peer, server));
  g_assert_false (g_tls_certificate_is_same (peer, pinned));
}

/* --- the session ------------------------------------------------------------ */

static CrmAccount *
sign_in (CrmApiClient  *client,
         const char    *username,
         const char    *password,
         const char    *totp,
         const char    *recovery_code,
         guint         *retry_after,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  crm_api_client_sign_in_async (client, username, password, totp, recovery_code, NULL,
                                store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return crm_api_client_sign_in_finish (client, result, retry_after, error);
}

static CrmAccount *
get_session (CrmApiClient  *client,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  crm_api_client_get_session_async (client, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return crm_api_client_get_session_finish (client, result, error);
}

static void
test_session_sign_in (ApiFixture    *fixture,
                      gconstpointer  data)
{
  g_autoptr(CrmAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  guint retry_after = 99;

  /* A sign-in never carries the token the client had. */
  crm_api_client_set_token (fixture->client, "old");
  account = sign_in (fixture->client, "li", "pw", NULL, NULL, &retry_after, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retry_after, ==, 0);
  g_assert_cmpstr (fixture->session_method, ==, "POST");
  g_assert_null (fixture->authorization);
  body = json_from_string (fixture->session_body, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "username"), ==,
                   "li");
  g_assert_false (json_object_has_member (json_node_get_object (body), "totp"));
  g_assert_cmpstr (account->token, ==, "tok-li");
  g_assert_cmpstr (account->display_name, ==, "Li Wei");
  g_assert_cmpstr (account->role_name, ==, "Sales rep");
  g_assert_cmpint (crm_permissions_get_scope (account->permissions, CRM_OBJECT_CUSTOMERS,
                                              CRM_ACTION_READ), ==, CRM_SCOPE_OWN);
  /* Nor changes it: the caller decides. */
  g_assert_cmpstr (crm_api_client_get_token (fixture->client), ==, "old");
}

static void
test_session_sign_in_errors (ApiFixture    *fixture,
                             gconstpointer  data)
{
  g_autoptr(CrmAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  guint retry_after = 99;

  account = sign_in (fixture->client, "li", "wrong", NULL, NULL, &retry_after, &error);
  g_assert_null (account);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_UNAUTHENTICATED);
  g_assert_cmpuint (retry_after, ==, 0);
  g_clear_error (&error);

  account = sign_in (fixture->client, "locked", "pw", NULL, NULL, &retry_after, &error);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_RATE_LIMITED);
  g_assert_cmpuint (retry_after, ==, 90);
  g_clear_error (&error);

  /* Two steps: the password, then a code. */
  account = sign_in (fixture->client, "mfa", "pw", NULL, NULL, NULL, &error);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_MFA_REQUIRED);
  g_clear_error (&error);
  account = sign_in (fixture->client, "mfa", "pw", "000000", NULL, NULL, &error);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);
  account = sign_in (fixture->client, "mfa", "pw", "123456", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->token, ==, "tok-mfa");
  g_clear_pointer (&account, crm_account_free);
  account = sign_in (fixture->client, "mfa", "pw", NULL, "abcd-efgh", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (fixture->session_body, "\"recovery_code\":\"abcd-efgh\""));
}

static void
count_cb (CrmApiClient *client,
          guint        *count)
{
  (*count)++;
}

static void
test_session_get (ApiFixture    *fixture,
                  gconstpointer  data)
{
  g_autoptr(CrmAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  guint unauthorized = 0;

  g_signal_connect (fixture->client, "unauthorized", G_CALLBACK (count_cb), &unauthorized);

  crm_api_client_set_token (fixture->client, "good");
  account = get_session (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->authorization, ==, "Bearer good");
  g_assert_cmpstr (account->token, ==, "good");
  g_assert_cmpstr (account->username, ==, "li");
  g_assert_cmpuint (unauthorized, ==, 0);
  g_clear_pointer (&account, crm_account_free);

  /* A dead token: the error, and the signal. */
  crm_api_client_set_token (fixture->client, "expired");
  account = get_session (fixture->client, &error);
  g_assert_null (account);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_UNAUTHENTICATED);
  g_assert_cmpstr (fixture->authorization, ==, "Bearer expired");
  g_assert_cmpuint (unauthorized, ==, 1);
  g_clear_error (&error);

  /* A wrong password is not a session that ended. */
  g_clear_pointer (&account, crm_account_free);
  account = sign_in (fixture->client, "li", "wrong", NULL, NULL, NULL, &error);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_UNAUTHENTICATED);
  g_assert_cmpuint (unauthorized, ==, 1);

  /* Another server: the token is forgotten. */
  crm_api_client_set_base_url (fixture->client, "https://elsewhere.example.com");
  g_assert_null (crm_api_client_get_token (fixture->client));
}

static void
test_session_sign_out (ApiFixture    *fixture,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  crm_api_client_set_token (fixture->client, "good");
  crm_api_client_sign_out_async (fixture->client, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (crm_api_client_sign_out_finish (fixture->client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->session_method, ==, "DELETE");
  g_assert_cmpstr (fixture->authorization, ==, "Bearer good");
}

static void
test_session_cancelled (ApiFixture    *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmAccount) account = NULL;

  crm_api_client_sign_in_async (fixture->client, "li", "pw", NULL, NULL, cancellable,
                                store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  account = crm_api_client_sign_in_finish (fixture->client, result, NULL, &error);
  g_assert_null (account);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- the generic call ----------------------------------------------------- */

static void
test_accept_language (void)
{
  const char *cases[][2] = {
    { "zh_CN", "zh-CN" },
    { "zh_CN.UTF-8:en", "zh-CN" },
    { "de_DE@euro", "de-DE" },
    { "fr", "fr" },
  };

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tag = NULL;

      g_setenv ("LANGUAGE", cases[i][0], TRUE);
      tag = crm_api_client_dup_accept_language ();
      g_assert_cmpstr (tag, ==, cases[i][1]);
    }
  g_unsetenv ("LANGUAGE");
  {
    g_autofree char *tag = crm_api_client_dup_accept_language ();

    g_assert_cmpstr (tag, ==, "en");
  }
}

static void
test_query_add (void)
{
  g_autoptr(GString) query = g_string_new (NULL);

  crm_api_query_add (query, "q", "明远 & co");
  crm_api_query_add (query, "kind", NULL);
  crm_api_query_add (query, "tag", "1,4");
  crm_api_query_add (query, "sort", "");
  g_assert_cmpstr (query->str, ==, "q=%E6%98%8E%E8%BF%9C%20%26%20co&tag=1%2C4");
}

#ifdef HAVE_SERVER
typedef struct
{
  CrmTestCluster *cluster;
  CrmTestServer  *server;
  CrmApiClient   *client;
  char           *token;
} RealFixture;

static void
real_set_up (RealFixture   *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!crm_test_have_postgresql ()
      || !g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("rapport-server cannot run here (PostgreSQL or TLS missing)");
      return;
    }
  fixture->cluster = crm_test_cluster_new ();
  fixture->server = crm_test_server_new (fixture->cluster, NULL);
  crm_test_server_create_user (fixture->server, "li", "sales_rep", "Correct-horse-7");
  fixture->token = crm_test_server_sign_in (fixture->server, "li", "Correct-horse-7");
  fixture->client = crm_api_client_new (crm_test_server_get_url (fixture->server));
  crm_api_client_set_pinned_certificate (fixture->client,
                                         crm_test_server_get_certificate (fixture->server));
  crm_api_client_set_token (fixture->client, fixture->token);
}

static void
real_tear_down (RealFixture   *fixture,
                gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, crm_test_server_free);
  g_clear_pointer (&fixture->cluster, crm_test_cluster_free);
  g_clear_pointer (&fixture->token, g_free);
}

/* Runs crm_api_client_call_async () to its end. */
static JsonNode *
call (CrmApiClient  *client,
      const char    *method,
      const char    *path,
      const char    *query,
      const char    *json,
      gint64         if_match,
      GCancellable  *cancellable,
      guint         *status,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) body = json != NULL ? json_from_string (json, NULL) : NULL;

  crm_api_client_call_async (client, method, path, query, body, if_match, cancellable,
                             store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return crm_api_client_call_finish (client, result, status, error);
}

static void
count_signal_cb (gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_call_real (RealFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) stale = NULL;
  g_autoptr(JsonNode) invalid = NULL;
  g_autoptr(JsonNode) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonObject *fields;
  JsonNode *current;
  JsonArray *items;
  gint64 id;
  gint64 version;
  guint status = 0;

  if (fixture->server == NULL)
    return;

  /* Created: 201 and the record. */
  created = call (fixture->client, "POST", CRM_API_BASE "/customers", NULL,
                  "{\"name\":\"上海明远贸易有限公司\",\"city\":\"上海市\"}", 0, NULL, &status,
                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  id = json_object_get_int_member (json_node_get_object (created), "id");
  version = json_object_get_int_member (json_node_get_object (created), "version");
  g_assert_cmpint (id, >, 0);

  /* A query string, percent-encoded. */
  list = call (fixture->client, "GET", CRM_API_BASE "/customers", "q=%E6%98%8E%E8%BF%9C", NULL,
               0, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (list), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);

  /* 404: the code, the status, the message. */
  missing = call (fixture->client, "GET", CRM_API_BASE "/customers/987654", NULL, NULL, 0, NULL,
                  &status, &error);
  g_assert_null (missing);
  g_assert_error (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_NOT_FOUND);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpuint (crm_api_reply_error_get_status (error), ==, 404);
  g_clear_error (&error);

  /* 422: a message per field. */
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, id);
  invalid = call (fixture->client, "PATCH", path, NULL, "{\"name\":\"\"}", version, NULL, &status,
                  &error);
  g_assert_null (invalid);
  g_assert_error (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_INVALID);
  fields = crm_api_reply_error_get_fields (error);
  g_assert_nonnull (fields);
  g_assert_true (json_object_has_member (fields, "name"));
  g_assert_null (crm_api_reply_error_get_current (error));
  g_clear_error (&error);

  /* If-Match: the right version saves, a stale one is a 409 with the current record. */
  updated = call (fixture->client, "PATCH", path, NULL, "{\"city\":\"北京市\"}", version, NULL,
                  &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (updated), "version"), >,
                   version);
  stale = call (fixture->client, "PATCH", path, NULL, "{\"city\":\"广州市\"}", version, NULL,
                &status, &error);
  g_assert_null (stale);
  g_assert_error (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_CONFLICT);
  g_assert_cmpuint (status, ==, 409);
  current = crm_api_reply_error_get_current (error);
  g_assert_nonnull (current);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (current), "city"), ==,
                   "北京市");
  g_clear_error (&error);
}

static void
test_call_cancelled (RealFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (fixture->server == NULL)
    return;
  g_cancellable_cancel (cancellable);
  reply = call (fixture->client, "GET", CRM_API_BASE "/customers", NULL, NULL, 0, cancellable,
                NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_call_unauthorized (RealFixture   *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint unauthorized = 0;
  guint status = 0;

  if (fixture->server == NULL)
    return;
  g_signal_connect_swapped (fixture->client, "unauthorized", G_CALLBACK (count_signal_cb),
                            &unauthorized);
  crm_api_client_set_token (fixture->client, "not-a-session");
  reply = call (fixture->client, "GET", CRM_API_BASE "/customers", NULL, NULL, 0, NULL, &status,
                &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_UNAUTHENTICATED);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpuint (unauthorized, ==, 1);
}

/* Counts the TLS handshakes of the messages @session sends. */
static void
message_network_event_cb (SoupMessage        *message,
                          GSocketClientEvent  event,
                          GIOStream          *connection,
                          guint              *handshakes)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKED)
    (*handshakes)++;
}

static void
session_request_queued_cb (SoupSession *session,
                           SoupMessage *message,
                           guint       *handshakes)
{
  g_signal_connect (message, "network-event", G_CALLBACK (message_network_event_cb), handshakes);
}

/*
 * Writes go over the kept-alive connection (issues 4 and 6): consecutive creates
 * through the client API make one TLS handshake, not one each, and each carries an
 * Idempotency-Key of its own. Also prints the round trip of a create.
 */
static void
test_call_reuses_connection (RealFixture   *fixture,
                             gconstpointer  data)
{
  SoupSession *session;
  const char *n_text = g_getenv ("RAPPORT_TEST_CREATES");
  guint n_creates = n_text != NULL ? (guint) g_ascii_strtoull (n_text, NULL, 10) : 20;
  guint handshakes = 0;
  gint64 started;
  double ms;
  guint status = 0;
  gint64 last_id = 0;

  if (fixture->server == NULL)
    return;
  session = _crm_api_client_get_session (fixture->client);
  g_signal_connect (session, "request-queued", G_CALLBACK (session_request_queued_cb),
                    &handshakes);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < n_creates; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"连接复用客户%u有限公司\"}", i);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) created = call (fixture->client, "POST", CRM_API_BASE "/customers",
                                          NULL, body, 0, NULL, &status, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 201);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (created), "id"), >,
                       last_id);
      last_id = json_object_get_int_member (json_node_get_object (created), "id");
    }
  ms = (g_get_monotonic_time () - started) / 1000.0;
  g_test_message ("%u creates through the client API: %.2f ms per create, %u TLS handshakes",
                  n_creates, ms / n_creates, handshakes);
  g_signal_handlers_disconnect_by_func (session, session_request_queued_cb, &handshakes);
  g_assert_cmpuint (handshakes, ==, 1);

  /* A key of its own per create, kept by the server with the reply. */
  {
    g_autoptr(PGconn) db = crm_test_cluster_connect (fixture->cluster);
    g_autofree char *keys = crm_test_query_value (db, "SELECT count(DISTINCT key) "
                                                      "FROM idempotency_keys WHERE status = 201");
    g_autofree char *expected = g_strdup_printf ("%u", n_creates);

    g_assert_cmpstr (keys, ==, expected);
  }
}

static gboolean
start_cluster_cb (gpointer user_data)
{
  crm_test_cluster_start (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A GET answered 503 while the database is down is sent again, with back-off,
 * until the database is back, and so is a write (it carries an Idempotency-Key);
 * a retry can be cancelled; and after the last retry the 503 reaches the caller. */
static void
test_call_retry (RealFixture   *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint status = 0;
  gint64 started;
  double seconds;

  if (fixture->server == NULL)
    return;
  /* Warm the server's connections, so that each has one to lose. */
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(JsonNode) warm = call (fixture->client, "GET", CRM_API_BASE "/customers", NULL,
                                       NULL, 0, NULL, &status, &error);

      g_assert_no_error (error);
    }

  /* The database comes back 1.5 s later: the GET succeeds, later. */
  crm_test_cluster_stop (fixture->cluster);
  g_timeout_add (1500, start_cluster_cb, fixture->cluster);
  started = g_get_monotonic_time ();
  reply = call (fixture->client, "GET", CRM_API_BASE "/customers", NULL, NULL, 0, NULL, &status,
                &error);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  g_test_message ("GET during a 1.5 s outage answered %u after %.2f s", status, seconds);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpfloat (seconds, >=, 1.4);
  g_clear_pointer (&reply, json_node_unref);

  /* A POST carries its Idempotency-Key, so it is sent again too: one customer. */
  crm_test_cluster_stop (fixture->cluster);
  g_timeout_add (1500, start_cluster_cb, fixture->cluster);
  started = g_get_monotonic_time ();
  reply = call (fixture->client, "POST", CRM_API_BASE "/customers", NULL,
                "{\"name\":\"重试客户有限公司\"}", 0, NULL, &status, &error);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  g_test_message ("POST during a 1.5 s outage answered %u after %.2f s", status, seconds);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpfloat (seconds, >=, 1.4);
  g_clear_pointer (&reply, json_node_unref);
  reply = call (fixture->client, "GET", CRM_API_BASE "/customers",
                "q=%E9%87%8D%E8%AF%95%E5%AE%A2%E6%88%B7", NULL, 0, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (reply), "items")), ==, 1);
  g_clear_pointer (&reply, json_node_unref);

  /* Cancelled while it waits to try again: it ends at once. */
  crm_test_cluster_stop (fixture->cluster);
  g_timeout_add (300, cancel_cb, cancellable);
  started = g_get_monotonic_time ();
  reply = call (fixture->client, "GET", CRM_API_BASE "/customers", NULL, NULL, 0, cancellable,
                &status, &error);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (seconds, <, 0.9);
  g_clear_error (&error);

  /* Never back: 1 + 1 + 2 + 4 s of pauses (Retry-After: 1 stretches the first), then 503. */
  started = g_get_monotonic_time ();
  reply = call (fixture->client, "GET", CRM_API_BASE "/customers", NULL, NULL, 0, NULL, &status,
                &error);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  g_test_message ("GET during a long outage gave up after %.2f s", seconds);
  g_assert_null (reply);
  g_assert_error (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_UNAVAILABLE);
  g_assert_cmpuint (status, ==, 503);
  g_assert_cmpfloat (seconds, >=, 7.9);
  g_assert_cmpfloat (seconds, <, 20);
  g_clear_error (&error);
  crm_test_cluster_start (fixture->cluster);
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/crm/client/api/health/ok", ApiFixture, NULL,
              fixture_set_up, test_health_ok, fixture_tear_down);
  g_test_add ("/crm/client/api/health/prefix", ApiFixture, NULL,
              fixture_set_up_bare, test_health_prefix, fixture_tear_down);
  g_test_add ("/crm/client/api/health/degraded", ApiFixture, NULL,
              fixture_set_up, test_health_degraded, fixture_tear_down);
  g_test_add ("/crm/client/api/health/errors", ApiFixture, NULL,
              fixture_set_up, test_health_errors, fixture_tear_down);
  g_test_add ("/crm/client/api/health/cancelled", ApiFixture, NULL,
              fixture_set_up, test_health_cancelled, fixture_tear_down);
  g_test_add ("/crm/client/api/health/refused", ApiFixture, NULL,
              fixture_set_up_bare, test_health_refused, fixture_tear_down);
  g_test_add ("/crm/client/api/health/invalid-url", ApiFixture, NULL,
              fixture_set_up_bare, test_health_invalid_url, fixture_tear_down);
  g_test_add ("/crm/client/api/tls/untrusted", ApiFixture, NULL,
              fixture_set_up_tls, test_tls_untrusted, fixture_tear_down);
  g_test_add ("/crm/client/api/tls/pinned", ApiFixture, NULL,
              fixture_set_up_tls, test_tls_pinned, fixture_tear_down);
  g_test_add ("/crm/client/api/tls/wrong-pin", ApiFixture, NULL,
              fixture_set_up_tls, test_tls_wrong_pin, fixture_tear_down);
  g_test_add ("/crm/client/api/session/sign-in", ApiFixture, NULL,
              fixture_set_up, test_session_sign_in, fixture_tear_down);
  g_test_add ("/crm/client/api/session/sign-in-errors", ApiFixture, NULL,
              fixture_set_up, test_session_sign_in_errors, fixture_tear_down);
  g_test_add ("/crm/client/api/session/get", ApiFixture, NULL,
              fixture_set_up, test_session_get, fixture_tear_down);
  g_test_add ("/crm/client/api/session/sign-out", ApiFixture, NULL,
              fixture_set_up, test_session_sign_out, fixture_tear_down);
  g_test_add ("/crm/client/api/session/cancelled", ApiFixture, NULL,
              fixture_set_up, test_session_cancelled, fixture_tear_down);

  g_test_add_func ("/crm/client/api/call/accept-language", test_accept_language);
  g_test_add_func ("/crm/client/api/call/query", test_query_add);
#ifdef HAVE_SERVER
  g_test_add ("/crm/client/api/call/real-server", RealFixture, NULL,
              real_set_up, test_call_real, real_tear_down);
  g_test_add ("/crm/client/api/call/cancelled", RealFixture, NULL,
              real_set_up, test_call_cancelled, real_tear_down);
  g_test_add ("/crm/client/api/call/unauthorized", RealFixture, NULL,
              real_set_up, test_call_unauthorized, real_tear_down);
  g_test_add ("/crm/client/api/call/reuses-connection", RealFixture, NULL,
              real_set_up, test_call_reuses_connection, real_tear_down);
  g_test_add ("/crm/client/api/call/retry-503", RealFixture, NULL,
              real_set_up, test_call_retry, real_tear_down);
#endif

  return g_test_run ();
}
