/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-bench-scroll"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gi18n.h>

#include "crm-application.h"
#include "crm-bench-stats.h"
#include "crm-customer-list.h"
#include "crm-customers-page.h"
#include "crm-sign-in-page.h"
#include "crm-window-private.h"
#include "crm-window.h"

/*
 * rapport-bench-scroll: the desktop client's Customers section scrolled under a display
 * (Xvfb), against a running rapport-server (bench/run --scenario scroll; bench/README.md).
 *
 * It opens the real window, signs in through its sign-in page as --user, and for each
 * case (the whole list, then with --q, then with --filter) measures:
 *   - a jump of the scroll bar to the middle and to the end of the list: the time until
 *     the first frame painted with every row on screen loaded (no placeholder);
 *   - a continuous scroll from the top at a steady speed, a tick callback moving the
 *     vertical adjustment by --rows-per-frame rows every frame, for --rows rows or to the
 *     end of the list: the frame intervals (the frame clock's frame times), the frames
 *     painted with placeholders on screen, the frames where the scroll could not advance
 *     (the end of the rows the list knows of), the page requests, and the client's RSS
 *     and the rows the list holds before and after.
 * With --still-frames N, first N frames that move the list by a pixel and back (painted
 * again, no row bound): the floor of a scroll's CPU per frame.
 * One JSON object per case on stdout, one line each.
 */

/* How long a jump or a page may take on a busy machine; the scroll itself may take longer
 * (SCROLL_TIMEOUT_SECONDS): 20,000 rows at 10 rows a frame are 2,000 frames. */
#define TIMEOUT_SECONDS 120
#define SCROLL_TIMEOUT_SECONDS 1800

typedef struct
{
  const char *name;
  const char *q;
  const char *filter_key;
  const char *filter_value;
} ScrollCase;

typedef struct
{
  CrmWindow        *window;
  CrmCustomersPage *page;
  GtkWidget        *view;
  GtkAdjustment    *adjustment;

  /* the continuous scroll */
  guint             rows_per_frame;
  guint             max_rows;
  double            start_row;
  double            row;              /* where the scroll is, in rows */
  gint64            last_frame_time;
  GArray           *intervals;        /* double, ms between frames */
  guint             placeholder_frames;
  guint             stalled_frames;
  gboolean          scrolling;

  /* a jump */
  gboolean          jump_done;
  gint64            jump_started;
  double            jump_ms;
} Bench;

static char *opt_url;
static char *opt_cacert;
static char *opt_user;
static char *opt_password_file;
static char *opt_q;
static char *opt_filter;
static int opt_rows = 20000;
static int opt_rows_per_frame = 10;
static gboolean opt_plain_only;
static int opt_still_frames;

static const GOptionEntry entries[] = {
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "The server's base URL", "URL" },
  { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &opt_cacert, "The server's certificate", "FILE" },
  { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "Who signs in", "NAME" },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_password_file, "Their password",
    "FILE" },
  { "q", 0, 0, G_OPTION_ARG_STRING, &opt_q, "A search text for the search case", "TEXT" },
  { "filter", 0, 0, G_OPTION_ARG_STRING, &opt_filter, "A filter for the filter case",
    "KEY=VALUE" },
  { "rows", 0, 0, G_OPTION_ARG_INT, &opt_rows, "Rows to scroll through (default 20000)", "N" },
  { "rows-per-frame", 0, 0, G_OPTION_ARG_INT, &opt_rows_per_frame,
    "The scroll's speed (default 10)", "N" },
  { "plain-only", 0, 0, G_OPTION_ARG_NONE, &opt_plain_only, "Only the whole list", NULL },
  { "still-frames", 0, 0, G_OPTION_ARG_INT, &opt_still_frames,
    "First, N frames moving the list a pixel and back (default none)", "N" },
  { NULL }
};

static CrmCustomerList *
list_of (Bench *bench)
{
  return crm_customers_page_get_list (bench->page);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Predicate) (Bench *bench);

static void
wait_longer (Bench      *bench,
             Predicate   done,
             guint       seconds,
             const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (seconds, timeout_cb, &timed_out);

  while (!timed_out && !done (bench))
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    {
      g_printerr ("rapport-bench-scroll: timed out waiting for %s\n", what);
      exit (1);
    }
  g_source_remove (timeout);
}

