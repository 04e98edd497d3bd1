/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport-bench-load"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crm-bench-stats.h"

/*
 * rapport-bench-load: a closed-loop HTTPS load generator. It keeps --concurrency
 * connections, each with its own SoupSession (so its own keep-alive connection) and its
 * own signed-in user, and one request outstanding on each; every completion records its
 * latency and issues the connection's next request until --duration has passed, then
 * waits for the requests in flight and prints the figures.
 *
 * What a connection sends: without --mix, GET --path round-robin (repeatable). With --mix
 * (e.g. "read:70,update:20,create:10"), customers: "read" GET /customers/{id}, "update"
 * PATCH /customers/{id} with If-Match and the version the connection last saw, "create"
 * POST /customers, drawn at random by weight. read and update pick from the connection's
 * working set: its user's first --working-set customers (GET /customers?limit=N before
 * timing, which also opens the connection).
 *
 * Every connection is opened (one untimed GET /api/v1/health each, all at once) before
 * the clock starts.
 *
 * --think-ms MEAN models people rather than a saturating client: each connection, after
 * every reply (and before its first request), waits an exponentially distributed think
 * time of that mean before its next request, as office staff read a page before clicking
 * on. N connections then offer about N / (MEAN + latency) requests per second, whatever
 * the server's throughput, and the latencies are those such users see.
 *
 * Users: --user NAME (repeatable) signs in through POST /api/v1/session with the password
 * in --password-file before timing, connection i as user i modulo their number;
 * --token-file reads bearer tokens instead (one a line), and --print-tokens signs the users
 * in, prints their tokens and exits, so a runner signs in once and keeps the Argon2id cost
 * of signing in out of its figures. With --follow-next N each path is first walked N pages
 * through the reply's "next" cursor (not timed), and the page reached is the one measured.
 */

typedef enum
{
  OP_GET,
  OP_READ,
  OP_UPDATE,
  OP_CREATE,
  N_OPS
} Op;

static const char * const op_names[N_OPS] = { "get", "read", "update", "create" };

typedef struct
{
  gint64 id;
  gint64 version;
} Record;

typedef struct _Bench Bench;

typedef struct
{
  Bench       *bench;
  SoupSession *session;
  const char  *authorization;  /* "Bearer TOKEN", owned by Bench */
  GArray      *records;        /* Record: the working set */
  guint        next_uri;
  guint        think_id;       /* the think time's timeout, 0 when none pending */
} Conn;

struct _Bench
{
  GPtrArray       *conns;          /* Conn */
  GPtrArray       *authorizations; /* char *, one per user */
  GPtrArray       *uris;           /* GUri, round-robin */
  GUri            *base;
  guint            weights[N_OPS]; /* --mix; all 0: OP_GET */
  guint            total_weight;
  GRand           *rand;
  GTlsCertificate *pinned;
  GMainLoop       *loop;
  GArray          *latencies_ms;   /* double, one per completed request */
  gint64           started_us;
  gint64           deadline_us;
  gint64           finished_us;
  guint            expect_status;  /* 0 = any 2xx */
  double           think_ms;       /* mean think time; 0: closed loop */
  guint            in_flight;
  guint64          n_requests;
  guint64          n_ops[N_OPS];
  guint64          n_conflicts;
  guint64          n_status_errors;
  guint64          n_transport_errors;
  gboolean         reported_transport_error;
  gboolean         reported_status_error;
};

typedef struct
{
  Conn        *conn;
  SoupMessage *message;
  Op           op;
  guint        record;
  gint64       sent_us;
} Request;

static void send_next (Conn *conn);
static void think_then_send (Conn *conn);

static void
request_free (Request *request)
{
  g_clear_object (&request->message);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static gboolean
message_accept_certificate_cb (SoupMessage          *message,
                               GTlsCertificate      *peer,
                               GTlsCertificateFlags  errors,
                               GTlsCertificate      *pinned)
{
  return pinned != NULL && g_tls_certificate_is_same (peer, pinned);
}

static gboolean
is_expected_status (const Bench *bench,
                    guint        status)
{
  if (bench->expect_status != 0)
    return status == bench->expect_status;
  return SOUP_STATUS_IS_SUCCESSFUL (status);
}

/* The "version" of the record in a reply (a 409 carries the current record). */
static gint64
reply_version (GBytes *body)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  const char *found = strstr (text, "\"version\":");

  return found != NULL ? g_ascii_strtoll (found + strlen ("\"version\":"), NULL, 10) : 0;
}

