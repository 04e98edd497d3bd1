/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-customer-walk"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-application.h"
#include "crm-customer-dialog.h"
#include "crm-customer-list.h"
#include "crm-customer-page.h"
#include "crm-customers-page.h"
#include "crm-format.h"
#include "crm-validate.h"
#include "crm-window-private.h"
#include "crm-window.h"
#include "crm-test-server.h"
#include "crm-test-ui.h"

/*
 * A walk around one customer under Xvfb against a real rapport-server, as a sales rep:
 * its page with custom fields of every type (one required, one sensitive), wrong values
 * as typed, its contacts (added, made primary, edited, deleted), a follow-up, a conflict
 * with an administrator's save, the new-customer dialog's likely duplicates. Each case
 * (English and zh_CN, a laptop's 1366×768 and a desktop's 1920×1080) walks a customer of
 * its own, in a process of its own, and saves screenshots as client-walk-SHOT-CASE.png in
 * the build directory.
 */

#define PASSWORD "Correct-horse-7"
#define N_CASES 6

typedef struct
{
  CrmTestUiCase base;
  int           width;
  int           height;
  guint         index;     /* which of the seeded customers is this case's */
} WalkCase;

typedef struct
{
  const WalkCase  *test_case;
  CrmTestServer   *server;                 /* the parent's */
  char            *admin_token;
  char            *rep_token;
  gint64           customer_id;            /* this case's customer */
  gint64           customer_ids[N_CASES];  /* one per case */
  CrmWindow       *window;
} Fixture;

static const char * const walk_contacts[] = {
  "{\"full_name\":\"王芳\",\"title\":\"采购经理\",\"mobile\":\"13700000001\","
  "\"email\":\"wangfang@mingyuan.cn\",\"is_primary\":true}",
  "{\"full_name\":\"欧阳娜娜·阿不都热合曼\",\"title\":\"华东区域供应链管理中心高级采购总监兼副总经理\","
  "\"mobile\":\"13700000002\",\"phone\":\"021-62345678\"}",
  "{\"full_name\":\"李强\",\"title\":\"财务\",\"email\":\"liqiang@mingyuan.cn\"}",
};

static const char * const walk_follow_ups[] = {
  "{\"kind\":\"call\",\"subject\":\"电话沟通报价\",\"notes\":\"客户希望下周看样品\"}",
  "{\"kind\":\"visit\",\"subject\":\"上门拜访\"}",
  "{\"kind\":\"email\",\"subject\":\"发送报价单\"}",
  "{\"kind\":\"meeting\",\"subject\":\"年度合作会议\"}",
  "{\"kind\":\"note\",\"subject\":\"客户更换了采购负责人\"}",
};

/* The customer of case @c, owned by @li, with contacts, follow-ups and an order. */
static void
seed_customer (Fixture *fixture,
               guint    c,
               gint64   li,
               gint64   vip,
               gint64   expo)
{
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  guint status = 0;

  body = g_strdup_printf ("{\"name\":\"上海明远贸易有限公司%s\",\"kind\":\"company\","
                          "\"industry\":\"批发零售\",\"size\":\"medium_small\","
                          "\"potential\":\"high\",\"source\":\"展会\",\"province\":\"上海市\","
                          "\"city\":\"上海市\",\"district\":\"浦东新区\","
                          "\"address\":\"张江路 88 号 5 楼\",\"mobile\":\"1391000000%u\","
                          "\"email\":\"sales%u@mingyuan.cn\",\"website\":\"mingyuan.cn\","
                          "\"owner_id\":%" G_GINT64_FORMAT ",\"tags\":[%" G_GINT64_FORMAT ",%"
                          G_GINT64_FORMAT "],\"marketing_consent\":true,"
                          "\"consent_source\":\"展会登记表\",\"custom\":{\"contract_no\":"
                          "\"HT-2026-018\",\"staff\":350,\"budget\":{\"amount\":1250000,"
                          "\"currency\":\"CNY\"},\"visit_day\":\"2026-12-20\",\"grade\":\"A 类\","
                          "\"channels\":[\"电话\",\"微信\"],\"signed\":true,\"tax_id\":"
                          "\"91310000MA1FL0001X\",\"region_code\":\"EC-01\"}}",
                          c == 0 ? "" : (const char *[]) { "", "（二部）", "（三部）", "（四部）",
                                                           "（五部）", "（六部）" }[c % 6],
                          c, c, li, vip, expo);
  fixture->customer_ids[c] = crm_test_ui_post (fixture->admin_token, "/api/v1/customers", body);
  for (guint i = 0; i < G_N_ELEMENTS (walk_contacts); i++)
    {
      g_autoptr(JsonNode) object = json_from_string (walk_contacts[i], NULL);
      g_autoptr(JsonNode) reply = NULL;
      g_autofree char *text = NULL;

      json_object_set_int_member (json_node_get_object (object), "customer_id",
                                  fixture->customer_ids[c]);
      text = json_to_string (object, FALSE);
      reply = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/contacts", text, NULL,
                                &status);
      g_assert_cmpuint (status, ==, 201);
    }
  path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT "/follow-ups",
                          fixture->customer_ids[c]);
  for (guint i = 0; i < G_N_ELEMENTS (walk_follow_ups); i++)
    crm_test_ui_post (fixture->admin_token, path, walk_follow_ups[i]);
  {
    g_autofree char *order = g_strdup_printf ("INSERT INTO orders (customer_id, owner_id, number, "
                                              "amount, currency) VALUES (%" G_GINT64_FORMAT ", %"
                                              G_GINT64_FORMAT ", 'SO-2026-000%u', 8800000, 'CNY')",
                                              fixture->customer_ids[c], li, c);

    crm_test_ui_run_sql (order);
  }
}

