/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-admin"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-admin-audit.h"
#include "crm-admin-field-policies.h"
#include "crm-admin-page.h"
#include "crm-admin-records.h"
#include "crm-admin-reminders.h"
#include "crm-admin-roles.h"
#include "crm-admin-users.h"
#include "crm-application.h"
#include "crm-color-palette.h"
#include "crm-customers-page.h"
#include "crm-customer-list.h"
#include "crm-window-private.h"
#include "crm-window.h"
#include "crm-test-server.h"
#include "crm-test-ui.h"

/*
 * The Administration section under Xvfb against a real rapport-server: a sales
 * rep's window has no Administration; an admin creates a user, signs them out
 * everywhere, sets their password and disables them; narrows the sales reps'
 * customers read scope in the permission matrix (after a conflict with a
 * change made meanwhile), and a signed-in rep's next /customers list shows
 * only their own customers; adds a tag; filters the audit log and reads an
 * entry's details. Each case runs in a process of its own, in English and in
 * zh_CN, and saves screenshots as client-admin-SHOT[-LANGUAGE].png in the
 * build directory.
 */

#define PASSWORD "Correct-horse-7"
#define NEW_PASSWORD "Battery-staple-9"
#define N_OWN 5      /* the rep's customers */
#define N_TEAM 7     /* a teammate's */

typedef struct
{
  const CrmTestUiCase *test_case;
  CrmTestServer       *server;        /* the parent's */
  char                *admin_token;
  CrmWindow           *window;
  CrmAdminView        *view;          /* what wait_until () waits for */
} Fixture;

/* --- the server ------------------------------------------------------------ */

/* A session token for @username, or NULL when the server refuses. */
static char *
sign_in_api (Fixture    *fixture,
             const char *username,
             const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_ui_call (NULL, "POST", "/api/v1/session", body, NULL, &status);
  if (status != 201)
    return NULL;
  return g_strdup (crm_test_json_get_string (reply, "token"));
}

static JsonObject *
find_user (Fixture    *fixture,
           JsonNode  **reply,
           const char *username)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users?username=%s", username);
  JsonArray *items;

  *reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, NULL);
  items = json_object_get_array_member (json_node_get_object (*reply), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  return json_array_get_object_element (items, 0);
}

static gint64
user_id (Fixture    *fixture,
         const char *username)
{
  g_autoptr(JsonNode) reply = NULL;

  return json_object_get_int_member (find_user (fixture, &reply, username), "id");
}

/* The sales reps' role, as the server has it now. */
static JsonNode *
sales_rep_role (Fixture *fixture)
{
  g_autoptr(JsonNode) roles = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/roles", NULL,
                                                NULL, NULL);
  JsonArray *items = json_object_get_array_member (json_node_get_object (roles), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *role = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (role, "builtin", NULL),
                     "sales_rep") == 0)
        return json_node_copy (json_array_get_element (items, i));
    }
  g_assert_not_reached ();
}

static const char *
customers_read_scope (JsonNode *role)
{
  JsonObject *scopes = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (role), "permissions"), "scopes");

  return json_object_get_string_member (json_object_get_object_member (scopes, "customers"),
                                        "read");
}

/* Sets the sales reps' customers read scope through the API. */
static void
set_customers_read_scope (Fixture    *fixture,
                          const char *scope)
{
  g_autoptr(JsonNode) role = sales_rep_role (fixture);
  JsonObject *object = json_node_get_object (role);
  JsonObject *permissions = json_object_get_object_member (object, "permissions");
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/roles/%" G_GINT64_FORMAT,
                                           json_object_get_int_member (object, "id"));
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              json_object_get_int_member (object, "version"));
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  json_object_set_string_member (
    json_object_get_object_member (json_object_get_object_member (permissions, "scopes"),
                                   "customers"), "read", scope);
  json_node_take_object (body, json_object_new ());
  json_object_set_object_member (json_node_get_object (body), "permissions",
                                 json_object_ref (permissions));
  text = json_to_string (body, FALSE);
  reply = crm_test_ui_call (fixture->admin_token, "PATCH", path, text, version, &status);
  g_assert_cmpuint (status, ==, 200);
}

static guint
count_customers (Fixture    *fixture,
                 const char *token)
{
  guint status = 0;
  g_autoptr(JsonNode) reply = crm_test_ui_call (token, "GET", "/api/v1/customers?limit=500", NULL,
                                                NULL,
                                                &status);

  g_assert_cmpuint (status, ==, 200);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (reply),
                                                              "items"));
}

