/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "crm-api-paths.h"
#include "crm-db.h"
#include "crm-test-server.h"

/*
 * rapport-server under valgrind memcheck: requests of every kind the server answers
 * (success, 404, 405, 415, 503 during a database outage), the authenticated API
 * (send_api_requests (), send_recent_requests ()), live events, clients that close their
 * connections, clients that give up during the TLS handshake, then SIGTERM. Valgrind must
 * report no memory errors and no definitely or indirectly lost bytes.
 */

static void
send_requests (CrmTestServer *server,
               guint          expected_health)
{
  const struct
  {
    const char *method;
    const char *path;
    const char *body;
    guint       status;
  } requests[] = {
    { "GET", CRM_API_HEALTH, NULL, 0 },
    { "GET", CRM_API_BASE "/nothing-here", NULL, 404 },
    { "PUT", CRM_API_HEALTH, "{}", 405 },
    { "GET", CRM_API_HEALTH "/", NULL, 0 },
  };

  for (guint round = 0; round < 5; round++)
    for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
      {
        g_autoptr(JsonNode) reply = NULL;
        guint status = 0;

        reply = crm_test_server_request (server, requests[i].method, requests[i].path,
                                         requests[i].body, &status);
        g_assert_cmpuint (status, ==, requests[i].status ? requests[i].status : expected_health);
      }
  {
      g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "POST", CRM_API_HEALTH,
                                                                  NULL);
    g_autoptr(GBytes) body = g_bytes_new_static ("a=b", 3);
    g_autoptr(JsonNode) reply = NULL;
    guint status = 0;

    soup_message_set_request_body_from_bytes (message, "text/plain", body);
    reply = crm_test_server_send (server, message, &status);
    g_assert_cmpuint (status, ==, 415);
  }
}

