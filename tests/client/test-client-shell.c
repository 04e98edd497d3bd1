/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-shell"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-application.h"
#include "crm-customer-page.h"
#include "crm-customers-page.h"
#include "crm-global-search.h"
#include "crm-mfa-dialog.h"
#include "crm-preferences-window.h"
#include "crm-qr-code.h"
#include "crm-sign-in-page.h"
#include "crm-test-server.h"
#include "crm-test-ui.h"
#include "crm-totp.h"
#include "crm-window-private.h"
#include "crm-window.h"

/*
 * The window's shell under Xvfb against a real rapport-server: two-factor
 * sign-in set up from the client (a role that requires it, the QR code, a
 * wrong and a right code, the recovery codes) and then used to sign in; the
 * header bar's search finding a customer by its contact's name and opening
 * it from the keyboard; the preferences switching the style to dark; the
 * shortcuts and about windows. Each language runs in a process of its own
 * and saves screenshots as client-shell-SHOT-LANGUAGE.png in the build
 * directory.
 */

#define PASSWORD "Correct-horse-7"
#define CONTACT_NAME "赵丽娟"
#define CUSTOMER_NAME "上海明远贸易有限公司"

typedef struct
{
  CrmTestUiCase base;
  const char   *manager;        /* a sales manager, whose role requires MFA */
} ShellCase;

typedef struct
{
  const ShellCase *test_case;
  CrmApplication  *application;
  CrmWindow       *window;
  gint64           customer_id;  /* the contact's customer */
  GtkWidget       *waiting_for;  /* a toplevel to find, for the predicates */
  GType            waiting_type;
} Fixture;

/* --- seeding (in the parent) ---------------------------------------------- */

static void
require_mfa_for_managers (CrmTestServer *server,
                          const char    *admin_token)
{
  g_autoptr(JsonNode) roles = crm_test_server_call_expect (server, admin_token, "GET",
                                                           "/api/v1/roles", NULL, NULL, 200);
  JsonArray *items = json_object_get_array_member (json_node_get_object (roles), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *role = json_array_get_object_element (items, i);
      g_autofree char *path = NULL;
      g_autofree char *version = NULL;
      g_autoptr(JsonNode) reply = NULL;

      if (g_strcmp0 (json_object_get_string_member_with_default (role, "builtin", NULL),
                     "sales_manager") != 0)
        continue;
      path = g_strdup_printf ("/api/v1/roles/%" G_GINT64_FORMAT,
                              json_object_get_int_member (role, "id"));
      version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                 json_object_get_int_member (role, "version"));
      reply = crm_test_server_call_expect (server, admin_token, "PATCH", path,
                                           "{\"require_mfa\":true}", version, 200);
      return;
    }
  g_error ("No sales_manager role");
}

static void
seed (CrmTestServer  *server,
      CrmTestCluster *cluster)
{
  static const char * const others[] = {
    "{\"name\":\"北京宏达科技有限公司\",\"city\":\"北京市\",\"mobile\":\"13900000001\"}",
    "{\"name\":\"深圳鑫源制造有限公司\",\"city\":\"深圳市\",\"mobile\":\"13900000002\"}",
    "{\"name\":\"杭州赵氏茶业有限公司\",\"city\":\"杭州市\",\"mobile\":\"13900000003\"}",
  };
  g_autofree char *admin_token = NULL;
  g_autofree char *rep_token = NULL;
  g_autofree char *contact = NULL;
  g_autoptr(JsonNode) customer = NULL;
  g_autoptr(JsonNode) created = NULL;
  gint64 customer_id;

  crm_test_server_create_user (server, "ada", "admin", PASSWORD);
  crm_test_server_create_user (server, "li", "sales_rep", PASSWORD);
  crm_test_server_create_user (server, "wangen", "sales_manager", PASSWORD);
  crm_test_server_create_user (server, "wangzh", "sales_manager", PASSWORD);
  admin_token = crm_test_server_sign_in (server, "ada", PASSWORD);
  rep_token = crm_test_server_sign_in (server, "li", PASSWORD);
  require_mfa_for_managers (server, admin_token);

  customer = crm_test_server_call_expect (server, rep_token, "POST", "/api/v1/customers",
                                          "{\"name\":\"" CUSTOMER_NAME "\",\"city\":\"上海市\","
                                          "\"mobile\":\"13800138000\"}", NULL, 201);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(JsonNode) other = crm_test_server_call_expect (server, rep_token, "POST",
                                                               "/api/v1/customers", others[i],
                                                               NULL, 201);
    }
  contact = g_strdup_printf ("{\"customer_id\":%" G_GINT64_FORMAT ",\"full_name\":\""
                             CONTACT_NAME "\",\"title\":\"采购经理\","
                             "\"mobile\":\"13700001234\",\"is_primary\":true}",
                             crm_test_json_get_int (customer, "id"));
  created = crm_test_server_call_expect (server, rep_token, "POST", "/api/v1/contacts", contact,
                                         NULL, 201);
  customer_id = crm_test_json_get_int (customer, "id");
  crm_test_ui_set_seeded_ids ("CUSTOMER_ID", &customer_id, 1);
}