static void
send_and_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  Conn *conn = request->conn;
  Bench *bench = conn->bench;
  gint64 now = g_get_monotonic_time ();
  double latency_ms = (now - request->sent_us) / 1000.0;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  bench->in_flight--;
  bench->n_requests++;
  bench->n_ops[request->op]++;
  bench->finished_us = now;
  g_array_append_val (bench->latencies_ms, latency_ms);

  status = body != NULL ? soup_message_get_status (request->message) : 0;
  if (body == NULL)
    {
      bench->n_transport_errors++;
      if (!bench->reported_transport_error)
        {
          g_printerr ("rapport-bench-load: %s\n", error->message);
          bench->reported_transport_error = TRUE;
        }
    }
  else if (request->op == OP_UPDATE && status == SOUP_STATUS_CONFLICT)
    {
      /* Another connection of the same user changed it first: take its version. */
      g_array_index (conn->records, Record, request->record).version = reply_version (body);
      bench->n_conflicts++;
    }
  else if (!is_expected_status (bench, status))
    {
      bench->n_status_errors++;
      if (!bench->reported_status_error)
        {
          g_printerr ("rapport-bench-load: %s %s: HTTP %u: %.*s\n", op_names[request->op],
                      g_uri_get_path (soup_message_get_uri (request->message)), status,
                      (int) MIN (g_bytes_get_size (body), 300),
                      (const char *) g_bytes_get_data (body, NULL));
          bench->reported_status_error = TRUE;
        }
    }
  else if (request->op == OP_UPDATE)
    {
      g_array_index (conn->records, Record, request->record).version = reply_version (body);
    }

  if (now < bench->deadline_us)
    think_then_send (conn);
  else if (bench->in_flight == 0)
    g_main_loop_quit (bench->loop);
}

static gboolean
think_done_cb (gpointer user_data)
{
  Conn *conn = user_data;

  conn->think_id = 0;
  send_next (conn);
  return G_SOURCE_REMOVE;
}

/* The next request now, or after an exponentially distributed think time (--think-ms),
 * capped at ten times the mean so one long pause cannot outlast a short row. */
static void
think_then_send (Conn *conn)
{
  Bench *bench = conn->bench;
  double u, wait_ms;

  if (bench->think_ms <= 0)
    {
      send_next (conn);
      return;
    }
  u = g_rand_double (bench->rand);
  wait_ms = MIN (-bench->think_ms * log1p (-u), 10 * bench->think_ms);
  conn->think_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (wait_ms + 0.5),
                                       think_done_cb, conn, NULL);
}

/* At the deadline: the think times still pending end without a request. */
static gboolean
deadline_cb (gpointer user_data)
{
  Bench *bench = user_data;

  for (guint i = 0; i < bench->conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (bench->conns, i);

      g_clear_handle_id (&conn->think_id, g_source_remove);
    }
  if (bench->in_flight == 0)
    g_main_loop_quit (bench->loop);
  return G_SOURCE_REMOVE;
}

static Op
pick_op (Bench *bench)
{
  guint32 draw;

  if (bench->total_weight == 0)
    return OP_GET;
  draw = (guint32) g_rand_int_range (bench->rand, 0, (gint32) bench->total_weight);
  for (guint op = 0; op < N_OPS; op++)
    {
      if (draw < bench->weights[op])
        return (Op) op;
      draw -= bench->weights[op];
    }
  g_assert_not_reached ();
}

