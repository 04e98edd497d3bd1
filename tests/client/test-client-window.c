/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-window"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-application.h"
#include "crm-window-private.h"
#include "crm-window.h"
#ifdef HAVE_SERVER
#include "crm-test-server.h"
#endif

/* How long a case waits for the window to show the server's state. */
#define STATE_TIMEOUT_SECONDS 30

typedef struct _WindowFixture WindowFixture;

/**
 * WindowCase:
 *
 * One window test: the server the window is pointed at, the language it
 * speaks, and the state and title it must show.
 *
 * @start_server fills in the fixture's `url` (and `cert_file` for a server
 * whose certificate the client pins). A case against a real rapport-server
 * starts one with crm_test_server_new () (tests/harness/crm-test-server.h),
 * copies crm_test_server_get_url () and crm_test_server_get_cert_file (), and
 * hands the server to `server_data` / `server_data_free` to be stopped at the end.
 */
typedef struct
{
  const char         *name;            /* the screenshot is client-window-NAME.png */
  const char         *language;        /* LANGUAGE for the case, or NULL for English */
  const char         *pango_language;  /* PANGO_LANGUAGE, for the glyph shapes */
  void              (*start_server) (WindowFixture *fixture);
  CrmConnectionState  expected_state;
  const char         *expected_title;  /* the status page's title, in @language */
} WindowCase;

struct _WindowFixture
{
  const WindowCase *test_case;
  char             *url;
  char             *cert_file;
  gpointer          server_data;       /* whatever else start_server () set up */
  GDestroyNotify    server_data_free;
};

/* --- servers ------------------------------------------------------------- */

static void
start_unreachable_server (WindowFixture *fixture)
{
  /* Port 1 (tcpmux) is never served on a test machine: the connection is refused. */
  fixture->url = g_strdup ("https://127.0.0.1:1");
}

#ifdef HAVE_SERVER
/* A real rapport-server on a throwaway cluster; the window pins its certificate. */
typedef struct
{
  CrmTestCluster *cluster;
  CrmTestServer  *server;
} RealServer;

static void
real_server_free (gpointer data)
{
  RealServer *real = data;

  crm_test_server_free (real->server);
  crm_test_cluster_free (real->cluster);
  g_free (real);
}

static RealServer *
start_real_server (WindowFixture *fixture)
{
  RealServer *real = g_new0 (RealServer, 1);

  real->cluster = crm_test_cluster_new ();
  real->server = crm_test_server_new (real->cluster, NULL);
  fixture->url = g_strdup (crm_test_server_get_url (real->server));
  fixture->cert_file = g_strdup (crm_test_server_get_cert_file (real->server));
  fixture->server_data = real;
  fixture->server_data_free = real_server_free;
  return real;
}

static void
start_healthy_server (WindowFixture *fixture)
{
  start_real_server (fixture);
}

/* The server runs, its database does not: the server answers 503. */
static void
start_database_down_server (WindowFixture *fixture)
{
  RealServer *real = start_real_server (fixture);

  crm_test_cluster_stop (real->cluster);
}
#endif

static void
window_fixture_clear (WindowFixture *fixture)
{
  if (fixture->server_data_free != NULL)
    g_clear_pointer (&fixture->server_data, fixture->server_data_free);
  g_clear_pointer (&fixture->url, g_free);
  g_clear_pointer (&fixture->cert_file, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WindowFixture, window_fixture_clear)

/* --- helpers ------------------------------------------------------------- */

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return *frames < 2 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Iterates the main context until the window has settled on a state and
 * painted it. */
static void
wait_for_state (CrmWindow *window)
{
  gboolean timed_out = FALSE;
  guint frames = 0;
  guint timeout;

  timeout = g_timeout_add_seconds (STATE_TIMEOUT_SECONDS, timeout_cb, &timed_out);
  while (!timed_out
         && crm_window_get_connection_state (window) == CRM_CONNECTION_STATE_CONNECTING)
    g_main_context_iteration (NULL, TRUE);

  gtk_widget_add_tick_callback (GTK_WIDGET (window), count_frame_cb, &frames, NULL);
  while (!timed_out && frames < 2)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("The window showed no connection state within %d s", STATE_TIMEOUT_SECONDS);
  g_source_remove (timeout);
}

/* Whether the image holds more than a blank window: at least 1 % of its pixels
 * differ from the top-left one. */
static gboolean
texture_has_content (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);
  gsize differing = 0;

  gdk_texture_download (texture, (guchar *) pixels, stride);
  for (gsize i = 0; i < (gsize) width * height; i++)
    if (pixels[i] != pixels[0])
      differing++;

  return differing * 100 > (gsize) width * height;
}

/* Gives the case a HOME and XDG base directories of its own, and returns their
 * root. Not G_TEST_OPTION_ISOLATE_DIRS: it also hides XDG_DATA_DIRS, where GTK
 * finds the icon theme and the MIME database it recognizes images with. */
