/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-window"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-application.h"
#include "crm-certificate.h"
#include "crm-error.h"
#include "crm-fingerprint-row.h"
#include "crm-sections.h"
#include "crm-token-store.h"
#include "crm-trust-store.h"
#include "crm-window-private.h"
#include "crm-window.h"
#ifdef HAVE_SERVER
#include "crm-test-server.h"
#include "crm-totp.h"
#endif

/* How long a case waits for the window to show the server's state. */
#define STATE_TIMEOUT_SECONDS 30

typedef struct _WindowFixture WindowFixture;

/**
 * WindowCase:
 *
 * One window test: the server the window is pointed at, the language it
 * speaks, and what the window must show.
 *
 * @start_server fills in the fixture's `url` (and `cert_file` for a server
 * whose certificate the client pins). A case against a real rapport-server
 * starts one with crm_test_server_new () (tests/harness/crm-test-server.h),
 * copies crm_test_server_get_url () and crm_test_server_get_cert_file (), and
 * hands the server to `server_data` / `server_data_free` to be stopped at the end.
 *
 * @configure points the application at the server before the window opens
 * (NULL: the application starts without a server, as on a first run).
 * @drive plays the case once the window is shown; NULL waits for the state,
 * checks @expected_state and @expected_title and saves the screenshot @shot.
 */
typedef struct
{
  const char         *name;            /* the test path's last part */
  const char         *shot;            /* the screenshot is client-window-SHOT[-LANGUAGE].png */
  const char         *language;        /* LANGUAGE for the case, or NULL for English */
  const char         *pango_language;  /* PANGO_LANGUAGE, for the glyph shapes */
  void              (*start_server) (WindowFixture *fixture);
  void              (*configure)    (WindowFixture *fixture);
  void              (*drive)        (WindowFixture *fixture);
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
  CrmApplication   *application;       /* not owned */
  CrmWindow        *window;            /* not owned */
};

/* --- servers ------------------------------------------------------------- */

static void
start_unreachable_server (WindowFixture *fixture)
{
  /* Port 1 (tcpmux) is never served on a test machine: the connection is refused. */
  fixture->url = g_strdup ("https://127.0.0.1:1");
}

/* Points the client straight at the fixture's server, pinning its certificate
 * as `--server URL --certificate FILE` does. */
static void
configure_client (WindowFixture *fixture)
{
  CrmApiClient *api_client = crm_application_get_api_client (fixture->application);
  g_autoptr(GError) error = NULL;

  crm_api_client_set_base_url (api_client, fixture->url);
  if (fixture->cert_file != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = NULL;

      certificate = g_tls_certificate_new_from_file (fixture->cert_file, &error);
      g_assert_no_error (error);
      crm_api_client_set_pinned_certificate (api_client, certificate);
    }
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

/* A server restarted on the same address with a new data directory, so with a
 * new self-signed certificate; `cert_file` holds the first one's, which the
 * case pins as if the user had trusted it before. */
typedef struct
{
  RealServer       real;
  GTlsCertificate *old_certificate;
} ReplacedServer;

static void
replaced_server_free (gpointer data)
{
  ReplacedServer *replaced = data;

  g_clear_object (&replaced->old_certificate);
  crm_test_server_free (replaced->real.server);
  crm_test_cluster_free (replaced->real.cluster);
  g_free (replaced);
}

static void
start_replaced_server (WindowFixture *fixture)
{
  ReplacedServer *replaced = g_new0 (ReplacedServer, 1);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *output = NULL;
  const char *extra_args[] = { "--listen", NULL, NULL };
  int status = 0;

  replaced->real.cluster = crm_test_cluster_new ();
  replaced->real.server = crm_test_server_new (replaced->real.cluster, NULL);
  replaced->old_certificate =
    g_object_ref (crm_test_server_get_certificate (replaced->real.server));
  fixture->url = g_strdup (crm_test_server_get_url (replaced->real.server));
  crm_test_server_free (g_steal_pointer (&replaced->real.server));

  /* The last --listen wins over the harness's port 0. */
  uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (uri);
  listen = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  extra_args[1] = listen;
  replaced->real.server = crm_test_server_try_new (replaced->real.cluster, NULL, extra_args,
                                                   &output, &status);
  if (replaced->real.server == NULL)
    g_error ("rapport-server did not start again on %s (exit %d):\n%s", listen, status,
             output != NULL ? output : "");
  g_assert_cmpstr (crm_test_server_get_url (replaced->real.server), ==, fixture->url);
  g_assert_false (g_tls_certificate_is_same (
    replaced->old_certificate, crm_test_server_get_certificate (replaced->real.server)));

  fixture->cert_file = g_strdup (crm_test_server_get_cert_file (replaced->real.server));
  fixture->server_data = replaced;
  fixture->server_data_free = replaced_server_free;
}

/* As a user who trusted the first server in an earlier session: its URL and
 * its (old) certificate are in the settings. */
static void
configure_settings_with_old_pin (WindowFixture *fixture)
{
  ReplacedServer *replaced = fixture->server_data;
  GSettings *settings = crm_application_get_settings (fixture->application);
  CrmApiClient *api_client = crm_application_get_api_client (fixture->application);

  crm_trust_store_set_pin (settings, fixture->url, replaced->old_certificate);
  g_settings_set_string (settings, "server-url", fixture->url);
  g_assert_cmpstr (crm_api_client_get_base_url (api_client), ==, fixture->url);
  g_assert_nonnull (crm_api_client_get_pinned_certificate (api_client));
  g_assert_true (g_tls_certificate_is_same (crm_api_client_get_pinned_certificate (api_client),
                                            replaced->old_certificate));
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

/* Iterates the main context until @done says the window is there, then until
 * the window painted it. */
static void
wait_until (CrmWindow  *window,
            gboolean  (*done) (CrmWindow  *window,
                               const char *data),
            const char *data,
            const char *what)
{
  gboolean timed_out = FALSE;
  guint frames = 0;
  guint timeout;

  timeout = g_timeout_add_seconds (STATE_TIMEOUT_SECONDS, timeout_cb, &timed_out);
  while (!timed_out && !done (window, data))
    g_main_context_iteration (NULL, TRUE);

  gtk_widget_add_tick_callback (GTK_WIDGET (window), count_frame_cb, &frames, NULL);
  while (!timed_out && frames < 2)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("The window did not show %s within %d s (page %s, state %d)", what,
             STATE_TIMEOUT_SECONDS, _crm_window_get_page_name (window),
             crm_window_get_connection_state (window));
  g_source_remove (timeout);
}

static gboolean
has_state (CrmWindow  *window,
           const char *data)
{
  return crm_window_get_connection_state (window) != CRM_CONNECTION_STATE_CONNECTING;
}

/* Iterates the main context until the window has settled on a state and
 * painted it. */
static void
wait_for_state (CrmWindow *window)
{
  wait_until (window, has_state, NULL, "a connection state");
}

static gboolean
shows_page (CrmWindow  *window,
            const char *page)
{
  return g_strcmp0 (_crm_window_get_page_name (window), page) == 0
         && crm_window_get_connection_state (window) != CRM_CONNECTION_STATE_CONNECTING
         && !crm_address_page_get_busy (_crm_window_get_address_page (window))
         && !crm_sign_in_page_get_busy (_crm_window_get_sign_in_page (window))
         && !_crm_window_is_checking_session (window);
}

/* Iterates until @page is shown with no connection under way, and painted. */
static void
wait_for_page (CrmWindow  *window,
               const char *page)
{
  g_autofree char *what = g_strdup_printf ("the %s page", page);

  wait_until (window, shows_page, page, what);
}

/* A named child of the template of @widget, which is of @type. */
static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

/* What a user's click does. */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_visible (button));
  /* Not gtk_widget_activate (): a button's activation clicks only after a
   * pressed-look delay. */
  g_signal_emit_by_name (button, "clicked");
}