static void
wait_for (Bench      *bench,
          Predicate   done,
          const char *what)
{
  wait_longer (bench, done, TIMEOUT_SECONDS, what);
}

static gboolean
shows_sign_in (Bench *bench)
{
  return g_strcmp0 (_crm_window_get_page_name (bench->window), "sign-in") == 0
         && !_crm_window_is_checking_session (bench->window);
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return *frames < 3 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Three frames: the view laid out what the list holds (the scroll bar spans it). */
static void
wait_frames (Bench *bench)
{
  guint frames = 0;

  gtk_widget_add_tick_callback (GTK_WIDGET (bench->window), count_frame_cb, &frames, NULL);
  while (frames < 3)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
list_settled (Bench *bench)
{
  return g_strcmp0 (_crm_window_get_page_name (bench->window), "signed-in") == 0
         && list_of (bench) != NULL
         && !_crm_customers_page_is_searching (bench->page)
         && crm_customer_list_get_total (list_of (bench)) >= 0;
}

static guint
n_rows (Bench *bench)
{
  return g_list_model_get_n_items (G_LIST_MODEL (list_of (bench)));
}

/* The rows on screen: rows are all of a height, so the value says which. */
static void
visible_rows (Bench *bench,
              guint *first,
              guint *last)
{
  double upper = gtk_adjustment_get_upper (bench->adjustment);
  double value = gtk_adjustment_get_value (bench->adjustment);
  guint n = n_rows (bench);

  *first = *last = 0;
  if (upper <= 0 || n == 0)
    return;
  *first = MIN ((guint) (value / upper * n), n - 1);
  *last = MIN ((guint) ((value + gtk_adjustment_get_page_size (bench->adjustment)) / upper * n),
               n - 1);
}

static gboolean
shows_placeholders (Bench *bench)
{
  guint first, last;

  visible_rows (bench, &first, &last);
  for (guint i = first; i <= last && i < n_rows (bench); i++)
    if (crm_customer_list_peek (list_of (bench), i) == NULL)
      return TRUE;
  return FALSE;
}

static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  return line != NULL ? g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10) : -1;
}

/* The process's CPU time (user + system), in ms: a figure the other load of a shared
 * machine changes less than the frame intervals. */
static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

/* --- a jump of the scroll bar ----------------------------------------------- */

/* After a frame painted: were its rows all loaded when it was laid out? */
static void
jump_after_paint_cb (GdkFrameClock *clock,
                     Bench         *bench)
{
  if (bench->jump_done || shows_placeholders (bench))
    return;
  bench->jump_done = TRUE;
  bench->jump_ms = (g_get_monotonic_time () - bench->jump_started) / 1000.0;
}

static gboolean
jump_done (Bench *bench)
{
  return bench->jump_done;
}

static gboolean
keep_painting_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  return ((Bench *) user_data)->jump_done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* The scroll bar dragged to @fraction: ms until a frame shows every row there loaded. */
static double
jump (Bench  *bench,
      double  fraction)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (bench->view);
  gulong handler;
  guint first, last;

  bench->jump_done = FALSE;
  bench->jump_ms = -1;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (jump_after_paint_cb), bench);
  gtk_widget_add_tick_callback (bench->view, keep_painting_cb, bench, NULL);
  bench->jump_started = g_get_monotonic_time ();
  gtk_adjustment_set_value (bench->adjustment,
                            (gtk_adjustment_get_upper (bench->adjustment)
                             - gtk_adjustment_get_page_size (bench->adjustment)) * fraction);
  visible_rows (bench, &first, &last);
  g_debug ("Jump to %.0f%%: rows %u to %u of %u", fraction * 100, first, last, n_rows (bench));
  wait_for (bench, jump_done, "the rows after a jump");
  g_signal_handler_disconnect (clock, handler);
  g_debug ("Jump to %.0f%%: %.0f ms", fraction * 100, bench->jump_ms);
  return bench->jump_ms;
}

/* --- frames without a scroll ---------------------------------------------------- */

typedef struct
{
  GtkAdjustment *adjustment;
  guint          frames;
  guint          ticks;
  gint64         first_frame_time;
  gint64         last_frame_time;
  double         first_cpu;
  double         last_cpu;
} Still;

