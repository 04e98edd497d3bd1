/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-users"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-account.h"
#include "crm-admin-users.h"
#include "crm-api-paths.h"

/**
 * CrmAdminUsers:
 *
 * Staff accounts: create, edit (name, role, team), disable and enable, set a
 * new password, sign out everywhere.
 */
struct _CrmAdminUsers
{
  CrmAdminView        parent_instance;

  GtkColumnView      *column_view;
  GtkSingleSelection *selection;
  GtkLabel           *status_label;
  GListStore         *users;
  GListStore         *roles;
  GListStore         *teams;
  gint64              dialog_user;   /* the user the open dialog is about, or 0 */
  /* The open create or edit dialog's rows. */
  GtkEditable        *username_row;
  GtkEditable        *display_name_row;
  GtkEditable        *email_row;
  GtkEditable        *password_row;
  AdwComboRow        *role_row;
  AdwComboRow        *team_row;
};

G_DEFINE_FINAL_TYPE (CrmAdminUsers, crm_admin_users, CRM_TYPE_ADMIN_VIEW)

static CrmCustomer *
selected_user (CrmAdminUsers *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_actions (CrmAdminUsers *self)
{
  CrmCustomer *user = selected_user (self);
  gboolean active = user != NULL
                    && json_object_get_boolean_member_with_default (
                      crm_customer_get_object (user), "is_active", TRUE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.new",
                                 crm_admin_view_get_api_client (CRM_ADMIN_VIEW (self)) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.edit", user != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.disable", user != NULL && active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.enable", user != NULL && !active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.reset-password", user != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.revoke-sessions", user != NULL);
}

static const char *
record_name (GListModel *records,
             gint64      id,
             const char *member)
{
  CrmCustomer *record = crm_admin_find_record (records, id);

  if (record == NULL)
    return NULL;
  if (g_str_equal (member, "role"))
    return crm_role_get_display_name (crm_customer_get_string (record, "builtin"),
                                      crm_customer_get_string (record, "name"));
  return crm_customer_get_string (record, "name");
}

static char *
role_cell (CrmAdminView *view,
           JsonObject   *user,
           const char   *member)
{
  CrmAdminUsers *self = CRM_ADMIN_USERS (view);
  gint64 id = json_object_get_int_member_with_default (user, "role_id", 0);

  return g_strdup (record_name (G_LIST_MODEL (self->roles), id, "role"));
}

static char *
team_cell (CrmAdminView *view,
           JsonObject   *user,
           const char   *member)
{
  CrmAdminUsers *self = CRM_ADMIN_USERS (view);
  JsonNode *node = json_object_get_member (user, "team_id");

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("No team"));
  return g_strdup (record_name (G_LIST_MODEL (self->teams), json_node_get_int (node), "team"));
}

static char *
status_cell (CrmAdminView *view,
             JsonObject   *user,
             const char   *member)
{
  return g_strdup (json_object_get_boolean_member_with_default (user, "is_active", TRUE)
                   ? _("Active") : _("Disabled"));
}

static void
update_status (CrmAdminUsers *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->users));
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u user", "%u users",
                                                        n), n);

  gtk_label_set_text (self->status_label, text);
}

static void
refresh_cells (CrmAdminUsers *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->users));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 selected = selected_user (self) != NULL ? crm_customer_get_id (selected_user (self)) : 0;

  /* The same records again: the role and team cells bind anew. */
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->users), i));
  g_list_store_splice (self->users, 0, n, items->pdata, items->len);
  for (guint i = 0; selected != 0 && i < n; i++)
    if (crm_customer_get_id (g_ptr_array_index (items, i)) == selected)
      gtk_single_selection_set_selected (self->selection, i);
}

static void
users_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminUsers) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 selected = selected_user (self) != NULL ? crm_customer_get_id (selected_user (self)) : 0;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Loading users"), error);
      return;
    }
  crm_admin_records_replace (self->users, reply);
  for (guint i = 0; selected != 0 && i < g_list_model_get_n_items (G_LIST_MODEL (self->users)); i++)
    {
      g_autoptr(CrmCustomer) user = g_list_model_get_item (G_LIST_MODEL (self->users), i);

      if (crm_customer_get_id (user) == selected)
        gtk_single_selection_set_selected (self->selection, i);
    }
  update_status (self);
  update_actions (self);
}