static void
seed (Fixture *fixture)
{
  static const char * const fields[] = {
    "{\"object\":\"customers\",\"key\":\"contract_no\",\"label\":\"合同编号\",\"type\":\"text\"}",
    "{\"object\":\"customers\",\"key\":\"staff\",\"label\":\"员工人数\",\"type\":\"number\"}",
    "{\"object\":\"customers\",\"key\":\"budget\",\"label\":\"年度预算\",\"type\":\"money\"}",
    "{\"object\":\"customers\",\"key\":\"visit_day\",\"label\":\"下次拜访日期\",\"type\":\"date\"}",
    "{\"object\":\"customers\",\"key\":\"grade\",\"label\":\"客户分级\",\"type\":\"choice\","
    "\"choices\":[\"A 类\",\"B 类\",\"C 类\"]}",
    "{\"object\":\"customers\",\"key\":\"channels\",\"label\":\"沟通渠道\","
    "\"type\":\"multi_choice\",\"choices\":[\"电话\",\"微信\",\"展会\",\"邮件\"]}",
    "{\"object\":\"customers\",\"key\":\"signed\",\"label\":\"已签框架协议\",\"type\":\"boolean\"}",
    "{\"object\":\"customers\",\"key\":\"tax_id\",\"label\":\"纳税人识别号\",\"type\":\"text\","
    "\"sensitive\":true}",
    "{\"object\":\"customers\",\"key\":\"region_code\",\"label\":\"销售区域编码\",\"type\":\"text\","
    "\"required\":true}",
  };
  gint64 li, vip, expo;

  crm_test_server_create_user (fixture->server, "ada", "admin", PASSWORD);
  li = crm_test_server_create_user (fixture->server, "li", "sales_rep", PASSWORD);
  fixture->admin_token = crm_test_server_sign_in (fixture->server, "ada", PASSWORD);
  fixture->rep_token = crm_test_server_sign_in (fixture->server, "li", PASSWORD);

  vip = crm_test_ui_post (fixture->admin_token, "/api/v1/tags",
                          "{\"name\":\"重点客户\",\"color\":\"#e01b24\"}");
  expo = crm_test_ui_post (fixture->admin_token, "/api/v1/tags",
                           "{\"name\":\"展会\",\"color\":\"#3584e4\"}");
  crm_test_ui_post (fixture->admin_token, "/api/v1/tags",
                    "{\"name\":\"待回访\",\"color\":\"#33d17a\"}");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    crm_test_ui_post (fixture->admin_token, "/api/v1/fields", fields[i]);

  for (guint c = 0; c < N_CASES; c++)
    seed_customer (fixture, c, li, vip, expo);
  /* Likely duplicates of it. */
  crm_test_ui_post (fixture->admin_token, "/api/v1/customers",
                    "{\"name\":\"上海明远贸易公司\",\"mobile\":\"+86 139 1000 0007\","
                    "\"custom\":{\"region_code\":\"EC-02\"}}");
  crm_test_ui_post (fixture->admin_token, "/api/v1/customers",
                    "{\"name\":\"明远贸易(上海)\",\"email\":\"SALES@MINGYUAN.CN\","
                    "\"custom\":{\"region_code\":\"EC-03\"}}");
}

