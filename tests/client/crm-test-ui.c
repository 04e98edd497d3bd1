/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-test-ui.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "crm-sign-in-page.h"
#include "crm-window-private.h"

/* How long a step may take on a busy machine. */
#define TIMEOUT_SECONDS 30

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/**
 * crm_test_ui_wait_until:
 * @window: a case's window
 * @widget: (nullable): the widget that must paint what @done waits for; %NULL for @window
 * @done: holds once the step is over
 * @fixture: the case's fixture, for @done
 * @what: the step, for the message when it times out
 *
 * crm_test_ui_wait () on @widget, or on @window: what wait_until () calls.
 */
void
crm_test_ui_wait_until (CrmWindow          *window,
                        GtkWidget          *widget,
                        CrmTestUiPredicate  done,
                        gpointer            fixture,
                        const char         *what)
{
  crm_test_ui_wait (widget != NULL ? widget : GTK_WIDGET (window), done, fixture, what);
}

/**
 * crm_test_ui_wait_frames:
 * @widget: the widget whose frames are counted
 * @n_frames: how many
 * @what: the step, for the message when it times out
 *
 * Iterates the main context until @widget painted @n_frames frames; fails the test after
 * 30 s. Counts no frame after it returns.
 */
void
crm_test_ui_wait_frames (GtkWidget  *widget,
                         guint       n_frames,
                         const char *what)
{
  gboolean timed_out = FALSE;
  guint frames = 0;
  guint timeout = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, &timed_out);
  guint tick = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);

  while (!timed_out && frames < n_frames)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, tick);
  if (timed_out)
    g_error ("Timed out waiting for %s to be painted", what);
  g_source_remove (timeout);
}

/**
 * crm_test_ui_wait:
 * @widget: the widget that must paint what @done waits for
 * @done: holds once the step is over
 * @user_data: data for @done
 * @what: the step, for the message when it times out
 *
 * Iterates the main context until @done holds, then until @widget painted
 * three more frames; fails the test after 30 s.
 */
void
crm_test_ui_wait (GtkWidget          *widget,
                  CrmTestUiPredicate  done,
                  gpointer            user_data,
                  const char         *what)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, &timed_out);

  while (!timed_out && !done (user_data))
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (timeout);
  crm_test_ui_wait_frames (widget, 3, what);
}