/* The label a fingerprint row shows its fingerprint in. */
static GtkLabel *
row_label (gpointer row)
{
  return template_child (row, CRM_TYPE_FINGERPRINT_ROW, "fingerprint_label");
}

/* The label's text as the fingerprint is written elsewhere: groups joined by colons. */
static char *
label_fingerprint (GtkLabel *label)
{
  g_auto(GStrv) groups = g_strsplit (gtk_label_get_text (label), " ", -1);

  return g_strjoinv (":", groups);
}

static char *
file_fingerprint (const char *cert_file)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = g_tls_certificate_new_from_file (cert_file, &error);
  g_assert_no_error (error);
  return crm_certificate_dup_fingerprint (certificate);
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

/* Renders @window as it last drew itself into @path (what crm_window_save_png ()
 * does, for any window, such as a dialog). */
static void
save_window_png (GtkWindow  *window,
                 const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);

  g_assert_cmpint (width, >, 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* Saves what @window shows as client-window-SHOT[-LANGUAGE].png in the build
 * directory, and checks that the image holds a drawn window. */
static void
screenshot (WindowFixture *fixture,
            GtkWindow     *window,
            const char    *shot)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *png = NULL;
  const char *language = fixture->test_case->language;

  file_name = g_strdup_printf ("client-window-%s%s%s.png", shot,
                               language != NULL ? "-" : "", language != NULL ? language : "");
  png = g_test_build_filename (G_TEST_BUILT, file_name, NULL);
  if (CRM_IS_WINDOW (window))
    {
      crm_window_save_png (CRM_WINDOW (window), png, &error);
      g_assert_no_error (error);
    }
  else
    save_window_png (window, png);
  g_test_message ("Screenshot: %s", png);

  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), >, 200);
  g_assert_cmpint (gdk_texture_get_height (texture), >, 100);
  g_assert_true (texture_has_content (texture));
}

/* --- the cases ------------------------------------------------------------ */

/* The window settles on a connection state: checks it and its title. */
static void
drive_check_state (WindowFixture *fixture)
{
  const WindowCase *test_case = fixture->test_case;
  CrmWindow *window = fixture->window;

  /* A server that answers asks who is at the desk. */
  if (test_case->expected_state == CRM_CONNECTION_STATE_CONNECTED)
    wait_for_page (window, "sign-in");
  else
    {
      wait_for_state (window);
      g_assert_cmpstr (_crm_window_get_page_name (window), ==, "status");
    }

  g_assert_cmpint (crm_window_get_connection_state (window), ==, test_case->expected_state);
  if (test_case->expected_state == CRM_CONNECTION_STATE_CONNECTED
      || test_case->expected_state == CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE)
    g_assert_cmpstr (gtk_label_get_text (_crm_window_get_version_label (window)), ==,
                     PACKAGE_VERSION);
  g_assert_cmpstr (adw_status_page_get_title (_crm_window_get_status_page (window)), ==,
                   test_case->expected_title);

  screenshot (fixture, GTK_WINDOW (window), test_case->shot);
}

/* Types @text into the address page. */
static void
type_address (CrmWindow  *window,
              const char *text)
{
  CrmAddressPage *page = _crm_window_get_address_page (window);
  GtkEditable *row = template_child (page, CRM_TYPE_ADDRESS_PAGE, "address_row");

  gtk_editable_set_text (row, text);
}

