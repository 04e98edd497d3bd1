/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-roles"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-account.h"
#include "crm-admin-roles.h"
#include "crm-api-paths.h"

/**
 * CrmAdminRoles:
 *
 * The roles, and the selected one's permission matrix: a row per object, a
 * column per action, in each cell the scope (none, own, team, all). Saving
 * sends the matrix with `If-Match`; when someone else saved first, the view
 * shows their version. Below the matrix, the role's access to each protected
 * field (hidden, read only, read and write). The administrator's matrix is
 * read-only (the server keeps admins from locking themselves out).
 */
struct _CrmAdminRoles
{
  CrmAdminView        parent_instance;

  GtkDropDown        *role_list;
  GListStore         *roles;
  GtkLabel           *note_label;
  GtkDropDown        *cells[CRM_N_OBJECTS][CRM_N_ACTIONS];
  CrmPermissions     *loaded;        /* the selected role's, as the server has them */
  GtkListBox         *field_list;    /* a row per protected field */
  GPtrArray          *field_cells;   /* their GtkDropDowns (none/read/write) */
  GtkWidget          *field_heading;
  GHashTable         *custom_fields; /* "OBJECT.KEY" → JsonObject, of /fields */
  gint64              role_id;       /* the selected role */
  gint64              version;
  gboolean            read_only;
  gboolean            filling;
  gboolean            saving;
  GtkEditable        *name_row;      /* of the open new-role dialog */
};

G_DEFINE_FINAL_TYPE (CrmAdminRoles, crm_admin_roles, CRM_TYPE_ADMIN_VIEW)

static const char *
role_label (CrmCustomer *role)
{
  return crm_role_get_display_name (crm_customer_get_string (role, "builtin"),
                                    crm_customer_get_string (role, "name"));
}

/* The access @permissions give to the protected field of @cell. */
static CrmFieldAccess
field_access (const CrmPermissions *permissions,
              GtkDropDown          *cell)
{
  return crm_permissions_get_field_access (permissions,
                                           GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell),
                                                                                "object")),
                                           g_object_get_data (G_OBJECT (cell), "field"), TRUE);
}

static gboolean
is_dirty (CrmAdminRoles *self)
{
  if (self->loaded == NULL)
    return FALSE;
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    for (guint a = 0; a < CRM_N_ACTIONS; a++)
      if (gtk_drop_down_get_selected (self->cells[o][a])
          != (guint) crm_permissions_get_scope (self->loaded, o, a))
        return TRUE;
  for (guint i = 0; i < self->field_cells->len; i++)
    if (gtk_drop_down_get_selected (g_ptr_array_index (self->field_cells, i))
        != (guint) field_access (self->loaded, g_ptr_array_index (self->field_cells, i)))
      return TRUE;
  return FALSE;
}

static void
update_actions (CrmAdminRoles *self)
{
  gboolean dirty = is_dirty (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.save",
                                 dirty && !self->read_only && !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.revert", dirty && !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.copy", self->role_id != 0);
}

/* Shows @role's matrix. */
static void
fill_matrix (CrmAdminRoles *self,
             CrmCustomer   *role)
{
  JsonObject *object = role != NULL ? crm_customer_get_object (role) : NULL;
  JsonNode *permissions = object != NULL ? json_object_get_member (object, "permissions") : NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->loaded, crm_permissions_free);
  self->role_id = role != NULL ? crm_customer_get_id (role) : 0;
  self->version = role != NULL ? crm_customer_get_version (role) : 0;
  self->read_only = role != NULL
                    && g_strcmp0 (crm_customer_get_string (role, "builtin"), "admin") == 0;
  if (permissions != NULL)
    {
      self->loaded = crm_permissions_from_json (permissions, &error);
      if (self->loaded == NULL)
        g_warning ("The server sent a role this client cannot read: %s", error->message);
    }

  self->filling = TRUE;
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    for (guint a = 0; a < CRM_N_ACTIONS; a++)
      {
        gtk_drop_down_set_selected (self->cells[o][a],
                                    self->loaded != NULL
                                    ? crm_permissions_get_scope (self->loaded, o, a)
                                    : CRM_SCOPE_NONE);
        gtk_widget_set_sensitive (GTK_WIDGET (self->cells[o][a]),
                                  self->loaded != NULL && !self->read_only);
      }
  for (guint i = 0; i < self->field_cells->len; i++)
    {
      GtkDropDown *cell = g_ptr_array_index (self->field_cells, i);

      gtk_drop_down_set_selected (cell, self->loaded != NULL ? field_access (self->loaded, cell)
                                                             : CRM_FIELD_ACCESS_NONE);
      gtk_widget_set_sensitive (GTK_WIDGET (cell), self->loaded != NULL && !self->read_only);
    }
  self->filling = FALSE;

  if (self->read_only)
    gtk_label_set_text (self->note_label,
                        _("The administrator’s permissions cannot be changed, so that nobody "
                          "locks the administrators out."));
  else if (role != NULL)
    {
      gint64 users = crm_customer_get_int (role, "users");
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, users);
      /* Translators: %s is a number of users */
      g_autofree char *text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     "%s user has this role. Changes apply to their next request.",
                     "%s users have this role. Changes apply to their next request.",
                     (gulong) MIN (users, G_MAXLONG)), number);

      gtk_label_set_text (self->note_label, text);
    }
  else
    gtk_label_set_text (self->note_label, "");
  update_actions (self);
}