/* --- driving ---------------------------------------------------------------- */

static gboolean
always (Fixture *fixture)
{
  return TRUE;
}

static gboolean
list_settled (Fixture *fixture)
{
  return g_strcmp0 (_crm_window_get_page_name (fixture->window), "signed-in") == 0
         && customers_page (fixture) != NULL
         && crm_customers_page_get_list (customers_page (fixture)) != NULL
         && !_crm_customers_page_is_searching (customers_page (fixture));
}

static void
sign_in (Fixture    *fixture,
         const char *username)
{
  crm_test_ui_sign_in (fixture->window, username, PASSWORD);
  wait_until (fixture, NULL, list_settled, "the customer list");
}

static void
screenshot (Fixture    *fixture,
            GtkWidget  *window,
            const char *shot)
{
  g_autofree char *file_name = g_strdup_printf ("client-walk-%s-%s.png", shot,
                                                fixture->test_case->base.name);
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, file_name, NULL);

  if (window != NULL)
    wait_until (fixture, window, always, shot);
  crm_test_ui_save_png (window != NULL ? window : GTK_WIDGET (fixture->window), NULL, png);
}

static gboolean
customer_loaded (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);

  return g_strcmp0 (_crm_customers_page_get_visible (customers_page (fixture)), "customer") == 0
         && crm_customer_page_get_customer (page) != NULL
         && !crm_customer_page_get_busy (page);
}

/* Another customer's page: a likely duplicate of this case's. */
static gboolean
other_loaded (Fixture *fixture)
{
  return customer_loaded (fixture)
         && crm_customer_get_id (crm_customer_page_get_customer (customer_page (fixture)))
            != fixture->customer_id;
}

static gboolean
has_duplicates (Fixture *fixture)
{
  return _crm_customer_page_get_n_duplicates (customer_page (fixture)) > 0;
}

static gboolean
page_idle (Fixture *fixture)
{
  return !crm_customer_page_get_busy (customer_page (fixture));
}

static gboolean
dialog_open (Fixture *fixture)
{
  return _crm_customer_page_get_dialog (customer_page (fixture)) != NULL;
}

static void
scroll_to (Fixture    *fixture,
           const char *child,
           const char *shot)
{
  CrmCustomerPage *page = customer_page (fixture);
  GtkWidget *scrolled = crm_test_ui_find_descendant (GTK_WIDGET (page),
                                                     GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  GtkWidget *widget = crm_test_ui_template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                     child);
  graphene_rect_t bounds;

  wait_until (fixture, NULL, always, "layout");
  g_assert_true (gtk_widget_compute_bounds (widget, gtk_scrolled_window_get_child (
                                              GTK_SCROLLED_WINDOW (scrolled)), &bounds));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment)
                                        + bounds.origin.y - 20);
  wait_until (fixture, NULL, always, "scrolled");
  screenshot (fixture, NULL, shot);
}

static void
set_row (Fixture    *fixture,
         const char *field,
         const char *text)
{
  GtkWidget *row = _crm_customer_page_get_row (customer_page (fixture), field);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static GtkWidget *
form_row (AdwMessageDialog *dialog,
          const char       *name)
{
  GtkWidget *row = crm_test_ui_find_named (GTK_WIDGET (dialog), name);

  if (row == NULL)
    g_error ("No row %s", name);
  return row;
}

/* The message shown beside a form row (a visible label of class "error"), or NULL. */
static const char *
row_message (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error")
      && gtk_widget_get_visible (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = row_message (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gint64
contact_id (Fixture    *fixture,
            const char *full_name)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/contacts?customer_id=%" G_GINT64_FORMAT,
                                           fixture->customer_id);
  g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL,
                                                NULL);
  JsonArray *items = json_object_get_array_member (json_node_get_object (reply), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *contact = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (contact, "full_name"), full_name) == 0)
        return json_object_get_int_member (contact, "id");
    }
  g_error ("No contact %s", full_name);
}

/* This case's customer as the server has it. */
static JsonNode *
server_customer (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                                           fixture->customer_id);

  return crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, NULL);
}