/* --- driving the window --------------------------------------------------- */

#define template_child crm_test_ui_template_child
#define press_key crm_test_ui_press_key

static void
screenshot_full (Fixture    *fixture,
                 GtkWidget  *window,
                 GtkWidget  *popover,
                 const char *shot)
{
  g_autofree char *file_name = g_strdup_printf ("client-shell-%s-%s.png", shot,
                                                fixture->test_case->base.name);
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, file_name, NULL);

  crm_test_ui_save_png (window != NULL ? window : GTK_WIDGET (fixture->window), popover, png);
}

static void
screenshot (Fixture    *fixture,
            GtkWidget  *window,
            const char *shot)
{
  screenshot_full (fixture, window, NULL, shot);
}

/* The toplevel of @type other than the main window, or NULL. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
signed_in (gpointer user_data)
{
  Fixture *fixture = user_data;
  return g_strcmp0 (_crm_window_get_page_name (fixture->window), "signed-in") == 0
         && _crm_window_get_account (fixture->window) != NULL
         && !_crm_window_is_checking_session (fixture->window);
}

static gboolean
asks_code (gpointer user_data)
{
  Fixture *fixture = user_data;
  CrmSignInPage *page = _crm_window_get_sign_in_page (fixture->window);

  return crm_sign_in_page_is_asking_code (page) && !crm_sign_in_page_get_busy (page);
}

static void
enter_password (Fixture    *fixture,
                const char *username)
{
  crm_test_ui_sign_in (fixture->window, username, PASSWORD);
}

static void
sign_out (Fixture *fixture)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out",
                                             NULL));
}

/* --- two-factor sign-in --------------------------------------------------- */

static CrmMfaDialog *
mfa_dialog (Fixture *fixture)
{
  GtkWindow *dialog = _crm_window_get_mfa_dialog (fixture->window);

  return dialog != NULL ? CRM_MFA_DIALOG (dialog) : NULL;
}

static gboolean
enrollment_notice (gpointer user_data)
{
  Fixture *fixture = user_data;
  return signed_in (fixture) && _crm_window_get_account (fixture->window)->mfa_enrollment_required;
}

static gboolean
dialog_scans (gpointer user_data)
{
  Fixture *fixture = user_data;
  return mfa_dialog (fixture) != NULL
         && g_strcmp0 (crm_mfa_dialog_get_stage (mfa_dialog (fixture)), "scan") == 0;
}

static gboolean
dialog_idle (gpointer user_data)
{
  Fixture *fixture = user_data;
  return !crm_mfa_dialog_get_busy (mfa_dialog (fixture));
}

static gboolean
dialog_shows_codes (gpointer user_data)
{
  Fixture *fixture = user_data;
  return g_strcmp0 (crm_mfa_dialog_get_stage (mfa_dialog (fixture)), "codes") == 0;
}

static gboolean
sections_back (gpointer user_data)
{
  Fixture *fixture = user_data;
  const CrmAccount *account = _crm_window_get_account (fixture->window);

  return signed_in (fixture) && account->mfa_enabled && !account->mfa_enrollment_required
         && gtk_list_box_get_row_at_index (_crm_window_get_sections_list (fixture->window),
                                           0) != NULL;
}