/* No server configured: the address page, checking what is typed. */
static void
drive_first_run (WindowFixture *fixture)
{
  CrmWindow *window = fixture->window;
  CrmAddressPage *page = _crm_window_get_address_page (window);
  GtkWidget *message = template_child (page, CRM_TYPE_ADDRESS_PAGE, "message_label");
  GtkWidget *connect = template_child (page, CRM_TYPE_ADDRESS_PAGE, "connect_button");
  GtkWidget *cancel = template_child (window, CRM_TYPE_WINDOW, "cancel_button");

  wait_for_page (window, "address");
  g_assert_cmpint (crm_window_get_connection_state (window), ==,
                   CRM_CONNECTION_STATE_NO_SERVER);
  g_assert_false (gtk_widget_get_visible (message));
  g_assert_false (gtk_widget_get_sensitive (connect));
  g_assert_false (gtk_widget_get_visible (cancel));

  /* Not an address: said so below the field, and no way to connect. */
  type_address (window, "crm example.com");
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_true (gtk_widget_has_css_class (message, "error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), !=, "");
  g_assert_false (gtk_widget_get_sensitive (connect));
  wait_for_page (window, "address");
  screenshot (fixture, GTK_WINDOW (window), "address-invalid");

  /* An address: the URL it stands for. */
  type_address (window, "CRM.example.com");
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_false (gtk_widget_has_css_class (message, "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)),
                            "https://crm.example.com:8443"));
  g_assert_true (gtk_widget_get_sensitive (connect));
  wait_for_page (window, "address");
  screenshot (fixture, GTK_WINDOW (window), "address");

  /* Nothing was saved. */
  g_assert_cmpstr (g_settings_get_string (crm_window_get_settings (window), "server-url"), ==,
                   "");
}

/* An address nobody answers at: the error shows on the address page. */
static void
drive_address_unreachable (WindowFixture *fixture)
{
  CrmWindow *window = fixture->window;
  CrmAddressPage *page = _crm_window_get_address_page (window);
  GtkWidget *message = template_child (page, CRM_TYPE_ADDRESS_PAGE, "message_label");
  GtkWidget *connect = template_child (page, CRM_TYPE_ADDRESS_PAGE, "connect_button");
  g_autofree char *saved = NULL;

  wait_for_page (window, "address");
  type_address (window, fixture->url + strlen ("https://"));
  click (connect);
  g_assert_true (crm_address_page_get_busy (page));
  wait_for_page (window, "address");

  g_assert_cmpint (crm_window_get_connection_state (window), ==,
                   CRM_CONNECTION_STATE_UNREACHABLE);
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_true (gtk_widget_has_css_class (message, "error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), !=, "");
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (message)), "https://"));
  g_assert_true (gtk_widget_get_sensitive (connect));
  screenshot (fixture, GTK_WINDOW (window), "address-unreachable");

  /* A server that did not answer is not saved. */
  saved = g_settings_get_string (crm_window_get_settings (window), "server-url");
  g_assert_cmpstr (saved, ==, "");

  /* Editing the address clears the error. */
  type_address (window, "127.0.0.1:2");
  g_assert_false (gtk_widget_has_css_class (message, "error"));
}

#ifdef HAVE_SERVER
/* Whether the server logged a request for @path (its access line). */
static gboolean
server_logged (CrmTestServer *server,
               const char    *path)
{
  g_autofree char *log = crm_test_server_dup_log (server);
  g_autofree char *field = g_strconcat ("path=", path, " ", NULL);

  return log != NULL && strstr (log, field) != NULL;
}

static gboolean
is_narrow (CrmWindow  *window,
           const char *data)
{
  return gtk_widget_get_width (GTK_WIDGET (window)) <= 400;
}

/* A new server: its fingerprint, trusted, pinned, connected. */
static void
drive_trust (WindowFixture *fixture)
{
  RealServer *real = fixture->server_data;
  CrmWindow *window = fixture->window;
  GSettings *settings = crm_window_get_settings (window);
  CrmTrustPage *trust_page = _crm_window_get_trust_page (window);
  CrmAddressPage *address_page = _crm_window_get_address_page (window);
  GtkWidget *connect = template_child (address_page, CRM_TYPE_ADDRESS_PAGE, "connect_button");
  GtkLabel *fingerprint_label = row_label (template_child (trust_page, CRM_TYPE_TRUST_PAGE,
                                                           "fingerprint_row"));
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autofree char *expected = file_fingerprint (fixture->cert_file);
  g_autofree char *shown = NULL;
  g_autofree char *presented = NULL;
  g_autofree char *saved = NULL;
  gint64 deadline;

  /* host:port, as an administrator would hand it out. */
  wait_for_page (window, "address");
  type_address (window, fixture->url + strlen ("https://"));
  click (connect);
  wait_for_page (window, "trust");

  g_assert_cmpint (crm_window_get_connection_state (window), ==,
                   CRM_CONNECTION_STATE_UNTRUSTED_CERTIFICATE);
  g_assert_cmpstr (crm_trust_page_get_url (trust_page), ==, fixture->url);
  presented = crm_certificate_dup_fingerprint (crm_trust_page_get_certificate (trust_page));
  g_assert_cmpstr (presented, ==, expected);
  shown = label_fingerprint (fingerprint_label);
  g_assert_cmpstr (shown, ==, expected);
  g_test_message ("Fingerprint: %s", shown);

  /* The handshake stopped at the certificate: the server saw no request. */
  g_assert_false (server_logged (real->server, CRM_API_HEALTH));
  g_assert_null (crm_trust_store_dup_pin (settings, fixture->url));
  screenshot (fixture, GTK_WINDOW (window), "trust");

  /* The narrowest window: the fingerprint wraps by whole groups. (A shown
   * window keeps its size: hidden, it takes the new default when shown again.) */
  gtk_widget_hide (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window, is_narrow, NULL, "a narrow window");
  screenshot (fixture, GTK_WINDOW (window), "trust-narrow");

  click (template_child (trust_page, CRM_TYPE_TRUST_PAGE, "trust_button"));
  wait_for_page (window, "sign-in");

  g_assert_cmpint (crm_window_get_connection_state (window), ==, CRM_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (gtk_label_get_text (_crm_window_get_version_label (window)), ==,
                   PACKAGE_VERSION);
  pinned = crm_trust_store_dup_pin (settings, fixture->url);
  g_assert_nonnull (pinned);
  g_assert_true (g_tls_certificate_is_same (pinned,
                                            crm_test_server_get_certificate (real->server)));
  saved = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved, ==, fixture->url);

  /* Now the server did see the request (the access line may come a moment later). */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!server_logged (real->server, CRM_API_HEALTH) && g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 20);
  g_assert_true (server_logged (real->server, CRM_API_HEALTH));

  /* "Change Server…" offers the current address, and "Cancel" goes back to it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.change-server", NULL));
  wait_for_page (window, "address");
  g_assert_cmpstr (crm_address_page_get_text (address_page), ==, fixture->url);
  g_assert_true (gtk_widget_get_visible (template_child (window, CRM_TYPE_WINDOW,
                                                         "cancel_button")));
  screenshot (fixture, GTK_WINDOW (window), "address-change");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-change-server",
                                             NULL));
  wait_for_page (window, "sign-in");
  g_assert_cmpint (crm_window_get_connection_state (window), ==, CRM_CONNECTION_STATE_CONNECTED);
  g_assert_false (gtk_widget_get_visible (template_child (window, CRM_TYPE_WINDOW,
                                                          "cancel_button")));
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static gboolean
dialog_drawn (CrmWindow  *window,
              const char *data)
{
  GtkWindow *dialog = find_message_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* The pinned server presents another certificate: refused, then forgotten on
 * purpose. */
static void
drive_certificate_changed (WindowFixture *fixture)
{
  ReplacedServer *replaced = fixture->server_data;
  CrmWindow *window = fixture->window;
  GSettings *settings = crm_window_get_settings (window);
  CrmCertificateChangedPage *page = _crm_window_get_certificate_changed_page (window);
  CrmTrustPage *trust_page = _crm_window_get_trust_page (window);
  CrmAddressPage *address_page = _crm_window_get_address_page (window);
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autofree char *old_fingerprint = crm_certificate_dup_fingerprint (replaced->old_certificate);
  g_autofree char *new_fingerprint = file_fingerprint (fixture->cert_file);
  g_autofree char *shown_old = NULL;
  g_autofree char *shown_new = NULL;
  g_autofree char *trust_fingerprint = NULL;
  GtkWindow *dialog;

  wait_for_page (window, "certificate-changed");
  g_assert_cmpint (crm_window_get_connection_state (window), ==,
                   CRM_CONNECTION_STATE_CERTIFICATE_CHANGED);
  g_assert_cmpstr (crm_certificate_changed_page_get_url (page), ==, fixture->url);
  shown_old = label_fingerprint (row_label (template_child (page, CRM_TYPE_CERTIFICATE_CHANGED_PAGE,
                                                            "pinned_row")));
  shown_new = label_fingerprint (row_label (template_child (page, CRM_TYPE_CERTIFICATE_CHANGED_PAGE,
                                                            "presented_row")));
  g_assert_cmpstr (shown_old, ==, old_fingerprint);
  g_assert_cmpstr (shown_new, ==, new_fingerprint);
  g_assert_cmpstr (shown_old, !=, shown_new);

  /* Refused in the handshake: the new server saw no request, and knows nothing. */
  g_assert_false (server_logged (replaced->real.server, CRM_API_HEALTH));
  g_assert_cmpstr (gtk_label_get_text (_crm_window_get_version_label (window)), !=,
                   PACKAGE_VERSION);
  pinned = crm_trust_store_dup_pin (settings, fixture->url);
  g_assert_true (g_tls_certificate_is_same (pinned, replaced->old_certificate));
  screenshot (fixture, GTK_WINDOW (window), "certificate-changed");

  /* "Forget…" asks first; cancelling that keeps the old pin. */
  click (template_child (page, CRM_TYPE_CERTIFICATE_CHANGED_PAGE, "forget_button"));
  wait_until (window, dialog_drawn, NULL, "the confirmation");
  dialog = find_message_dialog ();
  screenshot (fixture, dialog, "forget-certificate");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_clear_object (&pinned);
  pinned = crm_trust_store_dup_pin (settings, fixture->url);
  g_assert_true (g_tls_certificate_is_same (pinned, replaced->old_certificate));
  g_assert_cmpstr (_crm_window_get_page_name (window), ==, "certificate-changed");

  /* Confirmed: the pin is gone, and the new certificate must be trusted like any new one. */
  click (template_child (page, CRM_TYPE_CERTIFICATE_CHANGED_PAGE, "forget_button"));
  wait_until (window, dialog_drawn, NULL, "the confirmation");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (find_message_dialog ()), "forget");
  wait_for_page (window, "trust");
  g_assert_null (crm_trust_store_dup_pin (settings, fixture->url));
  trust_fingerprint = crm_certificate_dup_fingerprint (crm_trust_page_get_certificate (trust_page));
  g_assert_cmpstr (trust_fingerprint, ==, new_fingerprint);
  g_assert_false (server_logged (replaced->real.server, CRM_API_HEALTH));

  /* Not trusting it leads back to the address, to try again or elsewhere. */
  click (template_child (trust_page, CRM_TYPE_TRUST_PAGE, "cancel_button"));
  wait_for_page (window, "address");
  g_assert_cmpstr (crm_address_page_get_text (address_page), ==, fixture->url);
  g_assert_null (crm_trust_store_dup_pin (settings, fixture->url));
}
#endif