/* Custom value @key of this case's customer on the server, as JSON text. */
static char *
server_custom (Fixture    *fixture,
               const char *key)
{
  g_autoptr(JsonNode) record = server_customer (fixture);
  JsonObject *custom = json_object_get_object_member (json_node_get_object (record), "custom");
  JsonNode *value = json_object_get_member (custom, key);

  return value != NULL ? json_to_string (value, FALSE) : NULL;
}

/* The timeline as the page shows it: each row's title and subtitle. */
static char *
timeline_text (Fixture *fixture)
{
  return _crm_customer_page_dup_timeline_text (customer_page (fixture));
}

/* Whether the timeline holds @text (the test logs it when not). */
static gboolean
timeline_has (Fixture    *fixture,
              const char *text)
{
  g_autofree char *timeline = timeline_text (fixture);

  if (strstr (timeline, text) != NULL)
    return TRUE;
  g_test_message ("Not in the timeline: “%s”. The timeline:\n%s", text, timeline);
  return FALSE;
}

/* A follow-up's time as a person types it: @days from today at @hour:@minute, local. */
static char *
typed_time (int days,
            int hour,
            int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, days);
  g_autoptr(GDateTime) then = g_date_time_new_local (g_date_time_get_year (day),
                                                     g_date_time_get_month (day),
                                                     g_date_time_get_day_of_month (day),
                                                     hour, minute, 0);

  return g_date_time_format (then, "%Y-%m-%d %H:%M");
}

/* How the page writes a typed time back: in the interface language's date format. */
static char *
shown_time (const char *typed)
{
  g_autofree char *normalized = NULL;

  g_assert_true (crm_validate_date_time (typed, &normalized, NULL));
  return crm_format_timestamp (normalized, TRUE);
}

