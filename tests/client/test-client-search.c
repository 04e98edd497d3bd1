/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-search"

#include "config.h"

#include <string.h>

#include "crm-api-paths.h"
#include "crm-customer-list.h"
#include "crm-customers-page.h"
#include "crm-window-private.h"
#include "crm-test-server.h"
#include "crm-test-ui.h"

/*
 * Search-as-you-type in the Customers section under Xvfb, against a real rapport-server
 * over real HTTPS, with the order of the replies forced. Between the client and the
 * server sits a proxy of the test's own: a SoupServer that presents the server's own
 * certificate (the one the client pins) and forwards each request to the server, counts
 * the requests by path and search, and can hold back the reply to the customers page of
 * one search until the test releases it.
 *
 * - debounce: typing a text a character at a time, faster than the search waits, asks
 *   the server once for the final text, never for what was typed on the way;
 * - stale: the reply to a first search, held back until a second search's results are
 *   shown, never replaces them, and the client had given up its request (hung up) by
 *   then.
 *
 * The proxy does not carry the live events (/events answers 404): a refresh they would
 * cause is a request of its own, which the counts must not see.
 */

#define PASSWORD "Correct-horse-7"
#define CUSTOMERS_PATH CRM_API_BASE "/customers"
#define COUNT_PATH     CRM_API_BASE "/customers/count"
#define EVENTS_PATH    CRM_API_BASE "/events"

/* Keystrokes this far apart are typing, not a pause: the client waits 250 ms. */
#define KEYSTROKE_MS 30
#define MAX_KEYSTROKE_GAP_MS 200

/* What the rep's customers are called: three and two match the two searches. */
#define FIRST "杭州宏达"
#define N_FIRST 3
#define SECOND "深圳瑞丰"
#define N_SECOND 2
#define TYPED "上海明远"
#define N_TYPED 1

/* --- the proxy ------------------------------------------------------------ */

/* What a case saw, on stderr: a case's process runs with -q, where g_test_message () says
 * nothing. */
static void note (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
note (const char *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("# %s\n", text);
}

typedef struct _Proxy Proxy;

/* One request of the client's, forwarded. */
typedef struct
{
  Proxy             *proxy;
  SoupServerMessage *incoming;   /* from the client */
  SoupMessage       *outgoing;   /* to the server */
  char              *path;
  char              *q;          /* the search, or NULL */
  gboolean           held;       /* the reply waits for proxy_release () */
  gboolean           answered;   /* the server's reply is in */
  gboolean           finished;   /* the reply was written, or the client went away */
} Exchange;

struct _Proxy
{
  SoupServer      *server;
  SoupSession     *session;     /* to the server */
  GTlsCertificate *certificate; /* the server's, pinned */
  char            *upstream;    /* the server's URL */
  char            *url;         /* the proxy's */
  char            *hold_q;      /* a customers page of this search is held back */
  GPtrArray       *exchanges;   /* Exchange, in the order of the requests */
};

/* Headers of one hop, which each side writes for itself. */
static gboolean
is_hop_header (const char *name)
{
  static const char * const names[] = {
    "Host", "Connection", "Keep-Alive", "Content-Length", "Transfer-Encoding",
    "Content-Encoding", "Accept-Encoding", "Upgrade",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  if (!is_hop_header (name))
    soup_message_headers_append (user_data, name, value);
}

static gboolean
accept_server_cb (SoupMessage          *message,
                  GTlsCertificate      *peer,
                  GTlsCertificateFlags  errors,
                  Proxy                *proxy)
{
  return g_tls_certificate_is_same (peer, proxy->certificate);
}

static void
exchange_finished_cb (Exchange *exchange)
{
  exchange->finished = TRUE;
}

static void
forwarded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Exchange *exchange = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                              &error);

  if (body == NULL)
    {
      note ("Proxy: %s: %s", exchange->path, error->message);
      soup_server_message_set_status (exchange->incoming, SOUP_STATUS_BAD_GATEWAY, NULL);
    }
  else
    {
      soup_server_message_set_status (exchange->incoming,
                                      soup_message_get_status (exchange->outgoing),
                                      soup_message_get_reason_phrase (exchange->outgoing));
      soup_message_headers_foreach (soup_message_get_response_headers (exchange->outgoing),
                                    copy_header_cb,
                                    soup_server_message_get_response_headers (exchange->incoming));
      soup_message_body_append_bytes (soup_server_message_get_response_body (exchange->incoming),
                                      body);
    }
  exchange->answered = TRUE;
  if (!exchange->held)
    soup_server_message_unpause (exchange->incoming);
}