/* The roles or teams the cells and dialogs name: into @store. */
static void
lookup_loaded (CrmAdminUsers *self,
               GAsyncResult  *result,
               GListStore    *store,
               const char    *what)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), what, error);
      return;
    }
  crm_admin_records_replace (store, reply);
  refresh_cells (self);
}

static void
roles_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminUsers) self = user_data;

  lookup_loaded (self, result, self->roles, _("Loading roles"));
}

static void
teams_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminUsers) self = user_data;

  lookup_loaded (self, result, self->teams, _("Loading teams"));
}

static void
load_users (CrmAdminUsers *self)
{
  crm_admin_view_call (CRM_ADMIN_VIEW (self), SOUP_METHOD_GET, CRM_API_BASE "/users",
                       "limit=500", NULL, 0, users_cb);
}

static void
crm_admin_users_reload (CrmAdminView *view)
{
  CrmAdminUsers *self = CRM_ADMIN_USERS (view);

  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/roles", NULL, NULL, 0, roles_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/teams", "limit=500", NULL, 0,
                       teams_cb);
  load_users (self);
  update_actions (self);
}

/* --- changes ---------------------------------------------------------------- */

/* After a change: a toast, and the list again. */
static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmAdminUsers) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *done = g_object_get_data (G_OBJECT (self), "done");

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (error != NULL)
    {
      JsonObject *fields = crm_api_reply_error_get_fields (error);

      /* A field's own message says most (such as the password policy's). */
      if (fields != NULL && json_object_get_size (fields) > 0)
        {
          g_autoptr(GList) members = json_object_get_members (fields);

          crm_admin_view_toast (CRM_ADMIN_VIEW (self),
                                json_object_get_string_member (fields, members->data));
        }
      else
        crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Saving the user"), error);
      load_users (self);
      return;
    }
  crm_admin_view_toast (CRM_ADMIN_VIEW (self), done != NULL ? done : _("Saved"));
  load_users (self);
}

/* Calls, then toasts @done. */
static void
change (CrmAdminUsers *self,
        const char    *method,
        const char    *path,
        JsonNode      *body,
        gint64         if_match,
        const char    *done)
{
  /* For changed_cb: one change at a time comes from a dialog. */
  g_object_set_data_full (G_OBJECT (self), "done", g_strdup (done), g_free);
  crm_admin_view_call (CRM_ADMIN_VIEW (self), method, path, NULL, body, if_match,
                       changed_cb);
}

static char *
user_path (CrmCustomer *user,
           const char  *suffix)
{
  return g_strdup_printf (CRM_API_BASE "/users/%" G_GINT64_FORMAT "%s",
                          crm_customer_get_id (user), suffix != NULL ? suffix : "");
}

static const char *
user_label (CrmCustomer *user)
{
  const char *name = crm_customer_get_string (user, "display_name");

  return name != NULL && *name != '\0' ? name : crm_customer_get_string (user, "username");
}

static GtkEditable *
add_entry_row (GtkWidget  *list,
               const char *name,
               const char *title,
               const char *text,
               gboolean    password)
{
  GtkWidget *row = password ? adw_password_entry_row_new () : adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return GTK_EDITABLE (row);
}

/* A combo row of @records' names, @none first when not NULL; selects @selected. */
static AdwComboRow *
add_combo_row (GtkWidget  *list,
               const char *name,
               const char *title,
               GListModel *records,
               const char *member,
               const char *none,
               gint64      selected)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint offset = none != NULL ? 1 : 0;

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (none != NULL)
    gtk_string_list_append (names, none);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(CrmCustomer) record = g_list_model_get_item (records, i);

      gtk_string_list_append (names, record_name (records, crm_customer_get_id (record), member));
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(CrmCustomer) record = g_list_model_get_item (records, i);

      if (crm_customer_get_id (record) == selected)
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), i + offset);
    }
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return ADW_COMBO_ROW (row);
}

/* The id a combo row of add_combo_row() selects, or 0 for @none. */
static gint64
combo_row_id (AdwComboRow *row,
              GListModel  *records,
              gboolean     has_none)
{
  guint selected = adw_combo_row_get_selected (row);
  g_autoptr(CrmCustomer) record = NULL;

  if (selected == GTK_INVALID_LIST_POSITION || (has_none && selected == 0))
    return 0;
  record = g_list_model_get_item (records, selected - (has_none ? 1 : 0));
  return record != NULL ? crm_customer_get_id (record) : 0;
}

