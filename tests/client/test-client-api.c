/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-api"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "crm-api-client.h"
#include "crm-api-paths.h"
#include "crm-error.h"

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

  return g_test_run ();
}
