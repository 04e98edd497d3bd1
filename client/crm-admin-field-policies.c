/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-field-policies"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-admin-field-policies.h"
#include "crm-api-paths.h"
#include "crm-audit-text.h"
#include "crm-customer-fields.h"

/**
 * CrmAdminFieldPolicies:
 *
 * Field restrictions: which fields are protected (hidden from roles that are
 * not given them, such as a customer's credit terms) and which are sensitive
 * (stored encrypted, left out of the audit log). A row per restricted field,
 * named by its label (a custom field's from /fields) above its record and key, with
 * two check buttons; each change is saved at once. New restrictions pick the field
 * from the record's fields, so no key is typed.
 */
struct _CrmAdminFieldPolicies
{
  CrmAdminView  parent_instance;

  GtkListBox   *list;
  GtkStack     *stack;
  gboolean      filling;
  JsonNode     *policies;       /* the last GET /field-policies reply */
  GHashTable   *custom_fields;  /* "OBJECT.KEY" → JsonObject, of /fields */
  AdwComboRow  *object_row;     /* of the open dialog */
  AdwComboRow  *field_row;
  GPtrArray    *field_names;    /* the field row's choices, as the API names them */
};

G_DEFINE_FINAL_TYPE (CrmAdminFieldPolicies, crm_admin_field_policies, CRM_TYPE_ADMIN_VIEW)

/* The records whose fields the server restricts (its resources with field access). */
static const CrmObject restrictable[] = {
  CRM_OBJECT_CUSTOMERS, CRM_OBJECT_CONTACTS, CRM_OBJECT_USERS,
};

static void put_policy (CrmAdminFieldPolicies *self,
                        const char            *object,
                        const char            *field,
                        gboolean               protected,
                        gboolean               sensitive);

static void
check_toggled_cb (CrmAdminFieldPolicies *self,
                  GtkCheckButton        *check)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (check), ADW_TYPE_ACTION_ROW);
  GtkCheckButton *protected = g_object_get_data (G_OBJECT (row), "protected");
  GtkCheckButton *sensitive = g_object_get_data (G_OBJECT (row), "sensitive");

  if (self->filling)
    return;
  put_policy (self, g_object_get_data (G_OBJECT (row), "object"),
              g_object_get_data (G_OBJECT (row), "field"),
              gtk_check_button_get_active (protected), gtk_check_button_get_active (sensitive));
}

/* A field as people know it: its label (a custom field's from /fields), else its key. */
static const char *
field_label (CrmAdminFieldPolicies *self,
             const char            *object,
             const char            *field)
{
  const CrmAuditNames names = { .fields = self->custom_fields };

  return crm_audit_field_label (&names, object, field);
}

static GtkWidget *
new_check (CrmAdminFieldPolicies *self,
           const char            *label,
           const char            *field,
           gboolean               active)
{
  GtkWidget *check = gtk_check_button_new_with_label (label);
  /* Translators: the accessible name of a check button: a field, then "Protected" or
   * "Sensitive" */
  g_autofree char *name = g_strdup_printf (_("%s: %s"), field, label);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  g_signal_connect_object (check, "toggled", G_CALLBACK (check_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  return check;
}

static void
add_policy_row (CrmAdminFieldPolicies *self,
                JsonObject            *policy)
{
  const char *object = json_object_get_string_member_with_default (policy, "object", "");
  const char *field = json_object_get_string_member_with_default (policy, "field", "");
  GtkWidget *row = adw_action_row_new ();
  const char *label = crm_admin_title_field_row (ADW_ACTION_ROW (row), self->custom_fields,
                                                 object, field);
  GtkWidget *protected, *sensitive;

  protected = new_check (self, _("Protected"), label,
                         json_object_get_boolean_member_with_default (policy, "protected",
                                                                      FALSE));
  sensitive = new_check (self, _("Sensitive"), label,
                         json_object_get_boolean_member_with_default (policy, "sensitive",
                                                                      FALSE));
  gtk_widget_set_tooltip_text (protected, _("Only roles given this field see it"));
  gtk_widget_set_tooltip_text (sensitive, _("Stored encrypted and left out of the audit log"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), protected);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sensitive);
  g_object_set_data_full (G_OBJECT (row), "object", g_strdup (object), g_free);
  g_object_set_data_full (G_OBJECT (row), "field", g_strdup (field), g_free);
  g_object_set_data (G_OBJECT (row), "protected", protected);
  g_object_set_data (G_OBJECT (row), "sensitive", sensitive);
  gtk_widget_set_name (row, field);
  gtk_list_box_append (self->list, row);
}

/* The rows, from the last policies and the custom fields known. */
static void
fill (CrmAdminFieldPolicies *self)
{
  JsonArray *items = NULL;
  GtkWidget *child;

  if (self->policies == NULL)
    return;
  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (JSON_NODE_HOLDS_OBJECT (self->policies))
    items = json_object_get_array_member (json_node_get_object (self->policies), "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    add_policy_row (self, json_array_get_object_element (items, i));
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->stack,
                                    items != NULL && json_array_get_length (items) > 0
                                    ? "list" : "empty");
}

static void
policies_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrmAdminFieldPolicies) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Loading field restrictions"),
                                    error);
      return;
    }
  g_clear_pointer (&self->policies, json_node_unref);
  self->policies = g_steal_pointer (&reply);
  fill (self);
}

