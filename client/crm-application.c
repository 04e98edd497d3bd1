/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-application"

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "crm-application.h"
#include "crm-preferences-window.h"
#include "crm-trust-store.h"
#include "crm-window.h"

/* How many frames --screenshot waits for the window to be drawn (a few seconds). */
#define MAX_SCREENSHOT_FRAMES 300

/**
 * CrmApplication:
 *
 * The Rapport desktop client. Owns the settings and the one #CrmApiClient
 * that every window talks to the server through.
 */
struct _CrmApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  CrmApiClient   *api_client;

  /* Command-line overrides of the settings, for this run only. */
  gboolean        server_overridden;
  gboolean        certificate_overridden;

  /* --screenshot: where to save the window once it shows the connection state. */
  char           *screenshot_path;
  guint           screenshot_frames;

  int             exit_status;
};

G_DEFINE_FINAL_TYPE (CrmApplication, crm_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Connect to the server at URL instead of the configured one"), N_("URL") },
  { "certificate", 'c', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Accept exactly the server certificate in FILE (PEM)"), N_("FILE") },
  { "screenshot", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Save the window as a PNG image in FILE once it shows the connection state, then quit"),
    N_("FILE") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

static void
load_server_url (CrmApplication *self)
{
  g_autofree char *url = NULL;

  if (self->server_overridden)
    return;

  url = g_settings_get_string (self->settings, "server-url");
  crm_api_client_set_base_url (self->api_client, url);
}

/* The certificate pinned for the server the client points at, if any. */
static void
load_pinned_certificate (CrmApplication *self)
{
  g_autoptr(GTlsCertificate) certificate = NULL;

  if (self->certificate_overridden)
    return;

  certificate = crm_trust_store_dup_pin (self->settings,
                                         crm_api_client_get_base_url (self->api_client));
  crm_api_client_set_pinned_certificate (self->api_client, certificate);
}

static gboolean
quit_idle_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
window_screenshot_tick_cb (GtkWidget     *widget,
                           GdkFrameClock *frame_clock,
                           gpointer       user_data)
{
  CrmApplication *self = CRM_APPLICATION (user_data);
  g_autoptr(GError) error = NULL;

  /* The first frame after the state changed lays the window out and paints it;
   * a window that is not on screen yet paints nothing, so wait for it. */
  if (++self->screenshot_frames < 2)
    return G_SOURCE_CONTINUE;

  if (!crm_window_save_png (CRM_WINDOW (widget), self->screenshot_path, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED)
          && self->screenshot_frames < MAX_SCREENSHOT_FRAMES)
        return G_SOURCE_CONTINUE;

      g_printerr ("%s\n", error->message);
      self->exit_status = EXIT_FAILURE;
    }
  g_clear_pointer (&self->screenshot_path, g_free);

  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, quit_idle_cb, g_object_ref (self), g_object_unref);
  return G_SOURCE_REMOVE;
}

static void
window_notify_connection_state_cb (CrmWindow      *window,
                                   GParamSpec     *pspec,
                                   CrmApplication *self)
{
  if (crm_window_get_connection_state (window) == CRM_CONNECTION_STATE_CONNECTING)
    return;

  g_signal_handlers_disconnect_by_func (window, window_notify_connection_state_cb, self);
  self->screenshot_frames = 0;
  gtk_widget_add_tick_callback (GTK_WIDGET (window), window_screenshot_tick_cb,
                                g_object_ref (self), g_object_unref);
}

static void
settings_changed_cb (CrmApplication *self,
                     const char     *key,
                     GSettings      *settings)
{
  if (g_strcmp0 (key, "server-url") == 0)
    {
      load_server_url (self);
      load_pinned_certificate (self);
    }
  else if (g_strcmp0 (key, "pinned-certificates") == 0)
    load_pinned_certificate (self);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char * const developers[] = { "The Rapport developers https://rapportcrm.org/",
                                             NULL };
  CrmApplication *self = CRM_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "destroy-with-parent", TRUE,
                        "application-icon", APP_ID,
                        "application-name", _("Rapport"),
                        "developer-name", _("The Rapport developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Customers, sales and support for teams that work on "
                                      "Linux desktops, on a server your company runs itself."),
                        "website", "https://rapportcrm.org/",
                        "support-url", "https://rapportcrm.org/support",
                        "issue-url", "https://rapportcrm.org/issues",
                        "copyright", _("© 2026 The Rapport developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_credit_section (about, _("Built with"),
                                       (const char *[]) {
                                         "GTK https://gtk.org/",
                                         "libadwaita https://gnome.pages.gitlab.gnome.org/libadwaita/",
                                         "libsoup https://libsoup.org/",
                                         "PostgreSQL https://www.postgresql.org/",
                                         "libqrencode https://fukuchi.org/works/qrencode/",
                                         NULL });
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CrmApplication *self = CRM_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* The preferences belong to a main window: its server and its account. */
  while (parent != NULL && !CRM_IS_WINDOW (parent))
    parent = gtk_window_get_transient_for (parent);
  if (parent == NULL)
    return;
  gtk_window_present (GTK_WINDOW (crm_preferences_window_new (CRM_WINDOW (parent))));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  CrmApplication *self = CRM_APPLICATION (user_data);
  GList *windows;

  /* Close rather than destroy, so each window saves its state in close-request. */
  windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (self)),
                              (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);

  g_application_quit (G_APPLICATION (self));
}