/* The authenticated path: sign-in, records, denials, roles, MFA, audit, sign-out. */
static void
send_api_requests (CrmTestServer *server)
{
  g_autofree char *admin = NULL;
  g_autofree char *rep = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;
  guint status = 0;
  const struct
  {
    gboolean    as_admin;
    const char *method;
    const char *path;
    const char *body;
    guint       status;
  } requests[] = {
    { TRUE, "GET", "/api/v1/session", NULL, 200 },
    { TRUE, "GET", "/api/v1/customers?q=%E6%B7%B1&limit=10", NULL, 200 },
    { TRUE, "GET", "/api/v1/roles", NULL, 200 },
    { TRUE, "GET", "/api/v1/roles/3", NULL, 200 },
    { TRUE, "GET", "/api/v1/users", NULL, 200 },
    { TRUE, "POST", "/api/v1/teams", "{\"name\":\"华南销售部\"}", 201 },
    { TRUE, "GET", "/api/v1/audit?limit=5", NULL, 200 },
    { TRUE, "GET", "/api/v1/alerts", NULL, 200 },
    { TRUE, "GET", "/api/v1/field-policies", NULL, 200 },
    { TRUE, "POST", "/api/v1/customers", "{\"name\":\"\",\"bogus\":1}", 422 },
    { TRUE, "GET", "/api/v1/customers/999999", NULL, 404 },
    { TRUE, "POST", "/api/v1/tags", "{\"name\":\"重点\",\"color\":\"#e01b24\"}", 201 },
    { TRUE, "POST", "/api/v1/fields", "{\"object\":\"customers\",\"key\":\"budget\","
      "\"label\":\"预算\",\"type\":\"money\"}", 201 },
    { TRUE, "POST", "/api/v1/level-rules", "{\"level\":\"VIP\",\"min_amount\":10000000}", 201 },
    { TRUE, "POST", "/api/v1/customers", "{\"name\":\"上海明远贸易有限公司\",\"mobile\":"
      "\"+86 138-0013-8000\",\"tags\":[1],\"custom\":{\"budget\":{\"amount\":100,"
      "\"currency\":\"CNY\"}}}", 201 },
    { TRUE, "POST", "/api/v1/customers", "{\"name\":\"上海明远贸易\",\"mobile\":\"13800138000\"}",
      201 },
    { TRUE, "POST", "/api/v1/customers", "{\"name\":\"x\",\"mobile\":\"123\",\"custom\":"
      "{\"nope\":1}}", 422 },
    { TRUE, "GET", "/api/v1/customers?q=%E6%98%8E%E8%BF%9C&sort=name&tag=1&created_from=2020-01-01",
      NULL, 200 },
    { TRUE, "GET", "/api/v1/customers/count?q=0013", NULL, 200 },
    { TRUE, "GET", "/api/v1/customers/industries?limit=10", NULL, 200 },
    { TRUE, "GET", "/api/v1/customers/duplicates?name=%E4%B8%8A%E6%B5%B7%E6%98%8E%E8%BF%9C", NULL,
      200 },
    { TRUE, "PATCH", "/api/v1/customers", "{\"ids\":[2,3],\"changes\":{\"industry\":\"贸易\","
      "\"add_tags\":[1]}}", 200 },
    { TRUE, "PATCH", "/api/v1/customers", "{\"ids\":[2,999],\"changes\":{\"industry\":\"x\"}}",
      404 },
    { TRUE, "POST", "/api/v1/customers/2/follow-ups", "{\"kind\":\"call\",\"subject\":\"回访\"}",
      201 },
    { TRUE, "POST", "/api/v1/customers/2/follow-ups", "{\"kind\":\"visit\",\"subject\":\"x\","
      "\"done_at\":\"2026-01-02T03:04:05+08:00\",\"due_at\":\"2026-01-01T00:00:00Z\"}", 422 },
    { TRUE, "GET", "/api/v1/customers/2/follow-ups?limit=1", NULL, 200 },
    { TRUE, "POST", "/api/v1/customers/2/merge", "{\"merge_ids\":[3]}", 200 },
    { TRUE, "GET", "/api/v1/customers/2/timeline", NULL, 200 },
    { TRUE, "GET", "/api/v1/customers?deleted=true", NULL, 200 },
    { TRUE, "POST", "/api/v1/customers/3/restore", NULL, 200 },
    { TRUE, "DELETE", "/api/v1/customers/3", NULL, 204 },
    { TRUE, "DELETE", "/api/v1/customers/3?purge=true", NULL, 204 },
    { TRUE, "PUT", "/api/v1/settings/reminders", "{\"enabled\":true,\"days\":7}", 200 },
    { TRUE, "GET", "/api/v1/notifications?unread=true", NULL, 200 },
    { FALSE, "GET", "/api/v1/customers", NULL, 200 },
    { FALSE, "POST", "/api/v1/customers", "{\"name\":\"x\",\"credit_terms\":\"y\"}", 403 },
    { FALSE, "POST", "/api/v1/users", "{}", 403 },
    { FALSE, "POST", "/api/v1/session/mfa", NULL, 200 },
    { FALSE, "POST", "/api/v1/session/mfa/confirm", "{\"code\":\"000000\"}", 422 },
    { FALSE, "GET", "/api/v1/customers?after=abc", NULL, 400 },
    { FALSE, "GET", "/api/v1/customers/industries", NULL, 200 },
    { FALSE, "GET", "/api/v1/customers/industries?limit=0", NULL, 400 },
    { FALSE, "GET", "/api/v1/customers?deleted=true", NULL, 403 },
    { FALSE, "DELETE", "/api/v1/tags/1", NULL, 403 },
    { FALSE, "DELETE", "/api/v1/session", NULL, 204 },
    { FALSE, "GET", "/api/v1/session", NULL, 401 },
  };

  crm_test_server_create_user (server, "admin", "admin", "Leak-check-2026");
  crm_test_server_create_user (server, "rep", "sales_rep", "Leak-check-2026");
  admin = crm_test_server_sign_in (server, "admin", "Leak-check-2026");
  rep = crm_test_server_sign_in (server, "rep", "Leak-check-2026");
  {
    g_autoptr(JsonNode) reply = crm_test_server_request (
      server, "POST", "/api/v1/session", "{\"username\":\"rep\",\"password\":\"wrong\"}", &status);
    g_assert_cmpuint (status, ==, 401);
  }

  created = crm_test_server_call (server, admin, "POST", "/api/v1/customers",
                                  "{\"name\":\"深圳瑞丰电子有限公司\",\"credit_terms\":\"月结30天\"}",
                                  NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                          crm_test_json_get_int (created, "id"));
  version = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (created, "version"));
  {
    g_autoptr(JsonNode) got = crm_test_server_call (server, admin, "GET", path, NULL, NULL, &status);
    g_autoptr(JsonNode) patched = NULL;
    g_autoptr(JsonNode) stale = NULL;
    g_autoptr(JsonNode) deleted = NULL;

    g_assert_cmpuint (status, ==, 200);
    patched = crm_test_server_call (server, admin, "PATCH", path, "{\"industry\":\"电子\"}",
                                    version, &status);
    g_assert_cmpuint (status, ==, 200);
    stale = crm_test_server_call (server, admin, "PATCH", path, "{\"industry\":\"x\"}", version,
                                  &status);
    g_assert_cmpuint (status, ==, 409);
    deleted = crm_test_server_call (server, rep, "DELETE", path, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 403);
  }
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(JsonNode) reply = crm_test_server_call (server,
                                                        requests[i].as_admin ? admin : rep,
                                                        requests[i].method, requests[i].path,
                                                        requests[i].body, NULL, &status);

      if (status != requests[i].status)
        g_error ("%s %s answered %u, not %u", requests[i].method, requests[i].path, status,
                 requests[i].status);
    }
}

