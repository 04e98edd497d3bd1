/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-notifications-button"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-customer-fields.h"
#include "crm-event-stream.h"
#include "crm-notifications-button.h"

/**
 * CrmNotificationsButton:
 *
 * The header bar's bell: the signed-in user's notifications (update reminders,
 * customers assigned to them) from `GET /api/v1/notifications`, with the number
 * of unread ones on the button and the list in a popover. A notification that
 * arrives while signed in (#CrmEventStream's `notification` events) also goes to
 * the desktop as a #GNotification. Activating one marks it read
 * (`PATCH /notifications/{id}`) and emits #CrmNotificationsButton::open-customer.
 */

#define NOTIFICATIONS_PATH CRM_API_BASE "/notifications"
#define PAGE_SIZE "50"

struct _CrmNotificationsButton
{
  AdwBin        parent_instance;

  /* Template children */
  GtkMenuButton *menu_button;
  GtkLabel      *badge_label;
  GtkPopover    *popover;
  GtkButton     *mark_all_button;
  GtkStack      *stack;
  GtkListBox    *list_box;

  CrmApiClient  *api_client;
  GSettings     *settings;
  GCancellable  *cancellable;
  GPtrArray     *items;         /* JsonObject, newest first */
  gint64         newest_seen;   /* the newest id known: later ones are news */
  gboolean       loaded;
  guint          n_unread;
};

G_DEFINE_FINAL_TYPE (CrmNotificationsButton, crm_notifications_button, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_N_UNREAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_CUSTOMER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (CrmNotificationsButton *self);

static gboolean
is_unread (JsonObject *item)
{
  return json_object_get_null_member (item, "read_at");
}

/* What happened, in the user's language. */
static const char *
kind_label (JsonObject *item)
{
  const char *kind = json_object_get_string_member_with_default (item, "kind", "");

  if (g_str_equal (kind, "assignment"))
    return _("Assigned to you");
  if (g_str_equal (kind, "reminder"))
    return _("Not updated for a while: time to follow up");
  return kind;
}

static const char *
kind_icon (JsonObject *item)
{
  const char *kind = json_object_get_string_member_with_default (item, "kind", "");

  return g_str_equal (kind, "assignment") ? "avatar-default-symbolic" : "alarm-symbolic";
}

static void
set_n_unread (CrmNotificationsButton *self,
              guint                   n_unread)
{
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->badge_label), n_unread > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mark_all_button), n_unread > 0);
  text = n_unread > 99 ? g_strdup ("99+") : g_strdup_printf ("%u", n_unread);
  gtk_label_set_text (self->badge_label, text);
  tooltip = n_unread > 0
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Notifications: %u unread",
                                    "Notifications: %u unread", n_unread), n_unread)
    : g_strdup (_("Notifications"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), tooltip);
  if (self->n_unread == n_unread)
    return;
  self->n_unread = n_unread;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNREAD]);
}

static GtkWidget *
new_row (JsonObject *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (kind_icon (item));
  g_autofree char *when = crm_format_timestamp (
    json_object_get_string_member_with_default (item, "created_at", NULL), TRUE);
  g_autofree char *subtitle = NULL;

  /* Translators: what happened, then when, such as "Assigned to you · 2026/12/06 09:30" */
  subtitle = g_strdup_printf (_("%s · %s"), kind_label (item), when);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 json_object_get_string_member_with_default (item, "title", ""));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (is_unread (item))
    {
      GtkWidget *dot = gtk_image_new_from_icon_name ("media-record-symbolic");

      gtk_widget_add_css_class (row, "unread");
      gtk_widget_add_css_class (dot, "accent");
      gtk_widget_set_tooltip_text (dot, _("Unread"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dot);
    }
  return row;
}

static void
fill_list (CrmNotificationsButton *self)
{
  GtkWidget *child;
  guint n_unread = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  for (guint i = 0; i < self->items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (self->items, i);

      gtk_list_box_append (self->list_box, new_row (item));
      if (is_unread (item))
        n_unread++;
    }
  gtk_stack_set_visible_child_name (self->stack, self->items->len > 0 ? "list" : "empty");
  set_n_unread (self, n_unread);
}

/* A notification that arrived while signed in goes to the desktop too, unless the
 * preferences say otherwise (`notify-desktop`). */