static SoupMessage *
new_message (Conn       *conn,
             const char *method,
             GUri       *uri,
             const char *body)
{
  SoupMessage *message = soup_message_new_from_uri (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  soup_message_headers_replace (headers, "Accept", "application/json");
  if (conn->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", conn->authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  g_signal_connect (message, "accept-certificate", G_CALLBACK (message_accept_certificate_cb),
                    conn->bench->pinned);
  /* libsoup opens a new connection (a TLS handshake) for every POST and PATCH unless told
   * the request may go over the kept-alive one. As the desktop client does, a write is made
   * safe to send twice with an Idempotency-Key of its own (server/API.md), so the figures
   * include what keeping the key costs the server. */
  if (!g_str_equal (method, SOUP_METHOD_GET) && body != NULL)
    {
      g_autofree char *key = g_uuid_string_random ();

      soup_message_headers_replace (headers, "Idempotency-Key", key);
    }
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  return message;
}

/* A customer as the office types it in: a name no one has yet and a mobile. */
static char *
new_customer_body (Bench *bench)
{
  static const char * const cities[] = { "上海市", "北京市", "深圳市", "杭州市", "成都市" };
  static const char * const industries[] = { "trade", "technology", "machinery", "food" };

  return g_strdup_printf ("{\"kind\":\"company\",\"name\":\"基准新客户%09u有限公司\","
                          "\"industry\":\"%s\",\"city\":\"%s\",\"mobile\":\"13%09u\"}",
                          (guint) g_rand_int_range (bench->rand, 0, 1000000000),
                          industries[g_rand_int_range (bench->rand, 0, 4)],
                          cities[g_rand_int_range (bench->rand, 0, 5)],
                          (guint) g_rand_int_range (bench->rand, 0, 1000000000));
}

static void
send_next (Conn *conn)
{
  Bench *bench = conn->bench;
  Request *request = g_new0 (Request, 1);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  const char *method = SOUP_METHOD_GET;
  Record *record = NULL;

  request->conn = conn;
  request->op = pick_op (bench);
  if (request->op == OP_READ || request->op == OP_UPDATE)
    {
      request->record = (guint) g_rand_int_range (bench->rand, 0, (gint32) conn->records->len);
      record = &g_array_index (conn->records, Record, request->record);
      path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, record->id);
    }
  switch (request->op)
    {
    case OP_GET:
      uri = g_uri_ref (g_ptr_array_index (bench->uris, conn->next_uri));
      conn->next_uri = (conn->next_uri + 1) % bench->uris->len;
      break;
    case OP_READ:
      break;
    case OP_UPDATE:
      method = "PATCH";
      body = g_strdup_printf ("{\"notes\":\"基准修改 %u\"}",
                              (guint) g_rand_int_range (bench->rand, 0, 1000000000));
      break;
    case OP_CREATE:
      method = SOUP_METHOD_POST;
      path = g_strdup ("/api/v1/customers");
      body = new_customer_body (bench);
      break;
    case N_OPS:
    default:
      g_assert_not_reached ();
    }
  if (uri == NULL)
    uri = g_uri_parse_relative (bench->base, path, SOUP_HTTP_URI_FLAGS, NULL);
  request->message = new_message (conn, method, uri, body);
  if (request->op == OP_UPDATE)
    {
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, record->version);

      soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                    "If-Match", version);
    }

  bench->in_flight++;
  request->sent_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (conn->session, request->message, G_PRIORITY_DEFAULT, NULL,
                                    send_and_read_cb, request);
}

/* One request outside the timed loop (the server is another process, so the synchronous
 * API is safe here); the reply's JSON object, or %NULL with @error set. */
static JsonObject *
fetch_json (Conn        *conn,
            const char  *method,
            GUri        *uri,
            const char  *body,
            guint        expect_status,
            GError     **error)
{
  g_autoptr(SoupMessage) message = new_message (conn, method, uri, body);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  guint status;

  reply = soup_session_send_and_read (conn->session, message, NULL, error);
  if (reply == NULL)
    return NULL;
  status = soup_message_get_status (message);
  if (status != expect_status)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s: HTTP %u: %.*s", method,
                   g_uri_get_path (uri), status, (int) MIN (g_bytes_get_size (reply), 300),
                   (const char *) g_bytes_get_data (reply, NULL));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                   (gssize) g_bytes_get_size (reply), error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s %s: not a JSON object",
                   method, g_uri_get_path (uri));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* Signs in as @user through @conn; the session token as "Bearer TOKEN". */
static char *
sign_in (Conn        *conn,
         const char  *user,
         const char  *password,
         GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *body = NULL;
  const char *token;

  uri = g_uri_parse_relative (conn->bench->base, "/api/v1/session", SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, NULL);
  reply = fetch_json (conn, SOUP_METHOD_POST, uri, body, 201, error);
  if (reply == NULL)
    return NULL;
  token = json_object_has_member (reply, "token")
            ? json_object_get_string_member (reply, "token") : NULL;
  if (token == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sign-in as %s gave no token",
                   user);
      return NULL;
    }
  return g_strconcat ("Bearer ", token, NULL);
}