static void
selection_changed_cb (CrmAdminRoles *self)
{
  CrmCustomer *role = gtk_drop_down_get_selected_item (self->role_list);

  if (role != NULL && crm_customer_get_id (role) == self->role_id && is_dirty (self))
    return;
  fill_matrix (self, role);
}

static void
select_role_id (CrmAdminRoles *self,
                gint64         id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roles)); i++)
    {
      g_autoptr(CrmCustomer) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      if (crm_customer_get_id (role) == id)
        {
          gtk_drop_down_set_selected (self->role_list, i);
          fill_matrix (self, role);
          return;
        }
    }
}

/* Puts @node (a role) in place of the stored one with its id. */
static void
replace_role (CrmAdminRoles *self,
              JsonNode      *node)
{
  g_autoptr(CrmCustomer) role = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  role = crm_customer_new (json_node_get_object (node));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roles)); i++)
    {
      g_autoptr(CrmCustomer) old = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      if (crm_customer_get_id (old) == crm_customer_get_id (role))
        {
          g_list_store_splice (self->roles, i, 1, (gpointer *) &role, 1);
          break;
        }
    }
  select_role_id (self, crm_customer_get_id (role));
}

static void
roles_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminRoles) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 selected = self->role_id;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Loading roles"), error);
      return;
    }
  self->role_id = 0;
  if (crm_admin_records_replace (self->roles, reply) > 0 && selected == 0)
    {
      g_autoptr(CrmCustomer) first = g_list_model_get_item (G_LIST_MODEL (self->roles), 0);

      selected = crm_customer_get_id (first);
    }
  select_role_id (self, selected);
}

static void
cell_changed_cb (CrmAdminRoles *self)
{
  if (!self->filling)
    update_actions (self);
}

/* Names each protected field's row by the field's label (a custom field's from /fields),
 * with its record and key below. */
static void
title_field_rows (CrmAdminRoles *self)
{
  for (guint i = 0; i < self->field_cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (self->field_cells, i);
      GtkWidget *row = gtk_widget_get_ancestor (cell, ADW_TYPE_ACTION_ROW);
      CrmObject object_id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "object"));
      const char *label = crm_admin_title_field_row (ADW_ACTION_ROW (row), self->custom_fields,
                                                     crm_object_to_string (object_id),
                                                     g_object_get_data (G_OBJECT (cell), "field"));
      g_autofree char *name = g_strdup_printf (_("%s: %s"), crm_admin_object_label (object_id),
                                               label);

      gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
    }
}

static void
custom_fields_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CrmAdminRoles) self = user_data;
  GHashTable *fields = crm_admin_view_custom_fields_finish (CRM_ADMIN_VIEW (self), result);

  if (fields == NULL)
    return;
  g_clear_pointer (&self->custom_fields, g_hash_table_unref);
  self->custom_fields = fields;
  title_field_rows (self);
}

