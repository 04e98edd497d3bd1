/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport-bench-load"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

/*
 * rapport-bench-load: a closed-loop HTTPS load generator. It keeps --concurrency
 * requests outstanding on one SoupSession (so one keep-alive connection each); every
 * completion records its latency and issues the next request until --duration has
 * passed, then waits for the requests in flight and prints the figures.
 *
 * --path may be repeated: requests go round-robin over the paths. With --user the
 * generator first signs in (POST /api/v1/session, the password from --password-file)
 * and sends the session token with every request. With --follow-next N each path is
 * first walked N pages through the reply's "next" cursor (not timed), and the page
 * reached is the one measured: a deep keyset page.
 */

typedef struct
{
  SoupSession     *session;
  GPtrArray       *uris;           /* GUri, round-robin */
  guint            next_uri;
  char            *authorization;  /* "Bearer TOKEN" or NULL */
  GTlsCertificate *pinned;
  GMainLoop       *loop;
  GArray          *latencies_us;   /* gint64, one per completed request */
  gint64           started_us;
  gint64           deadline_us;
  gint64           finished_us;
  guint            expect_status;  /* 0 = any 2xx */
  guint            in_flight;
  guint64          n_requests;
  guint64          n_status_errors;
  guint64          n_transport_errors;
  gboolean         reported_transport_error;
} Bench;

typedef struct
{
  Bench       *bench;
  SoupMessage *message;
  gint64       sent_us;
} Request;

static void send_next (Bench *bench);

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

static void
send_and_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  Bench *bench = request->bench;
  gint64 now = g_get_monotonic_time ();
  gint64 latency = now - request->sent_us;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  bench->in_flight--;
  bench->n_requests++;
  bench->finished_us = now;
  g_array_append_val (bench->latencies_us, latency);

  if (body == NULL)
    {
      bench->n_transport_errors++;
      if (!bench->reported_transport_error)
        {
          g_printerr ("rapport-bench-load: %s\n", error->message);
          bench->reported_transport_error = TRUE;
        }
    }
  else if (!is_expected_status (bench, soup_message_get_status (request->message)))
    {
      bench->n_status_errors++;
    }

  if (now < bench->deadline_us)
    send_next (bench);
  else if (bench->in_flight == 0)
    g_main_loop_quit (bench->loop);
}

static void
send_next (Bench *bench)
{
  Request *request = g_new0 (Request, 1);

  request->bench = bench;
  request->message = soup_message_new_from_uri (SOUP_METHOD_GET,
                                                g_ptr_array_index (bench->uris, bench->next_uri));
  bench->next_uri = (bench->next_uri + 1) % bench->uris->len;
  soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                "Accept", "application/json");
  if (bench->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                  "Authorization", bench->authorization);
  g_signal_connect (request->message, "accept-certificate",
                    G_CALLBACK (message_accept_certificate_cb), bench->pinned);

  bench->in_flight++;
  request->sent_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (bench->session, request->message, G_PRIORITY_DEFAULT, NULL,
                                    send_and_read_cb, request);
}

/* One request outside the timed loop (the server is another process, so the synchronous
 * API is safe here); the reply's JSON object, or %NULL with @error set. */
