/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport-bench-load"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <libsoup/soup.h>

/*
 * rapport-bench-load: a closed-loop HTTPS load generator. It keeps --concurrency
 * requests outstanding on one SoupSession (so one keep-alive connection each); every
 * completion records its latency and issues the next request until --duration has
 * passed, then waits for the requests in flight and prints the figures.
 */

typedef struct
{
  SoupSession     *session;
  GUri            *uri;
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
  request->message = soup_message_new_from_uri (SOUP_METHOD_GET, bench->uri);
  soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                "Accept", "application/json");
  g_signal_connect (request->message, "accept-certificate",
                    G_CALLBACK (message_accept_certificate_cb), bench->pinned);

  bench->in_flight++;
  request->sent_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (bench->session, request->message, G_PRIORITY_DEFAULT, NULL,
                                    send_and_read_cb, request);
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
  g_autofree char *url = g_uri_to_string (bench->uri);

  append_json_string (out, url);
  g_string_append (out, ",\"path\":");
  append_json_string (out, g_uri_get_path (bench->uri));
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
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GArray) latencies = NULL;
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cacert = NULL;
  gboolean json = FALSE;
  int concurrency = 1;
  double duration_s = 10.0;
  int expect_status = 0;
  double elapsed_s;
  double rate;
  Bench bench = { 0 };
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server base URL", "https://HOST:PORT" },
    { "path", 0, 0, G_OPTION_ARG_STRING, &path, "Request path (default /api/v1/health)",
      "PATH" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency,
      "Requests outstanding at a time, one connection each (default 1)", "N" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration_s,
      "Seconds to keep issuing requests (default 10)", "SECONDS" },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &cacert,
      "Accept exactly this server certificate (PEM)", "FILE" },
    { "expect-status", 0, 0, G_OPTION_ARG_INT, &expect_status,
      "Count only this HTTP status as success (default: any 2xx)", "CODE" },
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
      || expect_status > 599)
    {
      g_printerr ("rapport-bench-load: need --url, --concurrency ≥ 1, --duration > 0 "
                  "and --expect-status 100…599\n");
      return 2;
    }
  /* Numbers in the JSON line and the text output use '.' whatever the locale. */
  setlocale (LC_NUMERIC, "C");

  base = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (base != NULL)
    uri = g_uri_parse_relative (base, path != NULL ? path : "/api/v1/health",
                                SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_printerr ("rapport-bench-load: %s: %s\n", url, error->message);
      return 2;
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
  bench.uri = uri;
  bench.pinned = pinned;
  bench.loop = loop;
  bench.latencies_us = latencies;
  bench.expect_status = (guint) expect_status;
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

  return bench.n_status_errors + bench.n_transport_errors < bench.n_requests ? EXIT_SUCCESS
                                                                            : EXIT_FAILURE;
}