/* A row per protected field, each with the role's access to it. */
static void
policies_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrmAdminRoles) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) policies = NULL;
  const char *accesses[] = { _(crm_field_access_get_label (CRM_FIELD_ACCESS_NONE)),
                             _(crm_field_access_get_label (CRM_FIELD_ACCESS_READ)),
                             _(crm_field_access_get_label (CRM_FIELD_ACCESS_WRITE)), NULL };
  GtkWidget *child;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Loading field restrictions"),
                                    error);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->field_list))) != NULL)
    gtk_list_box_remove (self->field_list, child);
  g_ptr_array_set_size (self->field_cells, 0);
  policies = crm_admin_records_from_reply (reply);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (policies)); i++)
    {
      g_autoptr(CrmCustomer) policy = g_list_model_get_item (G_LIST_MODEL (policies), i);
      JsonObject *json = crm_customer_get_object (policy);
      const char *field = crm_customer_get_string (policy, "field");
      GtkWidget *row, *cell;
      CrmObject object_id;

      if (!json_object_get_boolean_member_with_default (json, "protected", FALSE)
          || field == NULL
          || !crm_object_from_string (crm_customer_get_string (policy, "object"), &object_id))
        continue;
      row = adw_action_row_new ();
      cell = gtk_drop_down_new_from_strings (accesses);
      gtk_widget_set_valign (cell, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (cell), "object", GUINT_TO_POINTER (object_id));
      g_object_set_data_full (G_OBJECT (cell), "field", g_strdup (field), g_free);
      g_signal_connect_object (cell, "notify::selected", G_CALLBACK (cell_changed_cb), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), cell);
      gtk_widget_set_name (row, field);
      gtk_list_box_append (self->field_list, row);
      g_ptr_array_add (self->field_cells, cell);
    }
  title_field_rows (self);
  gtk_widget_set_visible (self->field_heading, self->field_cells->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->field_list), self->field_cells->len > 0);
  select_role_id (self, self->role_id);
}

static void
crm_admin_roles_reload (CrmAdminView *view)
{
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/roles", NULL, NULL, 0, roles_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/fields", "limit=500", NULL, 0,
                       custom_fields_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/field-policies", NULL, NULL, 0,
                       policies_cb);
}

/* --- saving ------------------------------------------------------------------ */

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminRoles) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_CONFLICT)
      && crm_api_reply_error_get_current (error) != NULL)
    {
      replace_role (self, crm_api_reply_error_get_current (error));
      crm_admin_view_toast (CRM_ADMIN_VIEW (self),
                            _("Someone else changed this role meanwhile. This is their "
                              "version: make your change again."));
      return;
    }
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Saving the role"), error);
      update_actions (self);
      return;
    }
  replace_role (self, reply);
  crm_admin_view_toast (CRM_ADMIN_VIEW (self), _("Role saved"));
}

static void
save_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  CrmAdminRoles *self = CRM_ADMIN_ROLES (widget);
  g_autoptr(CrmPermissions) permissions = NULL;
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = NULL;
  JsonNode *matrix;

  if (self->role_id == 0 || self->read_only || self->saving || self->loaded == NULL)
    return;
  /* From the role as loaded, so that access to fields not shown here stays. */
  permissions = crm_permissions_copy (self->loaded);
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    for (guint a = 0; a < CRM_N_ACTIONS; a++)
      crm_permissions_set_scope (permissions, o, a,
                                 (CrmScope) gtk_drop_down_get_selected (self->cells[o][a]));
  for (guint i = 0; i < self->field_cells->len; i++)
    {
      GtkDropDown *cell = g_ptr_array_index (self->field_cells, i);

      crm_permissions_set_field_access (permissions,
                                        GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell),
                                                                             "object")),
                                        g_object_get_data (G_OBJECT (cell), "field"),
                                        (CrmFieldAccess) gtk_drop_down_get_selected (cell));
    }
  matrix = crm_permissions_to_json (permissions);
  json_node_take_object (body, json_object_new ());
  json_object_set_member (json_node_get_object (body), "permissions", matrix);
  path = g_strdup_printf (CRM_API_BASE "/roles/%" G_GINT64_FORMAT, self->role_id);
  self->saving = TRUE;
  update_actions (self);
  crm_admin_view_call (CRM_ADMIN_VIEW (self), "PATCH", path, NULL, body,
                       self->version, saved_cb);
}

static void
revert_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  CrmAdminRoles *self = CRM_ADMIN_ROLES (widget);

  select_role_id (self, self->role_id);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmAdminRoles) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Creating the role"), error);
      return;
    }
  self->role_id = json_object_get_int_member_with_default (json_node_get_object (reply), "id", 0);
  crm_admin_view_toast (CRM_ADMIN_VIEW (self), _("Role created"));
  crm_admin_roles_reload (CRM_ADMIN_VIEW (self));
}