static char *
make_private_home (void)
{
  static const struct
  {
    const char *variable;
    const char *subdir;
  } dirs[] = {
    { "HOME", "." },
    { "XDG_CONFIG_HOME", ".config" },
    { "XDG_CACHE_HOME", ".cache" },
    { "XDG_DATA_HOME", ".local/share" },
    { "XDG_STATE_HOME", ".local/state" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;

  home = g_dir_make_tmp ("crm-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (home, dirs[i].subdir, NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (dirs[i].variable, path, TRUE);
    }
  return g_steal_pointer (&home);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        {
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            remove_tree (child);
          else
            g_file_delete (child, NULL, NULL);
        }
    }
  g_file_delete (file, NULL, NULL);
}

/* --- the test ------------------------------------------------------------ */

static void
run_window_case (const WindowCase *test_case)
{
  g_auto(WindowFixture) fixture = { test_case, NULL, NULL, NULL, NULL };
  g_autoptr(CrmApplication) application = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *png = NULL;
  g_autofree char *home = NULL;
  g_autoptr(GFile) home_file = NULL;
  const char *localedir;
  CrmApiClient *api_client;
  CrmWindow *window;

  /* Still single-threaded: the environment may change. */
  home = make_private_home ();
  home_file = g_file_new_for_path (home);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display server");
      remove_tree (home_file);
      return;
    }

  /* What main.c does for the real program. */
  localedir = g_getenv ("RAPPORT_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  test_case->start_server (&fixture);
  g_test_message ("Server: %s", fixture.url);

  application = crm_application_new ();
  g_application_set_flags (G_APPLICATION (application),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);

  api_client = crm_application_get_api_client (application);
  crm_api_client_set_base_url (api_client, fixture.url);
  if (fixture.cert_file != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = NULL;

      certificate = g_tls_certificate_new_from_file (fixture.cert_file, &error);
      g_assert_no_error (error);
      crm_api_client_set_pinned_certificate (api_client, certificate);
    }

  window = crm_window_new (GTK_APPLICATION (application), api_client,
                           crm_application_get_settings (application));
  gtk_window_present (GTK_WINDOW (window));
  wait_for_state (window);

  g_assert_cmpint (crm_window_get_connection_state (window), ==, test_case->expected_state);
  if (test_case->expected_state == CRM_CONNECTION_STATE_CONNECTED
      || test_case->expected_state == CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE)
    g_assert_cmpstr (gtk_label_get_text (_crm_window_get_version_label (window)), ==,
                     PACKAGE_VERSION);
  g_assert_cmpstr (adw_status_page_get_title (_crm_window_get_status_page (window)), ==,
                   test_case->expected_title);

  file_name = g_strdup_printf ("client-window-%s.png", test_case->name);
  png = g_test_build_filename (G_TEST_BUILT, file_name, NULL);
  crm_window_save_png (window, png, &error);
  g_assert_no_error (error);
  g_test_message ("Screenshot: %s", png);

  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), >, 200);
  g_assert_cmpint (gdk_texture_get_height (texture), >, 200);
  g_assert_true (texture_has_content (texture));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  remove_tree (home_file);
}

static void
set_or_unset_env (const char *name,
                  const char *value)
{
  if (value != NULL)
    g_setenv (name, value, TRUE);
  else
    g_unsetenv (name);
}

static void
test_window (gconstpointer data)
{
  const WindowCase *test_case = data;
  g_autofree char *saved_language = NULL;
  g_autofree char *saved_pango_language = NULL;

  if (g_test_subprocess ())
    {
      run_window_case (test_case);
      return;
    }

  /* Each case runs in a process of its own: GTK initializes once per process,
   * and the language must be in the environment before it does. */
  saved_language = g_strdup (g_getenv ("LANGUAGE"));
  saved_pango_language = g_strdup (g_getenv ("PANGO_LANGUAGE"));
  set_or_unset_env ("LANGUAGE", test_case->language);
  set_or_unset_env ("PANGO_LANGUAGE", test_case->pango_language);

  g_test_trap_subprocess (NULL, (guint64) (STATE_TIMEOUT_SECONDS + 30) * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);

  set_or_unset_env ("LANGUAGE", saved_language);
  set_or_unset_env ("PANGO_LANGUAGE", saved_pango_language);
  g_test_trap_assert_passed ();
}

static const WindowCase window_cases[] = {
  {
    "unreachable", NULL, NULL,
    start_unreachable_server, CRM_CONNECTION_STATE_UNREACHABLE,
    "Server Unreachable",
  },
  {
    "unreachable-zh_CN", "zh_CN", "zh-cn",
    start_unreachable_server, CRM_CONNECTION_STATE_UNREACHABLE,
    "无法连接到服务器",
  },
#ifdef HAVE_SERVER
  {
    "connected", NULL, NULL,
    start_healthy_server, CRM_CONNECTION_STATE_CONNECTED,
    "Connected",
  },
  {
    "connected-zh_CN", "zh_CN", "zh-cn",
    start_healthy_server, CRM_CONNECTION_STATE_CONNECTED,
    "已连接",
  },
  {
    "database-unavailable", NULL, NULL,
    start_database_down_server, CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE,
    "Database Unavailable",
  },
#endif
};

int
main (int   argc,
      char *argv[])
{
  /* The skip status of meson's exitcode protocol. */
  const int exit_skip = 77;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("No display server (DISPLAY and WAYLAND_DISPLAY unset): skipping\n");
      return exit_skip;
    }

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (window_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/crm/client/window/%s", window_cases[i].name);

      g_test_add_data_func (path, &window_cases[i], test_window);
    }

  return g_test_run ();
}