static void
proxy_handler_cb (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Proxy *proxy = user_data;
  GUri *uri = soup_server_message_get_uri (message);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *target = NULL;
  Exchange *exchange;

  if (g_str_equal (path, EVENTS_PATH))
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  exchange = g_new0 (Exchange, 1);
  exchange->proxy = proxy;
  exchange->incoming = g_object_ref (message);
  exchange->path = g_strdup (path);
  exchange->q = g_strdup (query != NULL ? g_hash_table_lookup (query, "q") : NULL);
  exchange->held = proxy->hold_q != NULL && g_str_equal (path, CUSTOMERS_PATH)
                   && g_strcmp0 (exchange->q, proxy->hold_q) == 0;
  g_ptr_array_add (proxy->exchanges, exchange);
  g_signal_connect_swapped (message, "finished", G_CALLBACK (exchange_finished_cb), exchange);
  g_signal_connect_swapped (message, "disconnected", G_CALLBACK (exchange_finished_cb),
                            exchange);

  target = g_strconcat (proxy->upstream, g_uri_get_path (uri),
                        g_uri_get_query (uri) != NULL ? "?" : "",
                        g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "", NULL);
  exchange->outgoing = soup_message_new (soup_server_message_get_method (message), target);
  g_assert_nonnull (exchange->outgoing);
  soup_message_headers_foreach (headers, copy_header_cb,
                                soup_message_get_request_headers (exchange->outgoing));
  body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  if (g_bytes_get_size (body) > 0)
    {
      soup_message_headers_remove (soup_message_get_request_headers (exchange->outgoing),
                                   "Content-Type");
      soup_message_set_request_body_from_bytes (exchange->outgoing,
                                                soup_message_headers_get_one (headers,
                                                                              "Content-Type"),
                                                body);
    }
  g_signal_connect (exchange->outgoing, "accept-certificate", G_CALLBACK (accept_server_cb),
                    proxy);
  soup_server_message_pause (message);
  soup_session_send_and_read_async (proxy->session, exchange->outgoing, G_PRIORITY_DEFAULT, NULL,
                                    forwarded_cb, exchange);
}

/* A proxy in front of the server of CRM_TEST_URL, with its TLS certificate and key. */
static void
proxy_start (Proxy *proxy)
{
  g_autoptr(GTlsCertificate) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  identity = g_tls_certificate_new_from_files (g_getenv ("CRM_TEST_CERT"),
                                               g_getenv ("CRM_TEST_KEY"), &error);
  g_assert_no_error (error);
  proxy->certificate = g_object_ref (crm_test_ui_get_certificate ());
  proxy->upstream = g_strdup (crm_test_ui_get_url ());
  proxy->session = crm_test_session_new ();
  proxy->exchanges = g_ptr_array_new ();
  proxy->server = soup_server_new ("tls-certificate", identity, NULL);
  soup_server_add_handler (proxy->server, NULL, proxy_handler_cb, proxy, NULL);
  soup_server_listen_local (proxy->server, 0,
                            SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (proxy->server);
  g_assert_nonnull (uris);
  proxy->url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  note ("Proxy %s in front of %s", proxy->url, proxy->upstream);
}

/* How many requests for @path the client made with the search @q (NULL: any other than
 * @path's default, that is with a search). */
static guint
proxy_count (Proxy      *proxy,
             const char *path,
             const char *q)
{
  guint n = 0;

  for (guint i = 0; i < proxy->exchanges->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (proxy->exchanges, i);

      if (g_str_equal (exchange->path, path)
          && (q != NULL ? g_strcmp0 (exchange->q, q) == 0 : exchange->q != NULL))
        n++;
    }
  return n;
}

/* Every request with a search since the start, for the messages. */
static char *
proxy_dup_searches (Proxy *proxy)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < proxy->exchanges->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (proxy->exchanges, i);

      if (exchange->q != NULL)
        g_string_append_printf (text, "%s%s?q=%s", text->len > 0 ? ", " : "", exchange->path,
                                exchange->q);
    }
  return g_string_free (text, FALSE);
}