#ifdef HAVE_SERVER
/* --- signing in ----------------------------------------------------------- */

#define USER_PASSWORD "Correct-horse-7"

/* Users of the sign-in cases, with the recovery codes of the one who set up
 * two-factor sign-in. */
typedef struct
{
  RealServer  real;
  char       *mfa_secret;      /* base32 */
  JsonNode   *recovery_codes;
} SignInServer;

static void
sign_in_server_free (gpointer data)
{
  SignInServer *server = data;

  crm_test_server_free (server->real.server);
  crm_test_cluster_free (server->real.cluster);
  g_free (server->mfa_secret);
  g_clear_pointer (&server->recovery_codes, json_node_unref);
  g_free (server);
}

/* crm_test_server_create_user () with a display name. */
static void
create_user (CrmTestServer *server,
             const char    *username,
             const char    *display_name,
             const char    *role)
{
  g_autofree char *username_arg = g_strdup_printf ("--username=%s", username);
  g_autofree char *display_arg = g_strdup_printf ("--display-name=%s", display_name);
  g_autofree char *role_arg = g_strdup_printf ("--role=%s", role);
  g_autofree char *output = NULL;
  const char *args[] = { "create-user", username_arg, display_arg, role_arg,
                         "--password-stdin", NULL };
  int status = crm_test_server_admin (server, args, USER_PASSWORD "\n", &output);

  if (status != 0)
    g_error ("rapport-admin create-user %s failed (%d): %s", username, status, output);
}