/* In the parent: users, a team, customers, and something in each admin list. */
static void
seed (Fixture *fixture)
{
  static const char * const calls[][2] = {
    { "/api/v1/tags", "{\"name\":\"重点客户\",\"color\":\"#e01b24\"}" },
    { "/api/v1/tags", "{\"name\":\"展会\",\"color\":\"#3584e4\"}" },
    { "/api/v1/fields", "{\"object\":\"customers\",\"key\":\"budget\",\"label\":\"预算\","
                        "\"type\":\"money\"}" },
    { "/api/v1/fields", "{\"object\":\"customers\",\"key\":\"grade\",\"label\":\"分级\","
                        "\"type\":\"choice\",\"choices\":[\"A\",\"B\",\"C\"],"
                        "\"required\":false}" },
    { "/api/v1/level-rules", "{\"level\":\"VIP\",\"min_amount\":10000000,\"currency\":\"CNY\","
                             "\"months\":12}" },
    { "/api/v1/level-rules", "{\"level\":\"重要\",\"min_amount\":2000000,\"currency\":\"CNY\","
                             "\"months\":12,\"position\":1}" },
  };
  g_autoptr(JsonNode) team = NULL;
  g_autoptr(GString) sql = g_string_new ("INSERT INTO customers (name, kind, owner_id) VALUES ");
  gint64 rep, mate, team_id;
  guint status = 0;

  crm_test_server_create_user (fixture->server, "ada", "admin", PASSWORD);
  crm_test_server_create_user (fixture->server, "li", "sales_rep", PASSWORD);
  crm_test_server_create_user (fixture->server, "zhou", "sales_rep", PASSWORD);
  fixture->admin_token = crm_test_server_sign_in (fixture->server, "ada", PASSWORD);

  team = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/teams",
                           "{\"name\":\"华东销售部\",\"description\":\"上海、杭州、南京\"}", NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  team_id = crm_test_json_get_int (team, "id");
  rep = user_id (fixture, "li");
  mate = user_id (fixture, "zhou");
  for (guint i = 0; i < 2; i++)
    {
      gint64 id = i == 0 ? rep : mate;
      g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, id);
      g_autoptr(JsonNode) user = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL,
                                                   NULL);
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  crm_test_json_get_int (user, "version"));
      g_autofree char *body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ","
                                               "\"display_name\":\"%s\"}", team_id,
                                               i == 0 ? "李伟" : "周敏");
      g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "PATCH", path, body,
                                                    version, &status);

      g_assert_cmpuint (status, ==, 200);
    }
  {
    g_autoptr(JsonNode) extra = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/teams",
                                                  "{\"name\":\"华南销售部\"}", NULL, &status);

    g_assert_cmpuint (status, ==, 201);
  }
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "POST", calls[i][0],
                                                    calls[i][1], NULL, &status);

      g_assert_cmpuint (status, ==, 201);
    }
  {
    g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "PUT",
                                                  "/api/v1/field-policies/customers/custom_budget",
                                                  "{\"protected\":true,\"sensitive\":false}",
                                                  NULL, &status);

    g_assert_cmpuint (status, ==, 204);
  }

  /* One audited change of standard and custom fields, for the audit log's details. */
  {
    g_autoptr(JsonNode) customer = crm_test_ui_call (fixture->admin_token, "POST",
                                                     "/api/v1/customers",
                                                     "{\"name\":\"杭州审计示例有限公司\","
                                                     "\"kind\":\"company\"}", NULL, &status);
    g_autofree char *path = NULL;
    g_autofree char *version = NULL;
    g_autofree char *body = NULL;
    g_autoptr(JsonNode) changed = NULL;

    g_assert_cmpuint (status, ==, 201);
    path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                            crm_test_json_get_int (customer, "id"));
    version = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (customer, "version"));
    body = g_strdup_printf ("{\"mobile\":\"13800138000\",\"owner_id\":%" G_GINT64_FORMAT ","
                            "\"custom\":{\"grade\":\"A\"}}", rep);
    changed = crm_test_ui_call (fixture->admin_token, "PATCH", path, body, version, &status);
    g_assert_cmpuint (status, ==, 200);
    /* Into the recycle bin: the rep's lists count only the customers above. */
    g_clear_pointer (&changed, json_node_unref);
    changed = crm_test_ui_call (fixture->admin_token, "DELETE", path, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 204);
  }

  /* A batch edit of choices and money, a restore: for the audit log's sentences. */
  {
    g_autoptr(JsonNode) customer = crm_test_ui_call (fixture->admin_token, "POST",
                                                     "/api/v1/customers",
                                                     "{\"name\":\"宁波批量示例有限公司\","
                                                     "\"kind\":\"company\",\"size\":\"large\"}",
                                                     NULL, &status);
    gint64 id = crm_test_json_get_int (customer, "id");
    g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
    g_autofree char *restore = g_strdup_printf ("%s/restore", path);
    g_autofree char *body = g_strdup_printf (
      "{\"ids\":[%" G_GINT64_FORMAT "],\"changes\":{\"size\":\"medium_small\","
      "\"potential\":\"high\",\"custom\":{\"budget\":{\"amount\":1250000,"
      "\"currency\":\"CNY\"}}}}", id);
    g_autoptr(JsonNode) batch = NULL;
    g_autoptr(JsonNode) deleted = NULL;
    g_autoptr(JsonNode) restored = NULL;
    g_autoptr(JsonNode) again = NULL;

    g_assert_cmpuint (status, ==, 201);
    batch = crm_test_ui_call (fixture->admin_token, "PATCH", "/api/v1/customers", body, NULL,
                              &status);
    g_assert_cmpuint (status, ==, 200);
    deleted = crm_test_ui_call (fixture->admin_token, "DELETE", path, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 204);
    restored = crm_test_ui_call (fixture->admin_token, "POST", restore, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    again = crm_test_ui_call (fixture->admin_token, "DELETE", path, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 204);
  }

  for (guint i = 0; i < N_OWN + N_TEAM; i++)
    g_string_append_printf (sql, "%s('上海客户%02u有限公司', 'company', %" G_GINT64_FORMAT ")",
                            i > 0 ? ", " : "", i, i < N_OWN ? rep : mate);
  crm_test_ui_run_sql (sql->str);
}

/* --- driving the window -------------------------------------------------- */

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  return crm_test_ui_find_named (widget, name);
}