/*
 * app.open-customer((window id, customer id)): a desktop notification clicked. Its
 * customer opens in the window whose account it was for, or in another signed-in one
 * if that window is gone; the window comes to the front either way.
 */
static void
open_customer_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  GtkApplication *self = GTK_APPLICATION (user_data);
  GtkWindow *window;
  guint window_id;
  gint64 customer_id;

  g_variant_get (parameter, "(ux)", &window_id, &customer_id);
  window = gtk_application_get_window_by_id (self, window_id);
  if (customer_id <= 0)
    return;
  if (window == NULL || !CRM_IS_WINDOW (window)
      || !crm_window_open_customer (CRM_WINDOW (window), customer_id))
    {
      window = NULL;
      for (GList *l = gtk_application_get_windows (self); l != NULL && window == NULL; l = l->next)
        if (CRM_IS_WINDOW (l->data) && crm_window_open_customer (l->data, customer_id))
          window = l->data;
    }
  if (window != NULL)
    gtk_window_present (window);
}

static const GActionEntry app_entries[] = {
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "quit", quit_activated },
  { "open-customer", open_customer_activated, "(ux)" },
};

/* Keyboard shortcuts of application and window actions; the shortcuts window
 * (ui/gtk/help-overlay.ui, win.show-help-overlay on Ctrl+?) lists them. */
static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.preferences", { "<Primary>comma", NULL } },
  { "app.quit", { "<Primary>q", NULL } },
  { "win.global-search", { "<Primary>k", "<Primary>f", NULL } },
};

/* The `color-scheme` setting as libadwaita's colour scheme. */
static gboolean
get_color_scheme_mapping (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  if (g_str_equal (scheme, "light"))
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_str_equal (scheme, "dark"))
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    g_value_set_enum (value, ADW_COLOR_SCHEME_DEFAULT);
  return TRUE;
}

static int
crm_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("rapport %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_printerr (_("The settings schema %s is not installed. Install Rapport, or point "
                    "GSETTINGS_SCHEMA_DIR at a build’s ui directory.\n"), APP_ID);
      return EXIT_FAILURE;
    }

  /* A screenshot is taken by a fresh instance, never by one already running. */
  if (g_variant_dict_contains (options, "screenshot"))
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return G_APPLICATION_CLASS (crm_application_parent_class)->handle_local_options (application,
                                                                                    options);
}