/* Sets up two-factor sign-in for @username through the HTTP API. */
static void
enroll_mfa (SignInServer *server,
            const char   *username)
{
  g_autofree char *token = crm_test_server_sign_in (server->real.server, username, USER_PASSWORD);
  g_autoptr(JsonNode) started = NULL;
  g_autoptr(JsonNode) confirmed = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  JsonNode *codes;
  guint status = 0;

  started = crm_test_server_call (server->real.server, token, "POST", "/api/v1/session/mfa",
                                  NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  server->mfa_secret = g_strdup (crm_test_json_get_string (started, "secret"));
  g_assert_nonnull (server->mfa_secret);

  code = crm_test_totp_code (server->mfa_secret, g_get_real_time () / G_USEC_PER_SEC);
  body = g_strdup_printf ("{\"code\":\"%s\"}", code);
  confirmed = crm_test_server_call (server->real.server, token, "POST",
                                    "/api/v1/session/mfa/confirm", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  codes = json_object_get_member (json_node_get_object (confirmed), "recovery_codes");
  g_assert_nonnull (codes);
  server->recovery_codes = json_node_copy (codes);
}

static void
start_sign_in_server (WindowFixture *fixture)
{
  SignInServer *server = g_new0 (SignInServer, 1);

  server->real.cluster = crm_test_cluster_new ();
  server->real.server = crm_test_server_new (server->real.cluster, NULL);
  fixture->url = g_strdup (crm_test_server_get_url (server->real.server));
  fixture->cert_file = g_strdup (crm_test_server_get_cert_file (server->real.server));
  fixture->server_data = server;
  fixture->server_data_free = sign_in_server_free;

  create_user (server->real.server, "li", "李伟 Li Wei", "sales_rep");
  create_user (server->real.server, "ada", "Ada Lovelace", "admin");
  create_user (server->real.server, "hank", "Hank Hill", "sales_rep");
  enroll_mfa (server, "hank");
}

static gboolean
sign_in_settled (CrmWindow  *window,
                 const char *data)
{
  CrmSignInPage *page = _crm_window_get_sign_in_page (window);

  return !crm_sign_in_page_get_busy (page) && !_crm_window_is_checking_session (window);
}

/* Waits for the sign-in page to get its answer, and to paint it. */
static void
wait_for_sign_in (CrmWindow *window)
{
  wait_until (window, sign_in_settled, NULL, "the sign-in's answer");
}

static void
type_into (gpointer    page,
           GType       type,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (template_child (page, type, row)), text);
}

/* Types the user name and password, and presses Enter in the password field. */
static void
enter_credentials (CrmWindow  *window,
                   const char *username,
                   const char *password)
{
  CrmSignInPage *page = _crm_window_get_sign_in_page (window);

  g_assert_false (crm_sign_in_page_is_asking_code (page));
  type_into (page, CRM_TYPE_SIGN_IN_PAGE, "username_row", username);
  type_into (page, CRM_TYPE_SIGN_IN_PAGE, "password_row", password);
  g_signal_emit_by_name (template_child (page, CRM_TYPE_SIGN_IN_PAGE, "password_row"),
                         "entry-activated");
  g_assert_true (crm_sign_in_page_get_busy (page));
  wait_for_sign_in (window);
}

static const char *
sign_in_message (CrmWindow *window)
{
  CrmSignInPage *page = _crm_window_get_sign_in_page (window);
  GtkWidget *label = template_child (page, CRM_TYPE_SIGN_IN_PAGE, "message_label");

  if (!gtk_widget_get_visible (label))
    return NULL;
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* Whether the sidebar lists @section. */
static gboolean
lists_section (CrmWindow  *window,
               CrmSection  section)
{
  GtkWidget *list = GTK_WIDGET (_crm_window_get_sections_list (window));

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_strcmp0 (gtk_widget_get_name (child), crm_section_get_id (section)) == 0)
        {
          GtkWidget *label = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (child));

          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                           crm_section_get_title (section));
          return TRUE;
        }
    }
  return FALSE;
}