/*
 * The request paths added since the list above: a contact's changes in its customer's
 * timeline (paged by its cursor), the follow-ups paged by theirs, field policies refused
 * with 422, the recycle bin with who deleted a customer, a restore, and a count past the
 * cap with its estimate beside a list jumped to past its end (its length).
 */
static void
send_recent_requests (CrmTestServer  *server,
                      CrmTestCluster *cluster)
{
  g_autofree char *admin = crm_test_server_sign_in (server, "admin", "Leak-check-2026");
  g_autoptr(JsonNode) customer = NULL;
  g_autofree char *customer_path = NULL;
  gint64 customer_id;

  customer = crm_test_server_call_expect (server, admin, "POST", "/api/v1/customers",
                                          "{\"name\":\"杭州青禾茶业有限公司\"}", NULL, 201);
  customer_id = crm_test_json_get_int (customer, "id");
  customer_path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, customer_id);

  /* A contact created, changed and deleted: three changes in the customer's timeline. */
  {
    g_autofree char *body = g_strdup_printf ("{\"customer_id\":%" G_GINT64_FORMAT ","
                                             "\"full_name\":\"王芳\",\"mobile\":\"13912345678\"}",
                                             customer_id);
    g_autoptr(JsonNode) contact = crm_test_server_call_expect (server, admin, "POST",
                                                               "/api/v1/contacts", body, NULL,
                                                               201);
    g_autofree char *path = g_strdup_printf ("/api/v1/contacts/%" G_GINT64_FORMAT,
                                             crm_test_json_get_int (contact, "id"));
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                crm_test_json_get_int (contact, "version"));
    g_autoptr(JsonNode) patched = NULL;
    g_autoptr(JsonNode) deleted = NULL;

    patched = crm_test_server_call_expect (server, admin, "PATCH", path,
                                           "{\"title\":\"采购经理\","
                                           "\"email\":\"wang@example.com\"}", version, 200);
    deleted = crm_test_server_call_expect (server, admin, "DELETE", path, NULL, NULL, 204);
  }
  /* Follow-ups, two of them, a page of one and the next by its cursor. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/follow-ups", customer_path);
      g_autoptr(JsonNode) reply = NULL;

      reply = crm_test_server_call_expect (server, admin, "POST", path,
                                           "{\"kind\":\"call\",\"subject\":\"报价\","
                                           "\"notes\":\"下周再联系\"}", NULL, 201);
    }
  {
    g_autofree char *first_path = g_strdup_printf ("%s/follow-ups?limit=1", customer_path);
    g_autofree char *bad_path = g_strdup_printf ("%s/follow-ups?after=nope", customer_path);
    g_autoptr(JsonNode) first = NULL;
    g_autoptr(JsonNode) second = NULL;
    g_autoptr(JsonNode) bad = NULL;
    g_autofree char *escaped = NULL;
    g_autofree char *next_path = NULL;

    first = crm_test_server_call_expect (server, admin, "GET", first_path, NULL, NULL, 200);
    g_assert_nonnull (crm_test_json_get_string (first, "next"));
    escaped = g_uri_escape_string (crm_test_json_get_string (first, "next"), NULL, FALSE);
    next_path = g_strdup_printf ("%s/follow-ups?limit=1&after=%s", customer_path, escaped);
    second = crm_test_server_call_expect (server, admin, "GET", next_path, NULL, NULL, 200);
    bad = crm_test_server_call_expect (server, admin, "GET", bad_path, NULL, NULL, 400);
  }
  /* The timeline, a page at a time through the contact's changes and the follow-ups. */
  {
    g_autofree char *next = NULL;
    guint n_contact_changes = 0;

    for (guint page = 0; page < 10; page++)
      {
        g_autofree char *escaped = next != NULL ? g_uri_escape_string (next, NULL, FALSE) : NULL;
        g_autofree char *path = g_strdup_printf ("%s/timeline?limit=2%s%s", customer_path,
                                                 escaped != NULL ? "&before=" : "",
                                                 escaped != NULL ? escaped : "");
        g_autoptr(JsonNode) reply = NULL;
        JsonArray *items;

        reply = crm_test_server_call_expect (server, admin, "GET", path, NULL, NULL, 200);
        items = json_object_get_array_member (json_node_get_object (reply), "items");
        for (guint i = 0; i < json_array_get_length (items); i++)
          {
            JsonObject *item = json_array_get_object_element (items, i);

            if (g_str_has_prefix (json_object_get_string_member (item, "title"), "contact_"))
              n_contact_changes++;
          }
        g_free (next);
        next = g_strdup (crm_test_json_get_string (reply, "next"));
        if (next == NULL)
          break;
      }
    g_assert_cmpuint (n_contact_changes, ==, 3);
  }
  /* Field policies: an unknown field, an unknown object, a body without its booleans. */
  {
    g_autoptr(JsonNode) field = NULL;
    g_autoptr(JsonNode) object = NULL;
    g_autoptr(JsonNode) body = NULL;

    field = crm_test_server_call_expect (server, admin, "PUT",
                                         "/api/v1/field-policies/customers/no_such_field",
                                         "{\"protected\":true,\"sensitive\":false}", NULL, 422);
    object = crm_test_server_call_expect (server, admin, "PUT",
                                          "/api/v1/field-policies/nothing/name",
                                          "{\"protected\":true,\"sensitive\":false}", NULL, 404);
    body = crm_test_server_call_expect (server, admin, "PUT",
                                        "/api/v1/field-policies/customers/website",
                                        "{\"protected\":1}", NULL, 422);
  }
  /* The recycle bin with the customer in it and who deleted it, then a restore. */
  {
    g_autofree char *restore_path = g_strdup_printf ("%s/restore", customer_path);
    g_autoptr(JsonNode) deleted = NULL;
    g_autoptr(JsonNode) bin = NULL;
    g_autoptr(JsonNode) restored = NULL;
    gboolean listed = FALSE;
    JsonArray *items;

    deleted = crm_test_server_call_expect (server, admin, "DELETE", customer_path, NULL, NULL,
                                           204);
    bin = crm_test_server_call_expect (server, admin, "GET",
                                       "/api/v1/customers?deleted=true&limit=5", NULL, NULL, 200);
    restored = crm_test_server_call_expect (server, admin, "POST", restore_path, NULL, NULL, 200);
    items = json_object_get_array_member (json_node_get_object (bin), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        if (json_object_get_int_member (item, "id") == customer_id)
          listed = json_object_get_int_member (item, "deleted_by") > 0;
      }
    g_assert_true (listed);
  }
  /* Past the count's cap: 10,001 more customers straight into the table, analysed, so
   * that the count answers an estimate; and a list jumped into the middle and past its
   * end, which answers its length. */
  {
    PGconn *conn = crm_test_cluster_connect (cluster);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) count = NULL;
    g_autoptr(JsonNode) filtered = NULL;
    g_autoptr(JsonNode) middle = NULL;
    g_autoptr(JsonNode) past = NULL;

    g_free (crm_test_query_value (conn, "WITH n AS (INSERT INTO customers (name, industry)\n"
                                        "  SELECT '估算客户 ' || g, 'estimated' FROM "
                                        "generate_series (1, 10001) g RETURNING 1)\n"
                                        "SELECT count(*) FROM n"));
    g_assert_true (crm_db_exec_command (conn, "ANALYZE customers", &error));
    g_assert_no_error (error);
    PQfinish (conn);
    count = crm_test_server_call_expect (server, admin, "GET", "/api/v1/customers/count", NULL,
                                         NULL, 200);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (count), "capped"));
    g_assert_cmpint (crm_test_json_get_int (count, "estimate"), >, 10000);
    filtered = crm_test_server_call_expect (server, admin, "GET",
                                            "/api/v1/customers/count?industry=estimated", NULL,
                                            NULL, 200);
    g_assert_cmpint (crm_test_json_get_int (filtered, "estimate"), >, 10000);
    middle = crm_test_server_call_expect (server, admin, "GET",
                                          "/api/v1/customers?limit=3&offset=5000&sort=name", NULL,
                                          NULL, 200);
    g_assert_nonnull (crm_test_json_get_string (middle, "next"));
    past = crm_test_server_call_expect (server, admin, "GET",
                                        "/api/v1/customers?limit=3&offset=20000", NULL, NULL, 200);
    g_assert_cmpint (crm_test_json_get_int (past, "count"), >, 10001);
  }
}