static void
custom_fields_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CrmAdminFieldPolicies) self = user_data;
  GHashTable *fields = crm_admin_view_custom_fields_finish (CRM_ADMIN_VIEW (self), result);

  if (fields == NULL)
    return;
  g_clear_pointer (&self->custom_fields, g_hash_table_unref);
  self->custom_fields = fields;
  fill (self);
}

static void
crm_admin_field_policies_reload (CrmAdminView *view)
{
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/fields", "limit=500", NULL, 0,
                       custom_fields_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/field-policies", NULL, NULL, 0,
                       policies_cb);
}

static void
put_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(CrmAdminFieldPolicies) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (error != NULL)
    crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Saving the field restriction"),
                                  error);
  else
    crm_admin_view_toast (CRM_ADMIN_VIEW (self), _("Field restriction saved"));
  crm_admin_field_policies_reload (CRM_ADMIN_VIEW (self));
}

static void
put_policy (CrmAdminFieldPolicies *self,
            const char            *object,
            const char            *field,
            gboolean               protected,
            gboolean               sensitive)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *escaped = g_uri_escape_string (field, NULL, FALSE);
  g_autofree char *path = g_strdup_printf (CRM_API_BASE "/field-policies/%s/%s", object,
                                           escaped);

  json_node_take_object (body, json_object_new ());
  json_object_set_boolean_member (json_node_get_object (body), "protected", protected);
  json_object_set_boolean_member (json_node_get_object (body), "sensitive", sensitive);
  crm_admin_view_call (CRM_ADMIN_VIEW (self), SOUP_METHOD_PUT, path, NULL, body, 0, put_cb);
}

/* Whether @object's @field has a row already. */
static gboolean
is_listed (CrmAdminFieldPolicies *self,
           const char            *object,
           const char            *field)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "object"), object) == 0
        && g_strcmp0 (g_object_get_data (G_OBJECT (row), "field"), field) == 0)
      return TRUE;
  return FALSE;
}

static int
compare_labels (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  CrmAdminFieldPolicies *self = user_data;
  const char *object = crm_object_to_string (
    restrictable[adw_combo_row_get_selected (self->object_row)]);

  return g_utf8_collate (field_label (self, object, *(const char * const *) a),
                         field_label (self, object, *(const char * const *) b));
}

/* The dialog's field row offers the chosen record's fields that have no row yet: the
 * standard ones in the order of its form, then its custom fields by label. */
static void
object_selected_cb (CrmAdminFieldPolicies *self)
{
  guint selected = adw_combo_row_get_selected (self->object_row);
  const char *object = crm_object_to_string (restrictable[MIN (selected,
                                                                G_N_ELEMENTS (restrictable) - 1)]);
  const CrmChoice *fields = crm_record_fields (object);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) custom = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *prefix = g_strconcat (object, ".", NULL);
  GHashTableIter iter;
  gpointer key;

  g_ptr_array_set_size (self->field_names, 0);
  for (guint i = 0; fields != NULL && fields[i].value != NULL; i++)
    if (!g_str_equal (fields[i].value, "custom") && !is_listed (self, object, fields[i].value))
      g_ptr_array_add (self->field_names, g_strdup (fields[i].value));
  if (self->custom_fields != NULL)
    {
      g_hash_table_iter_init (&iter, self->custom_fields);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_str_has_prefix (key, prefix))
          {
            char *name = g_strconcat ("custom_", (const char *) key + strlen (prefix), NULL);

            if (is_listed (self, object, name))
              g_free (name);
            else
              g_ptr_array_add (custom, name);
          }
      g_ptr_array_sort_with_data (custom, compare_labels, self);
    }
  for (guint i = 0; i < custom->len; i++)
    g_ptr_array_add (self->field_names, g_strdup (g_ptr_array_index (custom, i)));
  for (guint i = 0; i < self->field_names->len; i++)
    gtk_string_list_append (labels, field_label (self, object,
                                                 g_ptr_array_index (self->field_names, i)));
  adw_combo_row_set_model (self->field_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->field_row, 0);
}