/* The connection's working set: the first @n customers its user sees, with versions. */
static gboolean
load_working_set (Conn     *conn,
                  int       n,
                  GError  **error)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/customers?limit=%d", n);
  g_autoptr(GUri) uri = g_uri_parse_relative (conn->bench->base, path, SOUP_HTTP_URI_FLAGS,
                                              error);
  g_autoptr(JsonObject) page = NULL;
  JsonArray *items;

  if (uri == NULL)
    return FALSE;
  page = fetch_json (conn, SOUP_METHOD_GET, uri, NULL, 200, error);
  if (page == NULL)
    return FALSE;
  items = json_object_has_member (page, "items") ? json_object_get_array_member (page, "items")
                                                 : NULL;
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      Record record = { json_object_get_int_member (item, "id"),
                        json_object_get_int_member (item, "version") };

      g_array_append_val (conn->records, record);
    }
  if (conn->records->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "read and update need customers the user can see: none listed");
      return FALSE;
    }
  return TRUE;
}

/* The page @n_pages "next" cursors after @uri (a list path), as a URI. */
static GUri *
follow_next (Conn        *conn,
             GUri        *uri,
             int          n_pages,
             GError     **error)
{
  g_autoptr(GUri) current = g_uri_ref (uri);

  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(JsonObject) page = fetch_json (conn, SOUP_METHOD_GET, current, NULL, 200, error);
      g_autoptr(GString) query = NULL;
      g_autofree char *escaped = NULL;
      const char *next;
      const char *old_query = g_uri_get_query (uri);

      if (page == NULL)
        return NULL;
      next = json_object_has_member (page, "next")
               ? json_object_get_string_member (page, "next") : NULL;
      if (next == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "%s: no next page after %d page(s)", g_uri_get_path (uri), i + 1);
          return NULL;
        }
      escaped = g_uri_escape_string (next, NULL, FALSE);
      query = g_string_new (old_query != NULL ? old_query : "");
      g_string_append_printf (query, "%safter=%s", query->len > 0 ? "&" : "", escaped);
      g_uri_unref (current);
      current = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL,
                             g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                             query->str, NULL);
    }
  return g_steal_pointer (&current);
}

/* "read:70,update:20,create:10" (a bare name weighs 1) into @bench's weights. */
static gboolean
parse_mix (Bench       *bench,
           const char  *spec,
           GError     **error)
{
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (g_strstrip (items[i]), ":", 2);
      guint op;
      guint64 weight = 1;

      for (op = OP_READ; op < N_OPS; op++)
        if (g_str_equal (kv[0], op_names[op]))
          break;
      if (op == N_OPS || (kv[1] != NULL
                          && !g_ascii_string_to_unsigned (kv[1], 10, 0, 1000000, &weight, NULL)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "--mix: “%s” is not read, update or create with an optional :WEIGHT",
                       items[i]);
          return FALSE;
        }
      bench->weights[op] += (guint) weight;
      bench->total_weight += (guint) weight;
    }
  return TRUE;
}

static void
conn_free (Conn *conn)
{
  g_clear_object (&conn->session);
  g_array_unref (conn->records);
  g_free (conn);
}

static Conn *
conn_new (Bench          *bench,
          GProxyResolver *direct)
{
  Conn *conn = g_new0 (Conn, 1);

  conn->bench = bench;
  conn->records = g_array_new (FALSE, FALSE, sizeof (Record));
  /* One connection per session: each keeps its own user and its own keep-alive socket. */
  conn->session = soup_session_new_with_options ("max-conns", 1, "max-conns-per-host", 1,
                                                 "proxy-resolver", direct, "timeout", 60,
                                                 NULL);
  return conn;
}