static void
clear_rows (CrmAdminUsers *self)
{
  self->username_row = NULL;
  self->display_name_row = NULL;
  self->email_row = NULL;
  self->password_row = NULL;
  self->role_row = NULL;
  self->team_row = NULL;
  self->dialog_user = 0;
}

static void
user_dialog_response_cb (CrmAdminUsers    *self,
                         const char       *response,
                         AdwMessageDialog *dialog)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  CrmCustomer *user;
  gint64 team, role;

  if (g_strcmp0 (response, "cancel") == 0 || self->display_name_row == NULL)
    {
      clear_rows (self);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (self->username_row != NULL)
    {
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, gtk_editable_get_text (self->username_row));
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, gtk_editable_get_text (self->password_row));
    }
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, gtk_editable_get_text (self->display_name_row));
  json_builder_set_member_name (builder, "email");
  if (*gtk_editable_get_text (self->email_row) != '\0')
    json_builder_add_string_value (builder, gtk_editable_get_text (self->email_row));
  else
    json_builder_add_null_value (builder);
  role = combo_row_id (self->role_row, G_LIST_MODEL (self->roles), FALSE);
  if (role != 0)
    {
      json_builder_set_member_name (builder, "role_id");
      json_builder_add_int_value (builder, role);
    }
  team = combo_row_id (self->team_row, G_LIST_MODEL (self->teams), TRUE);
  json_builder_set_member_name (builder, "team_id");
  if (team != 0)
    json_builder_add_int_value (builder, team);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  user = self->dialog_user != 0 ? crm_admin_find_record (G_LIST_MODEL (self->users),
                                                         self->dialog_user) : NULL;
  if (user == NULL)
    change (self, SOUP_METHOD_POST, CRM_API_BASE "/users", body, 0, _("User created"));
  else
    {
      g_autofree char *path = user_path (user, NULL);

      change (self, "PATCH", path, body, crm_customer_get_version (user),
              _("User saved"));
    }
  clear_rows (self);
}

static void
show_user_dialog (CrmAdminUsers *self,
                  CrmCustomer   *user)
{
  AdwMessageDialog *dialog;
  GtkWidget *list = crm_admin_view_new_boxed_list ();
  JsonNode *team = user != NULL ? json_object_get_member (crm_customer_get_object (user),
                                                          "team_id") : NULL;
  gint64 role_id = user != NULL ? crm_customer_get_int (user, "role_id") : 0;

  if (user == NULL)
    {
      /* New users are sales reps unless the admin picks another role. */
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roles)); i++)
        {
          g_autoptr(CrmCustomer) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

          if (g_strcmp0 (crm_customer_get_string (role, "builtin"), "sales_rep") == 0)
            role_id = crm_customer_get_id (role);
        }
      dialog = crm_admin_view_new_dialog (CRM_ADMIN_VIEW (self), _("New User"),
                                          _("The user signs in with this name and password."),
                                          "save", _("C_reate"), ADW_RESPONSE_SUGGESTED);
      self->username_row = add_entry_row (list, "username", _("User name"), NULL, FALSE);
    }
  else
    dialog = crm_admin_view_new_dialog (CRM_ADMIN_VIEW (self), _("Edit User"),
                                        crm_customer_get_string (user, "username"),
                                        "save", _("_Save"), ADW_RESPONSE_SUGGESTED);
  self->display_name_row = add_entry_row (list, "display-name", _("Full name"),
                                          user != NULL ? user_label (user) : NULL, FALSE);
  self->email_row = add_entry_row (list, "email", _("E-mail"),
                                   user != NULL ? crm_customer_get_string (user, "email") : NULL,
                                   FALSE);
  if (user == NULL)
    self->password_row = add_entry_row (list, "password", _("Password"), NULL, TRUE);
  self->role_row = add_combo_row (list, "role", _("Role"), G_LIST_MODEL (self->roles), "role",
                                  NULL, role_id);
  self->team_row = add_combo_row (list, "team", _("Team"), G_LIST_MODEL (self->teams), "team",
                                  _("No team"),
                                  team != NULL && !JSON_NODE_HOLDS_NULL (team)
                                  ? json_node_get_int (team) : 0);
  self->dialog_user = user != NULL ? crm_customer_get_id (user) : 0;
  crm_admin_view_present_dialog (CRM_ADMIN_VIEW (self), dialog, list,
                                 G_CALLBACK (user_dialog_response_cb));
}