static void
check_mfa (Fixture *fixture)
{
  const char *manager = fixture->test_case->manager;
  CrmMfaDialog *dialog;
  CrmQrCode *qr_code;
  GtkLabel *error_label;
  g_autofree char *secret = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *code = NULL;
  g_autofree char *next = NULL;
  GStrv codes;
  gint64 now;
  int n;

  /* The role requires it: signed in, but only to set it up. */
  enter_password (fixture, manager);
  wait_until (fixture, NULL, enrollment_notice, "the enrollment notice");
  g_assert_null (gtk_list_box_get_row_at_index (_crm_window_get_sections_list (fixture->window),
                                                0));
  g_assert_true (gtk_widget_get_visible (template_child (fixture->window, CRM_TYPE_WINDOW,
                                                         "mfa_setup_button")));
  g_assert_true (gtk_widget_has_focus (template_child (fixture->window, CRM_TYPE_WINDOW,
                                                       "mfa_setup_button")));
  screenshot (fixture, NULL, "mfa-required");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.two-factor",
                                             NULL));
  wait_until (fixture, NULL, dialog_scans, "the QR code");
  dialog = mfa_dialog (fixture);
  wait_until (fixture, GTK_WIDGET (dialog), dialog_scans, "the dialog drawn");

  /* The QR code says the otpauth:// URI; its corners are finder patterns. */
  qr_code = template_child (dialog, CRM_TYPE_MFA_DIALOG, "qr_code");
  g_assert_true (g_str_has_prefix (crm_mfa_dialog_get_uri (dialog), "otpauth://totp/"));
  g_assert_cmpstr (crm_qr_code_get_text (qr_code), ==, crm_mfa_dialog_get_uri (dialog));
  n = crm_qr_code_get_modules (qr_code);
  g_assert_cmpint (n, >=, 21);
  for (int i = 0; i < 7; i++)
    {
      g_assert_true (crm_qr_code_is_dark (qr_code, i, 0));
      g_assert_true (crm_qr_code_is_dark (qr_code, n - 1 - i, 6));
      g_assert_true (crm_qr_code_is_dark (qr_code, 0, n - 1 - i));
    }
  g_assert_false (crm_qr_code_is_dark (qr_code, 1, 1));
  g_assert_true (crm_qr_code_is_dark (qr_code, 3, 3));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (qr_code)), >=, (n + 8) * 4);
  secret = g_strdup (crm_mfa_dialog_get_secret (dialog));
  g_assert_nonnull (strstr (crm_mfa_dialog_get_uri (dialog), secret));
  /* The key, as text too, in groups of four. */
  {
    g_autofree char *grouped = g_strdup (gtk_label_get_text (template_child (
                                 dialog, CRM_TYPE_MFA_DIALOG, "secret_label")));
    g_auto(GStrv) groups = g_strsplit (grouped, " ", -1);
    g_autofree char *joined = g_strjoinv ("", groups);

    g_assert_cmpstr (joined, ==, secret);
    g_assert_cmpuint (strlen (groups[0]), ==, 4);
  }
  screenshot (fixture, GTK_WIDGET (dialog), "mfa-qr");

  /* A wrong code: said so, and it stays off. */
  now = g_get_real_time () / G_USEC_PER_SEC;
  wrong = crm_test_totp_code (secret, now - 600);
  gtk_editable_set_text (template_child (dialog, CRM_TYPE_MFA_DIALOG, "code_row"), wrong);
  g_signal_emit_by_name (template_child (dialog, CRM_TYPE_MFA_DIALOG, "code_row"),
                         "entry-activated");
  wait_until (fixture, GTK_WIDGET (dialog), dialog_idle, "the wrong code's answer");
  error_label = template_child (dialog, CRM_TYPE_MFA_DIALOG, "code_error_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (crm_mfa_dialog_get_stage (dialog), ==, "scan");
  screenshot (fixture, GTK_WIDGET (dialog), "mfa-wrong-code");

  /* The right one: the recovery codes, once. */
  code = crm_test_totp_code (secret, now);
  gtk_editable_set_text (template_child (dialog, CRM_TYPE_MFA_DIALOG, "code_row"), code);
  g_assert_true (gtk_widget_get_sensitive (template_child (dialog, CRM_TYPE_MFA_DIALOG,
                                                           "confirm_button")));
  g_signal_emit_by_name (template_child (dialog, CRM_TYPE_MFA_DIALOG, "confirm_button"),
                         "clicked");
  wait_until (fixture, GTK_WIDGET (dialog), dialog_shows_codes, "the recovery codes");
  codes = crm_mfa_dialog_get_recovery_codes (dialog);
  g_assert_cmpuint (g_strv_length (codes), ==, 10);
  for (guint i = 0; codes[i] != NULL; i++)
    g_assert_nonnull (strstr (gtk_label_get_text (template_child (dialog, CRM_TYPE_MFA_DIALOG,
                                                                  "codes_label")), codes[i]));
  g_assert_null (crm_mfa_dialog_get_secret (dialog));
  g_assert_true (gtk_widget_has_focus (template_child (dialog, CRM_TYPE_MFA_DIALOG,
                                                       "copy_codes_button")));
  screenshot (fixture, GTK_WIDGET (dialog), "mfa-codes");

  /* The window asked the server again: the sections are there now. */
  wait_until (fixture, NULL, sections_back, "the sections after enrolling");
  g_assert_false (gtk_widget_get_visible (template_child (fixture->window, CRM_TYPE_WINDOW,
                                                          "mfa_setup_button")));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.two-factor",
                                              NULL)
                  && _crm_window_get_mfa_dialog (fixture->window) != GTK_WINDOW (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (_crm_window_get_mfa_dialog (fixture->window));

  /* Signing in now takes a code: the next one (the last was used). */
  sign_out (fixture);
  enter_password (fixture, manager);
  wait_until (fixture, NULL, asks_code, "the code question");
  next = crm_test_totp_code (secret, g_get_real_time () / G_USEC_PER_SEC + CRM_TOTP_PERIOD);
  gtk_editable_set_text (template_child (_crm_window_get_sign_in_page (fixture->window),
                                         CRM_TYPE_SIGN_IN_PAGE, "code_row"), next);
  g_signal_emit_by_name (template_child (_crm_window_get_sign_in_page (fixture->window),
                                         CRM_TYPE_SIGN_IN_PAGE, "code_row"), "entry-activated");
  wait_until (fixture, NULL, sections_back, "signing in with a TOTP code");
  g_assert_cmpstr (_crm_window_get_account (fixture->window)->username, ==, manager);
  sign_out (fixture);
}