/* A JSON string: the URL and path come from the command line, so escape them. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/* By hand rather than with json-glib, which prints doubles with 17 digits. */
static void
print_json (const Bench *bench,
            guint        concurrency,
            double       elapsed_s,
            double       rate,
            GArray      *sorted)
{
  g_autoptr(GString) out = g_string_new ("{\"url\":");
  GUri *first = g_ptr_array_index (bench->uris, 0);
  g_autofree char *url = g_uri_to_string (first);

  append_json_string (out, url);
  g_string_append (out, ",\"path\":");
  append_json_string (out, g_uri_get_path (first));
  g_string_append_printf (out, ",\"paths\":%u", bench->uris->len);
  g_string_append_printf (out,
                          ",\"concurrency\":%u,\"elapsed_s\":%.3f"
                          ",\"requests\":%" G_GUINT64_FORMAT
                          ",\"errors\":%" G_GUINT64_FORMAT
                          ",\"status_errors\":%" G_GUINT64_FORMAT
                          ",\"transport_errors\":%" G_GUINT64_FORMAT
                          ",\"requests_per_s\":%.1f"
                          ",\"conflicts\":%" G_GUINT64_FORMAT
                          ",\"users\":%u,\"think_ms\":%.0f"
                          ",\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f",
                          concurrency, elapsed_s, bench->n_requests,
                          bench->n_status_errors + bench->n_transport_errors,
                          bench->n_status_errors, bench->n_transport_errors, rate,
                          bench->n_conflicts, bench->authorizations->len, bench->think_ms,
                          crm_bench_percentile (sorted, 50), crm_bench_percentile (sorted, 95),
                          crm_bench_percentile (sorted, 99), crm_bench_percentile (sorted, 100));
  g_string_append (out, ",\"ops\":{");
  for (guint op = 0; op < N_OPS; op++)
    g_string_append_printf (out, "%s\"%s\":%" G_GUINT64_FORMAT, op > 0 ? "," : "", op_names[op],
                            bench->n_ops[op]);
  g_string_append (out, "}}");
  g_print ("%s\n", out->str);
}

static void
print_text (const Bench *bench,
            double       rate,
            GArray      *sorted)
{
  g_print ("requests:   %" G_GUINT64_FORMAT "\n", bench->n_requests);
  g_print ("errors:     %" G_GUINT64_FORMAT " (status %" G_GUINT64_FORMAT
           ", transport %" G_GUINT64_FORMAT ")\n",
           bench->n_status_errors + bench->n_transport_errors, bench->n_status_errors,
           bench->n_transport_errors);
  g_print ("requests/s: %.1f\n", rate);
  g_print ("latency ms: p50 %.3f  p95 %.3f  p99 %.3f  max %.3f\n",
           crm_bench_percentile (sorted, 50), crm_bench_percentile (sorted, 95),
           crm_bench_percentile (sorted, 99), crm_bench_percentile (sorted, 100));
}

/* The users' bearer tokens: signed in now, or read from --token-file. */
static gboolean
load_authorizations (Bench       *bench,
                     char       **users,
                     const char  *password_file,
                     const char  *token_file,
                     GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (token_file != NULL)
    {
      if (!g_file_get_contents (token_file, &text, NULL, error))
        return FALSE;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (*g_strstrip (lines[i]) != '\0')
          g_ptr_array_add (bench->authorizations, g_strconcat ("Bearer ", lines[i], NULL));
      if (bench->authorizations->len == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s holds no token",
                       token_file);
          return FALSE;
        }
      return TRUE;
    }
  if (users == NULL)
    return TRUE;
  if (!g_file_get_contents (password_file, &text, NULL, error))
    return FALSE;
  g_strchomp (text);
  for (guint i = 0; users[i] != NULL; i++)
    {
      Conn *conn = g_ptr_array_index (bench->conns, i % bench->conns->len);
      char *authorization = sign_in (conn, users[i], text, error);

      if (authorization == NULL)
        return FALSE;
      g_ptr_array_add (bench->authorizations, authorization);
    }
  return TRUE;
}

static void
warm_up_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupMessage) message = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                              NULL);
  Bench *bench = g_object_get_data (G_OBJECT (message), "bench");

  if (--bench->in_flight == 0)
    g_main_loop_quit (bench->loop);
}

/* Opens every connection (TLS handshake included) with one untimed GET /api/v1/health, all
 * at once, so the rows measure keep-alive connections rather than connecting. */
