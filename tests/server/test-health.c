/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "crm-api-paths.h"
#include "crm-migrate.h"
#include "crm-test-server.h"

/* The health endpoint and the generic HTTP behaviour, over real HTTPS. */

static CrmTestCluster *cluster;
static CrmTestServer *server;

static void
test_health_ok (void)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_server_request (server, "GET", CRM_API_HEALTH, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (crm_test_json_get_string (reply, "status"), ==, "ok");
  g_assert_cmpstr (crm_test_json_get_string (reply, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (crm_test_json_get_string (reply, "database.state"), ==, "ok");
  g_assert_cmpint (crm_test_json_get_int (reply, "database.schema_version"), ==,
                   crm_migrate_get_latest_known ());
  g_assert_cmpint (crm_test_json_get_int (reply, "database.schema_expected"), ==,
                   crm_migrate_get_latest_known ());
}

static void
test_https_only (void)
{
  g_autofree char *plain = NULL;
  g_autoptr(SoupSession) session = crm_test_session_new ();
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (crm_test_server_get_url (server), "https://127.0.0.1:"));
  plain = g_strconcat ("http://", crm_test_server_get_url (server) + strlen ("https://"),
                       CRM_API_HEALTH, NULL);
  message = soup_message_new ("GET", plain);
  /* The server waits for a TLS handshake that never comes: give up quickly. */
  soup_session_set_timeout (session, 2);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_nonnull (error);
  g_assert_null (body);

  /* The same server answers over TLS all along. */
  reply = crm_test_server_request (server, "GET", CRM_API_HEALTH, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* A client that does not trust the server's certificate gets a TLS error, not data. */
static void
test_untrusted_certificate_refused (void)
{
  g_autofree char *url = g_strconcat (crm_test_server_get_url (server), CRM_API_HEALTH, NULL);
  g_autoptr(SoupSession) session = crm_test_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static void
test_certificate_names (void)
{
  GTlsCertificate *certificate = crm_test_server_get_certificate (server);
  g_autoptr(GSocketConnectable) localhost = g_network_address_new ("localhost", 8443);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketConnectable) loopback_address = G_SOCKET_CONNECTABLE (
    g_inet_socket_address_new (loopback, 8443));
  GTlsCertificateFlags flags;

  flags = g_tls_certificate_verify (certificate, localhost, certificate);
  g_assert_cmpint (flags & G_TLS_CERTIFICATE_BAD_IDENTITY, ==, 0);
  flags = g_tls_certificate_verify (certificate, loopback_address, certificate);
  g_assert_cmpint (flags & G_TLS_CERTIFICATE_BAD_IDENTITY, ==, 0);
}

static void
test_not_found (void)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_server_request (server, "GET", CRM_API_BASE "/no-such-thing", NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==, "not_found");
  g_assert_nonnull (crm_test_json_get_string (reply, "error.message"));
}

static void
test_method_not_allowed (void)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "DELETE", CRM_API_HEALTH,
                                                                NULL);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_server_send (server, message, &status);
  g_assert_cmpuint (status, ==, 405);
  g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                 "Allow"), ==, "GET");
}

static void
test_wrong_content_type (void)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "POST", CRM_API_HEALTH,
                                                                NULL);
  g_autoptr(GBytes) body = g_bytes_new_static ("name=x", 6);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
  reply = crm_test_server_send (server, message, &status);
  g_assert_cmpuint (status, ==, 415);
  g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==, "unsupported_media_type");
}

static void
test_too_large (void)
{
  gsize size = CRM_API_MAX_BODY_SIZE + 1;
  char *data = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "POST", CRM_API_HEALTH,
                                                                NULL);
  g_autoptr(SoupSession) session = crm_test_session_new ();
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  memset (data, ' ', size);
  body = g_bytes_new_take (data, size);
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  reply = crm_test_send (session, message, &status, &error);
  /* The server answers 413 before reading the body, then closes the connection. */
  if (error == NULL)
    {
      g_assert_cmpuint (status, ==, 413);
      g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==, "too_large");
    }
  else
    g_assert_cmpuint (soup_message_get_status (message), ==, 413);
}