static gboolean
signed_in (gpointer data)
{
  Fixture *fixture = data;

  CrmCustomerList *list = crm_customers_page_get_list (
    _crm_window_get_customers_page (fixture->window));

  return g_strcmp0 (_crm_window_get_page_name (fixture->window), "signed-in") == 0
         && list != NULL && crm_customer_list_get_total (list) >= 0;
}

static void
sign_in (Fixture    *fixture,
         const char *username)
{
  crm_test_ui_sign_in (fixture->window, username, PASSWORD);
  wait_until (fixture, NULL, signed_in, "the signed-in window");
}

static gboolean
always (gpointer data)
{
  return TRUE;
}

static void
screenshot (Fixture    *fixture,
            GtkWidget  *window,
            const char *shot)
{
  const char *language = fixture->test_case->language;
  g_autofree char *file_name = g_strdup_printf ("client-admin-%s%s%s.png", shot,
                                                language != NULL ? "-" : "",
                                                language != NULL ? language : "");
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, file_name, NULL);

  /* A window whose contents changed since its last frame paints nothing until
   * it drew again. */
  if (window == NULL)
    window = GTK_WIDGET (fixture->window);
  gtk_widget_queue_draw (window);
  wait_until (fixture, window, always, shot);
  crm_test_ui_save_png (window, NULL, png);
}

static CrmAdminPage *
admin_page (Fixture *fixture)
{
  return _crm_window_get_admin_page (fixture->window);
}

static gboolean
view_idle (gpointer data)
{
  Fixture *fixture = data;

  return !crm_admin_view_is_busy (fixture->view)
         && (!CRM_IS_ADMIN_AUDIT (fixture->view)
             || !_crm_admin_audit_is_loading (CRM_ADMIN_AUDIT (fixture->view)));
}

static void
toast_cb (CrmAdminView *view,
          const char   *text)
{
  g_test_message ("Toast: %s", text);
}

/* Shows the view @name and waits for it to load. */
static CrmAdminView *
show_view (Fixture    *fixture,
           const char *name)
{
  _crm_admin_page_show (admin_page (fixture), name);
  fixture->view = _crm_admin_page_get_view (admin_page (fixture), name);
  if (g_object_get_data (G_OBJECT (fixture->view), "test-toast") == NULL)
    {
      g_signal_connect (fixture->view, "toast", G_CALLBACK (toast_cb), NULL);
      g_object_set_data (G_OBJECT (fixture->view), "test-toast", GINT_TO_POINTER (1));
    }
  g_assert_nonnull (crm_admin_view_get_api_client (fixture->view));
  wait_until (fixture, NULL, view_idle, name);
  return fixture->view;
}

static gboolean
dialog_mapped (gpointer data)
{
  Fixture *fixture = data;

  AdwMessageDialog *dialog = crm_admin_view_get_dialog (fixture->view);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* Activates @action on the view, which opens its dialog; returns the dialog. */
static AdwMessageDialog *
open_dialog (Fixture    *fixture,
             const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), action, NULL));
  wait_until (fixture, NULL, dialog_mapped, action);
  return crm_admin_view_get_dialog (fixture->view);
}

static void
set_row_text (AdwMessageDialog *dialog,
              const char       *name,
              const char       *text)
{
  GtkWidget *row = find_named (GTK_WIDGET (dialog), name);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Answers @dialog with @response and waits for the change and the reload. */
static void
respond (Fixture          *fixture,
         AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  wait_until (fixture, NULL, view_idle, response);
}

static gboolean
has_section (Fixture    *fixture,
             const char *name)
{
  GtkListBox *list = _crm_window_get_sections_list (fixture->window);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      return TRUE;
  return FALSE;
}

static void
open_section (Fixture    *fixture,
              const char *name)
{
  crm_test_ui_activate_row (_crm_window_get_sections_list (fixture->window), name);
}

/* --- the steps ------------------------------------------------------------ */

static const char *
suffix (Fixture *fixture)
{
  return fixture->test_case->name;
}

/* A rep sees no Administration; the admin does. */
static void
check_sections (Fixture *fixture)
{
  set_customers_read_scope (fixture, "team");
  sign_in (fixture, "li");
  g_assert_true (has_section (fixture, "customers"));
  g_assert_false (has_section (fixture, "administration"));
  screenshot (fixture, NULL, "rep");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL));
  sign_in (fixture, "ada");
  g_assert_true (has_section (fixture, "administration"));
  open_section (fixture, "administration");
  show_view (fixture, "users");
  g_assert_cmpuint (g_list_model_get_n_items (
    _crm_admin_users_get_users (CRM_ADMIN_USERS (fixture->view))), >=, 3);
  screenshot (fixture, NULL, "users");
}

static void
select_user (Fixture    *fixture,
             const char *username)
{
  g_assert_true (_crm_admin_users_select (CRM_ADMIN_USERS (fixture->view), username));
}