static Exchange *
proxy_find_held (Proxy *proxy)
{
  for (guint i = 0; i < proxy->exchanges->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (proxy->exchanges, i);

      if (exchange->held)
        return exchange;
    }
  return NULL;
}

/* Whether the client closed the connection of the held @exchange: on a connection that
 * waits for its reply, a client only ever does that when it gives up the request. */
static gboolean
exchange_hung_up (Exchange *exchange)
{
  GSocket *socket;

  if (exchange->finished)
    return TRUE;
  socket = soup_server_message_get_socket (exchange->incoming);
  return socket == NULL || g_socket_is_closed (socket)
         || (g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0);
}

/* Sends the held reply of @exchange (or tries to: the client may have hung up). */
static void
proxy_release (Exchange *exchange)
{
  g_assert_true (exchange->held && exchange->answered);
  exchange->held = FALSE;
  if (!exchange->finished)
    soup_server_message_unpause (exchange->incoming);
}

/* --- the window ----------------------------------------------------------- */

typedef struct
{
  Proxy      proxy;
  CrmWindow *window;
  char      *expected_q;     /* what list_shows () waits for */
  guint      expected_n;
  GPtrArray *stale_names;    /* rows of the first search seen after the second's showed */
  Exchange  *held;           /* the first search's page */
} Fixture;

static gboolean
list_settled (Fixture *fixture)
{
  return g_strcmp0 (_crm_window_get_page_name (fixture->window), "signed-in") == 0
         && customer_list (fixture) != NULL
         && !_crm_customers_page_is_searching (customers_page (fixture))
         && !crm_customer_list_get_loading (customer_list (fixture))
         && g_list_model_get_n_items (G_LIST_MODEL (customer_list (fixture))) > 0;
}

/* The list shows the search expected_q with its expected_n rows, all loaded. */
static gboolean
list_shows (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GListModel *model = G_LIST_MODEL (list);

  if (_crm_customers_page_is_searching (customers_page (fixture))
      || g_strcmp0 (crm_customer_list_get_q (list), fixture->expected_q) != 0
      || crm_customer_list_get_loading (list)
      || crm_customer_list_get_total (list) != fixture->expected_n
      || g_list_model_get_n_items (model) != fixture->expected_n)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CrmCustomer) customer = g_list_model_get_item (model, i);

      if (crm_customer_is_placeholder (customer))
        return FALSE;
    }
  return TRUE;
}

