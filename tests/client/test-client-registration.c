/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-registration"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-application.h"
#include "crm-customer-list.h"
#include "crm-customer-page.h"
#include "crm-customers-page.h"
#include "crm-format.h"
#include "crm-sign-in-page.h"
#include "crm-window-private.h"
#include "crm-window.h"
#include "crm-test-server.h"
#include "crm-test-ui.h"

/*
 * A company customer's registration details on the customer page (issue 4), under Xvfb
 * against a real rapport-server: a sales rep opens a company, sees its Registration
 * group (credit code, legal representative, registered capital as money, date of
 * establishment), types a credit code with a wrong check character and sees the
 * message beside it as they type, corrects it, edits the others and saves; an
 * individual has no such group; a field the role may not read disappears and one it
 * may only read is not editable. Each language runs in a process of its own and saves
 * client-registration-SHOT[-LANGUAGE].png (1366×768) in the build directory.
 */

#define PASSWORD "Correct-horse-7"
#define CODE "91350100M000100Y43"
#define WRONG_CHECK "91350100M000100Y44"

typedef struct
{
  const CrmTestUiCase *test_case;
  CrmWindow           *window;
  gint64               company_id;
  gint64               person_id;
  gint64               open_id;
} Fixture;

/* --- the page ------------------------------------------------------------ */

static GtkWidget *
row (Fixture    *fixture,
     const char *field)
{
  GtkWidget *found = _crm_customer_page_get_row (customer_page (fixture), field);

  g_assert_nonnull (found);
  return found;
}

static const char *
row_text (Fixture    *fixture,
          const char *field)
{
  return gtk_editable_get_text (GTK_EDITABLE (row (fixture, field)));
}

static void
type_into (Fixture    *fixture,
           const char *field,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row (fixture, field)), text);
}

static const char *
message (Fixture    *fixture,
         const char *field)
{
  return _crm_customer_page_get_field_message (customer_page (fixture), field);
}

/* Whether the group holding the registration rows is shown. */
static gboolean
registration_shown (Fixture *fixture)
{
  GtkWidget *group = gtk_widget_get_ancestor (row (fixture, "registration_no"),
                                              ADW_TYPE_PREFERENCES_GROUP);

  g_assert_nonnull (group);
  return gtk_widget_get_visible (group);
}

static gboolean
list_settled (Fixture *fixture)
{
  CrmCustomerList *list = crm_customers_page_get_list (customers_page (fixture));

  return g_strcmp0 (_crm_window_get_page_name (fixture->window), "signed-in") == 0
         && list != NULL && !crm_customer_list_get_loading (list)
         && g_list_model_get_n_items (G_LIST_MODEL (list)) > 0;
}

static gboolean
page_loaded (Fixture *fixture)
{
  CrmCustomer *customer = crm_customer_page_get_customer (customer_page (fixture));

  return !crm_customer_page_get_busy (customer_page (fixture)) && customer != NULL
         && crm_customer_get_id (customer) == fixture->open_id;
}

static gboolean
page_idle (Fixture *fixture)
{
  return !crm_customer_page_get_busy (customer_page (fixture));
}

static gboolean
date_hidden (Fixture *fixture)
{
  return !gtk_widget_get_visible (row (fixture, "established_on"));
}

static gboolean
date_shown (Fixture *fixture)
{
  return gtk_widget_get_visible (row (fixture, "established_on"));
}

static void
sign_in (Fixture    *fixture,
         const char *username)
{
  crm_test_ui_sign_in (fixture->window, username, PASSWORD);
  wait_until (fixture, NULL, list_settled, "the customer list");
}

static void
open_customer (Fixture *fixture,
               gint64   id)
{
  fixture->open_id = id;
  crm_customers_page_open_customer (customers_page (fixture), id);
  wait_until (fixture, NULL, page_loaded, "the customer page");
}

static const char *shown_field;

/* Whether the row of shown_field lies within the window, above its bottom 120 pixels. */
static gboolean
row_in_view (Fixture *fixture)
{
  graphene_point_t point;

  if (!gtk_widget_compute_point (row (fixture, shown_field), GTK_WIDGET (fixture->window),
                                 &GRAPHENE_POINT_INIT (0, 0), &point))
    return FALSE;
  return point.y > 100 && point.y < gtk_widget_get_height (GTK_WIDGET (fixture->window)) - 120;
}