static void
check_users (Fixture *fixture)
{
  g_autofree char *username = g_strdup_printf ("zhao-%s", suffix (fixture));
  g_autofree char *token = NULL;
  g_autofree char *new_token = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) session = NULL;
  g_autofree char *path = NULL;
  AdwMessageDialog *dialog;
  JsonObject *user;
  guint status = 0;

  /* Create */
  dialog = open_dialog (fixture, "users.new");
  set_row_text (dialog, "username", username);
  set_row_text (dialog, "display-name", "赵磊");
  set_row_text (dialog, "email", "zhao@example.cn");
  set_row_text (dialog, "password", PASSWORD);
  screenshot (fixture, GTK_WIDGET (dialog), "new-user");
  respond (fixture, dialog, "save");
  user = find_user (fixture, &reply, username);
  g_assert_cmpstr (json_object_get_string_member (user, "display_name"), ==, "赵磊");
  g_assert_true (json_object_get_boolean_member (user, "is_active"));
  g_assert_true (_crm_admin_users_select (CRM_ADMIN_USERS (fixture->view), username));
  path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT,
                          json_object_get_int_member (user, "id"));

  /* Sign out everywhere */
  token = sign_in_api (fixture, username, PASSWORD);
  g_assert_nonnull (token);
  session = crm_test_ui_call (token, "GET", "/api/v1/session", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&session, json_node_unref);
  select_user (fixture, username);
  dialog = open_dialog (fixture, "users.revoke-sessions");
  screenshot (fixture, GTK_WIDGET (dialog), "revoke");
  respond (fixture, dialog, "revoke");
  session = crm_test_ui_call (token, "GET", "/api/v1/session", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&session, json_node_unref);

  /* New password */
  select_user (fixture, username);
  dialog = open_dialog (fixture, "users.reset-password");
  set_row_text (dialog, "password", NEW_PASSWORD);
  screenshot (fixture, GTK_WIDGET (dialog), "password");
  respond (fixture, dialog, "set");
  g_assert_null (sign_in_api (fixture, username, PASSWORD));
  new_token = sign_in_api (fixture, username, NEW_PASSWORD);
  g_assert_nonnull (new_token);

  /* Disable */
  select_user (fixture, username);
  dialog = open_dialog (fixture, "users.disable");
  respond (fixture, dialog, "disable");
  g_clear_pointer (&reply, json_node_unref);
  reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (reply), "is_active"));
  g_assert_null (sign_in_api (fixture, username, NEW_PASSWORD));
  select_user (fixture, username);
  wait_until (fixture, NULL, view_idle, "the users");
  screenshot (fixture, NULL, "users-disabled");

  /* Edit: the dialog of an existing user */
  select_user (fixture, "li");
  dialog = open_dialog (fixture, "users.edit");
  screenshot (fixture, GTK_WIDGET (dialog), "edit-user");
  respond (fixture, dialog, "cancel");
}

static gboolean
role_not_dirty (gpointer data)
{
  Fixture *fixture = data;

  return view_idle (fixture) && !_crm_admin_roles_is_dirty (CRM_ADMIN_ROLES (fixture->view));
}

static void
check_roles (Fixture *fixture)
{
  g_autofree char *rep_token = sign_in_api (fixture, "li", PASSWORD);
  g_autoptr(JsonNode) role = NULL;
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) bumped = NULL;
  CrmAdminRoles *roles;
  CrmFieldAccess access;
  GtkDropDown *cell;
  guint status = 0;

  /* The reps start out seeing their team's customers. */
  set_customers_read_scope (fixture, "team");
  g_assert_nonnull (rep_token);
  g_assert_cmpuint (count_customers (fixture, rep_token), ==, N_OWN + N_TEAM);

  roles = CRM_ADMIN_ROLES (show_view (fixture, "roles"));
  g_assert_true (_crm_admin_roles_select (roles, "sales_rep"));
  cell = _crm_admin_roles_get_cell (roles, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ);
  g_assert_cmpuint (gtk_drop_down_get_selected (cell), ==, CRM_SCOPE_TEAM);
  screenshot (fixture, NULL, "roles");

  /* Someone else changes the role meanwhile: the save gets 409 and shows theirs. */
  role = sales_rep_role (fixture);
  path = g_strdup_printf ("/api/v1/roles/%" G_GINT64_FORMAT, crm_test_json_get_int (role, "id"));
  version = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (role, "version"));
  body = g_strdup_printf ("{\"description\":\"Changed meanwhile (%s)\"}", suffix (fixture));
  bumped = crm_test_ui_call (fixture->admin_token, "PATCH", path, body, version, &status);
  g_assert_cmpuint (status, ==, 200);
  gtk_drop_down_set_selected (cell, CRM_SCOPE_OWN);
  g_assert_true (_crm_admin_roles_is_dirty (roles));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roles), "roles.save", NULL));
  wait_until (fixture, NULL, role_not_dirty, "the conflict");
  g_assert_cmpint (_crm_admin_roles_get_version (roles), ==,
                   crm_test_json_get_int (bumped, "version"));
  g_assert_cmpuint (gtk_drop_down_get_selected (cell), ==, CRM_SCOPE_TEAM);
  g_assert_cmpuint (count_customers (fixture, rep_token), ==, N_OWN + N_TEAM);

  /* Again, now on the current version: the rep's next list has only their own. */
  gtk_drop_down_set_selected (cell, CRM_SCOPE_OWN);
  screenshot (fixture, NULL, "roles-edited");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roles), "roles.save", NULL));
  wait_until (fixture, NULL, role_not_dirty, "the save");
  g_clear_pointer (&role, json_node_unref);
  role = sales_rep_role (fixture);
  g_assert_cmpstr (customers_read_scope (role), ==, "own");
  g_assert_cmpint (_crm_admin_roles_get_version (roles), ==, crm_test_json_get_int (role,
                                                                                  "version"));
  g_assert_cmpuint (count_customers (fixture, rep_token), ==, N_OWN);

  /* A protected field: the reps' access to the budget changes (each case of the
   * shared server finds what the one before left). */
  cell = _crm_admin_roles_get_field_cell (roles, "custom_budget");
  g_assert_nonnull (cell);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
    gtk_widget_get_ancestor (GTK_WIDGET (cell), ADW_TYPE_ACTION_ROW))), ==, "预算");
  access = gtk_drop_down_get_selected (cell) == CRM_FIELD_ACCESS_READ ? CRM_FIELD_ACCESS_WRITE
                                                                     : CRM_FIELD_ACCESS_READ;
  gtk_drop_down_set_selected (cell, access);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roles), "roles.save", NULL));
  wait_until (fixture, NULL, role_not_dirty, "the field access");
  g_clear_pointer (&role, json_node_unref);
  role = sales_rep_role (fixture);
  g_assert_cmpstr (crm_test_json_get_string (role, "permissions.fields.customers.custom_budget"),
                   ==, crm_field_access_to_string (access));
  {
    GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (
      gtk_widget_get_ancestor (GTK_WIDGET (cell), GTK_TYPE_SCROLLED_WINDOW));
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    wait_until (fixture, NULL, always, "scrolling");
  }
  screenshot (fixture, NULL, "roles-fields");
  g_assert_cmpstr (customers_read_scope (role), ==, "own");

  /* The administrator's matrix cannot be changed. */
  g_assert_true (_crm_admin_roles_select (roles, "admin"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (
    _crm_admin_roles_get_cell (roles, CRM_OBJECT_ROLES, CRM_ACTION_UPDATE))));
}