static void
send_desktop_notification (CrmNotificationsButton *self,
                           JsonObject             *item)
{
  GApplication *application = g_application_get_default ();
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GIcon) icon = NULL;
  g_autofree char *id = NULL;
  const char *kind = json_object_get_string_member_with_default (item, "kind", "");
  gint64 customer_id = json_object_get_int_member_with_default (item, "customer_id", 0);

  if (application == NULL || !g_application_get_is_registered (application)
      || (self->settings != NULL && !g_settings_get_boolean (self->settings, "notify-desktop")))
    return;
  notification = g_notification_new (g_str_equal (kind, "assignment")
                                     ? _("A customer was assigned to you")
                                     : _("Time to follow up a customer"));
  g_notification_set_body (notification,
                           json_object_get_string_member_with_default (item, "title", ""));
  icon = g_themed_icon_new (kind_icon (item));
  g_notification_set_icon (notification, icon);
  /* A click opens the customer, in this window. */
  if (customer_id > 0)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      guint window_id = GTK_IS_APPLICATION_WINDOW (root)
                          ? gtk_application_window_get_id (GTK_APPLICATION_WINDOW (root)) : 0;

      g_notification_set_default_action_and_target (notification, "app.open-customer", "(ux)",
                                                     window_id, customer_id);
    }
  id = g_strdup_printf ("notification-%" G_GINT64_FORMAT,
                        json_object_get_int_member_with_default (item, "id", 0));
  g_application_send_notification (application, id, notification);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CrmNotificationsButton) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *items;
  gint64 newest = self->newest_seen;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (items = json_object_get_array_member (json_node_get_object (root), "items")) == NULL)
    {
      g_debug ("Loading the notifications failed: %s", error ? error->message : "no items");
      return;
    }
  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      gint64 id = json_object_get_int_member_with_default (item, "id", 0);

      if (item == NULL)
        continue;
      g_ptr_array_add (self->items, json_object_ref (item));
      if (self->loaded && id > self->newest_seen && is_unread (item))
        send_desktop_notification (self, item);
      newest = MAX (newest, id);
    }
  self->newest_seen = newest;
  self->loaded = TRUE;
  fill_list (self);
}

static void
load (CrmNotificationsButton *self)
{
  if (self->api_client == NULL)
    return;
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, NOTIFICATIONS_PATH,
                             "limit=" PAGE_SIZE, NULL, 0, self->cancellable, list_cb,
                             g_object_ref (self));
}

static void
stream_event_cb (CrmNotificationsButton *self,
                 JsonObject             *event,
                 CrmEventStream         *stream)
{
  load (self);
}

static void
marked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmNotificationsButton) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Marking a notification read failed: %s", error->message);
}

/* Marks @item read, here at once and on the server. */
static void
mark_read (CrmNotificationsButton *self,
           JsonObject             *item)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format_iso8601 (now);

  if (!is_unread (item))
    return;
  json_object_set_string_member (item, "read_at", now_text);
  json_object_set_boolean_member (body, "read", TRUE);
  json_node_set_object (node, body);
  path = g_strdup_printf (NOTIFICATIONS_PATH "/%" G_GINT64_FORMAT,
                          json_object_get_int_member_with_default (item, "id", 0));
  crm_api_client_call_async (self->api_client, "PATCH", path, NULL, node, 0, self->cancellable,
                             marked_cb, g_object_ref (self));
}

static void
mark_all_button_clicked_cb (CrmNotificationsButton *self)
{
  for (guint i = 0; i < self->items->len; i++)
    mark_read (self, g_ptr_array_index (self->items, i));
  fill_list (self);
}

static void
list_box_row_activated_cb (CrmNotificationsButton *self,
                           GtkListBoxRow          *row)
{
  int index = gtk_list_box_row_get_index (row);
  JsonObject *item;
  gint64 customer_id;

  if (index < 0 || (guint) index >= self->items->len)
    return;
  item = json_object_ref (g_ptr_array_index (self->items, index));
  customer_id = json_object_get_int_member_with_default (item, "customer_id", 0);
  mark_read (self, item);
  gtk_popover_popdown (self->popover);
  fill_list (self);
  if (customer_id > 0)
    g_signal_emit (self, signals[OPEN_CUSTOMER], 0, customer_id);
  json_object_unref (item);
}

/* Opening the list shows what is new since it was loaded. */
static void
popover_show_cb (CrmNotificationsButton *self)
{
  load (self);
}