static int
crm_application_command_line (GApplication            *application,
                              GApplicationCommandLine *command_line)
{
  CrmApplication *self = CRM_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *server = NULL;
  const char *certificate_arg = NULL;
  const char *screenshot_arg = NULL;

  g_variant_dict_lookup (options, "server", "&s", &server);
  g_variant_dict_lookup (options, "certificate", "^&ay", &certificate_arg);
  g_variant_dict_lookup (options, "screenshot", "^&ay", &screenshot_arg);

  if (server != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL
          || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0
              && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        {
          g_application_command_line_printerr (command_line,
                                               _("“%s” is not a server address such as "
                                                 "https://crm.example.com:8443\n"),
                                               server);
          return EXIT_FAILURE;
        }
    }

  if (certificate_arg != NULL)
    {
      g_autoptr(GFile) file = NULL;
      g_autoptr(GTlsCertificate) certificate = NULL;
      g_autoptr(GError) error = NULL;

      file = g_application_command_line_create_file_for_arg (command_line, certificate_arg);
      certificate = g_tls_certificate_new_from_file (g_file_peek_path (file), &error);
      if (certificate == NULL)
        {
          g_application_command_line_printerr (command_line,
                                               _("Could not read the certificate “%s”: %s\n"),
                                               certificate_arg, error->message);
          return EXIT_FAILURE;
        }
      self->certificate_overridden = TRUE;
      crm_api_client_set_pinned_certificate (self->api_client, certificate);
    }

  if (server != NULL)
    {
      self->server_overridden = TRUE;
      crm_api_client_set_base_url (self->api_client, server);
      load_pinned_certificate (self);
    }

  if (screenshot_arg != NULL)
    {
      g_autoptr(GFile) file = NULL;

      file = g_application_command_line_create_file_for_arg (command_line, screenshot_arg);
      g_free (self->screenshot_path);
      self->screenshot_path = g_file_get_path (file);
    }

  g_application_activate (application);

  return EXIT_SUCCESS;
}

static void
crm_application_activate (GApplication *application)
{
  CrmApplication *self = CRM_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (crm_window_new (GTK_APPLICATION (self), self->api_client,
                                         self->settings));

  if (self->screenshot_path != NULL)
    {
      g_signal_connect_object (window, "notify::connection-state",
                               G_CALLBACK (window_notify_connection_state_cb), self, 0);
      window_notify_connection_state_cb (CRM_WINDOW (window), NULL, self);
    }

  gtk_window_present (window);
}

static void
crm_application_startup (GApplication *application)
{
  CrmApplication *self = CRM_APPLICATION (application);

  G_APPLICATION_CLASS (crm_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), app_accels[i].action,
                                           app_accels[i].accels);

  self->settings = g_settings_new (APP_ID);
  /* Light or dark as the system is, unless the preferences say otherwise. */
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                adw_style_manager_get_default (), "color-scheme",
                                G_SETTINGS_BIND_GET, get_color_scheme_mapping, NULL, NULL, NULL);
  self->api_client = crm_api_client_new (NULL);
  load_server_url (self);
  load_pinned_certificate (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
crm_application_dispose (GObject *object)
{
  CrmApplication *self = CRM_APPLICATION (object);

  g_clear_object (&self->api_client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (crm_application_parent_class)->dispose (object);
}

static void
crm_application_finalize (GObject *object)
{
  CrmApplication *self = CRM_APPLICATION (object);

  g_free (self->screenshot_path);

  G_OBJECT_CLASS (crm_application_parent_class)->finalize (object);
}

static void
crm_application_class_init (CrmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = crm_application_dispose;
  object_class->finalize = crm_application_finalize;

  application_class->handle_local_options = crm_application_handle_local_options;
  application_class->command_line = crm_application_command_line;
  application_class->activate = crm_application_activate;
  application_class->startup = crm_application_startup;
}

static void
crm_application_init (CrmApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Rapport, customer relationship management"));
}

/**
 * crm_application_new:
 *
 * Returns: (transfer full): the application
 */
CrmApplication *
crm_application_new (void)
{
  return g_object_new (CRM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/org/rapportcrm/Rapport",
                       NULL);
}

/**
 * crm_application_get_api_client:
 * @self: a #CrmApplication
 *
 * Returns: (nullable) (transfer none): the client for the server, once the
 *   application has started up
 */
CrmApiClient *
crm_application_get_api_client (CrmApplication *self)
{
  g_return_val_if_fail (CRM_IS_APPLICATION (self), NULL);

  return self->api_client;
}

/**
 * crm_application_get_settings:
 * @self: a #CrmApplication
 *
 * Returns: (nullable) (transfer none): the settings, once the application has
 *   started up
 */
GSettings *
crm_application_get_settings (CrmApplication *self)
{
  g_return_val_if_fail (CRM_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * crm_application_get_exit_status:
 * @self: a #CrmApplication
 *
 * The status of work that ended after g_application_run() handed the command
 * line over, such as writing a `--screenshot`.
 *
 * Returns: `EXIT_SUCCESS` or `EXIT_FAILURE`
 */
int
crm_application_get_exit_status (CrmApplication *self)
{
  g_return_val_if_fail (CRM_IS_APPLICATION (self), EXIT_FAILURE);

  return self->exit_status;
}