static void
copy_response_cb (CrmAdminRoles    *self,
                  const char       *response,
                  AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "create") == 0 && self->name_row != NULL && self->role_id != 0)
    {
      g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

      json_node_take_object (body, json_object_new ());
      json_object_set_string_member (json_node_get_object (body), "name",
                                     gtk_editable_get_text (self->name_row));
      json_object_set_int_member (json_node_get_object (body), "copy_from", self->role_id);
      crm_admin_view_call (CRM_ADMIN_VIEW (self), SOUP_METHOD_POST, CRM_API_BASE "/roles",
                           NULL, body, 0, created_cb);
    }
  self->name_row = NULL;
}

static void
copy_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  CrmAdminRoles *self = CRM_ADMIN_ROLES (widget);
  CrmCustomer *role = gtk_drop_down_get_selected_item (self->role_list);
  GtkWidget *list = crm_admin_view_new_boxed_list ();
  GtkWidget *row = adw_entry_row_new ();
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  g_autofree char *name = NULL;

  if (role == NULL)
    return;
  /* Translators: %s is a role's name */
  body = g_strdup_printf (_("The new role starts with the permissions of “%s”."),
                          role_label (role));
  /* Translators: the suggested name of a copied role; %s is its name */
  name = g_strdup_printf (_("%s (copy)"), role_label (role));
  dialog = crm_admin_view_new_dialog (CRM_ADMIN_VIEW (self), _("New Role"), body, "create",
                                      _("C_reate"), ADW_RESPONSE_SUGGESTED);
  gtk_widget_set_name (row, "name");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (row), name);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  self->name_row = GTK_EDITABLE (row);
  crm_admin_view_present_dialog (CRM_ADMIN_VIEW (self), dialog, list,
                                 G_CALLBACK (copy_response_cb));
}

/* --- the widget -------------------------------------------------------------- */

static char *
role_label_cb (CrmCustomer *role)
{
  return g_strdup (role != NULL ? role_label (role) : "");
}

static GtkWidget *
new_matrix (CrmAdminRoles *self)
{
  GtkWidget *grid = gtk_grid_new ();
  const char *scopes[] = { crm_admin_scope_label (CRM_SCOPE_NONE),
                           crm_admin_scope_label (CRM_SCOPE_OWN),
                           crm_admin_scope_label (CRM_SCOPE_TEAM),
                           crm_admin_scope_label (CRM_SCOPE_ALL), NULL };

  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  gtk_widget_add_css_class (grid, "permission-matrix");
  for (guint a = 0; a < CRM_N_ACTIONS; a++)
    {
      GtkWidget *header = gtk_label_new (crm_admin_action_label (a));

      gtk_widget_add_css_class (header, "heading");
      gtk_grid_attach (GTK_GRID (grid), header, a + 1, 0, 1, 1);
    }
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    {
      GtkWidget *label = gtk_label_new (crm_admin_object_label (o));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_end (label, 12);
      gtk_grid_attach (GTK_GRID (grid), label, 0, o + 1, 1, 1);
      for (guint a = 0; a < CRM_N_ACTIONS; a++)
        {
          GtkWidget *cell = gtk_drop_down_new_from_strings (scopes);
          /* Translators: the accessible name of a permission cell: an object, then an
           * action, such as "Customers: Read" */
          g_autofree char *name = g_strdup_printf (_("%s: %s"), crm_admin_object_label (o),
                                                   crm_admin_action_label (a));

          gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          name, -1);
          gtk_widget_set_tooltip_text (cell, name);
          g_signal_connect_object (cell, "notify::selected", G_CALLBACK (cell_changed_cb), self,
                                   G_CONNECT_SWAPPED);
          self->cells[o][a] = GTK_DROP_DOWN (cell);
          gtk_grid_attach (GTK_GRID (grid), cell, a + 1, o + 1, 1, 1);
        }
    }
  return grid;
}

static void
crm_admin_roles_dispose (GObject *object)
{
  CrmAdminRoles *self = CRM_ADMIN_ROLES (object);

  G_OBJECT_CLASS (crm_admin_roles_parent_class)->dispose (object);
  g_clear_object (&self->roles);
  g_clear_pointer (&self->loaded, crm_permissions_free);
  g_clear_pointer (&self->field_cells, g_ptr_array_unref);
  g_clear_pointer (&self->custom_fields, g_hash_table_unref);
}