static void
socket_message_cb (SoupWebsocketConnection *socket,
                   gint                     type,
                   GBytes                  *message,
                   guint                   *n_messages)
{
  (*n_messages)++;
}

static void
socket_closed_cb (SoupWebsocketConnection *socket,
                  gboolean                *closed)
{
  *closed = TRUE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until done (@data) or @seconds passed; answers done (@data). */
static gboolean
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return done (data);
}

static gboolean
has_message (gpointer data)
{
  return *(guint *) data > 0;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/*
 * Live events: a refused handshake (bad token), a plain GET, a socket that receives an
 * event and is closed by signing out, and one still open at SIGTERM.
 */
static void
send_event_requests (CrmTestServer *server)
{
  g_autoptr(SoupSession) session = crm_test_session_new ();
  g_autofree char *token = crm_test_server_sign_in (server, "admin", "Leak-check-2026");
  g_autofree char *other = crm_test_server_sign_in (server, "admin", "Leak-check-2026");
  g_autoptr(SoupWebsocketConnection) refused = NULL;
  g_autoptr(SoupWebsocketConnection) socket = NULL;
  g_autoptr(JsonNode) plain = NULL;
  g_autoptr(JsonNode) signed_out = NULL;
  guint status = 0;
  guint n_messages = 0;
  gboolean closed = FALSE;

  refused = crm_test_server_open_events (server, session, "wrong", &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);
  plain = crm_test_server_call (server, token, "GET", "/api/v1/events", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 400);

  socket = crm_test_server_open_events (server, session, token, &status);
  g_assert_nonnull (socket);
  g_signal_connect (socket, "message", G_CALLBACK (socket_message_cb), &n_messages);
  g_signal_connect (socket, "closed", G_CALLBACK (socket_closed_cb), &closed);
  /* The LISTEN connection came back after the outage above: events flow again. */
  for (guint i = 0; i < 30 && n_messages == 0; i++)
    {
      g_autoptr(JsonNode) reply = crm_test_server_call (server, token, "POST", "/api/v1/customers",
                                                        "{\"name\":\"实时事件有限公司\"}", NULL,
                                                        &status);

      g_assert_cmpuint (status, ==, 201);
      iterate_until (has_message, &n_messages, 2);
    }
  g_assert_cmpuint (n_messages, >, 0);
  signed_out = crm_test_server_call (server, token, "DELETE", "/api/v1/session", NULL, NULL,
                                     &status);
  g_assert_cmpuint (status, ==, 204);
  g_assert_true (iterate_until (is_true, &closed, 30));

  /* Left open: the server closes it when it stops. */
  {
    SoupWebsocketConnection *open = crm_test_server_open_events (server, session, other, &status);

    g_assert_nonnull (open);
    g_object_unref (open);
  }
}

/* Clients that close their connections after a request: the server takes each from
 * libsoup and closes it (crm-server.c, idle connections). */
static void
send_closing_clients (CrmTestServer *server)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SoupSession) session = crm_test_session_new ();
      g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "GET",
                                                                    CRM_API_HEALTH, NULL);
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(GError) error = NULL;
      guint status = 0;

      reply = crm_test_send (session, message, &status, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
    }
}