static void
check_lists (Fixture *fixture)
{
  static const char * const views[] = { "teams", "custom-fields", "level-rules",
                                        "field-restrictions" };
  g_autofree char *tag = g_strdup_printf ("新标签-%s", suffix (fixture));
  g_autoptr(JsonNode) tags = NULL;
  g_autofree char *green_color = NULL;
  AdwMessageDialog *dialog;
  GListModel *records;
  GtkWidget *palette;
  GtkWidget *green;
  GdkRGBA custom;
  gboolean found = FALSE;
  JsonArray *items;

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      CrmAdminView *view = show_view (fixture, views[i]);

      if (CRM_IS_ADMIN_RECORDS (view))
        g_assert_cmpuint (g_list_model_get_n_items (
          _crm_admin_records_get_records (CRM_ADMIN_RECORDS (view))), >=, 2);
      else
        g_assert_nonnull (find_named (GTK_WIDGET (_crm_admin_field_policies_get_list (
          CRM_ADMIN_FIELD_POLICIES (view))), "custom_budget"));
      screenshot (fixture, NULL, views[i]);
    }

  /* Restricted fields go by their labels, and a new one is picked, not typed. */
  {
    CrmAdminView *view = show_view (fixture, "field-restrictions");
    GtkWidget *list = GTK_WIDGET (_crm_admin_field_policies_get_list (
      CRM_ADMIN_FIELD_POLICIES (view)));
    gboolean english = fixture->test_case->language == NULL;
    const char *pick = english ? "website" : "source";
    const char *pick_label = english ? _("Website") : _("Source");
    g_autofree char *policy_path = g_strdup_printf ("/api/v1/field-policies/customers/%s", pick);
    g_autoptr(JsonNode) policies = NULL;
    g_autoptr(JsonNode) released = NULL;
    AdwComboRow *field_row;
    GListModel *choices;
    JsonArray *policy_items;
    gboolean restricted = FALSE;
    guint at = G_MAXUINT;

    wait_until (fixture, NULL, view_idle, "the field restrictions");
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
      find_named (list, "custom_budget"))), ==, "预算");
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
      find_named (list, "credit_terms"))), ==, _("Credit terms"));
    dialog = open_dialog (fixture, "field-policies.add");
    field_row = ADW_COMBO_ROW (find_named (GTK_WIDGET (dialog), "field"));
    choices = adw_combo_row_get_model (field_row);
    for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
      {
        const char *label = gtk_string_list_get_string (GTK_STRING_LIST (choices), i);

        /* Fields restricted already are not offered again. */
        g_assert_cmpstr (label, !=, _("Credit terms"));
        g_assert_cmpstr (label, !=, "预算");
        if (g_strcmp0 (label, pick_label) == 0)
          at = i;
      }
    g_assert_cmpuint (at, !=, G_MAXUINT);
    adw_combo_row_set_selected (field_row, at);
    screenshot (fixture, GTK_WIDGET (dialog), "restrict-field");
    respond (fixture, dialog, "add");
    policies = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/field-policies", NULL, NULL,
                                 NULL);
    policy_items = json_object_get_array_member (json_node_get_object (policies), "items");
    for (guint i = 0; i < json_array_get_length (policy_items); i++)
      {
        JsonObject *policy = json_array_get_object_element (policy_items, i);

        restricted |= g_strcmp0 (json_object_get_string_member (policy, "field"), pick) == 0
                      && json_object_get_boolean_member (policy, "protected");
      }
    g_assert_true (restricted);
    wait_until (fixture, NULL, view_idle, "the new restriction");
    screenshot (fixture, NULL, "field-restrictions-added");
    released = crm_test_ui_call (fixture->admin_token, "PUT", policy_path,
                                 "{\"protected\":false,\"sensitive\":false}", NULL, NULL);
  }

  /* A tag made in its dialog, its colour picked from the palette: a preset. */
  show_view (fixture, "tags");
  dialog = open_dialog (fixture, "records.new");
  set_row_text (dialog, "name", tag);
  palette = find_named (GTK_WIDGET (dialog), "color");
  g_assert_nonnull (palette);
  g_assert_cmpuint (crm_color_palette_get_n_presets (), >=, 8);
  /* The first preset is chosen to begin with. */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
    crm_color_palette_get_preset (palette, 0))));
  green = crm_color_palette_get_preset (palette, 2);
  g_signal_emit_by_name (green, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (green)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
    crm_color_palette_get_preset (palette, 0))));
  green_color = crm_color_palette_dup_color (palette);
  g_assert_cmpstr (green_color, ==, gtk_widget_get_name (green));
  screenshot (fixture, GTK_WIDGET (dialog), "new-tag");
  respond (fixture, dialog, "save");
  tags = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/tags?limit=500", NULL, NULL, NULL);
  items = json_object_get_array_member (json_node_get_object (tags), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "name"), tag) == 0)
        {
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (item, "color"), ==, green_color);
        }
    }
  g_assert_true (found);
  records = _crm_admin_records_get_records (CRM_ADMIN_RECORDS (fixture->view));
  g_assert_cmpuint (g_list_model_get_n_items (records), ==, json_array_get_length (items));
  screenshot (fixture, NULL, "tags");

  /* Edited: the preset shows chosen; "Custom…" takes any other colour. */
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(CrmCustomer) record = g_list_model_get_item (records, i);

      if (g_strcmp0 (crm_customer_get_string (record, "name"), tag) == 0)
        _crm_admin_records_select (CRM_ADMIN_RECORDS (fixture->view), i);
    }
  dialog = open_dialog (fixture, "records.edit");
  palette = find_named (GTK_WIDGET (dialog), "color");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
    crm_color_palette_get_preset (palette, 2))));
  g_assert_true (gdk_rgba_parse (&custom, "#1c3f6e"));
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (crm_color_palette_get_custom (palette)), &custom);
  g_signal_emit_by_name (crm_color_palette_get_custom (palette), "color-set");
  for (guint i = 0; i < crm_color_palette_get_n_presets (); i++)
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
      crm_color_palette_get_preset (palette, i))));
  screenshot (fixture, GTK_WIDGET (dialog), "edit-tag-custom");
  respond (fixture, dialog, "save");
  g_clear_pointer (&tags, json_node_unref);
  tags = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/tags?limit=500", NULL, NULL, NULL);
  items = json_object_get_array_member (json_node_get_object (tags), "items");
  found = FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "name"), tag) == 0)
        {
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (item, "color"), ==, "#1c3f6e");
        }
    }
  g_assert_true (found);

  /* Money in a level rule is typed and read back as money (each language sets its own). */
  {
    gboolean english = fixture->test_case->language == NULL;
    const char *typed = english ? "120000.5" : "¥130,000";
    const char *shown = english ? "¥120,000.50" : "¥130,000.00";
    g_autoptr(JsonNode) rules = NULL;
    JsonArray *rule_items;
    gint64 amount = -1;

    show_view (fixture, "level-rules");
    _crm_admin_records_select (CRM_ADMIN_RECORDS (fixture->view), 0);
    dialog = open_dialog (fixture, "records.edit");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (GTK_WIDGET (dialog),
                                                                      "level"))), ==, "VIP");
    set_row_text (dialog, "min_amount", typed);
    respond (fixture, dialog, "save");
    rules = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/level-rules?limit=500", NULL,
                              NULL,
                              NULL);
    rule_items = json_object_get_array_member (json_node_get_object (rules), "items");
    for (guint i = 0; i < json_array_get_length (rule_items); i++)
      {
        JsonObject *rule = json_array_get_object_element (rule_items, i);

        if (g_strcmp0 (json_object_get_string_member (rule, "level"), "VIP") == 0)
          amount = json_object_get_int_member (rule, "min_amount");
      }
    g_assert_cmpint (amount, ==, english ? 12000050 : 13000000);
    _crm_admin_records_select (CRM_ADMIN_RECORDS (fixture->view), 0);
    dialog = open_dialog (fixture, "records.edit");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (GTK_WIDGET (dialog),
                                                                      "min_amount"))), ==, shown);
    respond (fixture, dialog, "cancel");
  }
  screenshot (fixture, NULL, "level-rules-edited");

  /* An existing team's dialog. */
  show_view (fixture, "teams");
  _crm_admin_records_select (CRM_ADMIN_RECORDS (fixture->view), 0);
  dialog = open_dialog (fixture, "records.edit");
  screenshot (fixture, GTK_WIDGET (dialog), "edit-team");
  respond (fixture, dialog, "cancel");
}