static void
warm_up (Bench *bench)
{
  g_autoptr(GUri) uri = g_uri_parse_relative (bench->base, "/api/v1/health",
                                              SOUP_HTTP_URI_FLAGS, NULL);

  for (guint i = 0; i < bench->conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (bench->conns, i);
      SoupMessage *message = new_message (conn, SOUP_METHOD_GET, uri, NULL);

      g_object_set_data (G_OBJECT (message), "bench", bench);
      bench->in_flight++;
      soup_session_send_and_read_async (conn->session, message, G_PRIORITY_DEFAULT, NULL,
                                        warm_up_cb, message);
    }
  if (bench->in_flight > 0)
    g_main_loop_run (bench->loop);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GProxyResolver) direct = NULL;
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func ((GDestroyNotify) g_uri_unref);
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  g_autoptr(GPtrArray) authorizations = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GArray) latencies = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  g_autofree char *url = NULL;
  g_auto(GStrv) paths = NULL;
  g_auto(GStrv) users = NULL;
  g_autofree char *cacert = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *mix = NULL;
  gboolean json = FALSE;
  gboolean print_tokens = FALSE;
  int concurrency = 1;
  double duration_s = 10.0;
  double hold_s = 0;
  double think_ms = 0;
  int expect_status = 0;
  int follow = 0;
  int working_set = 100;
  double elapsed_s;
  double rate;
  Bench bench = { 0 };
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server base URL", "https://HOST:PORT" },
    { "path", 0, 0, G_OPTION_ARG_STRING_ARRAY, &paths,
      "Request path, repeatable: round-robin (default /api/v1/health)", "PATH" },
    { "mix", 0, 0, G_OPTION_ARG_STRING, &mix,
      "Customers instead of --path: read, update, create with weights (read:70,update:20,…)",
      "SPEC" },
    { "working-set", 0, 0, G_OPTION_ARG_INT, &working_set,
      "Customers per connection that read and update pick from (default 100, ≤ 500)", "N" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency,
      "Connections, each with one request outstanding (default 1)", "N" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration_s,
      "Seconds to keep issuing requests (default 10)", "SECONDS" },
    { "think-ms", 0, 0, G_OPTION_ARG_DOUBLE, &think_ms,
      "Mean think time before each request, exponentially distributed (default 0: none)",
      "MS" },
    { "hold", 0, 0, G_OPTION_ARG_DOUBLE, &hold_s,
      "Keep the connections open, idle, this long after the run", "SECONDS" },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &cacert,
      "Accept exactly this server certificate (PEM)", "FILE" },
    { "expect-status", 0, 0, G_OPTION_ARG_INT, &expect_status,
      "Count only this HTTP status as success (default: any 2xx)", "CODE" },
    { "user", 0, 0, G_OPTION_ARG_STRING_ARRAY, &users,
      "Sign in as this user first (repeatable: connection i is user i modulo their number)",
      "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      "The users' password (first line)", "FILE" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      "Session tokens, one a line, instead of --user", "FILE" },
    { "print-tokens", 0, 0, G_OPTION_ARG_NONE, &print_tokens,
      "Sign the --user users in, print their tokens (one a line) and exit", NULL },
    { "follow-next", 0, 0, G_OPTION_ARG_INT, &follow,
      "Walk N pages through \"next\" first, then measure the page reached", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object line", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- HTTPS load generator for rapport-server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("rapport-bench-load: %s\n", error->message);
      return 2;
    }
  if (url == NULL || concurrency < 1 || duration_s <= 0 || hold_s < 0 || think_ms < 0
      || expect_status < 0
      || expect_status > 599 || follow < 0 || working_set < 1 || working_set > 500
      || (users != NULL) != (password_file != NULL) || (users != NULL && token_file != NULL)
      || (print_tokens && users == NULL))
    {
      g_printerr ("rapport-bench-load: need --url, --concurrency ≥ 1, --duration > 0, "
                  "--hold ≥ 0, --think-ms ≥ 0, --expect-status 100…599, --follow-next ≥ 0, --working-set "
                  "1…500, and --user with --password-file (or --token-file)\n");
      return 2;
    }
  /* Numbers in the JSON line and the text output use '.' whatever the locale. */
  setlocale (LC_NUMERIC, "C");

  base = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (base == NULL)
    {
      g_printerr ("rapport-bench-load: %s: %s\n", url, error->message);
      return 2;
    }
  if (mix != NULL && !parse_mix (&bench, mix, &error))
    {
      g_printerr ("rapport-bench-load: %s\n", error->message);
      return 2;
    }
  if (paths == NULL || paths[0] == NULL)
    {
      g_strfreev (paths);
      paths = g_strdupv ((char *[]) { "/api/v1/health", NULL });
    }
  for (guint i = 0; paths[i] != NULL; i++)
    {
      GUri *uri = g_uri_parse_relative (base, paths[i], SOUP_HTTP_URI_FLAGS, &error);

      if (uri == NULL)
        {
          g_printerr ("rapport-bench-load: %s: %s\n", paths[i], error->message);
          return 2;
        }
      g_ptr_array_add (uris, uri);
    }
  if (cacert != NULL)
    {
      pinned = g_tls_certificate_new_from_file (cacert, &error);
      if (pinned == NULL)
        {
          g_printerr ("rapport-bench-load: %s\n", error->message);
          return 2;
        }
    }

  loop = g_main_loop_new (NULL, FALSE);
  latencies = g_array_sized_new (FALSE, FALSE, sizeof (double), 1 << 16);
  bench.conns = conns;
  bench.authorizations = authorizations;
  bench.uris = uris;
  bench.base = base;
  bench.rand = rand;
  bench.pinned = pinned;
  bench.loop = loop;
  bench.latencies_ms = latencies;
  bench.expect_status = (guint) expect_status;
  bench.think_ms = think_ms;

  /* Loopback only: no proxy, and no GSettings lookup for proxy settings. */
  direct = g_simple_proxy_resolver_new (NULL, NULL);
  for (int i = 0; i < concurrency; i++)
    g_ptr_array_add (conns, conn_new (&bench, direct));

  if (!load_authorizations (&bench, users, password_file, token_file, &error))
    {
      g_printerr ("rapport-bench-load: signing in: %s\n", error->message);
      return 1;
    }
  if (print_tokens)
    {
      for (guint i = 0; i < authorizations->len; i++)
        g_print ("%s\n", (const char *) g_ptr_array_index (authorizations, i) + strlen ("Bearer "));
      return EXIT_SUCCESS;
    }
  for (guint i = 0; i < conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (conns, i);

      if (authorizations->len > 0)
        conn->authorization = g_ptr_array_index (authorizations, i % authorizations->len);
      conn->next_uri = i % uris->len;
      if ((bench.weights[OP_READ] > 0 || bench.weights[OP_UPDATE] > 0)
          && !load_working_set (conn, working_set, &error))
        {
          g_printerr ("rapport-bench-load: connection %u: %s\n", i, error->message);
          return 1;
        }
    }
  if (follow > 0)
    for (guint i = 0; i < uris->len; i++)
      {
        GUri *deep = follow_next (g_ptr_array_index (conns, 0), g_ptr_array_index (uris, i),
                                  follow, &error);

        if (deep == NULL)
          {
            g_printerr ("rapport-bench-load: %s\n", error->message);
            return 1;
          }
        g_uri_unref (g_ptr_array_index (uris, i));
        g_ptr_array_index (uris, i) = deep;
      }

  warm_up (&bench);
  bench.started_us = g_get_monotonic_time ();
  bench.finished_us = bench.started_us;
  bench.deadline_us = bench.started_us + (gint64) (duration_s * G_USEC_PER_SEC);

  /* With think times, the first requests spread out as the later ones do. */
  for (guint i = 0; i < conns->len; i++)
    think_then_send (g_ptr_array_index (conns, i));
  if (think_ms > 0)
    g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (duration_s * 1000), deadline_cb, &bench,
                        NULL);
  g_main_loop_run (loop);

  elapsed_s = (bench.finished_us - bench.started_us) / (double) G_USEC_PER_SEC;
  rate = elapsed_s > 0 ? bench.n_requests / elapsed_s : 0.0;
  crm_bench_sort_doubles (latencies);
  if (json)
    print_json (&bench, (guint) concurrency, elapsed_s, rate, latencies);
  else
    print_text (&bench, rate, latencies);

  if (hold_s > 0)
    {
      /* The printed line tells a runner the connections are now idle and still open. */
      fflush (stdout);
      g_timeout_add ((guint) (hold_s * 1000), quit_cb, loop);
      g_main_loop_run (loop);
    }

  return bench.n_status_errors + bench.n_transport_errors < bench.n_requests ? EXIT_SUCCESS
                                                                            : EXIT_FAILURE;
}