static void
assert_rows_match (Fixture    *fixture,
                   const char *q,
                   guint       n)
{
  GListModel *model = G_LIST_MODEL (customer_list (fixture));

  g_assert_cmpstr (crm_customer_list_get_q (customer_list (fixture)), ==, q);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_cmpint (crm_customer_list_get_total (customer_list (fixture)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CrmCustomer) customer = g_list_model_get_item (model, i);
      const char *name = crm_customer_get_string (customer, "name");

      g_assert_nonnull (name);
      if (strstr (name, q) == NULL)
        g_error ("Row %u of the search %s is %s", i, q, name);
    }
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds. */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Types @text into the search a character at a time, each KEYSTROKE_MS after the last,
 * as one types a word: quicker than the search waits. */
static void
type_quickly (Fixture    *fixture,
              const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (_crm_customers_page_get_search_entry (
                                       customers_page (fixture)));
  glong n_chars = g_utf8_strlen (text, -1);
  gint64 last = 0;
  gint64 max_gap = 0;

  for (glong i = 1; i <= n_chars; i++)
    {
      g_autofree char *typed = g_utf8_substring (text, 0, i);
      gint64 now = g_get_monotonic_time ();

      if (last != 0)
        max_gap = MAX (max_gap, now - last);
      last = now;
      gtk_editable_set_text (entry, typed);
      run_for (KEYSTROKE_MS);
    }
  note ("Typed %s: at most %" G_GINT64_FORMAT " ms between two characters", text,
                  max_gap / 1000);
  /* Else the test says nothing of the debounce: the machine was too slow to type. */
  g_assert_cmpint (max_gap / 1000, <, MAX_KEYSTROKE_GAP_MS);
}

static void
expect (Fixture    *fixture,
        const char *q,
        guint       n)
{
  g_free (fixture->expected_q);
  fixture->expected_q = g_strdup (q);
  fixture->expected_n = n;
}

/* --- the cases ------------------------------------------------------------ */

/* Typing a word asks for the word, once, not for each of its beginnings. */
static void
check_debounce (Fixture *fixture)
{
  g_autofree char *searches = NULL;

  type_quickly (fixture, TYPED);
  expect (fixture, TYPED, N_TYPED);
  wait_until (fixture, NULL, list_shows, "the typed search");
  assert_rows_match (fixture, TYPED, N_TYPED);

  searches = proxy_dup_searches (&fixture->proxy);
  note ("Requests with a search: %s", searches);
  g_assert_cmpuint (proxy_count (&fixture->proxy, CUSTOMERS_PATH, TYPED), ==, 1);
  g_assert_cmpuint (proxy_count (&fixture->proxy, COUNT_PATH, TYPED), ==, 1);
  /* Nothing for 上, 上海 or 上海明. */
  g_assert_cmpuint (proxy_count (&fixture->proxy, CUSTOMERS_PATH, NULL), ==, 1);
  g_assert_cmpuint (proxy_count (&fixture->proxy, COUNT_PATH, NULL), ==, 1);
}

static gboolean
held_answered (Fixture *fixture)
{
  Exchange *held = proxy_find_held (&fixture->proxy);

  return held != NULL && held->answered;
}

static gboolean
held_finished (Fixture *fixture)
{
  return fixture->held->finished;
}

/* Any row of the first search that the list holds. */
static void
list_items_changed_cb (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       Fixture    *fixture)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(CrmCustomer) customer = g_list_model_get_item (model, i);
      const char *name = crm_customer_get_string (customer, "name");

      if (name != NULL && strstr (name, FIRST) != NULL)
        g_ptr_array_add (fixture->stale_names, g_strdup (name));
    }
}

/* A first search's reply that comes after a second search's never shows. */
static void
check_stale (Fixture *fixture)
{
  g_autofree char *searches = NULL;
  Exchange *held;
  gboolean hung_up;

  gulong handler;

  /* The first search: its page reaches the server, whose reply the proxy holds. */
  fixture->proxy.hold_q = g_strdup (FIRST);
  type_quickly (fixture, FIRST);
  wait_until (fixture, NULL, held_answered, "the first search's reply, held");
  held = fixture->held = proxy_find_held (&fixture->proxy);

  /* The second search, typed over it, shows while the first reply waits. */
  type_quickly (fixture, SECOND);
  expect (fixture, SECOND, N_SECOND);
  wait_until (fixture, NULL, list_shows, "the second search");
  assert_rows_match (fixture, SECOND, N_SECOND);
  g_assert_true (held->held);
  /* By now the client has given up the first request (and closed its connection). */
  hung_up = exchange_hung_up (held);

  /* The first reply comes now, late: nothing of it may show. */
  handler = g_signal_connect (customer_list (fixture), "items-changed",
                              G_CALLBACK (list_items_changed_cb), fixture);
  proxy_release (held);
  wait_until (fixture, NULL, held_finished, "the late reply, sent");
  /* Time for the client to read and take it, had it still been waiting for it. */
  run_for (500);
  crm_test_ui_wait_frames (GTK_WIDGET (fixture->window), 3, "the list after the late reply");
  g_signal_handler_disconnect (customer_list (fixture), handler);

  searches = proxy_dup_searches (&fixture->proxy);
  note ("Requests with a search: %s; the client %s the held one", searches,
                  hung_up ? "had hung up on" : "still waited for");
  for (guint i = 0; i < fixture->stale_names->len; i++)
    note ("A row of the late reply showed: %s",
                    (char *) g_ptr_array_index (fixture->stale_names, i));
  g_assert_cmpuint (fixture->stale_names->len, ==, 0);
  assert_rows_match (fixture, SECOND, N_SECOND);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_crm_customers_page_get_search_entry (
                                                          customers_page (fixture)))), ==,
                   SECOND);
  /* One page of each search: the second was not asked again to undo the first. */
  g_assert_cmpuint (proxy_count (&fixture->proxy, CUSTOMERS_PATH, FIRST), ==, 1);
  g_assert_cmpuint (proxy_count (&fixture->proxy, CUSTOMERS_PATH, SECOND), ==, 1);
  /* The request was cancelled, not merely answered late and dropped. */
  g_assert_true (hung_up);
  {
    g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "client-search-stale.png", NULL);

    crm_test_ui_save_png (GTK_WIDGET (fixture->window), NULL, png);
  }
}