/* Update reminders: the admin sets the days, the server keeps them. */
static void
check_reminders (Fixture *fixture)
{
  CrmAdminReminders *view = CRM_ADMIN_REMINDERS (show_view (fixture, "reminders"));
  int days = fixture->test_case->language != NULL ? 60 : 45;
  g_autoptr(JsonNode) setting = NULL;
  guint status = 0;

  g_assert_true (_crm_admin_reminders_is_loaded (view));
  gtk_switch_set_active (_crm_admin_reminders_get_switch (view), TRUE);
  gtk_spin_button_set_value (_crm_admin_reminders_get_days (view), days);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "reminders.save", NULL));
  wait_until (fixture, NULL, view_idle, "the saved reminder setting");
  setting = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/settings/reminders", NULL, NULL,
                              &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (setting), "enabled"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (setting), "days"), ==, days);
  screenshot (fixture, NULL, "reminders");
}

static void
apply_audit_filters (Fixture *fixture)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "audit.apply", NULL));
  wait_until (fixture, NULL, view_idle, "the audit log");
}

/* The details of the newest entry of @action on @object (0: any object). */
static const char *
newest_details (Fixture       *fixture,
                CrmAdminAudit *audit,
                guint          object,
                const char    *action)
{
  const char *details;

  gtk_drop_down_set_selected (_crm_admin_audit_get_object_filter (audit), object);
  _crm_admin_audit_set_action_filter (audit, action);
  apply_audit_filters (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (_crm_admin_audit_get_entries (audit)), >, 0);
  _crm_admin_audit_select (audit, 0);
  details = gtk_label_get_text (_crm_admin_audit_get_details (audit));
  g_test_message ("Details: %s", details);
  return details;
}