gpointer
crm_test_ui_template_child (gpointer    widget,
                            GType       type,
                            const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

/* The widget named @name under @widget (or @widget itself), or NULL. */
GtkWidget *
crm_test_ui_find_named (GtkWidget  *widget,
                        const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = crm_test_ui_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget of @type under @widget (or @widget itself), depth first, or NULL. */
GtkWidget *
crm_test_ui_find_descendant (GtkWidget *widget,
                             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = crm_test_ui_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The label under @widget (or @widget itself) that reads @text, or NULL; a GtkInscription
 * (the customer list's cells) counts as a label. */
GtkWidget *
crm_test_ui_find_label (GtkWidget  *widget,
                        const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  if (GTK_IS_INSCRIPTION (widget)
      && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = crm_test_ui_find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Selects and activates the row named @name of @list, as a click on it does (a section
 * of the window's sidebar). */
void
crm_test_ui_activate_row (GtkListBox *list,
                          const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      {
        gtk_list_box_select_row (list, GTK_LIST_BOX_ROW (row));
        g_signal_emit_by_name (list, "row-activated", row);
        return;
      }
  g_assert_not_reached ();
}

/* Sends @keyval to @widget's key controllers, as a key press would. */
void
crm_test_ui_press_key (GtkWidget *widget,
                       guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  g_assert_true (handled);
}

/**
 * crm_test_ui_press_shortcut:
 * @widget: a widget with keyboard shortcuts (of its class, or added)
 * @accelerator: the keys, as gtk_accelerator_parse () reads them ("<Control>s", "Escape")
 *
 * Activates @widget's shortcut for @accelerator, as the keys pressed in it do; fails
 * the test when @widget has none.
 */
void
crm_test_ui_press_shortcut (GtkWidget  *widget,
                            const char *accelerator)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);

  g_assert_nonnull (wanted);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           widget,
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }
  g_error ("No shortcut %s on %s", accelerator, G_OBJECT_TYPE_NAME (widget));
}

/* @popover drawn over @snapshot at its place on @window: a popover is a
 * surface of its own, which the window's paintable leaves out. *@width and *@height
 * grow to take in a popover that reaches past the window (a small dialog's list). */
static void
append_popover (GtkSnapshot *snapshot,
                GtkWidget   *window,
                GtkWidget   *popover,
                int         *width,
                int         *height)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (popover);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
  double popover_x = 0;
  double popover_y = 0;
  double window_x = 0;
  double window_y = 0;

  double x, y;

  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  x = gdk_popup_get_position_x (GDK_POPUP (surface)) + popover_x - window_x;
  y = gdk_popup_get_position_y (GDK_POPUP (surface)) + popover_y - window_y;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gdk_paintable_get_intrinsic_width (paintable),
                          gdk_paintable_get_intrinsic_height (paintable));
  gtk_snapshot_restore (snapshot);
  *width = MAX (*width, (int) x + gdk_paintable_get_intrinsic_width (paintable));
  *height = MAX (*height, (int) y + gdk_paintable_get_intrinsic_height (paintable));
}

/**
 * crm_test_ui_save_png:
 * @window: a toplevel that has drawn
 * @popover: (nullable): a popover of @window to draw over it
 * @path: the PNG to write
 *
 * Renders what @window (and @popover) last drew with the window's renderer.
 */
void
crm_test_ui_save_png (GtkWidget  *window,
                      GtkWidget  *popover,
                      const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = 0;
  int height = 0;

  /* A window not drawn yet (its first frame still to come) snapshots to nothing: let
   * GTK draw it, for up to 5 s. */
  for (guint tries = 0; node == NULL && tries < 500; tries++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      if (tries > 0)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10 * 1000);
        }
      width = gdk_paintable_get_intrinsic_width (paintable);
      height = gdk_paintable_get_intrinsic_height (paintable);
      g_assert_cmpint (width, >, 100);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      if (popover != NULL)
        append_popover (snapshot, window, popover, &width, &height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/* --- a case against a real server ------------------------------------------- */

/* What crm_test_ui_main () was given, and the server it started for the cases. */
static struct
{
  CrmTestUiSeedFunc  seed;
  CrmTestUiCaseFunc  run_case;
  CrmTestCluster    *cluster;
  CrmTestServer     *server;
} runner;

/* The variable that hands the seeded @name to the cases. */
static char *
seeded_variable (const char *name)
{
  return g_strconcat ("CRM_TEST_SEEDED_", name, NULL);
}

/**
 * crm_test_ui_set_seeded:
 * @name: what it is, in capitals: "ADMIN_TOKEN"
 * @value: what the cases get from crm_test_ui_get_seeded ()
 *
 * In the parent, while it seeds: hands @value to the cases' processes.
 */
void
crm_test_ui_set_seeded (const char *name,
                        const char *value)
{
  g_autofree char *variable = seeded_variable (name);

  g_setenv (variable, value, TRUE);
}

/**
 * crm_test_ui_set_seeded_ids:
 * @name: what they are, in capitals: "CUSTOMER_IDS"
 * @ids: (array length=n_ids): the ids
 * @n_ids: how many
 *
 * In the parent, while it seeds: hands @ids to the cases' processes, which take them with
 * crm_test_ui_get_seeded_ids ().
 */
void
crm_test_ui_set_seeded_ids (const char   *name,
                            const gint64 *ids,
                            guint         n_ids)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  crm_test_ui_set_seeded (name, text->str);
}

/* What the parent seeded as @name (crm_test_ui_set_seeded ()), in a case's process. */
const char *
crm_test_ui_get_seeded (const char *name)
{
  g_autofree char *variable = seeded_variable (name);
  const char *value = g_getenv (variable);

  if (value == NULL)
    g_error ("Nothing seeded as %s", name);
  return value;
}

/* Fills @ids with the @n_ids ids the parent seeded as @name (crm_test_ui_set_seeded_ids ()),
 * in a case's process; fails the test when it seeded another number of them. */
void
crm_test_ui_get_seeded_ids (const char *name,
                            gint64     *ids,
                            guint       n_ids)
{
  g_auto(GStrv) texts = g_strsplit (crm_test_ui_get_seeded (name), ",", -1);

  g_assert_cmpuint (g_strv_length (texts), ==, n_ids);
  for (guint i = 0; i < n_ids; i++)
    ids[i] = g_ascii_strtoll (texts[i], NULL, 10);
}

/* The server's URL, in a case's process. */
const char *
crm_test_ui_get_url (void)
{
  const char *url = g_getenv ("CRM_TEST_URL");

  g_assert_nonnull (url);
  return url;
}

/* The server's certificate, to pin, in a case's process. */
GTlsCertificate *
crm_test_ui_get_certificate (void)
{
  static GTlsCertificate *certificate;

  if (certificate == NULL)
    {
      g_autoptr(GError) error = NULL;

      certificate = g_tls_certificate_new_from_file (g_getenv ("CRM_TEST_CERT"), &error);
      g_assert_no_error (error);
    }
  return certificate;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/**
 * crm_test_ui_call:
 * @token: (nullable): the session to call as
 * @method: GET, POST…
 * @path: the path, with its query after a `?`
 * @body: (nullable): the JSON body
 * @if_match: (nullable): the version for If-Match
 * @status: (out) (optional): the HTTP status
 *
 * An API call: through the harness in the parent while it seeds (crm_test_server_call ()),
 * through a #CrmApiClient of its own in a case's process.
 *
 * Returns: (transfer full) (nullable): the reply's body, the error's for an error
 */
JsonNode *
crm_test_ui_call (const char    *token,
                  const char    *method,
                  const char    *path,
                  const char    *body,
                  const char    *if_match,
                  guint         *status)
{
  g_autoptr(CrmApiClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  JsonNode *reply;
  guint ignored = 0;

  if (status == NULL)
    status = &ignored;
  if (runner.server != NULL)
    return crm_test_server_call (runner.server, token, method, path, body, if_match, status);
  client = crm_api_client_new (crm_test_ui_get_url ());
  parts = g_strsplit (path, "?", 2);
  crm_api_client_set_pinned_certificate (client, crm_test_ui_get_certificate ());
  crm_api_client_set_token (client, token);
  json = body != NULL ? json_from_string (body, NULL) : NULL;
  crm_api_client_call_async (client, method, parts[0], parts[1], json,
                             if_match != NULL ? g_ascii_strtoll (if_match, NULL, 10) : 0, NULL,
                             store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = crm_api_client_call_finish (client, result, status, &error);
  if (reply == NULL && error != NULL && crm_api_reply_error_get_body (error) != NULL)
    reply = json_node_ref (crm_api_reply_error_get_body (error));
  if (error != NULL && error->domain == CRM_API_REPLY_ERROR)
    *status = crm_api_reply_error_get_status (error);
  return reply;
}

/* POST @body to @path as @token: the id of what it created (or changed: 200); anything
 * else fails the test. */
gint64
crm_test_ui_post (const char *token,
                  const char *path,
                  const char *body)
{
  guint status = 0;
  g_autoptr(JsonNode) reply = crm_test_ui_call (token, "POST", path, body, NULL, &status);

  if (status != 201 && status != 200)
    g_error ("POST %s %s: %u", path, body, status);
  return crm_test_json_get_int (reply, "id");
}

/* Runs @sql as the cluster's superuser (the rules an administrator sets, what the server
 * has no API for): in the parent while it seeds, and in a case's process. */
void
crm_test_ui_run_sql (const char *sql)
{
  PGconn *conn = PQconnectdb (g_getenv ("CRM_TEST_CONNINFO"));
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Connecting to %s: %s", g_getenv ("CRM_TEST_CONNINFO"), PQerrorMessage (conn));
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

/* The application of a case: registered, not unique (each case has its own). */
CrmApplication *
crm_test_ui_application_new (void)
{
  g_autoptr(CrmApplication) application = crm_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (application),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&application);
}

/**
 * crm_test_ui_window_new:
 * @application: the case's application
 * @api_client: the client the window talks through: set to the server's URL
 *   (crm_test_ui_get_url ()) and certificate
 * @width: the window's width
 * @height: its height
 *
 * A window of @application at @width × @height, presented.
 *
 * Returns: (transfer none): the window, which GTK holds until crm_test_ui_window_destroy ()
 */
CrmWindow *
crm_test_ui_window_new (CrmApplication *application,
                        CrmApiClient   *api_client,
                        int             width,
                        int             height)
{
  CrmWindow *window;

  crm_api_client_set_base_url (api_client, crm_test_ui_get_url ());
  crm_api_client_set_pinned_certificate (api_client, crm_test_ui_get_certificate ());
  window = crm_window_new (GTK_APPLICATION (application), api_client,
                           crm_application_get_settings (application));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
shows_sign_in (gpointer user_data)
{
  CrmWindow *window = user_data;

  return g_strcmp0 (_crm_window_get_page_name (window), "sign-in") == 0
         && !_crm_window_is_checking_session (window);
}

/**
 * crm_test_ui_sign_in:
 * @window: a window
 * @username: who signs in
 * @password: their password
 *
 * Waits for @window's sign-in page, types @username and @password and presses Enter.
 * Does not wait for the answer: the case waits for what it needs next.
 */
void
crm_test_ui_sign_in (CrmWindow  *window,
                     const char *username,
                     const char *password)
{
  CrmSignInPage *page = _crm_window_get_sign_in_page (window);

  crm_test_ui_wait (GTK_WIDGET (window), shows_sign_in, window, "the sign-in page");
  gtk_editable_set_text (crm_test_ui_template_child (page, CRM_TYPE_SIGN_IN_PAGE, "username_row"),
                         username);
  gtk_editable_set_text (crm_test_ui_template_child (page, CRM_TYPE_SIGN_IN_PAGE, "password_row"),
                         password);
  g_signal_emit_by_name (crm_test_ui_template_child (page, CRM_TYPE_SIGN_IN_PAGE, "password_row"),
                         "entry-activated");
}

/* Destroys @window and lets GTK finish with it. */
void
crm_test_ui_window_destroy (CrmWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* --- the cases' runner ------------------------------------------------------- */

/* Starts a rapport-server on @cluster and tells the cases' processes where it is (see
 * crm-test-ui.h). */
static CrmTestServer *
start_server (CrmTestCluster *cluster)
{
  CrmTestServer *server = crm_test_server_new (cluster, NULL);
  g_autofree char *key = g_build_filename (crm_test_server_get_data_dir (server), "tls",
                                           "server.key", NULL);

  g_setenv ("CRM_TEST_URL", crm_test_server_get_url (server), TRUE);
  g_setenv ("CRM_TEST_CERT", crm_test_server_get_cert_file (server), TRUE);
  g_setenv ("CRM_TEST_KEY", key, TRUE);
  g_setenv ("CRM_TEST_CONNINFO", crm_test_cluster_get_conninfo (cluster), TRUE);
  return server;
}

/* Readies GTK for a case: no animations, the translations of RAPPORT_LOCALEDIR. Returns
 * %FALSE, with the case skipped, without a display. */
static gboolean
init_case (void)
{
  const char *localedir = g_getenv ("RAPPORT_LOCALEDIR");

  if (!gtk_init_check ())
    {
      g_test_skip ("No display server");
      return FALSE;
    }
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  return TRUE;
}

/* The language @test_case's text is shaped in (PANGO_LANGUAGE): its own, or English. */
static const char *
get_pango_language (const CrmTestUiCase *test_case)
{
  return test_case->pango_language != NULL ? test_case->pango_language : "en";
}

/* Runs the current test case again in a subprocess of its own with its LANGUAGE (unset for
 * %NULL: English) and PANGO_LANGUAGE set, whatever the case before had, and asserts that
 * it passed. */
static void
run_in_language (const CrmTestUiCase *test_case)
{
  if (test_case->language != NULL)
    g_setenv ("LANGUAGE", test_case->language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  g_setenv ("PANGO_LANGUAGE", get_pango_language (test_case), TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT
                          | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_case_func (gconstpointer data)
{
  const CrmTestUiCase *test_case = data;

  if (g_test_subprocess ())
    {
      /* Shaping in the case's own language, not in the last case's. */
      g_assert_cmpstr (pango_language_to_string (pango_language_get_preferred ()[0]), ==,
                       get_pango_language (test_case));
      if (init_case ())
        runner.run_case (test_case);
      return;
    }
  if (runner.server == NULL)
    {
      runner.cluster = crm_test_cluster_new ();
      runner.server = start_server (runner.cluster);
      if (runner.seed != NULL)
        runner.seed (runner.server, runner.cluster);
    }
  run_in_language (test_case);
}

/**
 * crm_test_ui_main:
 * @argc: main ()'s
 * @argv: main ()'s
 * @path: the test's path: "/crm/client/NAME"
 * @cases: (array length=n_cases): the cases, @case_size bytes apart, each a struct of the
 *   test's that starts with a #CrmTestUiCase
 * @n_cases: how many
 * @case_size: the size of one
 * @seed: (nullable): seeds the server, in the parent before the first case runs
 * @run_case: runs a case, in its own process
 *
 * The whole of a UI test's main (): adds each case as @path/NAME, runs the cases that
 * `-p` selects (all by default) and stops the server after the last.
 *
 * Returns: main ()'s status: 77 (skipped) without PostgreSQL, else g_test_run ()'s
 */
int
crm_test_ui_main (int                argc,
                  char              *argv[],
                  const char        *path,
                  gconstpointer      cases,
                  guint              n_cases,
                  gsize              case_size,
                  CrmTestUiSeedFunc  seed,
                  CrmTestUiCaseFunc  run_case)
{
  int status;

  g_return_val_if_fail (case_size >= sizeof (CrmTestUiCase), 1);
  g_return_val_if_fail (run_case != NULL, 1);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (!crm_test_have_postgresql ())
    {
      g_test_message ("No PostgreSQL: nothing to run the server on");
      return 77;
    }
  runner.seed = seed;
  runner.run_case = run_case;
  for (guint i = 0; i < n_cases; i++)
    {
      const CrmTestUiCase *test_case = (const CrmTestUiCase *) ((const char *) cases
                                                                + i * case_size);
      g_autofree char *case_path = g_strdup_printf ("%s/%s", path, test_case->name);

      g_test_add_data_func (case_path, test_case, test_case_func);
    }
  status = g_test_run ();
  g_clear_pointer (&runner.server, crm_test_server_free);
  g_clear_pointer (&runner.cluster, crm_test_cluster_free);
  return status;
}