/* --- the global search ---------------------------------------------------- */

static gboolean
rep_signed_in (gpointer user_data)
{
  Fixture *fixture = user_data;
  CrmCustomerList *list = crm_customers_page_get_list (
    _crm_window_get_customers_page (fixture->window));

  return signed_in (fixture)
         && g_strcmp0 (_crm_window_get_account (fixture->window)->username, "li") == 0
         && list != NULL && !crm_customer_list_get_loading (list);
}

static gboolean
search_done (gpointer user_data)
{
  Fixture *fixture = user_data;
  CrmGlobalSearch *search = _crm_window_get_global_search (fixture->window);

  return !_crm_global_search_is_busy (search)
         && gtk_list_box_get_row_at_index (_crm_global_search_get_list (search), 0) != NULL;
}

static gboolean
customer_opened (gpointer user_data)
{
  Fixture *fixture = user_data;
  CrmCustomersPage *page = _crm_window_get_customers_page (fixture->window);
  CrmCustomerPage *customer_page = _crm_customers_page_get_customer_page (page);
  CrmCustomer *customer = crm_customer_page_get_customer (customer_page);

  return g_strcmp0 (_crm_customers_page_get_visible (page), "customer") == 0
         && customer != NULL && crm_customer_get_id (customer) == fixture->customer_id
         && !crm_customer_page_get_busy (customer_page);
}