static void
crm_notifications_button_dispose (GObject *object)
{
  CrmNotificationsButton *self = CRM_NOTIFICATIONS_BUTTON (object);

  crm_notifications_button_stop (self);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_NOTIFICATIONS_BUTTON);

  G_OBJECT_CLASS (crm_notifications_button_parent_class)->dispose (object);
}

static void
crm_notifications_button_finalize (GObject *object)
{
  CrmNotificationsButton *self = CRM_NOTIFICATIONS_BUTTON (object);

  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (crm_notifications_button_parent_class)->finalize (object);
}

static void
crm_notifications_button_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  CrmNotificationsButton *self = CRM_NOTIFICATIONS_BUTTON (object);

  switch (prop_id)
    {
    case PROP_N_UNREAD:
      g_value_set_uint (value, self->n_unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_notifications_button_class_init (CrmNotificationsButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_notifications_button_dispose;
  object_class->finalize = crm_notifications_button_finalize;
  object_class->get_property = crm_notifications_button_get_property;

  /**
   * CrmNotificationsButton:n-unread:
   *
   * How many of the loaded notifications are unread.
   */
  properties[PROP_N_UNREAD] =
    g_param_spec_uint ("n-unread", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmNotificationsButton::open-customer:
   * @id: the customer's id
   *
   * The user chose a notification about this customer.
   */
  signals[OPEN_CUSTOMER] = g_signal_new ("open-customer", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                         1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/rapportcrm/Rapport/crm-notifications-button.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmNotificationsButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, CrmNotificationsButton, badge_label);
  gtk_widget_class_bind_template_child (widget_class, CrmNotificationsButton, popover);
  gtk_widget_class_bind_template_child (widget_class, CrmNotificationsButton, mark_all_button);
  gtk_widget_class_bind_template_child (widget_class, CrmNotificationsButton, stack);
  gtk_widget_class_bind_template_child (widget_class, CrmNotificationsButton, list_box);
  gtk_widget_class_bind_template_callback (widget_class, mark_all_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_box_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, popover_show_cb);
}

static void
crm_notifications_button_init (CrmNotificationsButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  fill_list (self);
}

GtkWidget *
crm_notifications_button_new (void)
{
  return g_object_new (CRM_TYPE_NOTIFICATIONS_BUTTON, NULL);
}

/**
 * crm_notifications_button_start:
 * @self: a #CrmNotificationsButton
 * @api_client: the signed-in client
 * @settings: (nullable): the client's settings (`notify-desktop`)
 *
 * Loads the user's notifications and follows the new ones.
 */
void
crm_notifications_button_start (CrmNotificationsButton *self,
                                CrmApiClient           *api_client,
                                GSettings              *settings)
{
  g_return_if_fail (CRM_IS_NOTIFICATIONS_BUTTON (self));
  g_return_if_fail (CRM_IS_API_CLIENT (api_client));

  crm_notifications_button_stop (self);
  self->api_client = g_object_ref (api_client);
  g_set_object (&self->settings, settings);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (crm_event_stream_get_for_client (api_client), "event::notification",
                           G_CALLBACK (stream_event_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (crm_event_stream_get_for_client (api_client), "event::resync",
                           G_CALLBACK (stream_event_cb), self, G_CONNECT_SWAPPED);
  load (self);
}

/** crm_notifications_button_stop: forgets the user's notifications (signing out). */
void
crm_notifications_button_stop (CrmNotificationsButton *self)
{
  g_return_if_fail (CRM_IS_NOTIFICATIONS_BUTTON (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->api_client != NULL)
    g_signal_handlers_disconnect_by_data (crm_event_stream_get_for_client (self->api_client),
                                          self);
  g_clear_object (&self->api_client);
  g_clear_object (&self->settings);
  if (self->items != NULL)
    {
      g_ptr_array_set_size (self->items, 0);
      self->loaded = FALSE;
      self->newest_seen = 0;
      if (self->list_box != NULL)
        fill_list (self);
    }
}

guint
crm_notifications_button_get_n_unread (CrmNotificationsButton *self)
{
  g_return_val_if_fail (CRM_IS_NOTIFICATIONS_BUTTON (self), 0);
  return self->n_unread;
}

/* For tests. */
GtkPopover *
_crm_notifications_button_get_popover (CrmNotificationsButton *self)
{
  return self->popover;
}

GtkListBox *
_crm_notifications_button_get_list_box (CrmNotificationsButton *self)
{
  return self->list_box;
}