static JsonObject *
fetch_json (Bench       *bench,
            const char  *method,
            GUri        *uri,
            const char  *body,
            guint        expect_status,
            GError     **error)
{
  g_autoptr(SoupMessage) message = soup_message_new_from_uri (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  guint status;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json");
  if (bench->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                  bench->authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  g_signal_connect (message, "accept-certificate", G_CALLBACK (message_accept_certificate_cb),
                    bench->pinned);
  reply = soup_session_send_and_read (bench->session, message, NULL, error);
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

/* Signs in as @user and keeps the session token for every request. */
static gboolean
sign_in (Bench       *bench,
         GUri        *base,
         const char  *user,
         const char  *password_file,
         GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *password = NULL;
  g_autofree char *body = NULL;
  const char *token;

  if (!g_file_get_contents (password_file, &password, NULL, error))
    return FALSE;
  g_strchomp (password);
  uri = g_uri_parse_relative (base, "/api/v1/session", SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, NULL);
  reply = fetch_json (bench, SOUP_METHOD_POST, uri, body, 201, error);
  if (reply == NULL)
    return FALSE;
  token = json_object_has_member (reply, "token")
            ? json_object_get_string_member (reply, "token") : NULL;
  if (token == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sign-in gave no token");
      return FALSE;
    }
  bench->authorization = g_strconcat ("Bearer ", token, NULL);
  return TRUE;
}

/* The page @n_pages "next" cursors after @uri (a list path), as a URI. */
static GUri *
follow_next (Bench       *bench,
             GUri        *uri,
             int          n_pages,
             GError     **error)
{
  g_autoptr(GUri) current = g_uri_ref (uri);

  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(JsonObject) page = fetch_json (bench, SOUP_METHOD_GET, current, NULL, 200, error);
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

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted latencies, in milliseconds. */
static double
percentile_ms (GArray *sorted,
               double  percent)
{
  gsize rank;

  if (sorted->len == 0)
    return 0.0;
  rank = (gsize) ((percent / 100.0) * sorted->len + 0.999999);
  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, gint64, rank - 1) / 1000.0;
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
                          ",\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}",
                          concurrency, elapsed_s, bench->n_requests,
                          bench->n_status_errors + bench->n_transport_errors,
                          bench->n_status_errors, bench->n_transport_errors, rate,
                          percentile_ms (sorted, 50), percentile_ms (sorted, 95),
                          percentile_ms (sorted, 99), percentile_ms (sorted, 100));
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
           percentile_ms (sorted, 50), percentile_ms (sorted, 95), percentile_ms (sorted, 99),
           percentile_ms (sorted, 100));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GProxyResolver) direct = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func ((GDestroyNotify) g_uri_unref);
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GArray) latencies = NULL;
  g_autofree char *url = NULL;
  g_auto(GStrv) paths = NULL;
  g_autofree char *cacert = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password_file = NULL;
  gboolean json = FALSE;
  int concurrency = 1;
  double duration_s = 10.0;
  int expect_status = 0;
  int follow = 0;
  double elapsed_s;
  double rate;
  Bench bench = { 0 };
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server base URL", "https://HOST:PORT" },
    { "path", 0, 0, G_OPTION_ARG_STRING_ARRAY, &paths,
      "Request path, repeatable: round-robin (default /api/v1/health)", "PATH" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency,
      "Requests outstanding at a time, one connection each (default 1)", "N" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration_s,
      "Seconds to keep issuing requests (default 10)", "SECONDS" },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &cacert,
      "Accept exactly this server certificate (PEM)", "FILE" },
    { "expect-status", 0, 0, G_OPTION_ARG_INT, &expect_status,
      "Count only this HTTP status as success (default: any 2xx)", "CODE" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user,
      "Sign in as this user first and send its session token", "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      "The --user's password (first line)", "FILE" },
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
  if (url == NULL || concurrency < 1 || duration_s <= 0 || expect_status < 0
      || expect_status > 599 || follow < 0 || (user != NULL) != (password_file != NULL))
    {
      g_printerr ("rapport-bench-load: need --url, --concurrency ≥ 1, --duration > 0, "
                  "--expect-status 100…599, --follow-next ≥ 0, and --user with "
                  "--password-file\n");
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

  /* Loopback only: no proxy, and no GSettings lookup for proxy settings. */
  direct = g_simple_proxy_resolver_new (NULL, NULL);
  session = soup_session_new_with_options ("max-conns", concurrency,
                                           "max-conns-per-host", concurrency,
                                           "proxy-resolver", direct,
                                           "timeout", 60,
                                           NULL);
  loop = g_main_loop_new (NULL, FALSE);
  latencies = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 1 << 16);

  bench.session = session;
  bench.uris = uris;
  bench.pinned = pinned;
  bench.loop = loop;
  bench.latencies_us = latencies;
  bench.expect_status = (guint) expect_status;

  if (user != NULL && !sign_in (&bench, base, user, password_file, &error))
    {
      g_printerr ("rapport-bench-load: signing in as %s: %s\n", user, error->message);
      return 1;
    }
  if (follow > 0)
    for (guint i = 0; i < uris->len; i++)
      {
        GUri *deep = follow_next (&bench, g_ptr_array_index (uris, i), follow, &error);

        if (deep == NULL)
          {
            g_printerr ("rapport-bench-load: %s\n", error->message);
            return 1;
          }
        g_uri_unref (g_ptr_array_index (uris, i));
        g_ptr_array_index (uris, i) = deep;
      }

  bench.started_us = g_get_monotonic_time ();
  bench.finished_us = bench.started_us;
  bench.deadline_us = bench.started_us + (gint64) (duration_s * G_USEC_PER_SEC);

  for (int i = 0; i < concurrency; i++)
    send_next (&bench);
  g_main_loop_run (loop);

  elapsed_s = (bench.finished_us - bench.started_us) / (double) G_USEC_PER_SEC;
  rate = elapsed_s > 0 ? bench.n_requests / elapsed_s : 0.0;
  g_array_sort (latencies, compare_gint64);
  if (json)
    print_json (&bench, (guint) concurrency, elapsed_s, rate, latencies);
  else
    print_text (&bench, rate, latencies);

  g_free (bench.authorization);
  return bench.n_status_errors + bench.n_transport_errors < bench.n_requests ? EXIT_SUCCESS
                                                                            : EXIT_FAILURE;
}