/* Scrolls the page as a user would, until the row of @field is near its top. */
static void
show_row (Fixture    *fixture,
          const char *field)
{
  GtkWidget *target = row (fixture, field);
  GtkWidget *scrolled = gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_point_t point;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_point (target, gtk_scrolled_window_get_child (
                                             GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  /* The point is where the row shows now; the group's title above it stays in view. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 80);
  shown_field = field;
  wait_until (fixture, NULL, row_in_view, field);
}

static void
screenshot (Fixture    *fixture,
            const char *shot)
{
  const char *language = fixture->test_case->language;
  g_autofree char *file_name = g_strdup_printf ("client-registration-%s%s%s.png", shot,
                                                language != NULL ? "-" : "",
                                                language != NULL ? language : "");
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, file_name, NULL);

  crm_test_ui_save_png (GTK_WIDGET (fixture->window), NULL, png);
}

/* --- the case ------------------------------------------------------------ */

static void
check_company (Fixture *fixture)
{
  CrmCustomer *saved;
  JsonObject *record;
  g_autofree char *capital = crm_format_money (500000000, "CNY", NULL);

  open_customer (fixture, fixture->company_id);
  g_assert_true (registration_shown (fixture));
  g_assert_cmpstr (row_text (fixture, "registration_no"), ==, CODE);
  g_assert_cmpstr (row_text (fixture, "legal_representative"), ==, "张明远");
  /* Money as money: ¥5,000,000.00, not 500000000 minor units. */
  g_assert_cmpstr (row_text (fixture, "registered_capital"), ==, capital);
  g_assert_cmpstr (capital, ==, "¥5,000,000.00");
  g_assert_cmpstr (row_text (fixture, "established_on"), ==, "2008-03-18");
  g_assert_null (message (fixture, "registration_no"));

  /* A wrong check character: said beside the field as it is typed, in the user's
   * language; so is an amount that is no money. */
  type_into (fixture, "registration_no", WRONG_CHECK);
  g_assert_cmpstr (message (fixture, "registration_no"), ==,
                   _("The last character of this credit code does not match the others; "
                     "check for a typing mistake"));
  type_into (fixture, "registered_capital", "五百万");
  g_assert_cmpstr (message (fixture, "registered_capital"), ==,
                   _("Enter an amount, such as 5,000,000.00"));
  show_row (fixture, "registration_no");
  screenshot (fixture, "invalid");

  /* Corrected (typed in lower case with spaces), and the other fields edited. */
  type_into (fixture, "registration_no", "9111 0108 5513 8508 2q");
  g_assert_null (message (fixture, "registration_no"));
  type_into (fixture, "registered_capital", "12,345,678.90");
  g_assert_null (message (fixture, "registered_capital"));
  type_into (fixture, "established_on", "2999-01-01");
  g_assert_cmpstr (message (fixture, "established_on"), ==, _("This date is in the future"));
  type_into (fixture, "established_on", "2010-1-5");
  g_assert_null (message (fixture, "established_on"));
  type_into (fixture, "legal_representative", "李华");
  g_assert_true (_crm_customer_page_has_unsaved_changes (customer_page (fixture)));

  crm_customer_page_save (customer_page (fixture));
  wait_until (fixture, NULL, page_idle, "the save");
  g_assert_false (_crm_customer_page_has_unsaved_changes (customer_page (fixture)));
  saved = crm_customer_page_get_customer (customer_page (fixture));
  record = crm_customer_get_object (saved);
  g_assert_cmpstr (json_object_get_string_member (record, "registration_no"), ==,
                   "91110108551385082Q");
  g_assert_cmpint (json_object_get_int_member (record, "registered_capital"), ==, 1234567890);
  g_assert_cmpstr (json_object_get_string_member (record, "established_on"), ==, "2010-01-05");
  g_assert_cmpstr (json_object_get_string_member (record, "legal_representative"), ==, "李华");
  /* The form shows what was stored. */
  g_assert_cmpstr (row_text (fixture, "registration_no"), ==, "91110108551385082Q");
  g_assert_cmpstr (row_text (fixture, "registered_capital"), ==, "¥12,345,678.90");
  g_assert_cmpstr (row_text (fixture, "established_on"), ==, "2010-01-05");
  show_row (fixture, "registration_no");
  screenshot (fixture, "saved");

  /* Choosing "individual" hides the group at once. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row (fixture, "kind")), 2);
  g_assert_false (registration_shown (fixture));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row (fixture, "kind")), 1);
  g_assert_true (registration_shown (fixture));
  g_assert_false (_crm_customer_page_has_unsaved_changes (customer_page (fixture)));
}

static void
check_individual (Fixture *fixture)
{
  g_signal_emit_by_name (customer_page (fixture), "back");
  open_customer (fixture, fixture->person_id);
  g_assert_false (registration_shown (fixture));
  g_signal_emit_by_name (customer_page (fixture), "back");
}

/* The date protected with no grant (hidden), the legal representative protected with a
 * read grant (shown, not editable): the page follows the rules as they change. */
static void
check_field_access (Fixture *fixture)
{
  open_customer (fixture, fixture->company_id);
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (row (fixture, "legal_representative"))));
  crm_test_ui_run_sql ("BEGIN;\n"
                       "INSERT INTO field_policies (object, field, protected) VALUES\n"
                       "  ('customers', 'established_on', true),\n"
                       "  ('customers', 'legal_representative', true);\n"
                       "INSERT INTO role_field_access (role_id, object, field, access)\n"
                       "  SELECT id, 'customers', 'legal_representative', 'read' FROM roles\n"
                       "  WHERE builtin = 'sales_rep';\n"
                       "COMMIT");
  wait_until (fixture, NULL, date_hidden, "the date of establishment hidden");
  g_assert_true (gtk_widget_get_visible (row (fixture, "legal_representative")));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (row (fixture,
                                                                "legal_representative"))));
  g_assert_true (registration_shown (fixture));
  show_row (fixture, "registration_no");
  screenshot (fixture, "restricted");
  crm_test_ui_run_sql ("BEGIN;\n"
                       "DELETE FROM role_field_access WHERE object = 'customers'\n"
                       "  AND field IN ('established_on', 'legal_representative');\n"
                       "DELETE FROM field_policies WHERE object = 'customers'\n"
                       "  AND field IN ('established_on', 'legal_representative');\n"
                       "COMMIT");
  wait_until (fixture, NULL, date_shown, "the date of establishment back");
}