static void
test_request_id (void)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "GET", CRM_API_HEALTH,
                                                                NULL);
  g_autoptr(SoupMessage) second = crm_test_server_new_message (server, "GET", CRM_API_HEALTH,
                                                               NULL);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) reply2 = NULL;
  g_autofree char *log = NULL;
  guint status = 0;
  const char *generated;

  soup_message_headers_replace (soup_message_get_request_headers (message), "X-Request-Id",
                                "test-req-42");
  reply = crm_test_server_send (server, message, &status);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                 "X-Request-Id"), ==, "test-req-42");

  /* A hostile id is replaced, not echoed. */
  soup_message_headers_replace (soup_message_get_request_headers (second), "X-Request-Id",
                                "bad id\"{}");
  reply2 = crm_test_server_send (server, second, &status);
  generated = soup_message_headers_get_one (soup_message_get_response_headers (second),
                                            "X-Request-Id");
  g_assert_nonnull (generated);
  g_assert_cmpuint (strlen (generated), ==, 16);

  /* One structured access line per request. */
  log = crm_test_server_dup_log (server);
  g_assert_nonnull (strstr (log, "method=GET path=/api/v1/health status=200"));
  g_assert_nonnull (strstr (log, "request_id=test-req-42"));
}

/* The embedded default: no database URL, the server runs and stops its own cluster. */
static void
test_embedded_cluster (void)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *root = crm_test_make_dir ();
  g_autofree char *socket = NULL;
  g_autofree char *log = NULL;

  data_dir = g_build_filename (root, "d", NULL);
  socket = g_build_filename (data_dir, "pg", ".s.PGSQL.5432", NULL);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(JsonNode) reply = NULL;
      g_autofree char *output = NULL;
      CrmTestServer *embedded;
      guint status = 0;

      embedded = crm_test_server_try_new (NULL, data_dir, NULL, &output, NULL);
      if (embedded == NULL)
        g_error ("embedded server did not start: %s", output);
      g_assert_true (g_file_test (socket, G_FILE_TEST_EXISTS));
      reply = crm_test_server_request (embedded, "GET", CRM_API_HEALTH, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpint (crm_test_json_get_int (reply, "database.schema_version"), ==,
                       crm_migrate_get_latest_known ());
      crm_test_server_send_signal (embedded, SIGTERM);
      g_assert_cmpint (crm_test_server_wait (embedded), ==, 0);
      log = crm_test_server_dup_log (embedded);
      if (round == 0)
        g_assert_nonnull (strstr (log, "Creating a PostgreSQL cluster"));
      else
        g_assert_null (strstr (log, "Creating a PostgreSQL cluster"));
      g_clear_pointer (&log, g_free);
      crm_test_server_free (embedded);
      /* Stopped with the server: no socket left behind. */
      g_assert_false (g_file_test (socket, G_FILE_TEST_EXISTS));
    }
  crm_test_remove_dir (root);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;

  g_test_add_func ("/crm/health/ok", test_health_ok);
  g_test_add_func ("/crm/health/https-only", test_https_only);
  g_test_add_func ("/crm/health/untrusted-certificate-refused", test_untrusted_certificate_refused);
  g_test_add_func ("/crm/health/certificate-names", test_certificate_names);
  g_test_add_func ("/crm/health/not-found", test_not_found);
  g_test_add_func ("/crm/health/method-not-allowed", test_method_not_allowed);
  g_test_add_func ("/crm/health/wrong-content-type", test_wrong_content_type);
  g_test_add_func ("/crm/health/too-large", test_too_large);
  g_test_add_func ("/crm/health/request-id", test_request_id);
  g_test_add_func ("/crm/health/embedded-cluster", test_embedded_cluster);

  cluster = crm_test_cluster_new ();
  server = crm_test_server_new (cluster, NULL);
  status = g_test_run ();
  crm_test_server_free (server);
  crm_test_cluster_free (cluster);
  return status;
}