typedef struct
{
  CrmTestUiCase base;
  void        (*check) (Fixture *fixture);
} SearchCase;

static void
run_case (gconstpointer data)
{
  const SearchCase *test_case = data;
  Fixture fixture = { { 0, }, };
  g_autoptr(CrmApplication) application = NULL;

  fixture.stale_names = g_ptr_array_new_with_free_func (g_free);
  proxy_start (&fixture.proxy);
  /* The window talks to the proxy, which presents the server's certificate. */
  g_setenv ("CRM_TEST_URL", fixture.proxy.url, TRUE);

  application = crm_test_ui_application_new ();
  fixture.window = crm_test_ui_window_new (application,
                                           crm_application_get_api_client (application),
                                           1366, 768);
  crm_test_ui_sign_in (fixture.window, "li", PASSWORD);
  wait_until (&fixture, NULL, list_settled, "the customer list");
  g_assert_cmpuint (proxy_count (&fixture.proxy, CUSTOMERS_PATH, NULL), ==, 0);

  test_case->check (&fixture);

  crm_test_ui_window_destroy (fixture.window);
  /* The exchanges stay: a callback of the proxy's may still come while GTK finishes. */
  soup_server_disconnect (fixture.proxy.server);
  g_clear_pointer (&fixture.stale_names, g_ptr_array_unref);
  g_free (fixture.expected_q);
}

/* --- the parent: one server for every case ------------------------------- */

static void
seed (CrmTestServer  *server,
      CrmTestCluster *cluster)
{
  static const char * const names[] = {
    FIRST "贸易有限公司", FIRST "科技有限公司", FIRST "制造有限公司",
    SECOND "电子有限公司", SECOND "贸易有限公司",
    TYPED "贸易有限公司", "北京华信科技有限公司", "成都腾飞制造有限公司",
  };
  g_autofree char *admin_token = NULL;
  gint64 rep_id;

  crm_test_server_create_user (server, "ada", "admin", PASSWORD);
  rep_id = crm_test_server_create_user (server, "li", "sales_rep", PASSWORD);
  admin_token = crm_test_server_sign_in (server, "ada", PASSWORD);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"kind\":\"company\",\"name\":\"%s\","
                                               "\"owner_id\":%" G_GINT64_FORMAT "}",
                                               names[i], rep_id);
      g_autoptr(JsonNode) reply = NULL;
      guint status = 0;

      reply = crm_test_server_call (server, admin_token, "POST", "/api/v1/customers", body,
                                    NULL, &status);
      g_assert_cmpuint (status, ==, 201);
    }
}

static const SearchCase cases[] = {
  { { "debounce" }, check_debounce },
  { { "stale" }, check_stale },
};

int
main (int   argc,
      char *argv[])
{
  return crm_test_ui_main (argc, argv, "/crm/client/search", cases, G_N_ELEMENTS (cases),
                           sizeof cases[0], seed, run_case);
}