static void
crm_admin_roles_class_init (CrmAdminRolesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_roles_dispose;
  CRM_ADMIN_VIEW_CLASS (klass)->reload = crm_admin_roles_reload;

  gtk_widget_class_install_action (widget_class, "roles.save", NULL, save_cb);
  gtk_widget_class_install_action (widget_class, "roles.revert", NULL, revert_cb);
  gtk_widget_class_install_action (widget_class, "roles.copy", NULL, copy_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "roles.save",
                                       NULL);
}

static void
crm_admin_roles_init (CrmAdminRoles *self)
{
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *matrix_scrolled = gtk_scrolled_window_new ();
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *matrix;
  GtkExpression *expression;

  self->roles = g_list_store_new (CRM_TYPE_CUSTOMER);
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (role_label_cb), NULL, NULL);
  self->role_list = GTK_DROP_DOWN (gtk_drop_down_new (
    G_LIST_MODEL (g_object_ref (self->roles)), expression));
  g_signal_connect_object (self->role_list, "notify::selected",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->role_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Role"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->role_list), _("Role"));
  gtk_widget_set_valign (GTK_WIDGET (self->role_list), GTK_ALIGN_CENTER);

  self->note_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->note_label, 0);
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->note_label));
  gtk_widget_set_hexpand (header, TRUE);
  gtk_widget_set_valign (header, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (right), crm_admin_view_new_toolbar (
    GTK_WIDGET (self->role_list),
    header,
    crm_admin_view_new_button (_("_New Role From This…"), "roles.copy", FALSE),
    crm_admin_view_new_button (_("_Revert"), "roles.revert", FALSE),
    crm_admin_view_new_button (_("_Save"), "roles.save", TRUE),
    NULL));
  gtk_box_append (GTK_BOX (right), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->field_cells = g_ptr_array_new ();
  matrix = new_matrix (self);
  gtk_widget_set_halign (matrix, GTK_ALIGN_START);
  self->field_heading = gtk_label_new (_("Protected Fields"));
  gtk_label_set_xalign (GTK_LABEL (self->field_heading), 0);
  gtk_widget_add_css_class (self->field_heading, "heading");
  gtk_widget_set_margin_top (self->field_heading, 18);
  gtk_widget_set_visible (self->field_heading, FALSE);
  self->field_list = GTK_LIST_BOX (crm_admin_view_new_boxed_list ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->field_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Protected Fields"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->field_list), FALSE);
  gtk_box_append (GTK_BOX (content), matrix);
  gtk_box_append (GTK_BOX (content), self->field_heading);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->field_list));
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 12);
  gtk_widget_set_halign (content, GTK_ALIGN_START);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (matrix_scrolled), content);
  gtk_widget_set_vexpand (matrix_scrolled, TRUE);
  gtk_box_append (GTK_BOX (right), matrix_scrolled);
  adw_bin_set_child (ADW_BIN (self), right);
  fill_matrix (self, NULL);
}

/* Selects the built-in role @builtin; whether there is one. */
gboolean
_crm_admin_roles_select (CrmAdminRoles *self,
                         const char    *builtin)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roles)); i++)
    {
      g_autoptr(CrmCustomer) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      if (g_strcmp0 (crm_customer_get_string (role, "builtin"), builtin) == 0)
        {
          gtk_drop_down_set_selected (self->role_list, i);
          return TRUE;
        }
    }
  return FALSE;
}

GtkDropDown *
_crm_admin_roles_get_cell (CrmAdminRoles *self,
                           CrmObject      object,
                           CrmAction      action)
{
  return self->cells[object][action];
}

gint64
_crm_admin_roles_get_version (CrmAdminRoles *self)
{
  return self->version;
}

/* The drop-down of the role's access to the protected @field, or NULL. */
GtkDropDown *
_crm_admin_roles_get_field_cell (CrmAdminRoles *self,
                                 const char    *field)
{
  for (guint i = 0; i < self->field_cells->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (self->field_cells, i), "field"), field)
        == 0)
      return g_ptr_array_index (self->field_cells, i);
  return NULL;
}

gboolean
_crm_admin_roles_is_dirty (CrmAdminRoles *self)
{
  return is_dirty (self);
}