static gboolean
still_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  Still *still = user_data;

  still->last_frame_time = gdk_frame_clock_get_frame_time (clock);
  still->last_cpu = cpu_ms ();
  if (still->ticks++ == 0)
    {
      still->first_frame_time = still->last_frame_time;
      still->first_cpu = still->last_cpu;
    }
  if (still->ticks > still->frames)
    return G_SOURCE_REMOVE;
  /* A pixel down, a pixel up: the rows move, so the list is painted again and sent to the
   * X server, but no row comes or goes and none is bound again. */
  gtk_adjustment_set_value (still->adjustment, still->ticks % 2);
  return G_SOURCE_CONTINUE;
}

/* @frames frames in which the whole list, at its top, moves by a pixel and back: what a
 * frame of the scroll costs without binding rows (the floor of the scroll's CPU per frame).
 * One JSON object, case "still". */
static void
measure_still (Bench *bench,
               guint  frames)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  Still still = { bench->adjustment, frames, 0, 0, 0, 0, 0 };

  gtk_adjustment_set_value (bench->adjustment, 0);
  wait_frames (bench);
  gtk_widget_add_tick_callback (bench->view, still_tick_cb, &still, NULL);
  while (still.ticks <= frames)
    g_main_context_iteration (NULL, TRUE);
  gtk_adjustment_set_value (bench->adjustment, 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, opt_user);
  json_builder_set_member_name (builder, "case");
  json_builder_add_string_value (builder, "still");
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, frames);
  json_builder_set_member_name (builder, "cpu_ms_per_frame");
  json_builder_add_double_value (builder, (still.last_cpu - still.first_cpu) / frames);
  json_builder_set_member_name (builder, "frame_mean_ms");
  json_builder_add_double_value (builder, (still.last_frame_time - still.first_frame_time)
                                          / 1000.0 / frames);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* --- the continuous scroll ---------------------------------------------------- */

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  Bench *bench = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double upper = gtk_adjustment_get_upper (bench->adjustment);
  double page = gtk_adjustment_get_page_size (bench->adjustment);
  guint n = n_rows (bench);
  double row_height = n > 0 ? upper / n : 0;
  double max_row;

  if (bench->last_frame_time != 0)
    {
      double interval = (now - bench->last_frame_time) / 1000.0;

      g_array_append_val (bench->intervals, interval);
      /* What the last frame painted. */
      if (shows_placeholders (bench))
        bench->placeholder_frames++;
    }
  bench->last_frame_time = now;
  if (row_height <= 0)
    return G_SOURCE_CONTINUE;

  max_row = (upper - page) / row_height;
  if (bench->row - bench->start_row >= bench->max_rows
      || (bench->row >= max_row && !crm_customer_list_get_total_capped (list_of (bench))
          && !crm_customer_list_get_total_estimated (list_of (bench))
          && !crm_customer_list_get_loading (list_of (bench))))
    {
      bench->scrolling = FALSE;
      return G_SOURCE_REMOVE;
    }
  if (bench->row >= max_row)
    {
      /* At the end of the rows the list knows of: waiting for it to grow. */
      bench->stalled_frames++;
      return G_SOURCE_CONTINUE;
    }
  bench->row = MIN (bench->row + bench->rows_per_frame, max_row);
  gtk_adjustment_set_value (bench->adjustment, bench->row * row_height);
  return G_SOURCE_CONTINUE;
}

static gboolean
scroll_done (Bench *bench)
{
  return !bench->scrolling;
}

static gboolean
list_idle (Bench *bench)
{
  return !_crm_customers_page_is_searching (bench->page);
}