static void
assert_signed_in_as (CrmWindow  *window,
                     const char *display_name,
                     const char *role_name)
{
  const CrmAccount *account = _crm_window_get_account (window);

  g_assert_cmpstr (_crm_window_get_page_name (window), ==, "signed-in");
  g_assert_nonnull (account);
  g_assert_cmpstr (account->display_name, ==, display_name);
  g_assert_cmpstr (gtk_label_get_text (_crm_window_get_account_label (window, FALSE)), ==,
                   display_name);
  /* Built-in role names show in the user's language. */
  g_assert_cmpstr (gtk_label_get_text (_crm_window_get_account_label (window, TRUE)), ==,
                   _(role_name));
  g_assert_cmpstr (crm_api_client_get_token (crm_window_get_api_client (window)), ==,
                   account->token);
  /* Only the sections this version has: Customers, not yet the Dashboard. */
  g_assert_true (lists_section (window, CRM_SECTION_CUSTOMERS));
  g_assert_false (lists_section (window, CRM_SECTION_DASHBOARD));
}

/* Signs out from the menu; the token is dead on the server. */
static void
sign_out (WindowFixture *fixture)
{
  SignInServer *server = fixture->server_data;
  CrmWindow *window = fixture->window;
  g_autofree char *token = g_strdup (_crm_window_get_account (window)->token);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint status = 0;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  wait_for_page (window, "sign-in");
  g_assert_null (_crm_window_get_account (window));
  g_assert_null (crm_api_client_get_token (crm_window_get_api_client (window)));
  g_assert_null (sign_in_message (window));

  /* DELETE /session went out without waiting: it lands a moment later. */
  do
    {
      g_autoptr(JsonNode) reply = NULL;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      reply = crm_test_server_call (server->real.server, token, "GET", "/api/v1/session", NULL,
                                    NULL, &status);
    }
  while (status != 401 && g_get_monotonic_time () < deadline);
  g_assert_cmpuint (status, ==, 401);
}

/* Wrong password, a sales rep, an administrator, two-factor sign-in. */
static void
drive_sign_in (WindowFixture *fixture)
{
  SignInServer *server = fixture->server_data;
  CrmWindow *window = fixture->window;
  CrmSignInPage *page = _crm_window_get_sign_in_page (window);
  GtkWidget *sign_in_button = template_child (page, CRM_TYPE_SIGN_IN_PAGE, "sign_in_button");
  JsonArray *recovery_codes = json_node_get_array (server->recovery_codes);
  g_autofree char *wrong_code = NULL;
  g_autofree char *code = NULL;
  gint64 now;

  wait_for_page (window, "sign-in");
  g_assert_false (gtk_widget_get_sensitive (sign_in_button));
  g_assert_false (gtk_widget_get_sensitive (template_child (window, CRM_TYPE_WINDOW, "sign_out_button")));

  /* A wrong password: said so below the fields. */
  enter_credentials (window, "li", "not-the-password");
  g_assert_cmpstr (_crm_window_get_page_name (window), ==, "sign-in");
  g_assert_cmpstr (sign_in_message (window), ==, _("Wrong user name or password."));
  screenshot (fixture, GTK_WINDOW (window), "sign-in-error");

  /* A sales rep: no Administration. With the button this time. */
  type_into (page, CRM_TYPE_SIGN_IN_PAGE, "password_row", USER_PASSWORD);
  g_assert_null (sign_in_message (window));
  click (sign_in_button);
  wait_for_page (window, "signed-in");
  assert_signed_in_as (window, "李伟 Li Wei", "Sales rep");
  /* The sidebar has the sections this version has (crm-sections is tested
   * for what each role may see): Customers only, for now. */
  g_assert_false (lists_section (window, CRM_SECTION_PIPELINE));
  g_assert_false (lists_section (window, CRM_SECTION_ADMINISTRATION));
  g_assert_nonnull (gtk_list_box_get_row_at_index (_crm_window_get_sections_list (window), 0));
  g_assert_null (gtk_list_box_get_row_at_index (_crm_window_get_sections_list (window), 1));
  g_assert_true (gtk_widget_get_sensitive (template_child (window, CRM_TYPE_WINDOW, "sign_out_button")));
  screenshot (fixture, GTK_WINDOW (window), "signed-in");
  sign_out (fixture);

  /* An administrator: Administration too. */
  enter_credentials (window, "ada", USER_PASSWORD);
  wait_for_page (window, "signed-in");
  assert_signed_in_as (window, "Ada Lovelace", "Administrator");
  g_assert_false (lists_section (window, CRM_SECTION_CAMPAIGNS));
  g_assert_true (lists_section (window, CRM_SECTION_ADMINISTRATION));
  screenshot (fixture, GTK_WINDOW (window), "signed-in-admin");
  sign_out (fixture);

  /* Two-factor sign-in: the password leads to the code. */
  enter_credentials (window, "hank", USER_PASSWORD);
  g_assert_cmpstr (_crm_window_get_page_name (window), ==, "sign-in");
  g_assert_true (crm_sign_in_page_is_asking_code (page));
  g_assert_null (sign_in_message (window));
  g_assert_false (gtk_widget_get_sensitive (sign_in_button));
  screenshot (fixture, GTK_WINDOW (window), "sign-in-code");

  /* A code from five minutes ago is refused. */
  now = g_get_real_time () / G_USEC_PER_SEC;
  wrong_code = crm_test_totp_code (server->mfa_secret, now - 300);
  type_into (page, CRM_TYPE_SIGN_IN_PAGE, "code_row", wrong_code);
  click (sign_in_button);
  wait_for_sign_in (window);
  g_assert_true (crm_sign_in_page_is_asking_code (page));
  g_assert_cmpstr (sign_in_message (window), ==,
                   _("The code is not correct. Enter the code your app shows now."));
  screenshot (fixture, GTK_WINDOW (window), "sign-in-code-error");

  /* The next period's code (the one enrollment used is spent). */
  code = crm_test_totp_code (server->mfa_secret, now + CRM_TOTP_PERIOD);
  type_into (page, CRM_TYPE_SIGN_IN_PAGE, "code_row", code);
  g_signal_emit_by_name (template_child (page, CRM_TYPE_SIGN_IN_PAGE, "code_row"),
                         "entry-activated");
  wait_for_page (window, "signed-in");
  assert_signed_in_as (window, "Hank Hill", "Sales rep");
  sign_out (fixture);

  /* Or a recovery code instead. */
  enter_credentials (window, "hank", USER_PASSWORD);
  g_assert_true (crm_sign_in_page_is_asking_code (page));
  click (template_child (page, CRM_TYPE_SIGN_IN_PAGE, "recovery_button"));
  type_into (page, CRM_TYPE_SIGN_IN_PAGE, "code_row",
             json_array_get_string_element (recovery_codes, 0));
  wait_for_sign_in (window);
  screenshot (fixture, GTK_WINDOW (window), "sign-in-recovery");
  click (sign_in_button);
  wait_for_page (window, "signed-in");
  assert_signed_in_as (window, "Hank Hill", "Sales rep");
  sign_out (fixture);
}