static void
check_audit (Fixture *fixture)
{
  g_autofree char *username = g_strdup_printf ("zhao-%s", suffix (fixture));
  gint64 zhao = user_id (fixture, username);
  CrmAdminAudit *audit = CRM_ADMIN_AUDIT (show_view (fixture, "audit"));
  GListModel *entries = _crm_admin_audit_get_entries (audit);
  GtkDropDown *users = _crm_admin_audit_get_user_filter (audit);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *tomorrow_text = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autofree char *today_text = g_date_time_format (now, "%Y-%m-%d");
  guint created = G_MAXUINT;

  g_assert_cmpuint (g_list_model_get_n_items (entries), >, 0);
  screenshot (fixture, NULL, "audit-all");
  /* Objects by the words people use, also those that are not records (the reminder
   * setting saved just before, sign-ins). */
  {
    gboolean saw_settings = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
      {
        g_autoptr(CrmCustomer) entry = g_list_model_get_item (entries, i);
        g_autofree char *cell = _crm_admin_audit_dup_object_cell (audit, i);

        g_assert_cmpstr (cell, !=, "settings");
        g_assert_cmpstr (cell, !=, "session");
        g_assert_cmpstr (cell, !=, "events");
        if (g_strcmp0 (crm_customer_get_string (entry, "object"), "settings") == 0)
          {
            g_assert_cmpstr (cell, ==, _("Settings"));
            saw_settings = TRUE;
          }
      }
    g_assert_true (saw_settings);
  }

  /* Object and action */
  gtk_drop_down_set_selected (_crm_admin_audit_get_object_filter (audit), CRM_OBJECT_USERS + 1);
  _crm_admin_audit_set_action_filter (audit, "create");
  apply_audit_filters (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (entries), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CrmCustomer) entry = g_list_model_get_item (entries, i);

      g_assert_cmpstr (crm_customer_get_string (entry, "object"), ==, "users");
      g_assert_cmpstr (crm_customer_get_string (entry, "action"), ==, "create");
      if (crm_customer_get_int (entry, "record_id") == zhao)
        created = i;
    }
  g_assert_cmpuint (created, !=, G_MAXUINT);
  _crm_admin_audit_select (audit, created);
  {
    const char *details = gtk_label_get_text (_crm_admin_audit_get_details (audit));
    g_autofree char *name = g_strdup_printf (_("%s: %s"), _("User name"), username);

    g_test_message ("Details: %s", details);
    g_assert_nonnull (strstr (details, _("Fields:")));
    g_assert_nonnull (strstr (details, name));
    g_assert_null (strstr (details, "display_name"));
    g_assert_null (strstr (details, "role_id"));
  }
  screenshot (fixture, NULL, "audit");

  /* A customer's change: its fields by the labels of the customer page and of /fields
   * ("分级"), not by their API names. */
  {
    const char *details = newest_details (fixture, audit, CRM_OBJECT_CUSTOMERS + 1, "update");
    g_autofree char *mobile = g_strdup_printf (_("%s: %s → %s"), _("Mobile"), _("(empty)"),
                                               "13800138000");
    g_autofree char *grade = g_strdup_printf (_("%s: %s → %s"), "分级", _("(empty)"), "A");

    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
    g_assert_nonnull (strstr (details, mobile));
    g_assert_nonnull (strstr (details, grade));
    g_assert_nonnull (strstr (details, _("Owner")));
    g_assert_nonnull (strstr (details, "李伟"));     /* the new owner by name */
    g_assert_null (strstr (details, "mobile"));
    g_assert_null (strstr (details, "owner_id"));
    g_assert_null (strstr (details, "grade"));
    g_assert_null (strstr (details, "custom."));
    g_assert_null (strstr (details, "custom:"));
  }
  screenshot (fixture, NULL, "audit-customer");

  /* A batch edit reads as a sentence, with choices by their labels and money formatted. */
  {
    const char *details = newest_details (fixture, audit, CRM_OBJECT_CUSTOMERS + 1,
                                          "batch_update");
    g_autofree char *size = g_strdup_printf (_("%s: %s → %s"), _("Size"), _("Large"),
                                             _("Medium or small"));
    g_autofree char *potential = g_strdup_printf (_("%s: %s → %s"), _("Potential"),
                                                  _("(empty)"), _("High"));

    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
    g_assert_nonnull (strstr (details, size));
    g_assert_nonnull (strstr (details, potential));
    g_assert_nonnull (strstr (details, "¥12,500.00"));
    if (fixture->test_case->language != NULL)
      {
        g_assert_nonnull (strstr (details, "中小型"));
        g_assert_nonnull (strstr (details, "批量编辑"));
      }
    else
      g_assert_nonnull (strstr (details, "in a batch edit"));
    g_assert_null (strstr (details, "batch_update"));
    g_assert_null (strstr (details, "medium_small"));
    g_assert_null (strstr (details, "amount"));
    g_assert_null (strstr (details, "budget"));
  }
  screenshot (fixture, NULL, "audit-batch");

  /* A role's change: the permission that changed, by the labels of the matrix. */
  {
    const char *details = newest_details (fixture, audit, CRM_OBJECT_ROLES + 1, "update");
    g_autofree char *budget = g_strdup_printf (_("%s · %s"), _("Customers"), "预算");

    g_assert_nonnull (strstr (details, budget));
    g_assert_nonnull (strstr (details, _("Read only")));
    g_assert_null (strstr (details, "custom_budget"));
    g_assert_null (strstr (details, "scopes"));
  }
  screenshot (fixture, NULL, "audit-role");

  /* A restore, and a sign-in: sentences, no API names. */
  g_assert_nonnull (strstr (newest_details (fixture, audit, CRM_OBJECT_CUSTOMERS + 1, "restore"),
                            fixture->test_case->language != NULL ? "从回收站恢复了"
                                                                 : "from the recycle bin"));
  {
    const char *details = newest_details (fixture, audit, 0, "session.create");

    g_assert_nonnull (strstr (details, fixture->test_case->language != NULL ? "登录"
                                                                            : "signed in"));
    g_assert_null (strstr (details, "session"));
    g_assert_null (strstr (details, "password"));
  }
  screenshot (fixture, NULL, "audit-sign-in");

  /* The user: only the admin's entries */
  for (guint i = 1; i < g_list_model_get_n_items (gtk_drop_down_get_model (users)); i++)
    {
      GtkStringObject *item = g_list_model_get_item (gtk_drop_down_get_model (users), i);

      const char *label = gtk_string_object_get_string (item);

      /* "ada (ada)", "ada（ada）" in Chinese */
      if (g_str_has_suffix (label, "(ada)") || g_str_has_suffix (label, "（ada）"))
        gtk_drop_down_set_selected (users, i);
      g_object_unref (item);
    }
  gtk_drop_down_set_selected (_crm_admin_audit_get_object_filter (audit), 0);
  _crm_admin_audit_set_action_filter (audit, NULL);
  gtk_editable_set_text (_crm_admin_audit_get_date_filter (audit, FALSE), today_text);
  apply_audit_filters (fixture);
  g_assert_cmpuint (gtk_drop_down_get_selected (users), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (entries), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CrmCustomer) entry = g_list_model_get_item (entries, i);

      g_assert_cmpstr (crm_customer_get_string (entry, "username"), ==, "ada");
    }

  /* The User column names people as they are called (the rep's sign-in), with the user
   * name in the tooltip. */
  for (guint i = 1; i < g_list_model_get_n_items (gtk_drop_down_get_model (users)); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (gtk_drop_down_get_model (users),
                                                               i);

      if (strstr (gtk_string_object_get_string (item), "李伟") != NULL)
        gtk_drop_down_set_selected (users, i);
    }
  apply_audit_filters (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (entries), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autofree char *tooltip = NULL;
      g_autofree char *cell = _crm_admin_audit_dup_user_cell (audit, i, &tooltip);
      g_autofree char *expected = g_strdup_printf (_("User name: %s"), "li");
      g_autofree char *object = _crm_admin_audit_dup_object_cell (audit, i);

      g_assert_cmpstr (cell, ==, "李伟");
      g_assert_cmpstr (tooltip, ==, expected);
      /* The rep's live updates too, by their name, not the API's */
      g_assert_cmpstr (object, !=, "events");
    }
  screenshot (fixture, NULL, "audit-user");

  /* Dates: nothing from tomorrow on */
  gtk_editable_set_text (_crm_admin_audit_get_date_filter (audit, FALSE), tomorrow_text);
  apply_audit_filters (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 0);
  screenshot (fixture, NULL, "audit-empty");
}