static void
run_case (Bench            *bench,
          const ScrollCase *scroll_case)
{
  CrmCustomerList *list = list_of (bench);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  double jump_middle, jump_end, seconds, cpu, over = 0;
  guint requests, n_before_scroll;
  gint64 total, rss_before, started;
  guint n_over_33 = 0;

  /* The search as typed (search-as-you-type), the filter as the filter popover sets it. */
  gtk_editable_set_text (GTK_EDITABLE (_crm_customers_page_get_search_entry (bench->page)),
                         scroll_case->q != NULL ? scroll_case->q : "");
  crm_customer_list_clear_filters (list);
  if (scroll_case->filter_key != NULL)
    crm_customer_list_set_filter (list, scroll_case->filter_key, scroll_case->filter_value);
  wait_for (bench, list_settled, "the list");
  wait_frames (bench);
  total = crm_customer_list_get_total (list);
  n_before_scroll = n_rows (bench);

  jump_middle = jump (bench, 0.5);
  jump_end = jump (bench, 1.0);

  /* Afresh: the scroll starts from the top with nothing loaded but the first page. */
  gtk_adjustment_set_value (bench->adjustment, 0);
  crm_customer_list_reload (list);
  wait_for (bench, list_settled, "the list again");
  wait_frames (bench);
  rss_before = rss_kb ();
  requests = _crm_customer_list_get_n_requests (list);

  g_array_set_size (bench->intervals, 0);
  bench->placeholder_frames = 0;
  bench->stalled_frames = 0;
  bench->last_frame_time = 0;
  bench->start_row = bench->row = 0;
  bench->scrolling = TRUE;
  started = g_get_monotonic_time ();
  cpu = cpu_ms ();
  gtk_widget_add_tick_callback (bench->view, scroll_tick_cb, bench, NULL);
  wait_longer (bench, scroll_done, SCROLL_TIMEOUT_SECONDS, "the scroll");
  seconds = (g_get_monotonic_time () - started) / 1e6;
  cpu = cpu_ms () - cpu;
  wait_for (bench, list_idle, "the last pages");
  requests = _crm_customer_list_get_n_requests (list) - requests;

  crm_bench_sort_doubles (bench->intervals);
  for (guint i = 0; i < bench->intervals->len; i++)
    if (g_array_index (bench->intervals, double, i) > 33.0)
      {
        n_over_33++;
        over += g_array_index (bench->intervals, double, i);
      }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, opt_user);
  json_builder_set_member_name (builder, "case");
  json_builder_add_string_value (builder, scroll_case->name);
  json_builder_set_member_name (builder, "query");
  {
    g_autofree char *query = crm_customer_list_dup_query (list);

    json_builder_add_string_value (builder, query);
  }
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "total_capped");
  json_builder_add_boolean_value (builder, crm_customer_list_get_total_capped (list));
  json_builder_set_member_name (builder, "total_estimated");
  json_builder_add_boolean_value (builder, crm_customer_list_get_total_estimated (list));
  json_builder_set_member_name (builder, "rows_at_start");
  json_builder_add_int_value (builder, n_before_scroll);
  json_builder_set_member_name (builder, "jump_middle_ms");
  json_builder_add_double_value (builder, jump_middle);
  json_builder_set_member_name (builder, "jump_end_ms");
  json_builder_add_double_value (builder, jump_end);
  json_builder_set_member_name (builder, "rows_per_frame");
  json_builder_add_int_value (builder, bench->rows_per_frame);
  json_builder_set_member_name (builder, "rows_scrolled");
  json_builder_add_int_value (builder, (gint64) (bench->row - bench->start_row));
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, bench->intervals->len);
  json_builder_set_member_name (builder, "cpu_ms_per_frame");
  json_builder_add_double_value (builder, bench->intervals->len > 0
                                          ? cpu / bench->intervals->len : 0);
  json_builder_set_member_name (builder, "frame_p50_ms");
  json_builder_add_double_value (builder, crm_bench_percentile (bench->intervals, 50));
  json_builder_set_member_name (builder, "frame_p95_ms");
  json_builder_add_double_value (builder, crm_bench_percentile (bench->intervals, 95));
  json_builder_set_member_name (builder, "frame_p99_ms");
  json_builder_add_double_value (builder, crm_bench_percentile (bench->intervals, 99));
  json_builder_set_member_name (builder, "frame_max_ms");
  json_builder_add_double_value (builder, crm_bench_percentile (bench->intervals, 100));
  json_builder_set_member_name (builder, "frames_over_33ms");
  json_builder_add_int_value (builder, n_over_33);
  json_builder_set_member_name (builder, "ms_in_frames_over_33ms");
  json_builder_add_double_value (builder, over);
  json_builder_set_member_name (builder, "placeholder_frames");
  json_builder_add_int_value (builder, bench->placeholder_frames);
  json_builder_set_member_name (builder, "stalled_frames");
  json_builder_add_int_value (builder, bench->stalled_frames);
  json_builder_set_member_name (builder, "page_requests");
  json_builder_add_int_value (builder, requests);
  json_builder_set_member_name (builder, "requests_per_1000_rows");
  json_builder_add_double_value (builder, bench->row - bench->start_row > 0
                                          ? requests * 1000.0 / (bench->row - bench->start_row)
                                          : 0);
  json_builder_set_member_name (builder, "rows_held_after");
  json_builder_add_int_value (builder, crm_customer_list_get_n_loaded (list));
  json_builder_set_member_name (builder, "rss_kb_before");
  json_builder_add_int_value (builder, rss_before);
  json_builder_set_member_name (builder, "rss_kb_after");
  json_builder_add_int_value (builder, rss_kb ());
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
  gtk_adjustment_set_value (bench->adjustment, 0);
}