/* --- staying signed in ------------------------------------------------------ */

/* A server with one user, and a keyring of the case's own: an unlocked
 * gnome-keyring-daemon in the case's HOME, replacing any on the session bus. */
static void
start_keyring_server (WindowFixture *fixture)
{
  SignInServer *server = g_new0 (SignInServer, 1);
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static ("keyring-password", 16);
  g_autoptr(GBytes) output = NULL;
  g_autofree char *keyring = g_find_program_in_path ("gnome-keyring-daemon");

  if (keyring == NULL)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  server->real.cluster = crm_test_cluster_new ();
  server->real.server = crm_test_server_new (server->real.cluster, NULL);
  fixture->url = g_strdup (crm_test_server_get_url (server->real.server));
  fixture->cert_file = g_strdup (crm_test_server_get_cert_file (server->real.server));
  fixture->server_data = server;
  fixture->server_data_free = sign_in_server_free;
  create_user (server->real.server, "li", "李伟 Li Wei", "sales_rep");

  /* It forks a daemon and exits once that holds the bus name. */
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, keyring, "--replace", "--unlock", "--components=secrets",
                             NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (daemon, input, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (daemon));
}

static void
async_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The token stored for the server, or NULL. */
static char *
dup_stored_token (WindowFixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  crm_token_store_lookup_async (fixture->url, NULL, async_done_cb, &result);
  token = crm_token_store_lookup_finish (wait_for_result (&result), &error);
  g_assert_no_error (error);
  return token;
}

/* Waits until the keyring holds @expected (or nothing, for NULL). */
static void
wait_for_stored_token (WindowFixture *fixture,
                       const char    *expected)
{
  gint64 deadline = g_get_monotonic_time () + STATE_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  g_autofree char *token = NULL;

  do
    {
      g_free (token);
      token = dup_stored_token (fixture);
      if (g_strcmp0 (token, expected) == 0)
        return;
      g_usleep (G_USEC_PER_SEC / 20);
    }
  while (g_get_monotonic_time () < deadline);
  g_assert_cmpstr (token, ==, expected);
}