/* --- the test ------------------------------------------------------------ */

static void
run_case (gconstpointer data)
{
  Fixture fixture = { data, };
  g_autoptr(CrmApplication) application = NULL;

  fixture.admin_token = g_strdup (crm_test_ui_get_seeded ("ADMIN_TOKEN"));

  application = crm_test_ui_application_new ();
  fixture.window = crm_test_ui_window_new (application,
                                           crm_application_get_api_client (application),
                                           1280, 800);

  check_sections (&fixture);
  check_users (&fixture);
  check_roles (&fixture);
  check_lists (&fixture);
  check_reminders (&fixture);
  check_audit (&fixture);

  crm_test_ui_window_destroy (fixture.window);
  g_free (fixture.admin_token);
}

/* In the parent, once: seed (), and the administrator's session for the cases. */
static void
seed_server (CrmTestServer  *server,
             CrmTestCluster *cluster)
{
  Fixture shared = { .server = server };

  seed (&shared);
  crm_test_ui_set_seeded ("ADMIN_TOKEN", shared.admin_token);
  g_free (shared.admin_token);
}

static const CrmTestUiCase cases[] = {
  { "en", NULL, NULL },
  { "zh_cn", "zh_CN", "zh-cn" },
};

int
main (int   argc,
      char *argv[])
{
  return crm_test_ui_main (argc, argv, "/crm/client/admin", cases, G_N_ELEMENTS (cases),
                           sizeof cases[0], seed_server, run_case);
}