static void
new_user_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_user_dialog (CRM_ADMIN_USERS (widget), NULL);
}

static void
edit_user_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CrmAdminUsers *self = CRM_ADMIN_USERS (widget);

  if (selected_user (self) != NULL)
    show_user_dialog (self, selected_user (self));
}

static void
set_active (CrmAdminUsers *self,
            CrmCustomer   *user,
            gboolean       active)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = user_path (user, NULL);

  json_node_take_object (body, json_object_new ());
  json_object_set_boolean_member (json_node_get_object (body), "is_active", active);
  change (self, "PATCH", path, body, crm_customer_get_version (user),
          active ? _("User enabled") : _("User disabled"));
}

static void
disable_response_cb (CrmAdminUsers    *self,
                     const char       *response,
                     AdwMessageDialog *dialog)
{
  CrmCustomer *user = crm_admin_find_record (G_LIST_MODEL (self->users), self->dialog_user);

  if (g_strcmp0 (response, "disable") == 0 && user != NULL)
    set_active (self, user, FALSE);
  self->dialog_user = 0;
}

/* A dialog about the selected user: @heading_format has a %s for their name. */
static void
ask_about_user (CrmAdminUsers         *self,
                const char            *heading_format,
                const char            *body,
                const char            *response,
                const char            *response_label,
                AdwResponseAppearance  appearance,
                GCallback              response_cb)
{
  CrmCustomer *user = selected_user (self);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  GtkWidget *list = NULL;

  if (user == NULL)
    return;
  clear_rows (self);
  heading = g_strdup_printf (heading_format, user_label (user));
  dialog = crm_admin_view_new_dialog (CRM_ADMIN_VIEW (self), heading, body, response,
                                      response_label, appearance);
  if (g_str_equal (response, "set"))
    {
      list = crm_admin_view_new_boxed_list ();
      self->password_row = add_entry_row (list, "password", _("New password"), NULL, TRUE);
    }
  self->dialog_user = crm_customer_get_id (user);
  crm_admin_view_present_dialog (CRM_ADMIN_VIEW (self), dialog, list, response_cb);
}

static void
disable_user_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  /* Translators: %s is a person's name */
  ask_about_user (CRM_ADMIN_USERS (widget), _("Disable %s?"),
                  _("The user can no longer sign in. Their records stay as they are."),
                  "disable", _("_Disable"), ADW_RESPONSE_DESTRUCTIVE,
                  G_CALLBACK (disable_response_cb));
}

static void
enable_user_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CrmAdminUsers *self = CRM_ADMIN_USERS (widget);

  if (selected_user (self) != NULL)
    set_active (self, selected_user (self), TRUE);
}

static void
password_response_cb (CrmAdminUsers    *self,
                      const char       *response,
                      AdwMessageDialog *dialog)
{
  CrmCustomer *user = crm_admin_find_record (G_LIST_MODEL (self->users), self->dialog_user);

  if (g_strcmp0 (response, "set") == 0 && user != NULL && self->password_row != NULL)
    {
      g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *path = user_path (user, "/password");

      json_node_take_object (body, json_object_new ());
      json_object_set_string_member (json_node_get_object (body), "password",
                                     gtk_editable_get_text (self->password_row));
      change (self, SOUP_METHOD_POST, path, body, 0,
              _("Password set; the user’s other sessions have ended"));
    }
  clear_rows (self);
}

static void
reset_password_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  /* Translators: %s is a person's name */
  ask_about_user (CRM_ADMIN_USERS (widget), _("New Password for %s"),
                  _("Tell the user the new password in person. Their other sessions end."),
                  "set", _("_Set Password"), ADW_RESPONSE_SUGGESTED,
                  G_CALLBACK (password_response_cb));
}

static void
revoke_response_cb (CrmAdminUsers    *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  CrmCustomer *user = crm_admin_find_record (G_LIST_MODEL (self->users), self->dialog_user);

  if (g_strcmp0 (response, "revoke") == 0 && user != NULL)
    {
      g_autofree char *path = user_path (user, "/sessions");

      change (self, SOUP_METHOD_DELETE, path, NULL, 0, _("The user is signed out everywhere"));
    }
  self->dialog_user = 0;
}

