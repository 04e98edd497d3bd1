/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-view"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-admin-view.h"
#include "crm-audit-text.h"

/*
 * What the views of the Administration section share: the API client and the
 * calls in flight, toasts, list columns over records' JSON, and the one dialog a
 * view may have open.
 */

typedef struct
{
  CrmApiClient     *api_client;
  GCancellable     *cancellable;
  AdwMessageDialog *dialog;        /* weak */
  guint             n_calls;       /* in flight */
} CrmAdminViewPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CrmAdminView, crm_admin_view, ADW_TYPE_BIN)

enum {
  TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
crm_admin_object_label (CrmObject object)
{
  return _(crm_object_get_label (object));
}

const char *
crm_admin_action_label (CrmAction action)
{
  return _(crm_action_get_label (action));
}

const char *
crm_admin_scope_label (CrmScope scope)
{
  return _(crm_scope_get_label (scope));
}

/* An object's label from its API name; the name itself when unknown. */
const char *
crm_admin_object_label_for_name (const char *name)
{
  CrmObject object;

  if (name != NULL && crm_object_from_string (name, &object))
    return crm_admin_object_label (object);
  return name != NULL ? name : "";
}

/**
 * crm_admin_title_field_row:
 * @row: the row of a restricted field
 * @custom_fields: (nullable): the custom field definitions, as
 *   crm_admin_view_custom_fields_finish () gives them
 * @object: the API name of the field's record, such as `customers`
 * @field: the field as the API names it, such as `custom_budget`
 *
 * Titles @row with the field's label (a custom field's from /fields), its record and key
 * below, wherever a restricted field has a row (field restrictions, a role's access).
 *
 * Returns: (transfer none): the label
 */
const char *
crm_admin_title_field_row (AdwActionRow *row,
                           GHashTable   *custom_fields,
                           const char   *object,
                           const char   *field)
{
  const CrmAuditNames names = { .fields = custom_fields };
  const char *label = crm_audit_field_label (&names, object, field);
  /* Translators: under a restricted field's label: its record, then its key */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s"),
                                               crm_admin_object_label_for_name (object), field);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_action_row_set_subtitle (row, subtitle);
  return label;
}

static void
crm_admin_view_real_reload (CrmAdminView *self)
{
}

static void
crm_admin_view_dispose (GObject *object)
{
  crm_admin_view_stop (CRM_ADMIN_VIEW (object));
  G_OBJECT_CLASS (crm_admin_view_parent_class)->dispose (object);
}

static void
crm_admin_view_class_init (CrmAdminViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = crm_admin_view_dispose;
  klass->reload = crm_admin_view_real_reload;

  /**
   * CrmAdminView::toast:
   * @text: what to tell the user
   */
  signals[TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
crm_admin_view_init (CrmAdminView *self)
{
}

/**
 * crm_admin_view_start:
 * @self: a #CrmAdminView
 * @api_client: the client to reach the server through
 *
 * Forgets what was shown, then loads it anew.
 */
void
crm_admin_view_start (CrmAdminView *self,
                      CrmApiClient *api_client)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);

  g_return_if_fail (CRM_IS_ADMIN_VIEW (self));
  g_return_if_fail (CRM_IS_API_CLIENT (api_client));

  crm_admin_view_stop (self);
  priv->api_client = g_object_ref (api_client);
  priv->cancellable = g_cancellable_new ();
  crm_admin_view_reload (self);
}

/**
 * crm_admin_view_stop:
 * @self: a #CrmAdminView
 *
 * Cancels what is in flight and closes the view's dialog (on sign-out).
 */
void
crm_admin_view_stop (CrmAdminView *self)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);

  g_return_if_fail (CRM_IS_ADMIN_VIEW (self));

  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->api_client);
  if (priv->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (priv->dialog));
  priv->n_calls = 0;
}

void
crm_admin_view_reload (CrmAdminView *self)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);

  g_return_if_fail (CRM_IS_ADMIN_VIEW (self));

  if (priv->api_client != NULL)
    CRM_ADMIN_VIEW_GET_CLASS (self)->reload (self);
}

/* Whether calls are in flight (tests wait for them). */
gboolean
crm_admin_view_is_busy (CrmAdminView *self)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);

  g_return_val_if_fail (CRM_IS_ADMIN_VIEW (self), FALSE);
  return priv->n_calls > 0;
}

CrmApiClient *
crm_admin_view_get_api_client (CrmAdminView *self)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);

  g_return_val_if_fail (CRM_IS_ADMIN_VIEW (self), NULL);
  return priv->api_client;
}

/**
 * crm_admin_view_call:
 * @self: a started #CrmAdminView
 * @callback: called with the view as source object… and a strong ref on @self as
 *   user data, to reclaim with g_autoptr
 *
 * crm_api_client_call_async() with the view's cancellable; finish with
 * crm_admin_view_call_finish().
 */
