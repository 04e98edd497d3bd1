/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-reminders"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-admin-reminders.h"
#include "crm-api-paths.h"

/**
 * CrmAdminReminders:
 *
 * Update reminders (`/settings/reminders`): whether a customer's owner is
 * reminded when nobody has updated or followed up the customer for a number of
 * days, and how many. "Save" sends both (`PUT`); the server's 422 messages show
 * beside the rows.
 */

struct _CrmAdminReminders
{
  CrmAdminView   parent_instance;

  GtkSwitch     *enabled;
  GtkSpinButton *days;
  GtkWidget     *days_row;
  GtkLabel      *message;
  GtkWidget     *save_button;
  gboolean       loaded;
  gboolean       saving;
};

G_DEFINE_FINAL_TYPE (CrmAdminReminders, crm_admin_reminders, CRM_TYPE_ADMIN_VIEW)

static void
update_actions (CrmAdminReminders *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reminders.save",
                                 self->loaded && !self->saving);
  gtk_widget_set_sensitive (self->days_row, gtk_switch_get_active (self->enabled));
}

static void
show_setting (CrmAdminReminders *self,
              JsonNode          *reply)
{
  JsonObject *object = reply != NULL && JSON_NODE_HOLDS_OBJECT (reply)
                       ? json_node_get_object (reply) : NULL;

  if (object == NULL)
    return;
  gtk_switch_set_active (self->enabled,
                         json_object_get_boolean_member_with_default (object, "enabled", FALSE));
  gtk_spin_button_set_value (self->days,
                             (double) json_object_get_int_member_with_default (object, "days",
                                                                               30));
  self->loaded = TRUE;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmAdminReminders) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Loading the reminder setting"),
                                  error);
  else
    show_setting (self, reply);
  update_actions (self);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminReminders) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *fields;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->saving = FALSE;
  update_actions (self);
  if (reply != NULL)
    {
      show_setting (self, reply);
      crm_admin_view_toast (CRM_ADMIN_VIEW (self), _("Reminder setting saved"));
      return;
    }
  fields = crm_api_reply_error_get_fields (error);
  if (fields != NULL)
    {
      const char *days = json_object_get_string_member_with_default (fields, "days", NULL);

      gtk_label_set_text (self->message, days != NULL ? days : "");
      gtk_widget_set_visible (GTK_WIDGET (self->message), days != NULL);
    }
  crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Saving the reminder setting"), error);
}

static void
save_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CrmAdminReminders *self = CRM_ADMIN_REMINDERS (widget);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  if (!self->loaded || self->saving)
    return;
  gtk_spin_button_update (self->days);
  json_object_set_boolean_member (object, "enabled", gtk_switch_get_active (self->enabled));
  json_object_set_int_member (object, "days", gtk_spin_button_get_value_as_int (self->days));
  json_node_set_object (body, object);
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  self->saving = TRUE;
  update_actions (self);
  crm_admin_view_call (CRM_ADMIN_VIEW (self), "PUT", CRM_API_BASE "/settings/reminders", NULL,
                       body, 0, saved_cb);
}

static void
crm_admin_reminders_reload (CrmAdminView *view)
{
  CrmAdminReminders *self = CRM_ADMIN_REMINDERS (view);

  self->loaded = FALSE;
  self->saving = FALSE;
  update_actions (self);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/settings/reminders", NULL, NULL, 0,
                       loaded_cb);
}

static void
crm_admin_reminders_class_init (CrmAdminRemindersClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  CRM_ADMIN_VIEW_CLASS (klass)->reload = crm_admin_reminders_reload;
  gtk_widget_class_install_action (widget_class, "reminders.save", NULL, save_action_cb);
}

static void
crm_admin_reminders_init (CrmAdminReminders *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *enabled_row = adw_action_row_new ();
  GtkWidget *save = crm_admin_view_new_button (_("_Save"), "reminders.save", TRUE);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Update Reminders"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("A customer’s owner is reminded once when nobody has "
                                           "updated or followed up the customer for this many "
                                           "days."));

  self->enabled = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->enabled), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (enabled_row), _("Remind owners"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (enabled_row), GTK_WIDGET (self->enabled));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (enabled_row),
                                         GTK_WIDGET (self->enabled));
  g_signal_connect_swapped (self->enabled, "notify::active", G_CALLBACK (update_actions), self);

  self->days = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 3650, 1));
  gtk_widget_set_valign (GTK_WIDGET (self->days), GTK_ALIGN_CENTER);
  gtk_spin_button_set_value (self->days, 30);
  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  self->days_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->days_row),
                                 _("Days without an update or follow-up"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->days_row), GTK_WIDGET (self->message));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->days_row), GTK_WIDGET (self->days));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), enabled_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->days_row);
  gtk_widget_set_halign (save, GTK_ALIGN_END);
  gtk_widget_set_margin_top (save, 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), save);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_bin_set_child (ADW_BIN (self), page);
  update_actions (self);
}

GtkSwitch *
_crm_admin_reminders_get_switch (CrmAdminReminders *self)
{
  return self->enabled;
}

GtkSpinButton *
_crm_admin_reminders_get_days (CrmAdminReminders *self)
{
  return self->days;
}

gboolean
_crm_admin_reminders_is_loaded (CrmAdminReminders *self)
{
  return self->loaded && !self->saving;
}