static void
run_case (gconstpointer data)
{
  const CrmTestUiCase *test_case = data;
  Fixture fixture = { test_case, };
  g_autoptr(CrmApplication) application = NULL;
  gint64 company_ids[2];   /* English's, zh_CN's */

  crm_test_ui_get_seeded_ids ("COMPANY_IDS", company_ids, G_N_ELEMENTS (company_ids));
  fixture.company_id = company_ids[test_case->language != NULL ? 1 : 0];
  crm_test_ui_get_seeded_ids ("PERSON_ID", &fixture.person_id, 1);

  application = crm_test_ui_application_new ();
  fixture.window = crm_test_ui_window_new (application,
                                           crm_application_get_api_client (application),
                                           1366, 768);

  sign_in (&fixture, "li");
  check_company (&fixture);
  check_individual (&fixture);
  check_field_access (&fixture);

  crm_test_ui_window_destroy (fixture.window);
}

/* --- the parent: one server for both languages --------------------------- */

static gint64
create_customer (CrmTestServer *server,
                 const char    *token,
                 const char    *body)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_server_call (server, token, "POST", "/api/v1/customers", body, NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  return crm_test_json_get_int (reply, "id");
}

static void
seed (CrmTestServer  *server,
      CrmTestCluster *cluster)
{
  g_autofree char *admin_token = NULL;
  gint64 company_ids[2];   /* English's, zh_CN's */
  gint64 rep_id;

  crm_test_server_create_user (server, "ada", "admin", PASSWORD);
  rep_id = crm_test_server_create_user (server, "li", "sales_rep", PASSWORD);
  admin_token = crm_test_server_sign_in (server, "ada", PASSWORD);

  for (guint i = 0; i < G_N_ELEMENTS (company_ids); i++)
    {
      g_autofree char *body = g_strdup_printf (
        "{\"kind\":\"company\",\"name\":\"福州明远贸易有限公司 %u\",\"city\":\"福州市\","
        "\"industry\":\"批发零售\",\"registration_no\":\"" CODE "\","
        "\"legal_representative\":\"张明远\",\"registered_capital\":500000000,"
        "\"established_on\":\"2008-03-18\",\"owner_id\":%" G_GINT64_FORMAT "}", i + 1, rep_id);

      company_ids[i] = create_customer (server, admin_token, body);
    }
  crm_test_ui_set_seeded_ids ("COMPANY_IDS", company_ids, G_N_ELEMENTS (company_ids));
  {
    g_autofree char *body = g_strdup_printf ("{\"kind\":\"individual\",\"name\":\"陈晓燕\","
                                             "\"mobile\":\"13912345678\",\"owner_id\":%"
                                             G_GINT64_FORMAT "}", rep_id);
    gint64 person_id = create_customer (server, admin_token, body);

    crm_test_ui_set_seeded_ids ("PERSON_ID", &person_id, 1);
  }
}

static const CrmTestUiCase cases[] = {
  { "en", NULL, NULL },
  { "zh_CN", "zh_CN", "zh-cn" },
};

int
main (int   argc,
      char *argv[])
{
  return crm_test_ui_main (argc, argv, "/crm/client/registration", cases, G_N_ELEMENTS (cases),
                           sizeof cases[0], seed, run_case);
}