void
crm_admin_view_call (CrmAdminView        *self,
                     const char          *method,
                     const char          *path,
                     const char          *query,
                     JsonNode            *body,
                     gint64               if_match,
                     GAsyncReadyCallback  callback)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);

  g_return_if_fail (CRM_IS_ADMIN_VIEW (self));

  if (priv->api_client == NULL)
    return;
  priv->n_calls++;
  crm_api_client_call_async (priv->api_client, method, path, query, body, if_match,
                             priv->cancellable, callback, g_object_ref (self));
}

/* Returns the reply's JSON (NULL for an empty one: check @error). */
JsonNode *
crm_admin_view_call_finish (CrmAdminView  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);
  CrmApiClient *client = CRM_API_CLIENT (g_async_result_get_source_object (result));
  JsonNode *reply;

  reply = crm_api_client_call_finish (client, result, NULL, error);
  g_object_unref (client);
  if (priv->n_calls > 0)
    priv->n_calls--;
  return reply;
}

void
crm_admin_view_toast (CrmAdminView *self,
                      const char   *text)
{
  g_return_if_fail (CRM_IS_ADMIN_VIEW (self));
  g_signal_emit (self, signals[TOAST], 0, text);
}

/**
 * crm_admin_view_toast_failure:
 * @what: what failed, such as "Saving the role"
 * @error: why
 *
 * A toast for a failed call; nothing when it was cancelled (on sign-out).
 */
void
crm_admin_view_toast_failure (CrmAdminView *self,
                              const char   *what,
                              const GError *error)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CRM_IS_ADMIN_VIEW (self));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_FORBIDDEN))
    /* Translators: %s says what failed, such as "Saving the role" */
    text = g_strdup_printf (_("%s: your role does not allow this."), what);
  else if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_NOT_FOUND))
    text = g_strdup_printf (_("%s: it no longer exists."), what);
  else
    /* Translators: what failed, then why */
    text = g_strdup_printf (_("%s: %s"), what, error != NULL ? error->message : "?");
  crm_admin_view_toast (self, text);
}

/* --- list columns ---------------------------------------------------------- */

static char *
default_cell_text (JsonObject *record,
                   const char *member)
{
  JsonNode *node = json_object_get_member (record, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g", json_node_get_double (node));
    default:
      return g_strdup ("");
    }
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              CrmAdminView             *self)
{
  CrmCustomer *record = gtk_list_item_get_item (item);
  const char *member = g_object_get_data (G_OBJECT (factory), "member");
  CrmAdminCellFunc func = g_object_get_data (G_OBJECT (factory), "cell-func");
  CrmAdminCellFunc tooltip_func = g_object_get_data (G_OBJECT (factory), "tooltip-func");
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  if (func != NULL)
    text = func (self, crm_customer_get_object (record), member);
  else
    text = default_cell_text (crm_customer_get_object (record), member);
  if (tooltip_func != NULL)
    tooltip = tooltip_func (self, crm_customer_get_object (record), member);
  else if (text != NULL && g_utf8_strlen (text, -1) > 24)
    tooltip = g_strdup (text);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text != NULL ? text : "");
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item),
                               tooltip != NULL && *tooltip != '\0' ? tooltip : NULL);
}

/**
 * crm_admin_view_add_column:
 * @cell_func: (nullable): the cell's text; without it the member's value
 *
 * Appends a column of labels showing @member of each record.
 */
void
crm_admin_view_add_column (CrmAdminView     *self,
                           GtkColumnView    *column_view,
                           const char       *title,
                           const char       *member,
                           gboolean          expand,
                           CrmAdminCellFunc  cell_func)
{
  crm_admin_view_add_column_full (self, column_view, title, member, expand, cell_func, NULL);
}

/**
 * crm_admin_view_add_column_full:
 * @cell_func: (nullable): the cell's text; without it the member's value
 * @tooltip_func: (nullable): the cell's tooltip; without it a long text shows whole
 *
 * Appends a column of labels showing @member of each record, with a tooltip of its own.
 */
void
crm_admin_view_add_column_full (CrmAdminView     *self,
                                GtkColumnView    *column_view,
                                const char       *title,
                                const char       *member,
                                gboolean          expand,
                                CrmAdminCellFunc  cell_func,
                                CrmAdminCellFunc  tooltip_func)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_object_set_data_full (G_OBJECT (factory), "member", g_strdup (member), g_free);
  g_object_set_data (G_OBJECT (factory), "cell-func", cell_func);
  g_object_set_data (G_OBJECT (factory), "tooltip-func", tooltip_func);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell_cb), self, 0);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (column_view, column);
}

/* A row of buttons above a list; it scrolls sideways rather than widen the window. */
GtkWidget *
crm_admin_view_new_toolbar (GtkWidget *first,
                            ...)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  va_list args;

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  va_start (args, first);
  for (GtkWidget *child = first; child != NULL; child = va_arg (args, GtkWidget *))
    gtk_box_append (GTK_BOX (box), child);
  va_end (args);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  return scrolled;
}

GtkWidget *
crm_admin_view_new_button (const char *label,
                           const char *action_name,
                           gboolean    suggested)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  return button;
}