static void
check_search (Fixture *fixture)
{
  CrmGlobalSearch *search = _crm_window_get_global_search (fixture->window);
  GtkSearchEntry *entry = _crm_global_search_get_entry (search);
  GtkListBox *list = _crm_global_search_get_list (search);
  g_autofree char **accels = NULL;
  GtkListBoxRow *row;
  GtkListBoxRow *selected;
  guint n_customers = 0;
  guint n_contacts = 0;
  int contact_index = -1;

  enter_password (fixture, "li");
  wait_until (fixture, NULL, rep_signed_in, "the rep's window");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (search)));

  /* Ctrl+K and Ctrl+F move the keyboard to the search. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->application),
                                                  "win.global-search");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>k"));
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>f"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.global-search",
                                             NULL));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (entry))
                 || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                            GTK_WIDGET (entry)));

  /* The contact's name finds the customer (through its contact) and the contact. */
  gtk_editable_set_text (GTK_EDITABLE (entry), CONTACT_NAME);
  g_signal_emit_by_name (entry, "search-changed");
  wait_until (fixture, NULL, search_done, "the search results");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_crm_global_search_get_popover (search))));
  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      if (g_str_equal (gtk_widget_get_name (GTK_WIDGET (row)), "customers"))
        {
          g_assert_cmpuint (n_contacts, ==, 0);   /* grouped: customers first */
          n_customers++;
        }
      else if (g_str_equal (gtk_widget_get_name (GTK_WIDGET (row)), "contacts"))
        {
          if (contact_index < 0)
            contact_index = i;
          n_contacts++;
        }
    }
  g_assert_cmpuint (n_customers, ==, 1);
  g_assert_cmpuint (n_contacts, ==, 1);
  g_assert_nonnull (gtk_list_box_row_get_header (gtk_list_box_get_row_at_index (list, 0)));
  g_assert_nonnull (gtk_list_box_row_get_header (gtk_list_box_get_row_at_index (list,
                                                                               contact_index)));
  screenshot_full (fixture, NULL, GTK_WIDGET (_crm_global_search_get_popover (search)),
                   "search");

  /* Down selects the contact, Enter opens its customer. */
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 0));
  press_key (GTK_WIDGET (entry), GDK_KEY_Down);
  selected = gtk_list_box_get_selected_row (list);
  g_assert_cmpint (gtk_list_box_row_get_index (selected), ==, contact_index);
  press_key (GTK_WIDGET (entry), GDK_KEY_Down);
  g_assert_true (gtk_list_box_get_selected_row (list) == selected);   /* the last stays */
  g_signal_emit_by_name (entry, "activate");
  wait_until (fixture, NULL, customer_opened, "the customer of the contact");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_crm_global_search_get_popover (search))));
  g_assert_cmpstr (crm_customer_get_string (crm_customer_page_get_customer (
                     _crm_customers_page_get_customer_page (
                       _crm_window_get_customers_page (fixture->window))), "name"), ==,
                   CUSTOMER_NAME);
  screenshot (fixture, NULL, "search-opened");

  /* Nothing found says so. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "不存在的名字");
  g_signal_emit_by_name (entry, "search-changed");
  while (_crm_global_search_is_busy (search))
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (gtk_list_box_get_row_at_index (list, 0));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_crm_global_search_get_popover (search))));

  /* Escape closes the results, a second one clears the search. */
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_crm_global_search_get_popover (search))));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "不存在的名字");
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

/* --- preferences, shortcuts, about --------------------------------------- */

static gboolean
found_toplevel (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->waiting_for != NULL && gtk_widget_get_mapped (fixture->waiting_for);
}

static gboolean
toplevel_shown (gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->waiting_for = GTK_WIDGET (find_toplevel (fixture->waiting_type));
  return found_toplevel (fixture);
}

static GtkWidget *
wait_for_toplevel (Fixture    *fixture,
                   GType       type,
                   const char *what)
{
  fixture->waiting_type = type;
  crm_test_ui_wait (GTK_WIDGET (fixture->window), toplevel_shown, fixture, what);
  /* And until it painted. */
  wait_until (fixture, fixture->waiting_for, found_toplevel, what);
  return fixture->waiting_for;
}