/* Closes the window and opens a new one, as a new start of the program. */
static void
restart (WindowFixture *fixture)
{
  CrmApiClient *api_client = crm_application_get_api_client (fixture->application);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  crm_api_client_set_token (api_client, NULL);
  fixture->window = crm_window_new (GTK_APPLICATION (fixture->application), api_client,
                                    crm_application_get_settings (fixture->application));
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
drive_keyring (WindowFixture *fixture)
{
  SignInServer *server = fixture->server_data;
  CrmSignInPage *page;
  GtkSwitch *stay;
  g_autofree char *token = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(CrmAccount) account = NULL;
  guint status = 0;

  if (server == NULL)
    return;  /* skipped */

  /* Without "Stay signed in", nothing is stored. */
  wait_for_page (fixture->window, "sign-in");
  enter_credentials (fixture->window, "li", USER_PASSWORD);
  wait_for_page (fixture->window, "signed-in");
  g_assert_null (dup_stored_token (fixture));
  sign_out (fixture);

  /* With it, the token goes to the keyring. */
  page = _crm_window_get_sign_in_page (fixture->window);
  stay = template_child (page, CRM_TYPE_SIGN_IN_PAGE, "stay_switch");
  gtk_switch_set_active (stay, TRUE);
  enter_credentials (fixture->window, "li", USER_PASSWORD);
  wait_for_page (fixture->window, "signed-in");
  token = g_strdup (_crm_window_get_account (fixture->window)->token);
  wait_for_stored_token (fixture, token);

  /* The next start goes straight to the signed-in page. */
  restart (fixture);
  wait_for_page (fixture->window, "signed-in");
  assert_signed_in_as (fixture->window, "李伟 Li Wei", "Sales rep");
  g_assert_cmpstr (_crm_window_get_account (fixture->window)->token, ==, token);

  /* The session ends on the server: the next call answered 401 leads back to
   * the sign-in page, and the stored token is deleted. */
  reply = crm_test_server_call (server->real.server, token, "DELETE", "/api/v1/session", NULL,
                                NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  crm_api_client_get_session_async (crm_window_get_api_client (fixture->window), NULL,
                                    async_done_cb, &result);
  account = crm_api_client_get_session_finish (crm_window_get_api_client (fixture->window),
                                               wait_for_result (&result), NULL);
  g_assert_null (account);
  wait_for_page (fixture->window, "sign-in");
  g_assert_null (_crm_window_get_account (fixture->window));
  g_assert_cmpstr (sign_in_message (fixture->window), ==,
                   _("Your session has ended. Sign in again."));
  wait_for_stored_token (fixture, NULL);

  /* A stored token the server no longer knows: deleted, and the sign-in page. */
  crm_token_store_save_async (fixture->url, "li", "not-a-session", NULL, async_done_cb, &saved);
  g_assert_true (crm_token_store_save_finish (wait_for_result (&saved), NULL));
  restart (fixture);
  wait_for_page (fixture->window, "sign-in");
  g_assert_cmpstr (sign_in_message (fixture->window), ==,
                   _("Your session has ended. Sign in again."));
  wait_for_stored_token (fixture, NULL);

  /* Signing out deletes the stored token. */
  page = _crm_window_get_sign_in_page (fixture->window);
  gtk_switch_set_active (template_child (page, CRM_TYPE_SIGN_IN_PAGE, "stay_switch"), TRUE);
  enter_credentials (fixture->window, "li", USER_PASSWORD);
  wait_for_page (fixture->window, "signed-in");
  g_clear_pointer (&token, g_free);
  token = g_strdup (_crm_window_get_account (fixture->window)->token);
  wait_for_stored_token (fixture, token);
  sign_out (fixture);
  wait_for_stored_token (fixture, NULL);
}
#endif

/* --- the test ------------------------------------------------------------ */

static void
run_window_case (const WindowCase *test_case)
{
  g_auto(WindowFixture) fixture = { test_case, NULL, NULL, NULL, NULL, NULL, NULL };
  g_autoptr(CrmApplication) application = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autoptr(GFile) home_file = NULL;
  const char *localedir;
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
  /* Pages switch at once: a screenshot never catches a cross-fade. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* What main.c does for the real program. */
  localedir = g_getenv ("RAPPORT_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (test_case->start_server != NULL)
    test_case->start_server (&fixture);
  g_test_message ("Server: %s", fixture.url != NULL ? fixture.url : "(none)");

  application = crm_application_new ();
  g_application_set_flags (G_APPLICATION (application),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  fixture.application = application;

  if (test_case->configure != NULL)
    test_case->configure (&fixture);

  window = crm_window_new (GTK_APPLICATION (application),
                           crm_application_get_api_client (application),
                           crm_application_get_settings (application));
  fixture.window = window;
  gtk_window_present (GTK_WINDOW (window));

  if (test_case->drive != NULL)
    test_case->drive (&fixture);
  else
    drive_check_state (&fixture);

  /* The drive may have opened another window. */
  window = fixture.window;
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
    "unreachable", "unreachable", NULL, NULL,
    start_unreachable_server, configure_client, NULL,
    CRM_CONNECTION_STATE_UNREACHABLE, "Server Unreachable",
  },
  {
    "unreachable-zh_CN", "unreachable", "zh_CN", "zh-cn",
    start_unreachable_server, configure_client, NULL,
    CRM_CONNECTION_STATE_UNREACHABLE, "无法连接到服务器",
  },
  {
    "first-run", NULL, NULL, NULL,
    NULL, NULL, drive_first_run,
  },
  {
    "first-run-zh_CN", NULL, "zh_CN", "zh-cn",
    NULL, NULL, drive_first_run,
  },
  {
    "address-unreachable", NULL, NULL, NULL,
    start_unreachable_server, NULL, drive_address_unreachable,
  },
  {
    "address-unreachable-zh_CN", NULL, "zh_CN", "zh-cn",
    start_unreachable_server, NULL, drive_address_unreachable,
  },
#ifdef HAVE_SERVER
  {
    "connected", "sign-in", NULL, NULL,
    start_healthy_server, configure_client, NULL,
    CRM_CONNECTION_STATE_CONNECTED, "Connected",
  },
  {
    "connected-zh_CN", "sign-in", "zh_CN", "zh-cn",
    start_healthy_server, configure_client, NULL,
    CRM_CONNECTION_STATE_CONNECTED, "已连接",
  },
  {
    "database-unavailable", "database-unavailable", NULL, NULL,
    start_database_down_server, configure_client, NULL,
    CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE, "Database Unavailable",
  },
  {
    "trust", NULL, NULL, NULL,
    start_healthy_server, NULL, drive_trust,
  },
  {
    "trust-zh_CN", NULL, "zh_CN", "zh-cn",
    start_healthy_server, NULL, drive_trust,
  },
  {
    "certificate-changed", NULL, NULL, NULL,
    start_replaced_server, configure_settings_with_old_pin, drive_certificate_changed,
  },
  {
    "certificate-changed-zh_CN", NULL, "zh_CN", "zh-cn",
    start_replaced_server, configure_settings_with_old_pin, drive_certificate_changed,
  },
  {
    "sign-in", NULL, NULL, NULL,
    start_sign_in_server, configure_client, drive_sign_in,
  },
  {
    "sign-in-zh_CN", NULL, "zh_CN", "zh-cn",
    start_sign_in_server, configure_client, drive_sign_in,
  },
  {
    "keyring", NULL, NULL, NULL,
    start_keyring_server, configure_client, drive_keyring,
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