/**
 * crm_admin_view_new_dialog:
 * @response: the id of the response that acts
 *
 * An #AdwMessageDialog over the view's window with "cancel" and @response; the
 * view's only one (an open one is closed first). Connect to its "response"
 * signal, then present it.
 *
 * Returns: (transfer none): the dialog
 */
AdwMessageDialog *
crm_admin_view_new_dialog (CrmAdminView          *self,
                           const char            *heading,
                           const char            *body,
                           const char            *response,
                           const char            *response_label,
                           AdwResponseAppearance  appearance)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (priv->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (priv->dialog));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    response, response_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response, appearance);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), response);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  priv->dialog = ADW_MESSAGE_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &priv->dialog);
  return priv->dialog;
}

/**
 * crm_admin_view_present_dialog:
 * @dialog: from crm_admin_view_new_dialog()
 * @extra_child: (nullable): the dialog's rows
 * @response_cb: its "response" handler, called with the view first
 *
 * Shows @dialog.
 */
void
crm_admin_view_present_dialog (CrmAdminView     *self,
                               AdwMessageDialog *dialog,
                               GtkWidget        *extra_child,
                               GCallback         response_cb)
{
  g_return_if_fail (CRM_IS_ADMIN_VIEW (self));

  if (extra_child != NULL)
    adw_message_dialog_set_extra_child (dialog, extra_child);
  g_signal_connect_object (dialog, "response", response_cb, self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A list for a dialog's rows. */
GtkWidget *
crm_admin_view_new_boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return list;
}

/* For tests: the dialog the view shows, or NULL. */
AdwMessageDialog *
crm_admin_view_get_dialog (CrmAdminView *self)
{
  CrmAdminViewPrivate *priv = crm_admin_view_get_instance_private (self);

  g_return_val_if_fail (CRM_IS_ADMIN_VIEW (self), NULL);
  return priv->dialog;
}

/* --- records ------------------------------------------------------------- */

/**
 * crm_admin_view_custom_fields_finish:
 * @result: the result of a crm_admin_view_call () of `GET /fields`
 *
 * The custom field definitions by "OBJECT.KEY", as #CrmAuditNames holds them, so that
 * crm_audit_field_label () names a custom field by its label. Views without them show
 * the keys, so a failure troubles no one: it answers %NULL.
 *
 * Returns: (transfer full) (nullable): "OBJECT.KEY" (`char *`) → #JsonObject
 */
GHashTable *
crm_admin_view_custom_fields_finish (CrmAdminView *self,
                                     GAsyncResult *result)
{
  g_autoptr(JsonNode) reply = crm_admin_view_call_finish (self, result, NULL);
  g_autoptr(GListStore) fields = NULL;
  GHashTable *table;

  if (reply == NULL)
    return NULL;
  fields = crm_admin_records_from_reply (reply);
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (fields)); i++)
    {
      g_autoptr(CrmCustomer) field = g_list_model_get_item (G_LIST_MODEL (fields), i);
      const char *object = crm_customer_get_string (field, "object");
      const char *key = crm_customer_get_string (field, "key");

      if (object != NULL && key != NULL)
        g_hash_table_insert (table, g_strdup_printf ("%s.%s", object, key),
                             json_object_ref (crm_customer_get_object (field)));
    }
  return table;
}

/**
 * crm_admin_records_from_reply:
 * @reply: (nullable): `{"items":[…]}`
 *
 * Returns: (transfer full): a store of #CrmCustomer (a record's JSON, whatever
 *   its kind)
 */
GListStore *
crm_admin_records_from_reply (JsonNode *reply)
{
  GListStore *store = g_list_store_new (CRM_TYPE_CUSTOMER);
  JsonArray *items = NULL;

  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (reply), "items");

      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        items = json_node_get_array (member);
    }
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        {
          g_autoptr(CrmCustomer) record = crm_customer_new (json_node_get_object (item));

          g_list_store_append (store, record);
        }
    }
  return store;
}

/**
 * crm_admin_records_replace:
 * @store: a store of #CrmCustomer
 * @reply: (nullable): `{"items":[…]}`
 *
 * Puts the reply's records in place of @store's, in one change.
 *
 * Returns: how many records @store holds now
 */
guint
crm_admin_records_replace (GListStore *store,
                           JsonNode   *reply)
{
  g_autoptr(GListStore) records = crm_admin_records_from_reply (reply);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (records)); i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (records), i));
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata,
                       items->len);
  return items->len;
}

/* Returns: (transfer none) (nullable): the record with @id in @records */
CrmCustomer *
crm_admin_find_record (GListModel *records,
                       gint64      id)
{
  for (guint i = 0; records != NULL && i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(CrmCustomer) record = g_list_model_get_item (records, i);

      if (crm_customer_get_id (record) == id)
        return record;
    }
  return NULL;
}

/* A server time in the local time zone, such as 2026-12-06 13:45:02. */
char *
crm_admin_format_time (const char *iso8601)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso8601 == NULL)
    return g_strdup ("");
  time = g_date_time_new_from_iso8601 (iso8601, NULL);
  if (time == NULL)
    return g_strdup (iso8601);
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}