static void
check_preferences (Fixture *fixture)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GSettings *settings = crm_application_get_settings (fixture->application);
  GtkWidget *preferences;
  AdwComboRow *style_row;
  AdwComboRow *language_row;
  g_autofree char *language = NULL;

  g_assert_false (adw_style_manager_get_dark (style));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->application),
                                            "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->application), "preferences", NULL);
  preferences = wait_for_toplevel (fixture, CRM_TYPE_PREFERENCES_WINDOW, "the preferences");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences))
                 == GTK_WINDOW (fixture->window));
  screenshot (fixture, preferences, "preferences");

  /* Dark: the setting and the style manager follow the row. */
  style_row = template_child (preferences, CRM_TYPE_PREFERENCES_WINDOW, "style_row");
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 0);
  adw_combo_row_set_selected (style_row, 2);
  g_assert_cmpstr (g_settings_get_string (settings, "color-scheme"), ==, "dark");
  g_assert_true (adw_style_manager_get_dark (style));
  wait_until (fixture, preferences, found_toplevel, "the dark preferences");
  screenshot (fixture, preferences, "preferences-dark");

  /* The language is for the next start. */
  language_row = template_child (preferences, CRM_TYPE_PREFERENCES_WINDOW, "language_row");
  adw_combo_row_set_selected (language_row, 1);
  language = g_settings_get_string (settings, "language");
  g_assert_cmpstr (language, ==, "zh_CN");
  g_settings_reset (settings, "language");
  g_assert_cmpuint (adw_combo_row_get_selected (language_row), ==, 0);

  /* Desktop notifications: a switch on the notify-desktop key. */
  g_assert_true (g_settings_get_boolean (settings, "notify-desktop"));
  gtk_switch_set_active (template_child (preferences, CRM_TYPE_PREFERENCES_WINDOW,
                                         "notify_switch"), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "notify-desktop"));
  g_settings_reset (settings, "notify-desktop");

  gtk_window_close (GTK_WINDOW (preferences));
  fixture->waiting_for = NULL;
  wait_until (fixture, NULL, signed_in, "the dark window");
  screenshot (fixture, NULL, "dark");

  /* A setting changed elsewhere applies too; back to the system's (light under Xvfb). */
  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_false (adw_style_manager_get_dark (style));
  g_settings_reset (settings, "color-scheme");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
}

static void
check_shortcuts_and_about (Fixture *fixture)
{
  GtkShortcutsWindow *overlay;
  GtkWidget *about;
  g_autofree char **accels = NULL;

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->application),
                                                  "win.show-help-overlay");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>question"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.show-help-overlay", NULL));
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window));
  g_assert_nonnull (overlay);
  fixture->waiting_for = GTK_WIDGET (overlay);
  wait_until (fixture, GTK_WIDGET (overlay), found_toplevel, "the shortcuts window");
  screenshot (fixture, GTK_WIDGET (overlay), "shortcuts");
  gtk_window_close (GTK_WINDOW (overlay));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->application), "about", NULL);
  about = wait_for_toplevel (fixture, ADW_TYPE_ABOUT_WINDOW, "the about window");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), ==,
                   "https://rapportcrm.org/");
  if (fixture->test_case->base.language != NULL)
    g_assert_cmpstr (adw_about_window_get_translator_credits (ADW_ABOUT_WINDOW (about)), !=,
                     "translator-credits");
  screenshot (fixture, about, "about");
  gtk_window_close (GTK_WINDOW (about));
  fixture->waiting_for = NULL;
}

/* --- the test ------------------------------------------------------------- */

static void
run_case (gconstpointer data)
{
  const ShellCase *test_case = data;
  Fixture fixture = { test_case, };
  g_autoptr(CrmApplication) application = NULL;

  crm_test_ui_get_seeded_ids ("CUSTOMER_ID", &fixture.customer_id, 1);

  application = crm_test_ui_application_new ();
  fixture.application = application;
  fixture.window = crm_test_ui_window_new (application,
                                           crm_application_get_api_client (application),
                                           1100, 720);

  check_mfa (&fixture);
  check_search (&fixture);
  check_preferences (&fixture);
  check_shortcuts_and_about (&fixture);

  crm_test_ui_window_destroy (fixture.window);
}

static const ShellCase cases[] = {
  { { "en", NULL, NULL }, "wangen" },
  { { "zh_CN", "zh_CN", "zh-cn" }, "wangzh" },
};

int
main (int   argc,
      char *argv[])
{
  return crm_test_ui_main (argc, argv, "/crm/client/shell", cases, G_N_ELEMENTS (cases),
                           sizeof cases[0], seed, run_case);
}