static void
revoke_sessions_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  /* Translators: %s is a person's name */
  ask_about_user (CRM_ADMIN_USERS (widget), _("Sign Out %s Everywhere?"),
                  _("Every session of the user ends now, on every computer. They can sign in "
                    "again."),
                  "revoke", _("Sign _Out"), ADW_RESPONSE_DESTRUCTIVE,
                  G_CALLBACK (revoke_response_cb));
}

static void
column_view_activate_cb (CrmAdminUsers *self,
                         guint          position)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "users.edit", NULL);
}

/* --- the widget -------------------------------------------------------------- */

static void
crm_admin_users_dispose (GObject *object)
{
  CrmAdminUsers *self = CRM_ADMIN_USERS (object);

  clear_rows (self);
  G_OBJECT_CLASS (crm_admin_users_parent_class)->dispose (object);
  g_clear_object (&self->selection);
  g_clear_object (&self->users);
  g_clear_object (&self->roles);
  g_clear_object (&self->teams);
}

static void
crm_admin_users_class_init (CrmAdminUsersClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_users_dispose;
  CRM_ADMIN_VIEW_CLASS (klass)->reload = crm_admin_users_reload;

  gtk_widget_class_install_action (widget_class, "users.new", NULL, new_user_cb);
  gtk_widget_class_install_action (widget_class, "users.edit", NULL, edit_user_cb);
  gtk_widget_class_install_action (widget_class, "users.disable", NULL, disable_user_cb);
  gtk_widget_class_install_action (widget_class, "users.enable", NULL, enable_user_cb);
  gtk_widget_class_install_action (widget_class, "users.reset-password", NULL,
                                   reset_password_cb);
  gtk_widget_class_install_action (widget_class, "users.revoke-sessions", NULL,
                                   revoke_sessions_cb);
}

static void
crm_admin_users_init (CrmAdminUsers *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *status = gtk_label_new (NULL);

  self->users = g_list_store_new (CRM_TYPE_CUSTOMER);
  self->roles = g_list_store_new (CRM_TYPE_CUSTOMER);
  self->teams = g_list_store_new (CRM_TYPE_CUSTOMER);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->users)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);

  gtk_box_append (GTK_BOX (box), crm_admin_view_new_toolbar (
    crm_admin_view_new_button (_("_New User…"), "users.new", TRUE),
    crm_admin_view_new_button (_("_Edit…"), "users.edit", FALSE),
    crm_admin_view_new_button (_("_Disable…"), "users.disable", FALSE),
    crm_admin_view_new_button (_("E_nable"), "users.enable", FALSE),
    crm_admin_view_new_button (_("Set _Password…"), "users.reset-password", FALSE),
    crm_admin_view_new_button (_("Sign Out _Everywhere…"), "users.revoke-sessions", FALSE),
    NULL));
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (
    GTK_SELECTION_MODEL (g_object_ref (self->selection))));
  gtk_column_view_set_show_row_separators (self->column_view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Users"), -1);
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (column_view_activate_cb),
                           self, G_CONNECT_SWAPPED);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("User name"),
                             "username", FALSE, NULL);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Full name"),
                             "display_name", TRUE, NULL);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Role"), "role_id",
                             TRUE, role_cell);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Team"), "team_id",
                             TRUE, team_cell);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("E-mail"), "email",
                             TRUE, NULL);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Status"),
                             "is_active", FALSE, status_cell);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);

  self->status_label = GTK_LABEL (status);
  gtk_label_set_xalign (self->status_label, 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_set_margin_start (status, 12);
  gtk_widget_set_margin_top (status, 6);
  gtk_widget_set_margin_bottom (status, 6);
  gtk_box_append (GTK_BOX (box), status);
  adw_bin_set_child (ADW_BIN (self), box);
  update_actions (self);
}

GtkColumnView *
_crm_admin_users_get_column_view (CrmAdminUsers *self)
{
  return self->column_view;
}

GListModel *
_crm_admin_users_get_users (CrmAdminUsers *self)
{
  return G_LIST_MODEL (self->users);
}

/* Selects the row of @username; whether there is one. */
gboolean
_crm_admin_users_select (CrmAdminUsers *self,
                         const char    *username)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->users)); i++)
    {
      g_autoptr(CrmCustomer) user = g_list_model_get_item (G_LIST_MODEL (self->users), i);

      if (g_strcmp0 (crm_customer_get_string (user, "username"), username) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}