static void
sign_in (Bench      *bench,
         const char *password)
{
  CrmSignInPage *page = _crm_window_get_sign_in_page (bench->window);
  GObject *username = gtk_widget_get_template_child (GTK_WIDGET (page), CRM_TYPE_SIGN_IN_PAGE,
                                                     "username_row");
  GObject *password_row = gtk_widget_get_template_child (GTK_WIDGET (page),
                                                         CRM_TYPE_SIGN_IN_PAGE, "password_row");

  wait_for (bench, shows_sign_in, "the sign-in page");
  gtk_editable_set_text (GTK_EDITABLE (username), opt_user);
  gtk_editable_set_text (GTK_EDITABLE (password_row), password);
  g_signal_emit_by_name (password_row, "entry-activated");
  wait_for (bench, list_settled, "the customer list");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— scroll the Customers section");
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmApplication) application = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *password = NULL;
  g_auto(GStrv) filter = NULL;
  CrmApiClient *api_client;
  Bench bench = { 0, };
  ScrollCase cases[3] = { { "list", NULL, NULL, NULL }, };
  guint n_cases = 1;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("rapport-bench-scroll: %s\n", error->message);
      return 2;
    }
  if (opt_url == NULL || opt_cacert == NULL || opt_user == NULL || opt_password_file == NULL
      || opt_rows < 1 || opt_rows_per_frame < 1)
    {
      g_printerr ("rapport-bench-scroll: needs --url, --cacert, --user and --password-file\n");
      return 2;
    }
  if (!g_file_get_contents (opt_password_file, &password, NULL, &error))
    {
      g_printerr ("rapport-bench-scroll: %s\n", error->message);
      return 2;
    }
  g_strchomp (password);
  certificate = g_tls_certificate_new_from_file (opt_cacert, &error);
  if (certificate == NULL)
    {
      g_printerr ("rapport-bench-scroll: %s\n", error->message);
      return 2;
    }
  if (!opt_plain_only && opt_q != NULL)
    cases[n_cases++] = (ScrollCase) { "search", opt_q, NULL, NULL };
  if (!opt_plain_only && opt_filter != NULL)
    {
      filter = g_strsplit (opt_filter, "=", 2);
      if (filter[1] == NULL || !g_strv_contains (crm_customer_list_filter_keys, filter[0]))
        {
          g_printerr ("rapport-bench-scroll: --filter takes KEY=VALUE, KEY a list filter\n");
          return 2;
        }
      cases[n_cases++] = (ScrollCase) { "filter", NULL, filter[0], filter[1] };
    }
  if (!gtk_init_check ())
    {
      g_printerr ("rapport-bench-scroll: no display (run it under xvfb-run)\n");
      return 1;
    }

  application = crm_application_new ();
  g_application_set_flags (G_APPLICATION (application),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (application), NULL, &error))
    {
      g_printerr ("rapport-bench-scroll: %s\n", error->message);
      return 1;
    }
  api_client = crm_application_get_api_client (application);
  crm_api_client_set_base_url (api_client, opt_url);
  crm_api_client_set_pinned_certificate (api_client, certificate);

  bench.window = crm_window_new (GTK_APPLICATION (application), api_client,
                                 crm_application_get_settings (application));
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (bench.window));
  bench.intervals = g_array_new (FALSE, FALSE, sizeof (double));
  bench.rows_per_frame = opt_rows_per_frame;
  bench.max_rows = opt_rows;

  bench.page = _crm_window_get_customers_page (bench.window);
  sign_in (&bench, password);
  bench.view = GTK_WIDGET (_crm_customers_page_get_column_view (bench.page));
  bench.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench.view));

  if (opt_still_frames > 0)
    measure_still (&bench, opt_still_frames);
  for (guint i = 0; i < n_cases; i++)
    run_case (&bench, &cases[i]);

  g_array_unref (bench.intervals);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
