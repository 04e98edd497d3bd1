/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-preferences-window.h"
#include "crm-window-private.h"

/**
 * CrmPreferencesWindow:
 *
 * The preferences: the style (system, light, dark), the interface language
 * (next start), desktop notifications, the server (with the window's
 * "Change Server…") and two-factor sign-in (the window's "Two-Factor
 * Sign-In…"). Everything but the last two lives in GSettings.
 */
struct _CrmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template children */
  AdwComboRow          *style_row;
  AdwComboRow          *language_row;
  AdwActionRow         *notify_row;
  GtkSwitch            *notify_switch;
  AdwActionRow         *server_row;
  GtkButton            *change_server_button;
  AdwActionRow         *mfa_row;
  GtkButton            *mfa_button;

  CrmWindow            *window;
};

G_DEFINE_FINAL_TYPE (CrmPreferencesWindow, crm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The values of the `color-scheme` and `language` settings, in the order of
 * their rows' items. */
static const char * const style_values[] = { "system", "light", "dark", NULL };
static const char * const language_values[] = { "", "zh_CN", "en", NULL };

static gboolean
get_index_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char * const *values = user_data;
  const char *text = g_variant_get_string (variant, NULL);

  for (guint i = 0; values[i] != NULL; i++)
    if (g_str_equal (values[i], text))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
set_index_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  const char * const *values = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) values))
    return NULL;
  return g_variant_new_string (values[index]);
}

static void
update_server (CrmPreferencesWindow *self)
{
  CrmApiClient *client = crm_window_get_api_client (self->window);
  const char *url = client != NULL ? crm_api_client_get_base_url (client) : NULL;

  adw_action_row_set_subtitle (self->server_row,
                               url != NULL && *url != '\0' ? url : _("Not set"));
}

static void
update_account (CrmPreferencesWindow *self)
{
  const CrmAccount *account = _crm_window_get_account (self->window);
  const char *state;

  if (account == NULL)
    state = _("Sign in to set it up.");
  else if (account->mfa_enabled)
    state = _("On: signing in asks for a code from your authenticator app. An administrator "
              "can reset it.");
  else if (account->mfa_enrollment_required)
    state = _("Off. Your role requires it: set it up to use Rapport.");
  else
    state = _("Off. Signing in asks for your password only.");
  adw_action_row_set_subtitle (self->mfa_row, state);
  gtk_widget_set_visible (GTK_WIDGET (self->mfa_button),
                          account == NULL || !account->mfa_enabled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mfa_button), account != NULL);
}

static void
change_server_button_clicked_cb (CrmPreferencesWindow *self)
{
  CrmWindow *window = self->window;

  gtk_window_close (GTK_WINDOW (self));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.change-server", NULL);
}

static void
mfa_button_clicked_cb (CrmPreferencesWindow *self)
{
  CrmWindow *window = self->window;

  gtk_window_close (GTK_WINDOW (self));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.two-factor", NULL);
}

static void
crm_preferences_window_dispose (GObject *object)
{
  CrmPreferencesWindow *self = CRM_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->window);

  G_OBJECT_CLASS (crm_preferences_window_parent_class)->dispose (object);
}

static void
crm_preferences_window_class_init (CrmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow, notify_row);
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow,
                                        change_server_button);
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow, mfa_row);
  gtk_widget_class_bind_template_child (widget_class, CrmPreferencesWindow, mfa_button);
  gtk_widget_class_bind_template_callback (widget_class, change_server_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, mfa_button_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
crm_preferences_window_init (CrmPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The switch says what it switches, for screen readers. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->notify_switch),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->notify_row, NULL,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mfa_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Set up two-factor sign-in"),
                                  -1);
}

/**
 * crm_preferences_window_new:
 * @window: the main window whose server and account the preferences show
 *
 * Returns: (transfer none): a new, modal #CrmPreferencesWindow for @window
 */
CrmPreferencesWindow *
crm_preferences_window_new (CrmWindow *window)
{
  CrmPreferencesWindow *self;
  GSettings *settings;

  g_return_val_if_fail (CRM_IS_WINDOW (window), NULL);

  self = g_object_new (CRM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", window,
                       "application", gtk_window_get_application (GTK_WINDOW (window)),
                       NULL);
  self->window = g_object_ref (window);

  settings = crm_window_get_settings (window);
  if (settings != NULL)
    {
      g_settings_bind_with_mapping (settings, "color-scheme", self->style_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT, get_index_mapping,
                                    set_index_mapping, (gpointer) style_values, NULL);
      g_settings_bind_with_mapping (settings, "language", self->language_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT, get_index_mapping,
                                    set_index_mapping, (gpointer) language_values, NULL);
      g_settings_bind (settings, "notify-desktop", self->notify_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
    }
  if (crm_window_get_api_client (window) != NULL)
    g_signal_connect_object (crm_window_get_api_client (window), "notify::base-url",
                             G_CALLBACK (update_server), self, G_CONNECT_SWAPPED);
  update_server (self);
  update_account (self);

  return self;
}