static void
walk (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);
  AdwMessageDialog *dialog;
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                                           fixture->customer_id);
  g_autoptr(JsonNode) theirs = NULL;
  g_autofree char *version = NULL;
  guint status = 0;

  crm_customers_page_open_customer (customers_page (fixture), fixture->customer_id);
  wait_until (fixture, NULL, customer_loaded, "the customer");
  wait_until (fixture, NULL, page_idle, "the customer's parts");
  screenshot (fixture, NULL, "page-top");
  /* The other cases' customers share its name: a rep, who may not merge, is not told to. */
  wait_until (fixture, NULL, has_duplicates, "the likely duplicates");
  g_assert_cmpstr (adw_preferences_group_get_description (crm_test_ui_template_child (
                     page, CRM_TYPE_CUSTOMER_PAGE, "duplicates_group")), ==,
                   _("These customers share a name, phone number or e-mail address with this "
                     "one. Ask an administrator to merge them into one record."));
  scroll_to (fixture, "consent_group", "page-consent");
  scroll_to (fixture, "custom_group", "page-custom");
  scroll_to (fixture, "tags_group", "page-tags");
  scroll_to (fixture, "contacts_group", "page-contacts");
  scroll_to (fixture, "timeline_group", "page-timeline");

  /* Wrong values as typed. */
  set_row (fixture, "mobile", "1391000");
  set_row (fixture, "email", "sales@mingyuan");
  set_row (fixture, "custom.visit_day", "2026/12/32");
  set_row (fixture, "custom.region_code", "");
  set_row (fixture, "custom.staff", "三百");
  scroll_to (fixture, "details_group", "typing-top");
  scroll_to (fixture, "custom_group", "typing-custom");
  /* A short message reads in one line, not broken into pieces of a word. */
  {
    const char *message = row_message (_crm_customer_page_get_row (page, "custom.staff"));
    GtkWidget *label = crm_test_ui_find_label (_crm_customer_page_get_row (page, "custom.staff"),
                                               message);

    g_assert_nonnull (label);
    g_test_message ("“%s” in %d lines", message,
                    pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))));
    g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))), ==,
                     1);
  }
  crm_customer_page_save (page);
  wait_until (fixture, NULL, page_idle, "the refused save");
  screenshot (fixture, NULL, "typing-saved");
  crm_customer_page_load (page, fixture->customer_id);
  wait_until (fixture, NULL, customer_loaded, "the customer again");

  /* A contact added with a wrong mobile, then right. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.add-contact", NULL));
  wait_until (fixture, NULL, dialog_open, "the contact dialog");
  dialog = _crm_customer_page_get_dialog (page);
  screenshot (fixture, GTK_WIDGET (dialog), "contact-new");
  /* Added without a name: the server's message beside it, and a toast that says what to
   * do, not the server's "Some fields are not valid". */
  respond (dialog, "accept");
  wait_until (fixture, NULL, dialog_open, "the contact refused");
  wait_until (fixture, NULL, page_idle, "the contact refused");
  dialog = _crm_customer_page_get_dialog (page);
  g_assert_nonnull (row_message (form_row (dialog, "full_name")));
  g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                   _("Not saved: correct the fields marked in red, then save again."));
  screenshot (fixture, NULL, "contact-refused");
  gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "full_name")), "司马长风");
  gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "title")), "总经理助理");
  gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "mobile")), "1370000");
  gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "email")), "sima@");
  /* Said as typed, as on the customer's page, in the user's language; nothing to add
   * until they are right. */
  {
    const char * const wrong[] = { "mobile", "email" };

    for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
      {
        const char *message = row_message (form_row (dialog, wrong[i]));

        g_test_message ("Contact's %s: %s", wrong[i], message);
        g_assert_nonnull (message);
        if (fixture->test_case->base.language != NULL)
          g_assert_false (g_str_is_ascii (message));
      }
  }
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  screenshot (fixture, GTK_WIDGET (dialog), "contact-typing");
  gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "mobile")), "+86 137 0000 0009");
  g_assert_null (row_message (form_row (dialog, "mobile")));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "email")), "sima@mingyuan.cn");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "accept"));
  respond (dialog, "accept");
  wait_until (fixture, NULL, page_idle, "the contact");
  g_assert_null (_crm_customer_page_get_dialog (page));
  /* Said, as a save of the customer is, and in the customer's timeline with who. */
  g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                   _("Contact added"));
  {
    g_autofree char *added = g_strdup_printf (_("Contact added: %s"), "司马长风");

    g_assert_true (timeline_has (fixture, added));
    g_assert_true (timeline_has (fixture, "li · "));
  }
  scroll_to (fixture, "contacts_group", "contact-added");

  /* The long-named contact made primary, edited; another deleted. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.make-primary", "x",
                                             contact_id (fixture, "欧阳娜娜·阿不都热合曼")));
  wait_until (fixture, NULL, page_idle, "the new primary contact");
  /* The primary contact on top, the others by name. */
  {
    g_autofree char *contacts = _crm_customer_page_dup_contacts_text (page);

    g_test_message ("Contacts:\n%s", contacts);
    g_assert_true (g_str_has_prefix (contacts, "欧阳娜娜·阿不都热合曼\n"));
  }
  scroll_to (fixture, "contacts_group", "contact-primary");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.edit-contact", "x",
                                             contact_id (fixture, "欧阳娜娜·阿不都热合曼")));
  wait_until (fixture, NULL, dialog_open, "the contact's dialog");
  dialog = _crm_customer_page_get_dialog (page);
  screenshot (fixture, GTK_WIDGET (dialog), "contact-edit");
  gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "title")), "副总经理");
  respond (dialog, "accept");
  wait_until (fixture, NULL, page_idle, "the edited contact");
  g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                   _("Contact saved"));
  {
    g_autofree char *edited = g_strdup_printf (_("Contact edited: %s"), "欧阳娜娜·阿不都热合曼");

    g_assert_true (timeline_has (fixture, edited));
    /* What changed, before and after. */
    g_assert_true (timeline_has (fixture, "华东区域供应链管理中心高级采购总监兼副总经理 → 副总经理"));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.delete-contact", "x",
                                             contact_id (fixture, "李强")));
  wait_until (fixture, NULL, dialog_open, "the contact's deletion");
  dialog = _crm_customer_page_get_dialog (page);
  screenshot (fixture, GTK_WIDGET (dialog), "contact-delete");
  respond (dialog, "delete");
  wait_until (fixture, NULL, page_idle, "the deleted contact");
  g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                   _("Contact deleted"));
  {
    g_autofree char *deleted = g_strdup_printf (_("Contact deleted: %s"), "李强");

    g_assert_true (timeline_has (fixture, deleted));
  }
  scroll_to (fixture, "contacts_group", "contact-deleted");
  scroll_to (fixture, "timeline_group", "contact-timeline");

  /* A follow-up of two days ago, typed in now, with the next one and notes of two lines;
   * first with the next one before it, which the server refuses beside that row. */
  {
    g_autofree char *happened = typed_time (-2, 10, 30);
    g_autofree char *too_early = typed_time (-3, 9, 0);
    g_autofree char *next = typed_time (5, 9, 0);
    g_autofree char *happened_shown = shown_time (happened);
    g_autofree char *next_line = NULL;
    g_autofree char *next_shown = shown_time (next);
    GtkWidget *notes;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.follow-up", NULL));
    wait_until (fixture, NULL, dialog_open, "the follow-up dialog");
    dialog = _crm_customer_page_get_dialog (page);
    /* Now by default: when it happened is a date and a time. */
    {
      g_autofree char *normalized = NULL;

      g_assert_true (crm_validate_date_time (gtk_editable_get_text (GTK_EDITABLE (
                                                form_row (dialog, "done_at"))),
                                             &normalized, NULL));
    }
    screenshot (fixture, GTK_WIDGET (dialog), "follow-up");
    gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "subject")), "回访样品试用情况");
    gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "done_at")), happened);
    gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "due_at")), too_early);
    notes = crm_test_ui_find_descendant (form_row (dialog, "notes"), GTK_TYPE_TEXT_VIEW);
    g_assert_nonnull (notes);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes)),
                              "样品反馈良好\n下周报价", -1);
    /* A date and time the validators refuse is said as it is typed. */
    gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "due_at")), "2026-12-01 25:00");
    g_assert_nonnull (row_message (form_row (dialog, "due_at")));
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
    gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "due_at")), too_early);
    g_assert_null (row_message (form_row (dialog, "due_at")));
    screenshot (fixture, GTK_WIDGET (dialog), "follow-up-dates");
    respond (dialog, "accept");
    wait_until (fixture, NULL, dialog_open, "the follow-up refused");
    wait_until (fixture, NULL, page_idle, "the follow-up refused");
    dialog = _crm_customer_page_get_dialog (page);
    g_test_message ("Next before this one: %s", row_message (form_row (dialog, "due_at")));
    g_assert_nonnull (row_message (form_row (dialog, "due_at")));
    if (fixture->test_case->base.language != NULL)
      g_assert_false (g_str_is_ascii (row_message (form_row (dialog, "due_at"))));
    /* What was typed is kept, the notes' lines too. */
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (form_row (dialog, "done_at"))), ==,
                     happened);
    screenshot (fixture, GTK_WIDGET (dialog), "follow-up-refused");
    gtk_editable_set_text (GTK_EDITABLE (form_row (dialog, "due_at")), next);
    respond (dialog, "accept");
    wait_until (fixture, NULL, page_idle, "the follow-up");
    g_assert_null (_crm_customer_page_get_dialog (page));
    g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                     _("Follow-up logged"));
    next_line = g_strdup_printf (_("Next follow-up: %s"), next_shown);
    g_assert_true (timeline_has (fixture, "回访样品试用情况"));
    g_assert_true (timeline_has (fixture, "样品反馈良好\n下周报价"));
    g_assert_true (timeline_has (fixture, next_line));
    g_assert_true (timeline_has (fixture, happened_shown));
    scroll_to (fixture, "timeline_group", "follow-up-logged");
    /* It stands where it happened: among the older events, lower down. */
    {
      GtkWidget *scrolled = crm_test_ui_find_descendant (GTK_WIDGET (page),
                                                         GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
                                                                         scrolled));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                            - gtk_adjustment_get_page_size (adjustment));
      wait_until (fixture, NULL, always, "scrolled to the end");
      screenshot (fixture, NULL, "follow-up-in-timeline");
    }
  }

  /* A conflict: the administrator changes custom fields and tags meanwhile. */
  version = g_strdup_printf ("%" G_GINT64_FORMAT,
                             crm_customer_get_version (crm_customer_page_get_customer (page)));
  theirs = crm_test_ui_call (fixture->admin_token, "PATCH", path,
                             "{\"custom\":{\"grade\":\"B 类\",\"staff\":420,\"signed\":false},"
                             "\"tags\":[3],\"city\":\"苏州市\"}", version, &status);
  g_assert_cmpuint (status, ==, 200);
  set_row (fixture, "custom.staff", "380");
  set_row (fixture, "custom.contract_no", "HT-2026-019");
  set_row (fixture, "district", "徐汇区");
  crm_customer_page_save (page);
  wait_until (fixture, NULL, page_idle, "the conflict");
  dialog = _crm_customer_page_get_conflict_dialog (page);
  g_assert_nonnull (dialog);
  /* What no choice brings back is not offered as the user's: the city they changed and
   * the user did not; their tags, which the user could not have pending. */
  g_assert_nonnull (crm_test_ui_find_label (GTK_WIDGET (dialog), "苏州市"));
  g_assert_null (crm_test_ui_find_label (GTK_WIDGET (dialog), "上海市"));
  g_assert_nonnull (crm_test_ui_find_label (GTK_WIDGET (dialog), _("(not changed)")));
  g_assert_nonnull (crm_test_ui_find_label (GTK_WIDGET (dialog), "待回访"));
  screenshot (fixture, GTK_WIDGET (dialog), "conflict");
  respond (dialog, "overwrite");
  wait_until (fixture, NULL, page_idle, "the overwrite");
  /* Yours where you edited, theirs where they did: an overwrite writes back no value
   * the user did not touch. */
  {
    const char * const expected[][2] = {
      { "staff", "380" }, { "contract_no", "\"HT-2026-019\"" }, { "grade", "\"B 类\"" },
      { "signed", "false" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autofree char *value = server_custom (fixture, expected[i][0]);

        g_assert_cmpstr (value, ==, expected[i][1]);
      }
  }
  /* The save is in the timeline at once, without opening the customer again. */
  {
    g_autofree char *timeline = _crm_customer_page_dup_timeline_text (page);

    g_test_message ("Timeline after the overwrite:\n%s", timeline);
    g_assert_nonnull (strstr (timeline, "HT-2026-018 → HT-2026-019"));
  }
  screenshot (fixture, NULL, "conflict-overwritten");
  scroll_to (fixture, "tags_group", "conflict-tags");
  scroll_to (fixture, "timeline_group", "conflict-timeline");

  /* A likely duplicate opens, as a row of the list does. */
  {
    GtkListBox *duplicates = crm_test_ui_template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                         "duplicates_list");
    GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (duplicates));
    gint64 *row_id = g_object_get_data (G_OBJECT (row), "crm-id");
    g_autofree char *name = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    gint64 other;

    g_assert_nonnull (row_id);
    /* The row goes when the other customer's page fills in. */
    other = *row_id;
    g_assert_cmpint (other, !=, fixture->customer_id);
    g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
    /* An edit not saved yet is asked about first. */
    set_row (fixture, "district", "静安区");
    g_signal_emit_by_name (duplicates, "row-activated", row);
    wait_until (fixture, NULL, dialog_open, "the question about the unsaved edit");
    dialog = _crm_customer_page_get_dialog (page);
    g_assert_cmpint (crm_customer_get_id (crm_customer_page_get_customer (page)), ==,
                     fixture->customer_id);
    screenshot (fixture, GTK_WIDGET (dialog), "duplicate-unsaved");
    respond (dialog, "discard");
    wait_until (fixture, NULL, customer_loaded, "the likely duplicate");
    g_assert_cmpint (crm_customer_get_id (crm_customer_page_get_customer (page)), ==, other);
    g_assert_cmpstr (gtk_label_get_text (crm_test_ui_template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                                     "title_label")), ==, name);
    /* From its top, not where this one was scrolled to. */
    {
      GtkWidget *scrolled = crm_test_ui_find_descendant (GTK_WIDGET (page),
                                                         GTK_TYPE_SCROLLED_WINDOW);

      g_assert_cmpfloat (gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (
                           GTK_SCROLLED_WINDOW (scrolled))), ==, 0);
    }
    screenshot (fixture, NULL, "duplicate-opened");
  }

  /* Or the edit saved first, then the likely duplicate opens. */
  {
    GtkListBox *duplicates = crm_test_ui_template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                         "duplicates_list");
    g_autoptr(JsonNode) saved = NULL;
    GtkWidget *row;
    gint64 other;

    crm_customer_page_load (page, fixture->customer_id);
    wait_until (fixture, NULL, customer_loaded, "the customer again");
    wait_until (fixture, NULL, page_idle, "the customer's parts again");
    wait_until (fixture, NULL, has_duplicates, "its likely duplicates again");
    row = gtk_widget_get_first_child (GTK_WIDGET (duplicates));
    other = *(gint64 *) g_object_get_data (G_OBJECT (row), "crm-id");
    set_row (fixture, "district", "长宁区");
    g_signal_emit_by_name (duplicates, "row-activated", row);
    wait_until (fixture, NULL, dialog_open, "the question about the unsaved edit");
    dialog = _crm_customer_page_get_dialog (page);
    respond (dialog, "save");
    wait_until (fixture, NULL, other_loaded, "the likely duplicate after the save");
    g_assert_cmpint (crm_customer_get_id (crm_customer_page_get_customer (page)), ==, other);
    g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                     _("Saved"));
    saved = server_customer (fixture);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (saved), "district"),
                     ==, "长宁区");
    g_assert_false (_crm_customer_page_has_unsaved_changes (page));
    screenshot (fixture, NULL, "duplicate-saved");
  }

  /* The new-customer dialog with likely duplicates. */
  g_signal_emit_by_name (crm_test_ui_template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                        "back_button"), "clicked");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.new", NULL));
  {
    CrmCustomerDialog *new_dialog = CRM_CUSTOMER_DIALOG (_crm_customers_page_get_dialog (
                                                           customers_page (fixture)));

    screenshot (fixture, GTK_WIDGET (new_dialog), "new-empty");
    gtk_editable_set_text (GTK_EDITABLE (_crm_customer_dialog_get_row (new_dialog, "name")),
                           "上海明远贸易有限责任公司");
    gtk_editable_set_text (GTK_EDITABLE (_crm_customer_dialog_get_row (new_dialog, "mobile")),
                           "+86 139-1000-0007");
    gtk_editable_set_text (GTK_EDITABLE (_crm_customer_dialog_get_row (new_dialog, "email")),
                           "Sales@MingYuan.cn ");
    for (guint i = 0; i < 30; i++)
      {
        wait_until (fixture, GTK_WIDGET (new_dialog), always, "the duplicate check");
        if (!_crm_customer_dialog_is_checking (new_dialog))
          break;
      }
    screenshot (fixture, GTK_WIDGET (new_dialog), "new-duplicates");
    gtk_window_destroy (GTK_WINDOW (new_dialog));
  }
}