/* Clients that give up in the middle of the TLS handshake, as the server makes those that
 * stall there at the request timeout: the server drops what it hung on the connection's
 * first message when the connection goes (crm-server.c, message_disconnected_cb ()). */
static void
send_aborted_handshakes (CrmTestServer *server)
{
  g_autoptr(GUri) uri = g_uri_parse (crm_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);
  /* A handshake record of 200 bytes, of which 4 come. */
  static const guint8 hello[] = { 0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4 };

  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      GOutputStream *output;

      connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                                    g_uri_get_port (uri), NULL, &error);
      g_assert_no_error (error);
      output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      g_assert_true (g_output_stream_write_all (output, hello, sizeof hello, NULL, NULL, &error));
      g_assert_true (g_io_stream_close (G_IO_STREAM (connection), NULL, &error));
      g_assert_no_error (error);
    }
}

static void
test_request_path_leaks (void)
{
  CrmTestCluster *cluster = crm_test_cluster_new ();
  g_autofree char *dir = crm_test_make_dir ();
  g_autofree char *log_path = g_build_filename (dir, "valgrind.log", NULL);
  g_autofree char *log_option = g_strdup_printf ("--log-file=%s", log_path);
  g_autofree char *suppressions = g_test_build_filename (G_TEST_DIST, "server", "valgrind.supp", NULL);
  g_autofree char *suppressions_option = g_strdup_printf ("--suppressions=%s", suppressions);
  g_autofree char *report = NULL;
  g_autoptr(GError) error = NULL;
  const char *wrapper[] = {
    "valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite,indirect",
    "--errors-for-leak-kinds=definite,indirect", "--num-callers=30", suppressions_option,
    log_option, NULL
  };
  CrmTestServer *server;

  crm_test_server_set_wrapper (wrapper);
  server = crm_test_server_new (cluster, NULL);
  send_requests (server, 200);
  crm_test_cluster_stop (cluster);
  send_requests (server, 503);
  crm_test_cluster_start (cluster);
  send_requests (server, 200);
  send_api_requests (server);
  send_recent_requests (server, cluster);
  send_event_requests (server);
  send_closing_clients (server);
  send_aborted_handshakes (server);
  /* Let the sealer chain the rows above at least once, and the server close the
   * connections the clients closed. */
  g_usleep (2 * G_USEC_PER_SEC);

  crm_test_server_send_signal (server, SIGTERM);
  g_assert_cmpint (crm_test_server_wait (server), ==, 0);
  crm_test_server_free (server);
  crm_test_server_set_wrapper (NULL);

  g_file_get_contents (log_path, &report, NULL, &error);
  g_assert_no_error (error);
  if (strstr (report, "ERROR SUMMARY: 0 errors") == NULL)
    {
      g_printerr ("valgrind found problems in rapport-server:\n%s", report);
      g_test_fail ();
    }
  {
    const char *summary = strstr (report, "LEAK SUMMARY");

    g_test_message ("%s", summary ? summary : "no leak summary (all heap blocks freed)");
  }
  crm_test_remove_dir (dir);
  crm_test_cluster_free (cluster);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;
  if (g_find_program_in_path ("valgrind") == NULL)
    {
      g_print ("1..0 # SKIP valgrind is not installed\n");
      return 0;
    }
  g_test_add_func ("/crm/leaks/request-path", test_request_path_leaks);
  return g_test_run ();
}