static void
add_response_cb (CrmAdminFieldPolicies *self,
                 const char            *response,
                 AdwMessageDialog      *dialog)
{
  if (g_strcmp0 (response, "add") == 0 && self->field_row != NULL)
    {
      guint object = adw_combo_row_get_selected (self->object_row);
      guint field = adw_combo_row_get_selected (self->field_row);

      if (object < G_N_ELEMENTS (restrictable) && field < self->field_names->len)
        put_policy (self, crm_object_to_string (restrictable[object]),
                    g_ptr_array_index (self->field_names, field), TRUE, FALSE);
    }
  self->object_row = NULL;
  self->field_row = NULL;
}

static void
add_cb (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  CrmAdminFieldPolicies *self = CRM_ADMIN_FIELD_POLICIES (widget);
  GtkWidget *list = crm_admin_view_new_boxed_list ();
  GtkWidget *object_row = adw_combo_row_new ();
  GtkWidget *field_row = adw_combo_row_new ();
  g_autoptr(GtkStringList) objects = gtk_string_list_new (NULL);
  AdwMessageDialog *dialog;

  dialog = crm_admin_view_new_dialog (CRM_ADMIN_VIEW (self), _("Restrict a Field"),
                                      _("Roles see a protected field only when they are given "
                                        "it, in Roles."),
                                      "add", _("_Restrict"), ADW_RESPONSE_SUGGESTED);
  for (guint i = 0; i < G_N_ELEMENTS (restrictable); i++)
    gtk_string_list_append (objects, crm_admin_object_label (restrictable[i]));
  adw_combo_row_set_model (ADW_COMBO_ROW (object_row), G_LIST_MODEL (objects));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (object_row), _("Record"));
  gtk_widget_set_name (object_row, "object");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field_row), _("Field"));
  gtk_widget_set_name (field_row, "field");
  gtk_list_box_append (GTK_LIST_BOX (list), object_row);
  gtk_list_box_append (GTK_LIST_BOX (list), field_row);
  self->object_row = ADW_COMBO_ROW (object_row);
  self->field_row = ADW_COMBO_ROW (field_row);
  object_selected_cb (self);
  g_signal_connect_object (object_row, "notify::selected", G_CALLBACK (object_selected_cb), self,
                           G_CONNECT_SWAPPED);
  crm_admin_view_present_dialog (CRM_ADMIN_VIEW (self), dialog, list,
                                 G_CALLBACK (add_response_cb));
}

static void
crm_admin_field_policies_finalize (GObject *object)
{
  CrmAdminFieldPolicies *self = CRM_ADMIN_FIELD_POLICIES (object);

  g_clear_pointer (&self->policies, json_node_unref);
  g_clear_pointer (&self->custom_fields, g_hash_table_unref);
  g_clear_pointer (&self->field_names, g_ptr_array_unref);
  G_OBJECT_CLASS (crm_admin_field_policies_parent_class)->finalize (object);
}

static void
crm_admin_field_policies_class_init (CrmAdminFieldPoliciesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = crm_admin_field_policies_finalize;
  CRM_ADMIN_VIEW_CLASS (klass)->reload = crm_admin_field_policies_reload;
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "field-policies.add", NULL, add_cb);
}

static void
crm_admin_field_policies_init (CrmAdminFieldPolicies *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *intro = gtk_label_new (_("Protected fields are left out for roles that are not "
                                      "given them; sensitive ones are stored encrypted and "
                                      "left out of the audit log."));
  GtkWidget *empty = adw_status_page_new ();

  self->field_names = g_ptr_array_new_with_free_func (g_free);
  gtk_box_append (GTK_BOX (box), crm_admin_view_new_toolbar (
    crm_admin_view_new_button (_("_Restrict a Field…"), "field-policies.add", TRUE), NULL));
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_widget_add_css_class (intro, "dim-label");
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Field restrictions"), -1);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_vhomogeneous (self->stack, FALSE);
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Restricted Fields"));
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "channel-secure-symbolic");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->list), "list");
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_box_append (GTK_BOX (inner), intro);
  gtk_box_append (GTK_BOX (inner), GTK_WIDGET (self->stack));
  gtk_widget_set_margin_top (inner, 18);
  gtk_widget_set_margin_bottom (inner, 18);
  gtk_widget_set_margin_start (inner, 12);
  gtk_widget_set_margin_end (inner, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), inner);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_bin_set_child (ADW_BIN (self), box);
}

GtkListBox *
_crm_admin_field_policies_get_list (CrmAdminFieldPolicies *self)
{
  return self->list;
}