static void
run_case (gconstpointer data)
{
  const WalkCase *test_case = data;
  Fixture fixture = { test_case, };
  g_autoptr(CrmApplication) application = NULL;

  fixture.admin_token = g_strdup (crm_test_ui_get_seeded ("ADMIN_TOKEN"));
  fixture.rep_token = g_strdup (crm_test_ui_get_seeded ("REP_TOKEN"));
  crm_test_ui_get_seeded_ids ("CUSTOMER_IDS", fixture.customer_ids, N_CASES);
  fixture.customer_id = fixture.customer_ids[test_case->index];

  application = crm_test_ui_application_new ();
  fixture.window = crm_test_ui_window_new (application,
                                           crm_application_get_api_client (application),
                                           test_case->width, test_case->height);

  sign_in (&fixture, "li");
  walk (&fixture);

  crm_test_ui_window_destroy (fixture.window);
  g_free (fixture.admin_token);
  g_free (fixture.rep_token);
}

/* In the parent, once: seed (), and the sessions and customers for the cases. */
static void
seed_server (CrmTestServer  *server,
             CrmTestCluster *cluster)
{
  Fixture shared = { .server = server };

  seed (&shared);
  crm_test_ui_set_seeded ("ADMIN_TOKEN", shared.admin_token);
  crm_test_ui_set_seeded ("REP_TOKEN", shared.rep_token);
  crm_test_ui_set_seeded_ids ("CUSTOMER_IDS", shared.customer_ids, N_CASES);
  g_free (shared.admin_token);
  g_free (shared.rep_token);
}

static const WalkCase cases[] = {
  { { "en", NULL, NULL }, 1366, 768, 0 },
  { { "zh_CN", "zh_CN", "zh-cn" }, 1366, 768, 1 },
  { { "large-en", NULL, NULL }, 1920, 1080, 2 },
  { { "large-zh_CN", "zh_CN", "zh-cn" }, 1920, 1080, 3 },
};

int
main (int   argc,
      char *argv[])
{
  return crm_test_ui_main (argc, argv, "/crm/client/customer-walk", cases, G_N_ELEMENTS (cases),
                           sizeof cases[0], seed_server, run_case);
}
