/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-customers"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-account.h"
#include "crm-admin-page.h"
#include "crm-admin-records.h"
#include "crm-admin-view.h"
#include "crm-application.h"
#include "crm-customer-dialog.h"
#include "crm-customer-list.h"
#include "crm-customer-page.h"
#include "crm-customers-page.h"
#include "crm-event-stream.h"
#include "crm-form-dialog.h"
#include "crm-format.h"
#include "crm-options-editor.h"
#include "crm-sections.h"
#include "crm-tag-chips.h"
#include "crm-window-private.h"
#include "crm-window.h"
#include "crm-test-server.h"
#include "crm-test-ui.h"

/*
 * The Customers section under Xvfb against a real rapport-server: ~300 customers
 * with Chinese names and mobiles, a sales rep who searches, opens, edits and saves
 * one (a stale save gets the conflict dialog, an invalid one the field's message),
 * the new-customer dialog, batch edit, and a sales manager. Each case runs in a
 * process of its own, in English and in zh_CN, and saves screenshots as
 * client-customers-SHOT[-SIZE][-LANGUAGE].png in the build directory (the laptop size,
 * 1366×768, unnamed; "small", 1024×640).
 */

#define PASSWORD "Correct-horse-7"
#define N_CUSTOMERS 300
/* Every 30th customer's name has this (the others never): 10 matches. */
#define NEEDLE "明远"
#define N_NEEDLE (N_CUSTOMERS / 30)
/* The administrator's own customers besides: the list must page through them. */
#define N_BULK 100000
/* The rep's customer whose orders reach a level (重要); the others have none. */
#define LEVELED_ID 3
/* A customer of the rep's with six tags. */
#define MANY_TAGS_ID 4
/* The industry of one of the administrator's customers: never offered to the rep. */
#define ADMIN_INDUSTRY "物流仓储"

typedef struct
{
  CrmTestUiCase base;
  gboolean      admin;      /* the administrator's case: scrolling, merge, recycle bin */
  int           width;      /* the window's size: a laptop's 1366×768, a small 1024×640 */
  int           height;
  const char   *size;       /* NULL at a laptop's size, else in the screenshots' names */
} CustomersCase;

/* The server, seeded once by the parent process; each case's process reaches it
 * through the environment (CRM_TEST_*). */
typedef struct
{
  const CustomersCase *test_case;
  CrmTestCluster      *cluster;       /* the parent's */
  CrmTestServer       *server;        /* the parent's */
  char                *admin_token;
  char                *rep_token;
  char                *manager_token;
  gint64               ordered_id;    /* in the recycle bin, with an order */
  CrmWindow           *window;
} Fixture;

/* --- seeding ------------------------------------------------------------- */

static const char * const cities[] = { "上海市", "北京市", "深圳市", "杭州市", "成都市" };
static const char * const trades[] = { "华信", "宏达", "鑫源", "腾飞", "恒通", "瑞丰" };
static const char * const kinds[] = { "贸易有限公司", "科技有限公司", "制造有限公司" };

static gint64
user_id (Fixture    *fixture,
         const char *username)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users?username=%s", username);
  g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL,
                                                NULL);
  JsonArray *items = json_object_get_array_member (json_node_get_object (reply), "items");

  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  return json_object_get_int_member (json_array_get_object_element (items, 0), "id");
}

static void
join_team (Fixture    *fixture,
           const char *username,
           gint64      team_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT,
                                           user_id (fixture, username));
  g_autoptr(JsonNode) user = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, NULL);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              crm_test_json_get_int (user, "version"));
  g_autofree char *body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT "}", team_id);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_ui_call (fixture->admin_token, "PATCH", path, body, version, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* The customers, straight into the database in one statement: through the API
 * they take 10 to 40 s on a busy machine (each create looks for duplicates),
 * and tests/client/test-client-api.c covers creating through the API. The
 * search columns are generated, so search sees them as it sees any other. */
static void
seed_customers (Fixture *fixture,
                gint64   owner_id)
{
  g_autoptr(GString) sql = g_string_new ("INSERT INTO customers "
                                         "(name, kind, city, industry, mobile, owner_id) VALUES ");
  PGconn *conn = crm_test_cluster_connect (fixture->cluster);
  PGresult *result;

  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      g_autofree char *name = NULL;
      char *literal;

      if (i % 30 == 7)
        name = g_strdup_printf ("%s%s%s %03u", cities[i % G_N_ELEMENTS (cities)], NEEDLE,
                                kinds[i % G_N_ELEMENTS (kinds)], i);
      else
        name = g_strdup_printf ("%s%s%s %03u", cities[i % G_N_ELEMENTS (cities)],
                                trades[i % G_N_ELEMENTS (trades)],
                                kinds[i % G_N_ELEMENTS (kinds)], i);
      literal = PQescapeLiteral (conn, name, strlen (name));
      g_string_append_printf (sql, "%s(%s, 'company', '%s', '%s', '139%08u', %" G_GINT64_FORMAT
                              ")", i > 0 ? ", " : "", literal,
                              cities[i % G_N_ELEMENTS (cities)], i % 2 ? "制造业" : "批发零售",
                              10000000 + i, owner_id);
      PQfreemem (literal);
    }
  /* Spread over the last days, so that the default sort (-updated_at) has an order. */
  g_string_append (sql, "; UPDATE customers SET created_at = now () - id * interval '10 minutes', "
                        "updated_at = now () - id * interval '10 minutes'");
  g_string_append (sql, "; UPDATE customers SET custom = '{\"budget\":{\"amount\":1250000,"
                        "\"currency\":\"CNY\"},\"grade\":\"A\",\"visit_day\":\"2026-12-01\"}' "
                        "WHERE name LIKE '%" NEEDLE "%'");
  result = PQexec (conn, sql->str);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("Seeding customers failed: %s", PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

/* Tags on the first customers, custom fields, and a contact for each customer
 * the search finds, through the API. */
static void
seed_extras (Fixture *fixture)
{
  static const char * const fields[] = {
    "{\"object\":\"customers\",\"key\":\"budget\",\"label\":\"预算 Budget\",\"type\":\"money\"}",
    "{\"object\":\"customers\",\"key\":\"grade\",\"label\":\"分级 Grade\",\"type\":\"choice\","
    "\"choices\":[\"A\",\"B\",\"C\"]}",
    "{\"object\":\"customers\",\"key\":\"visit_day\",\"label\":\"拜访日 Visit day\",\"type\":\"date\"}",
    "{\"object\":\"customers\",\"key\":\"channels\",\"label\":\"渠道 Channels\","
    "\"type\":\"multi_choice\",\"choices\":[\"电话\",\"微信\",\"展会\",\"微信, 短信\"]}",
    "{\"object\":\"customers\",\"key\":\"contract_no\",\"label\":\"合同号 Contract no.\","
    "\"type\":\"text\"}",
    "{\"object\":\"customers\",\"key\":\"staff\",\"label\":\"员工数 Staff\",\"type\":\"number\"}",
    "{\"object\":\"customers\",\"key\":\"signed\",\"label\":\"已签约 Signed\","
    "\"type\":\"boolean\"}",
  };
  static const char * const contact_fields[] = {
    "{\"object\":\"contacts\",\"key\":\"wechat\",\"label\":\"微信号 WeChat ID\","
    "\"type\":\"text\",\"required\":true}",
    "{\"object\":\"contacts\",\"key\":\"reach\",\"label\":\"联系方式 Reach by\","
    "\"type\":\"multi_choice\",\"choices\":[\"电话\",\"微信, 短信\"]}",
    "{\"object\":\"contacts\",\"key\":\"birthday\",\"label\":\"生日 Birthday\","
    "\"type\":\"date\"}",
  };
  g_autoptr(JsonNode) vip = NULL;
  g_autoptr(JsonNode) key = NULL;
  g_autoptr(JsonNode) found = NULL;
  g_autoptr(JsonNode) tagged = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *batch = NULL;
  JsonArray *items;
  guint status = 0;

  vip = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/tags",
                          "{\"name\":\"重点客户\",\"color\":\"#e01b24\"}", NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  key = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/tags",
                          "{\"name\":\"展会\",\"color\":\"#3584e4\"}", NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(JsonNode) field = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/fields",
                                                    fields[i], NULL, &status);

      g_assert_cmpuint (status, ==, 201);
    }

  /* Levels for the level filter; an industry only the administrator's customers have. */
  {
    static const char * const rules[] = {
      "{\"level\":\"VIP\",\"min_amount\":10000000,\"currency\":\"CNY\",\"months\":12}",
      "{\"level\":\"重要\",\"min_amount\":2000000,\"currency\":\"CNY\",\"months\":12,"
      "\"position\":1}",
    };
    g_autoptr(JsonNode) own = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
      {
        g_autoptr(JsonNode) rule = crm_test_ui_call (fixture->admin_token, "POST",
                                                     "/api/v1/level-rules", rules[i], NULL,
                                                     &status);

        g_assert_cmpuint (status, ==, 201);
      }
    own = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/customers",
                            "{\"name\":\"管理员的仓储客户\",\"industry\":\"" ADMIN_INDUSTRY "\"}", NULL,
                            &status);
    g_assert_cmpuint (status, ==, 201);
  }

  /* The first customers of the list (the most recently updated ones). */
  for (guint i = 1; i <= 40; i++)
    g_string_append_printf (ids, "%s%u", i > 1 ? "," : "", i);
  batch = g_strdup_printf ("{\"ids\":[%s],\"changes\":{\"add_tags\":[%" G_GINT64_FORMAT
                           ",%" G_GINT64_FORMAT "]}}", ids->str,
                           crm_test_json_get_int (vip, "id"), crm_test_json_get_int (key, "id"));
  tagged = crm_test_ui_call (fixture->admin_token, "PATCH", "/api/v1/customers", batch, NULL,
                             &status);
  g_assert_cmpuint (status, ==, 200);

  /* One customer got the same tags the other way round (as a rep adds them one by one):
   * its chips must still read like the others'. */
  {
    g_autoptr(JsonNode) second = crm_test_ui_call (fixture->admin_token, "GET",
                                                   "/api/v1/customers/2", NULL, NULL, &status);
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                crm_test_json_get_int (second, "version"));
    g_autofree char *body = g_strdup_printf ("{\"tags\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                                             "]}", crm_test_json_get_int (key, "id"),
                                             crm_test_json_get_int (vip, "id"));
    g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "PATCH",
                                                  "/api/v1/customers/2", body, version, &status);

    g_assert_cmpuint (status, ==, 200);
  }

  /* A customer with six tags: its row shows the chips its cell has room for, and "+N". */
  {
    static const char * const more[] = { "华东", "样品", "待回访", "老客户" };
    g_autoptr(JsonNode) third = crm_test_ui_call (fixture->admin_token, "GET",
                                                  "/api/v1/customers/" G_STRINGIFY (MANY_TAGS_ID),
                                                  NULL, NULL, &status);
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                crm_test_json_get_int (third, "version"));
    g_autoptr(GString) body = g_string_new (NULL);
    g_autoptr(JsonNode) reply = NULL;

    g_string_printf (body, "{\"tags\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                     crm_test_json_get_int (vip, "id"), crm_test_json_get_int (key, "id"));
    for (guint i = 0; i < G_N_ELEMENTS (more); i++)
      {
        g_autofree char *tag_body = g_strdup_printf ("{\"name\":\"%s\"}", more[i]);
        g_autoptr(JsonNode) tag = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/tags",
                                                    tag_body, NULL, &status);

        g_assert_cmpuint (status, ==, 201);
        g_string_append_printf (body, ",%" G_GINT64_FORMAT, crm_test_json_get_int (tag, "id"));
      }
    g_string_append (body, "]}");
    reply = crm_test_ui_call (fixture->admin_token, "PATCH",
                              "/api/v1/customers/" G_STRINGIFY (MANY_TAGS_ID), body->str, version,
                              &status);
    g_assert_cmpuint (status, ==, 200);
  }

  /* An order for each customer the search finds: the timeline shows its amount. */
  {
    PGconn *conn = crm_test_cluster_connect (fixture->cluster);
    PGresult *result = PQexec (conn, "INSERT INTO orders (customer_id, owner_id, number, amount, "
                                     "currency) SELECT id, owner_id, 'SO-' || id, 1250000, 'CNY' "
                                     "FROM customers WHERE name LIKE '%" NEEDLE "%'");

    if (PQresultStatus (result) != PGRES_COMMAND_OK)
      g_error ("Seeding orders failed: %s", PQerrorMessage (conn));
    PQclear (result);
    /* One customer of the rep's reaches a level (重要, ¥20,000): the others have none. */
    result = PQexec (conn, "INSERT INTO orders (customer_id, owner_id, number, amount, currency) "
                           "SELECT id, owner_id, 'SO-L' || id, 3000000, 'CNY' FROM customers "
                           "WHERE id = " G_STRINGIFY (LEVELED_ID));
    if (PQresultStatus (result) != PGRES_COMMAND_OK)
      g_error ("Seeding a level failed: %s", PQerrorMessage (conn));
    PQclear (result);
    PQfinish (conn);
  }

  found = crm_test_ui_call (fixture->rep_token, "GET",
                            "/api/v1/customers?q=%E6%98%8E%E8%BF%9C", NULL, NULL, &status);
  items = json_object_get_array_member (json_node_get_object (found), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, N_NEEDLE);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (items, i), "id");
      g_autofree char *body = g_strdup_printf ("{\"customer_id\":%" G_GINT64_FORMAT ","
                                               "\"full_name\":\"王芳\",\"title\":\"采购经理\","
                                               "\"mobile\":\"1370000%04u\",\"is_primary\":true}",
                                               id, i);
      g_autoptr(JsonNode) contact = crm_test_ui_call (fixture->rep_token, "POST",
                                                      "/api/v1/contacts", body, NULL, &status);

      g_assert_cmpuint (status, ==, 201);
    }

  /* The contacts' custom fields, once the contacts above are in: one of them required. */
  for (guint i = 0; i < G_N_ELEMENTS (contact_fields); i++)
    {
      g_autoptr(JsonNode) field = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/fields",
                                                    contact_fields[i], NULL, &status);

      g_assert_cmpuint (status, ==, 201);
    }
}

/* The administrator's customers, older than the others: 100,000 of them. */
static void
seed_bulk (Fixture *fixture,
           gint64   owner_id)
{
  g_autofree char *owner = g_strdup_printf ("%" G_GINT64_FORMAT, owner_id);
  g_autofree char *count = g_strdup_printf ("%d", N_BULK);
  const char *params[] = { owner, count };
  PGconn *conn = crm_test_cluster_connect (fixture->cluster);
  PGresult *result;

  result = PQexecParams (conn,
                         "INSERT INTO customers (name, kind, city, industry, owner_id, created_at, "
                         "updated_at)\n"
                         "SELECT '苏州批量客户 ' || lpad (g::text, 6, '0'), 'company', '苏州市', "
                         "'批发零售', $1::bigint, now () - interval '30 days' - g * interval '1 s', "
                         "now () - interval '30 days' - g * interval '1 s'\n"
                         "FROM generate_series (1, $2::integer) g",
                         2, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("Seeding the bulk customers failed: %s", PQerrorMessage (conn));
  PQclear (result);
  /* Analysed, as autovacuum would soon after such an import: the count's estimate past
   * its cap is the planner's (server/API.md). */
  result = PQexec (conn, "ANALYZE customers");
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("Analysing the bulk customers failed: %s", PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

/* A customer of the administrator's with an order, in the recycle bin: orders keep their
 * customer, so it cannot be deleted for good. There is no /orders yet: straight in. */
static void
seed_ordered (Fixture *fixture,
              gint64   owner_id)
{
  g_autofree char *owner = g_strdup_printf ("%" G_GINT64_FORMAT, owner_id);
  const char *params[] = { owner };
  PGconn *conn = crm_test_cluster_connect (fixture->cluster);
  PGresult *result;

  result = PQexecParams (conn,
                         "WITH c AS (INSERT INTO customers (name, kind, owner_id, deleted_at)\n"
                         "           VALUES ('有订单的客户', 'company', $1::bigint, now ())\n"
                         "           RETURNING id),\n"
                         "     o AS (INSERT INTO orders (customer_id, owner_id, number, amount)\n"
                         "           SELECT id, $1::bigint, 'SO-' || id, 100 FROM c)\n"
                         "SELECT id FROM c",
                         1, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("Seeding a customer with an order failed: %s", PQerrorMessage (conn));
  fixture->ordered_id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);
}

static void
seed (Fixture *fixture)
{
  g_autoptr(JsonNode) team = NULL;
  g_autoptr(JsonNode) probe = NULL;
  guint status = 0;
  gint64 team_id;

  crm_test_server_create_user (fixture->server, "ada", "admin", PASSWORD);
  crm_test_server_create_user (fixture->server, "li", "sales_rep", PASSWORD);
  crm_test_server_create_user (fixture->server, "wang", "sales_manager", PASSWORD);
  fixture->admin_token = crm_test_server_sign_in (fixture->server, "ada", PASSWORD);

  team = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/teams",
                           "{\"name\":\"华东销售部\"}", NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  team_id = crm_test_json_get_int (team, "id");
  join_team (fixture, "li", team_id);
  join_team (fixture, "wang", team_id);
  fixture->rep_token = crm_test_server_sign_in (fixture->server, "li", PASSWORD);
  fixture->manager_token = crm_test_server_sign_in (fixture->server, "wang", PASSWORD);

  seed_customers (fixture, user_id (fixture, "li"));
  seed_extras (fixture);
  seed_bulk (fixture, user_id (fixture, "ada"));
  seed_ordered (fixture, user_id (fixture, "ada"));

  /* What the cases rely on: a count, the duplicate check and the batch edit answer. */
  probe = crm_test_ui_call (fixture->rep_token, "GET", "/api/v1/customers/count", NULL, NULL,
                            &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (crm_test_json_get_int (probe, "count"), ==, N_CUSTOMERS);
  g_clear_pointer (&probe, json_node_unref);
  probe = crm_test_ui_call (fixture->rep_token, "GET", "/api/v1/customers/duplicates?name=x", NULL,
                            NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&probe, json_node_unref);
  /* An empty batch is malformed (400), not an unknown route (404, 405). */
  probe = crm_test_ui_call (fixture->rep_token, "PATCH", "/api/v1/customers",
                            "{\"ids\":[],\"changes\":{}}", NULL, &status);
  g_assert_cmpuint (status, ==, 400);
}

/* --- driving the window -------------------------------------------------- */

#define template_child crm_test_ui_template_child

static gboolean
list_settled (Fixture *fixture)
{
  return g_strcmp0 (_crm_window_get_page_name (fixture->window), "signed-in") == 0
         && customer_list (fixture) != NULL
         && !_crm_customers_page_is_searching (customers_page (fixture))
         && crm_customer_list_get_total (customer_list (fixture)) >= 0;
}

static void
sign_in (Fixture    *fixture,
         const char *username)
{
  crm_test_ui_sign_in (fixture->window, username, PASSWORD);
  wait_until (fixture, NULL, list_settled, "the customer list");
}

/* Where the screenshot @shot of this case's language goes:
 * client-customers-SHOT[-SIZE][-LANGUAGE].png in the build directory. */
static char *
shot_path (Fixture    *fixture,
           const char *shot)
{
  const char *language = fixture->test_case->base.language;
  const char *size = fixture->test_case->size;
  g_autofree char *file_name = g_strdup_printf ("client-customers-%s%s%s%s%s.png", shot,
                                                size != NULL ? "-" : "",
                                                size != NULL ? size : "",
                                                language != NULL ? "-" : "",
                                                language != NULL ? language : "");

  return g_test_build_filename (G_TEST_BUILT, file_name, NULL);
}

static void
screenshot (Fixture    *fixture,
            GtkWidget  *window,
            const char *shot)
{
  g_autofree char *png = shot_path (fixture, shot);

  crm_test_ui_save_png (window != NULL ? window : GTK_WIDGET (fixture->window), NULL, png);
}

/* --- the steps ------------------------------------------------------------ */

static GtkColumnViewColumn *
name_column (Fixture *fixture)
{
  GListModel *columns = gtk_column_view_get_columns (
    _crm_customers_page_get_column_view (customers_page (fixture)));
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

  return column;
}

static gboolean
has_two_pages (Fixture *fixture)
{
  return crm_customer_list_get_n_loaded (customer_list (fixture)) >= 200
         && !crm_customer_list_get_loading (customer_list (fixture));
}

static void
check_list (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment;

  /* One page, not everything; the rest are placeholders. */
  g_assert_cmpuint (crm_customer_list_get_n_loaded (list), ==, 100);
  g_assert_true (crm_customer_list_get_has_more (list));
  {
    g_autoptr(CrmCustomer) last = NULL;

    g_assert_cmpint (crm_customer_list_get_total (list), ==, N_CUSTOMERS);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_CUSTOMERS);
    last = g_list_model_get_item (G_LIST_MODEL (list), N_CUSTOMERS - 1);
    g_assert_true (crm_customer_is_placeholder (last));
    g_assert_null (crm_customer_list_peek (list, N_CUSTOMERS - 1));
  }
  g_test_message ("Status line: %s", _crm_customers_page_get_status (customers_page (fixture)));
  /* In a small window the "Created" column makes room for the names; a laptop's shows it. */
  {
    GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
    g_autoptr(GtkColumnViewColumn) created = NULL;

    /* The last but the recycle bin's own, hidden here. */
    for (guint i = 0; created == NULL && i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        if (g_strcmp0 (gtk_column_view_column_get_title (column), C_("date", "Created")) == 0)
          created = g_steal_pointer (&column);
      }
    g_assert_nonnull (created);
    g_assert_true (gtk_column_view_column_get_visible (created)
                   == (fixture->test_case->size == NULL));
    g_assert_false (_crm_customers_page_column_is_shown (customers_page (fixture), "deleted"));
  }
  screenshot (fixture, NULL, "list");
  /* A sales rep has no recycle bin, so nothing to delete for good. */
  g_assert_false (gtk_widget_get_visible (crm_test_ui_template_child (
    customers_page (fixture), CRM_TYPE_CUSTOMERS_PAGE, "bin_button")));
  g_assert_false (gtk_widget_get_visible (crm_test_ui_template_child (
    customers_page (fixture), CRM_TYPE_CUSTOMERS_PAGE, "purge_button")));

  /* Scrolling to the end loads the next page. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_test_message ("Scrolling from %g to %g (page %g)", gtk_adjustment_get_value (adjustment),
                  gtk_adjustment_get_upper (adjustment), gtk_adjustment_get_page_size (adjustment));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  wait_until (fixture, NULL, has_two_pages, "the second page");
  gtk_adjustment_set_value (adjustment, 0);

  /* A click on a column header sorts on the server. */
  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), name_column (fixture),
                                  GTK_SORT_DESCENDING);
  g_assert_cmpstr (crm_customer_list_get_sort (list), ==, "-name");
  wait_until (fixture, NULL, list_settled, "the sorted list");
  {
    g_autoptr(CrmCustomer) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(CrmCustomer) second = g_list_model_get_item (G_LIST_MODEL (list), 1);

    g_assert_cmpint (g_utf8_collate (crm_customer_get_string (first, "name"),
                                     crm_customer_get_string (second, "name")), >=, 0);
  }
  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), NULL, GTK_SORT_ASCENDING);
  g_assert_null (crm_customer_list_get_sort (list));
  wait_until (fixture, NULL, list_settled, "the list in its default order");
}

static gboolean
list_loaded (Fixture *fixture)
{
  return !crm_customer_list_get_loading (customer_list (fixture));
}

/*
 * A server may cap its counts on large lists (10,000 for 100,000): the scroll bar then
 * spans the count, and reaching its end grows the list a page at a time, each page
 * asked for once, until the last page says there is no more.
 */
static void
check_capped_count (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  guint requests;

  _crm_customer_list_set_count_cap (list, 150);
  crm_customer_list_reload (list);
  wait_until (fixture, NULL, list_settled, "the list with a capped count");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 150);
  requests = _crm_customer_list_get_n_requests (list);
  for (guint i = 0; i < 10 && crm_customer_list_get_has_more (list); i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      wait_until (fixture, NULL, list_loaded, "the page at the end");
    }
  g_assert_false (crm_customer_list_get_has_more (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_CUSTOMERS);
  g_assert_cmpuint (crm_customer_list_get_n_loaded (list), ==, N_CUSTOMERS);
  g_assert_cmpuint (_crm_customer_list_get_n_requests (list) - requests, ==, 2);

  _crm_customer_list_set_count_cap (list, 0);
  gtk_adjustment_set_value (adjustment, 0);
  crm_customer_list_reload (list);
  wait_until (fixture, NULL, list_settled, "the list with its count");
}

/* The changes of the list's length: each at its end (rows before it keep their place). */
typedef struct
{
  guint n_items;
  guint not_at_end;   /* length changes that moved rows */
  guint shortest;     /* the least length seen */
  gboolean shrank;
} LengthLog;

static void
length_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         LengthLog  *log)
{
  if (removed != added && position + removed != log->n_items)
    log->not_at_end++;
  log->n_items = log->n_items - removed + added;
  log->shortest = MIN (log->shortest, log->n_items);
  log->shrank |= removed > added;
}

/* Whether the list's last row is in and the list knows it is the real end. */
static gboolean
at_real_end (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  return !crm_customer_list_get_loading (list) && n > 0
         && crm_customer_list_peek (list, n - 1) != NULL
         && !crm_customer_list_get_total_estimated (list)
         && !crm_customer_list_get_total_capped (list);
}

/*
 * Drags the scroll bar to its end, again while the list's end is not the real one (an
 * estimate too high shrinks the list to the real end, one too low grows it), and
 * checks the last row is the server's last, at its place; returns the drags it took.
 */
static guint
drag_to_real_end (Fixture    *fixture,
                  const char *token,
                  guint       max_drags)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  LengthLog log = { g_list_model_get_n_items (G_LIST_MODEL (list)), 0, G_MAXUINT, FALSE };
  g_autofree char *path = NULL;
  g_autofree char *query = crm_customer_list_dup_query (list);
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *items;
  gulong handler;
  guint status = 0;
  guint drags = 0;
  guint n;

  handler = g_signal_connect (list, "items-changed", G_CALLBACK (length_items_changed_cb), &log);
  while (drags < max_drags && !at_real_end (fixture))
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      wait_until (fixture, NULL, list_loaded, "the rows at the end");
      /* The view asks again for its rows once the list has a new length. */
      crm_test_ui_wait_frames (view, 2, "the rows at the new end");
      wait_until (fixture, NULL, list_loaded, "the rows at the new end");
      drags++;
    }
  g_signal_handler_disconnect (list, handler);
  g_assert_true (at_real_end (fixture));
  g_assert_cmpuint (log.not_at_end, ==, 0);
  /* A list that shrank from under the view (an estimate too high): the view at the new
   * end, not back at the top, where GTK's view goes when its first row on screen goes.
   * (A list that grew keeps the rows in view where they were.) */
  crm_test_ui_wait_frames (view, 2, "the view at the list's end");
  g_test_message ("View at %g + %g of %g, %u rows", gtk_adjustment_get_value (adjustment),
                  gtk_adjustment_get_page_size (adjustment), gtk_adjustment_get_upper (adjustment),
                  g_list_model_get_n_items (G_LIST_MODEL (list)));
  if (log.shrank)
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment)
                       + gtk_adjustment_get_page_size (adjustment),
                       >=, gtk_adjustment_get_upper (adjustment) - 1);

  /* The last row is the server's last. */
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpint (crm_customer_list_get_total (list), ==, n);
  path = g_strdup_printf ("/api/v1/customers?%s%slimit=2&offset=%u", query, *query ? "&" : "",
                          n - 1);
  reply = crm_test_ui_call (token, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (reply), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_true (json_node_is_null (json_object_get_member (json_node_get_object (reply), "next")));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "id"), ==,
                   crm_customer_get_id (crm_customer_list_peek (list, n - 1)));
  return drags;
}

/*
 * A server that caps its count estimates the rest (server/API.md): the scroll bar spans
 * the estimate, the status says "About …", and dragging the scroll bar to the end finds
 * the last customer, the list then as long as the real one, from an estimate too high
 * (the page past the end says how long the list is) and one too low (the list grows).
 */
static void
check_estimated_count (Fixture *fixture)
{
  /* Far too high (the page past the end says the length: one request, not one for each
   * page in between), and too low. */
  static const struct { guint estimate; const char *shown; } estimates[] = {
    { 2000, "2,000" }, { 240, "240" },
  };
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  gboolean chinese = fixture->test_case->base.language != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (estimates); i++)
    {
      g_autofree char *about = g_strdup_printf (chinese ? "约 %s 个客户" : "About %s customers",
                                                estimates[i].shown);
      g_autofree char *exact = g_strdup_printf (chinese ? "共 %u 个客户" : "%u customers",
                                                N_CUSTOMERS);
      guint drags, requests;

      _crm_customer_list_set_count_cap (list, 150);
      _crm_customer_list_set_count_estimate (list, estimates[i].estimate);
      gtk_adjustment_set_value (adjustment, 0);
      crm_customer_list_reload (list);
      wait_until (fixture, NULL, list_settled, "the list with an estimated count");
      g_assert_true (crm_customer_list_get_total_estimated (list));
      g_assert_false (crm_customer_list_get_total_capped (list));
      g_assert_cmpint (crm_customer_list_get_total (list), ==, estimates[i].estimate);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, estimates[i].estimate);
      g_test_message ("Status line: %s", _crm_customers_page_get_status (customers_page (fixture)));
      g_assert_nonnull (strstr (_crm_customers_page_get_status (customers_page (fixture)), about));
      if (i == 0)
        screenshot (fixture, NULL, "estimated");

      requests = _crm_customer_list_get_n_requests (list);
      drags = drag_to_real_end (fixture, fixture->rep_token, 6);
      requests = _crm_customer_list_get_n_requests (list) - requests;
      g_printerr ("# estimate %u: the real end (%u) after %u drags, %u page requests\n",
                  estimates[i].estimate, N_CUSTOMERS, drags, requests);
      g_assert_cmpuint (requests, <=, 2 + 3 * drags);
      if (i == 0)
        screenshot (fixture, NULL, "estimated-end");
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_CUSTOMERS);
      g_assert_nonnull (strstr (_crm_customers_page_get_status (customers_page (fixture)), exact));
      g_assert_null (strstr (_crm_customers_page_get_status (customers_page (fixture)), "+"));
    }

  _crm_customer_list_set_count_cap (list, 0);
  _crm_customer_list_set_count_estimate (list, 0);
  gtk_adjustment_set_value (adjustment, 0);
  crm_customer_list_reload (list);
  wait_until (fixture, NULL, list_settled, "the list with its count");
}

static GtkWidget *find_label (GtkWidget  *widget,
                              const char *text);

static gboolean
search_settled (Fixture *fixture)
{
  return !_crm_customers_page_is_searching (customers_page (fixture))
         && g_strcmp0 (crm_customer_list_get_q (customer_list (fixture)), NEEDLE) == 0;
}

static void
check_search (Fixture *fixture)
{
  GListModel *list = G_LIST_MODEL (customer_list (fixture));
  GtkSearchEntry *entry = _crm_customers_page_get_search_entry (customers_page (fixture));

  gtk_editable_set_text (GTK_EDITABLE (entry), NEEDLE);
  wait_until (fixture, NULL, search_settled, "the search");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_NEEDLE);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(CrmCustomer) customer = g_list_model_get_item (list, i);

      g_assert_nonnull (strstr (crm_customer_get_string (customer, "name"), NEEDLE));
    }
  screenshot (fixture, NULL, "search");
  /* Mobile numbers in the groups they are read in: "139 1000 0277", not "13910000277". */
  {
    g_autoptr(CrmCustomer) first = g_list_model_get_item (list, 0);
    const char *mobile = crm_customer_get_string (first, "mobile");
    g_autofree char *shown = crm_format_phone (mobile);
    GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));

    g_assert_cmpuint (strlen (mobile), ==, 11);
    g_assert_nonnull (find_label (view, shown));
    g_assert_null (find_label (view, mobile));
  }
}

/* Nothing of the seed has this in a name, a contact, a phone number or an e-mail. */
#define NO_MATCH "青岛海鸥"

static gboolean
no_match_settled (Fixture *fixture)
{
  return !_crm_customers_page_is_searching (customers_page (fixture))
         && g_strcmp0 (crm_customer_list_get_q (customer_list (fixture)), NO_MATCH) == 0;
}

static gboolean
search_cleared (Fixture *fixture)
{
  return !_crm_customers_page_is_searching (customers_page (fixture))
         && crm_customer_list_get_q (customer_list (fixture)) == NULL
         && g_list_model_get_n_items (G_LIST_MODEL (customer_list (fixture))) > 0;
}

/* A search that finds nothing says so, with what was typed and what to try, and offers
 * to clear the search; an empty list is never just blank. */
static void
check_search_without_matches (Fixture *fixture)
{
  CrmCustomersPage *page = customers_page (fixture);
  GtkSearchEntry *entry = _crm_customers_page_get_search_entry (page);
  AdwStatusPage *empty = template_child (page, CRM_TYPE_CUSTOMERS_PAGE, "empty_page");
  GtkButton *button = template_child (page, CRM_TYPE_CUSTOMERS_PAGE, "empty_button");

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (empty)));
  gtk_editable_set_text (GTK_EDITABLE (entry), NO_MATCH);
  wait_until (fixture, NULL, no_match_settled, "the search without matches");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (customer_list (fixture))), ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (empty)));
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, _("No Matching Customers"));
  g_assert_nonnull (strstr (adw_status_page_get_description (empty), NO_MATCH));
  g_assert_cmpstr (gtk_button_get_label (button), ==, _("_Clear Search"));
  screenshot (fixture, NULL, "search-empty");

  g_signal_emit_by_name (button, "clicked");
  wait_until (fixture, NULL, search_cleared, "the list after clearing the search");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (empty)));
}

static gboolean
customer_loaded (Fixture *fixture)
{
  return g_strcmp0 (_crm_customers_page_get_visible (customers_page (fixture)), "customer") == 0
         && !crm_customer_page_get_busy (customer_page (fixture))
         && crm_customer_page_get_customer (customer_page (fixture)) != NULL;
}

/* The customer page names its owner (li, the signed-in rep) under the details' heading,
 * once the user names are in. */
static gboolean
owner_shown (Fixture *fixture)
{
  AdwPreferencesGroup *details = template_child (customer_page (fixture), CRM_TYPE_CUSTOMER_PAGE,
                                                 "details_group");
  const char *summary = adw_preferences_group_get_description (details);
  g_autofree char *owner = g_strdup_printf (_("Owner: %s"), "li");

  return summary != NULL && strstr (summary, owner) != NULL;
}

static gboolean
always (Fixture *fixture)
{
  return TRUE;
}

/* The label that reads @text under @widget, or NULL; in the customer list, the cells that
 * show text are GtkInscriptions. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  return crm_test_ui_find_label (widget, text);
}

/* The message label (class "error") beside a form row, or NULL. */
static GtkLabel *
find_message (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error"))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_message (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The message beside @row shows, and whole: a message cut short ("Enter an e-mail address
 * su…") does not say what to do. */
static void
assert_message_whole (GtkWidget *row)
{
  GtkLabel *message = find_message (row);

  g_assert_nonnull (message);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), !=, "");
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (message)));
}

/* The filters and the saved views, open as a user opens them, for the screenshots; with
 * no saved view yet, the views say so. */
static void
check_popovers (Fixture *fixture)
{
  static const char * const buttons[] = { "filter_button", "views_button" };
  static const char * const shots[] = { "filters", "views" };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkMenuButton *button = crm_test_ui_template_child (customers_page (fixture),
                                                          CRM_TYPE_CUSTOMERS_PAGE, buttons[i]);
      GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (button));
      g_autofree char *png = shot_path (fixture, shots[i]);

      gtk_menu_button_popup (button);
      wait_until (fixture, popover, always, shots[i]);
      g_assert_true (gtk_widget_get_mapped (popover));
      if (g_str_equal (shots[i], "views"))
        {
          GtkWidget *none = find_label (popover, _("No saved views"));

          g_assert_nonnull (none);
          g_assert_true (gtk_widget_get_mapped (none));
        }
      crm_test_ui_save_png (GTK_WIDGET (fixture->window), popover, png);
      gtk_menu_button_popdown (button);
      wait_until (fixture, NULL, list_settled, "the list after the popover");
    }
}

/* The chip texts of every row on screen that shows tags, one string per row. */
static void
collect_chip_rows (GtkWidget *widget,
                   GPtrArray *rows)
{
  if (CRM_IS_TAG_CHIPS (widget))
    {
      CrmTagChips *chips = CRM_TAG_CHIPS (widget);
      guint shown = _crm_tag_chips_get_n_shown (chips);
      g_autoptr(GString) text = g_string_new (NULL);

      /* "+N" after the chips, with the names it stands for: "|+3 (老客户; 重点客户; 样品)". */
      for (guint i = 0; i < shown; i++)
        g_string_append_printf (text, "%s%s", text->len > 0 ? "|" : "",
                                _crm_tag_chips_get_name (chips, i));
      if (_crm_tag_chips_get_more (chips) != NULL)
        {
          g_string_append_printf (text, "|%s (", _crm_tag_chips_get_more (chips));
          for (guint i = shown; i < _crm_tag_chips_get_n_chips (chips); i++)
            g_string_append_printf (text, "%s%s", i > shown ? "; " : "",
                                    _crm_tag_chips_get_name (chips, i));
          g_string_append (text, ")");
        }
      if (text->len > 0)
        g_ptr_array_add (rows, g_string_free (g_steal_pointer (&text), FALSE));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_chip_rows (child, rows);
}

/* Rows with the same tags show their chips in the same order, by the tags' names, whatever
 * order the tags were added in. */
static void
check_tag_chips (Fixture *fixture)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  guint with_both = 0;
  guint with_six = 0;

  collect_chip_rows (view, rows);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      g_auto(GStrv) chips = g_strsplit (g_ptr_array_index (rows, i), "|", -1);
      guint n = g_strv_length (chips);
      gboolean has_more = n > 0 && g_str_has_prefix (chips[n - 1], "+");

      /* The chips the cell has room for, then "+N" naming the N others, none of them
       * twice; the customer with six tags has them all. */
      if (has_more)
        {
          static const char * const all[] = { "华东", "样品", "待回访", "老客户", "展会", "重点客户" };
          const char *open = strchr (chips[n - 1], '(');
          g_autofree char *inside = NULL;
          g_auto(GStrv) hidden = NULL;
          guint count;

          g_test_message ("tags of a row with more: %s", (char *) g_ptr_array_index (rows, i));
          g_assert_nonnull (open);
          g_assert_true (g_str_has_suffix (open, ")"));
          inside = g_strndup (open + 1, strlen (open + 1) - 1);
          hidden = g_strsplit (inside, "; ", -1);
          count = (guint) g_ascii_strtoull (chips[n - 1] + 1, NULL, 10);
          g_assert_cmpuint (count, ==, g_strv_length (hidden));
          g_assert_cmpuint (n, >=, 2);
          for (guint k = 0; hidden[k] != NULL; k++)
            for (guint j = 0; j + 1 < n; j++)
              g_assert_cmpstr (chips[j], !=, hidden[k]);
          if (n - 1 + count == G_N_ELEMENTS (all))
            {
              for (guint k = 0; k < G_N_ELEMENTS (all); k++)
                g_assert_cmpuint ((g_strv_contains ((const char * const *) chips, all[k]) ? 1 : 0)
                                  + (g_strv_contains ((const char * const *) hidden, all[k])
                                     ? 1 : 0), ==, 1);
              with_six++;
            }
          g_free (chips[n - 1]);
          chips[n - 1] = NULL;
        }
      for (guint j = 1; chips[j] != NULL; j++)
        g_assert_cmpint (g_utf8_collate (chips[j - 1], chips[j]), <=, 0);
      if (!has_more && g_strv_length (chips) == 2)
        {
          g_assert_cmpstr (g_ptr_array_index (rows, i), ==, "展会|重点客户");
          with_both++;
        }
    }
  g_assert_cmpuint (with_both, >=, 2);
  g_assert_cmpuint (with_six, ==, 1);
}

static GtkWidget *
filter_widget (Fixture    *fixture,
               const char *key)
{
  GtkWidget *widget = _crm_customers_page_get_filter_widget (customers_page (fixture), key);

  g_assert_nonnull (widget);
  return widget;
}

/* Types @text into the text filter @key and presses Enter. */
static void
type_filter (Fixture    *fixture,
             const char *key,
             const char *text)
{
  GtkWidget *entry = filter_widget (fixture, key);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "activate");
  wait_until (fixture, NULL, list_settled, "the filtered list");
}

/* How many customers the rep's list has with @query, as the server counts them. */
static gint64
server_count (Fixture    *fixture,
              const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/count?%s", query);
  g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->rep_token, "GET", path, NULL, NULL, NULL);

  return crm_test_json_get_int (reply, "count");
}

static void
open_filters_and_shoot (Fixture    *fixture,
                        const char *shot)
{
  GtkMenuButton *button = crm_test_ui_template_child (customers_page (fixture),
                                                      CRM_TYPE_CUSTOMERS_PAGE, "filter_button");
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (button));
  g_autofree char *png = shot_path (fixture, shot);

  gtk_menu_button_popup (button);
  wait_until (fixture, popover, always, shot);
  crm_test_ui_save_png (GTK_WIDGET (fixture->window), popover, png);
  gtk_menu_button_popdown (button);
  wait_until (fixture, NULL, list_settled, "the list after the popover");
}

static gboolean
filter_values_loaded (Fixture *fixture)
{
  GtkDropDown *level = GTK_DROP_DOWN (filter_widget (fixture, "level"));
  GtkDropDown *industry = GTK_DROP_DOWN (filter_widget (fixture, "industry"));

  return g_list_model_get_n_items (gtk_drop_down_get_model (level)) > 1
         && g_list_model_get_n_items (gtk_drop_down_get_model (industry)) > 1;
}

/* The position of @value in a filter drop-down's list, or -1. */
static int
drop_down_find (GtkDropDown *drop_down,
                const char  *value)
{
  GListModel *names = gtk_drop_down_get_model (drop_down);

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) name = g_list_model_get_item (names, i);

      if (g_str_equal (gtk_string_object_get_string (name), value))
        return (int) i;
    }
  return -1;
}

/*
 * Level and industry are chosen from lists: the levels of the level rules, and the
 * industries of the customers the rep may see (not the administrator's own), most common
 * first; the industry list opens with a search.
 */
static void
check_value_filters (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkDropDown *level = GTK_DROP_DOWN (filter_widget (fixture, "level"));
  GtkDropDown *industry = GTK_DROP_DOWN (filter_widget (fixture, "industry"));
  GtkMenuButton *button = crm_test_ui_template_child (customers_page (fixture),
                                                      CRM_TYPE_CUSTOMERS_PAGE, "filter_button");
  g_autofree char *png = shot_path (fixture, "filter-industries");
  g_autofree char *query = NULL;
  GtkWidget *choices;
  int position;

  wait_until (fixture, NULL, filter_values_loaded, "the levels and industries");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (level)), ==, 4);
  g_assert_cmpint (drop_down_find (level, _("Any level")), ==, 0);
  g_assert_cmpint (drop_down_find (level, _("No level")), ==, 1);
  g_assert_cmpint (drop_down_find (level, "VIP"), ==, 2);
  g_assert_cmpint (drop_down_find (level, "重要"), ==, 3);
  g_assert_cmpint (drop_down_find (industry, _("Any industry")), ==, 0);
  g_assert_cmpint (drop_down_find (industry, "制造业"), >, 0);
  g_assert_cmpint (drop_down_find (industry, "批发零售"), >, 0);
  g_assert_cmpint (drop_down_find (industry, ADMIN_INDUSTRY), ==, -1);
  g_assert_true (gtk_drop_down_get_enable_search (industry));

  /* The industry list open, for the screenshot */
  gtk_menu_button_popup (button);
  wait_until (fixture, GTK_WIDGET (gtk_menu_button_get_popover (button)), always, "the filters");
  g_signal_emit_by_name (industry, "activate");
  choices = crm_test_ui_find_descendant (GTK_WIDGET (industry), GTK_TYPE_POPOVER);
  g_assert_nonnull (choices);
  wait_until (fixture, choices, always, "the industries");
  g_assert_true (gtk_widget_get_mapped (choices));
  crm_test_ui_save_png (GTK_WIDGET (fixture->window), choices, png);
  gtk_popover_popdown (GTK_POPOVER (choices));
  gtk_menu_button_popdown (button);
  wait_until (fixture, NULL, list_settled, "the list after the industries");

  /* A level no customer has yet: nothing, as the server counts it */
  gtk_drop_down_set_selected (level, 2);
  wait_until (fixture, NULL, list_settled, "the VIP customers");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "level"), ==, "VIP");
  query = crm_customer_list_dup_query (list);
  g_assert_cmpint (crm_customer_list_get_total (list), ==, server_count (fixture, query));
  g_clear_pointer (&query, g_free);
  gtk_drop_down_set_selected (level, 0);
  wait_until (fixture, NULL, list_settled, "any level");
  g_assert_null (crm_customer_list_get_filter (list, "level"));

  /* A level one customer has, and no level: every customer but that one */
  {
    gint64 all = crm_customer_list_get_total (list);

    gtk_drop_down_set_selected (level, 3);
    wait_until (fixture, NULL, list_settled, "the important customers");
    g_assert_cmpint (crm_customer_list_get_total (list), ==, 1);
    g_assert_cmpint (crm_customer_get_id (crm_customer_list_peek (list, 0)), ==, LEVELED_ID);
    gtk_drop_down_set_selected (level, 1);
    wait_until (fixture, NULL, list_settled, "the customers without a level");
    g_assert_cmpstr (crm_customer_list_get_filter (list, "level"), ==, "none");
    query = crm_customer_list_dup_query (list);
    g_assert_nonnull (strstr (query, "level=none"));
    g_assert_cmpint (crm_customer_list_get_total (list), ==, server_count (fixture, query));
    g_assert_cmpint (crm_customer_list_get_total (list), ==, all - 1);
    g_clear_pointer (&query, g_free);
    for (guint i = 0; i < crm_customer_list_get_n_loaded (list); i++)
      g_assert_null (crm_customer_get_string (crm_customer_list_peek (list, i), "level"));
    open_filters_and_shoot (fixture, "filter-no-level");
    gtk_drop_down_set_selected (level, 0);
    wait_until (fixture, NULL, list_settled, "any level again");
  }

  /* An industry: exactly its customers */
  position = drop_down_find (industry, "制造业");
  gtk_drop_down_set_selected (industry, (guint) position);
  wait_until (fixture, NULL, list_settled, "the manufacturers");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "industry"), ==, "制造业");
  query = crm_customer_list_dup_query (list);
  g_assert_nonnull (strstr (query, "industry=%E5%88%B6%E9%80%A0%E4%B8%9A"));
  g_assert_cmpint (crm_customer_list_get_total (list), ==, server_count (fixture, query));
  g_assert_cmpint (crm_customer_list_get_total (list), >, 0);
  for (guint i = 0; i < crm_customer_list_get_n_loaded (list); i++)
    g_assert_cmpstr (crm_customer_get_string (crm_customer_list_peek (list, i), "industry"), ==,
                     "制造业");
  gtk_drop_down_set_selected (industry, 0);
  wait_until (fixture, NULL, list_settled, "any industry");
  g_assert_null (crm_customer_list_get_filter (list, "industry"));
}

/* Every filter of the issue from the popover: region, created and updated ranges (a date
 * that is not one is said so, in the user's language, and not sent), owner; then a saved
 * view brings them back. */
static void
check_filters (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  CrmCustomersPage *page = customers_page (fixture);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *query = NULL;
  GtkMenuButton *views_button;
  GtkWidget *views;
  GtkWidget *name_entry;
  GtkListBox *views_list;
  const char *message;

  gtk_editable_set_text (GTK_EDITABLE (_crm_customers_page_get_search_entry (page)), "");
  wait_until (fixture, NULL, list_settled, "the list without a search");

  check_value_filters (fixture);

  /* Region */
  type_filter (fixture, "city", "杭州市");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "city"), ==, "杭州市");
  g_assert_cmpint (crm_customer_list_get_total (list), ==,
                   server_count (fixture, "city=%E6%9D%AD%E5%B7%9E%E5%B8%82"));
  g_assert_cmpint (crm_customer_list_get_total (list), >, 0);
  for (guint i = 0; i < crm_customer_list_get_n_loaded (list); i++)
    g_assert_cmpstr (crm_customer_get_string (crm_customer_list_peek (list, i), "city"), ==,
                     "杭州市");

  /* Not a date: marked, said why, not sent */
  type_filter (fixture, "created_from", "2026-13-45");
  g_assert_true (gtk_widget_has_css_class (filter_widget (fixture, "created_from"), "error"));
  message = _crm_customers_page_get_date_message (page);
  g_assert_nonnull (message);
  g_test_message ("A wrong date: %s", message);
  if (fixture->test_case->base.language != NULL)
    g_assert_false (g_str_is_ascii (message));
  g_assert_null (crm_customer_list_get_filter (list, "created_from"));
  open_filters_and_shoot (fixture, "filters-invalid");

  /* Created today, updated up to today (in any form the validator reads) */
  type_filter (fixture, "created_from", today);
  g_assert_false (gtk_widget_has_css_class (filter_widget (fixture, "created_from"), "error"));
  g_assert_null (_crm_customers_page_get_date_message (page));
  g_assert_cmpstr (crm_customer_list_get_filter (list, "created_from"), ==, today);
  type_filter (fixture, "updated_to", "2999年1月1日");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "updated_to"), ==, "2999-01-01");
  query = g_strdup_printf ("city=%%E6%%9D%%AD%%E5%%B7%%9E%%E5%%B8%%82&created_from=%s"
                           "&updated_to=2999-01-01", today);
  g_assert_cmpint (crm_customer_list_get_total (list), ==, server_count (fixture, query));

  /* Industry, kept in the saved view */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter_widget (fixture, "industry")),
                              (guint) drop_down_find (GTK_DROP_DOWN (filter_widget (fixture,
                                                                                  "industry")),
                                                      "制造业"));
  wait_until (fixture, NULL, list_settled, "the manufacturers of Hangzhou");

  /* No level, kept in the saved view */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter_widget (fixture, "level")), 1);
  wait_until (fixture, NULL, list_settled, "the manufacturers of Hangzhou without a level");

  /* Owner: the rep sees "Anyone" and "Me" */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter_widget (fixture, "owner_id")), 1);
  wait_until (fixture, NULL, list_settled, "the rep's own customers");
  g_assert_nonnull (crm_customer_list_get_filter (list, "owner_id"));
  open_filters_and_shoot (fixture, "filters-set");

  /* Saved as a view, cleared, the view applied: all of them back */
  views_button = crm_test_ui_template_child (page, CRM_TYPE_CUSTOMERS_PAGE, "views_button");
  views = GTK_WIDGET (gtk_menu_button_get_popover (views_button));
  gtk_menu_button_popup (views_button);
  wait_until (fixture, views, always, "the views popover");
  name_entry = crm_test_ui_find_descendant (views, GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (name_entry), "杭州 new");
  g_signal_emit_by_name (name_entry, "activate");
  views_list = GTK_LIST_BOX (crm_test_ui_find_descendant (views, GTK_TYPE_LIST_BOX));
  g_assert_nonnull (gtk_list_box_get_row_at_index (views_list, 0));
  gtk_menu_button_popdown (views_button);
  crm_customer_list_clear_filters (list);
  wait_until (fixture, NULL, list_settled, "the list without filters");
  g_assert_cmpuint (crm_customer_list_get_n_filters (list), ==, 0);
  gtk_menu_button_popup (views_button);
  wait_until (fixture, views, always, "the views popover again");
  g_signal_emit_by_name (views_list, "row-activated", gtk_list_box_get_row_at_index (views_list, 0));
  wait_until (fixture, NULL, list_settled, "the saved view");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "city"), ==, "杭州市");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "created_from"), ==, today);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (filter_widget (fixture, "city"))), ==,
                   "杭州市");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (filter_widget (fixture,
                                                                              "owner_id"))),
                    ==, 1);
  g_assert_cmpstr (crm_customer_list_get_filter (list, "industry"), ==, "制造业");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "level"), ==, "none");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (filter_widget (fixture, "level"))),
                    ==, 1);
  {
    GtkStringObject *chosen = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (
                                filter_widget (fixture, "industry")));

    g_assert_cmpstr (gtk_string_object_get_string (chosen), ==, "制造业");
  }

  /* Cleared again for the steps after, as a user clears them */
  gtk_menu_button_popdown (views_button);
  type_filter (fixture, "city", "");
  type_filter (fixture, "created_from", "");
  type_filter (fixture, "updated_to", "");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter_widget (fixture, "owner_id")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter_widget (fixture, "industry")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter_widget (fixture, "level")), 0);
  wait_until (fixture, NULL, list_settled, "the list without filters again");
  g_assert_cmpuint (crm_customer_list_get_n_filters (list), ==, 0);

  /* A view sorted by name: applied, the list and the Name header sort by name again */
  {
    GtkColumnView *view = _crm_customers_page_get_column_view (page);
    g_autofree char *header = NULL;
    GtkWidget *label;

    gtk_column_view_sort_by_column (view, name_column (fixture), GTK_SORT_ASCENDING);
    wait_until (fixture, NULL, list_settled, "the list by name");
    g_assert_cmpstr (crm_customer_list_get_sort (list), ==, "name");
    gtk_menu_button_popup (views_button);
    wait_until (fixture, views, always, "the views popover for a sorted view");
    gtk_editable_set_text (GTK_EDITABLE (name_entry), "按名称");
    g_signal_emit_by_name (name_entry, "activate");
    gtk_menu_button_popdown (views_button);
    gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
    wait_until (fixture, NULL, list_settled, "the list in the default order");
    g_assert_null (crm_customer_list_get_sort (list));
    gtk_menu_button_popup (views_button);
    wait_until (fixture, views, always, "the views popover with the sorted view");
    label = find_label (GTK_WIDGET (views_list), "按名称");
    g_assert_nonnull (label);
    g_signal_emit_by_name (views_list, "row-activated",
                           gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW));
    wait_until (fixture, NULL, list_settled, "the view sorted by name");
    g_assert_cmpstr (crm_customer_list_get_sort (list), ==, "name");
    header = _crm_customers_page_dup_header_sort (page);
    g_assert_cmpstr (header, ==, "name");
    gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
    wait_until (fixture, NULL, list_settled, "the default order again");
    g_assert_null (crm_customer_list_get_sort (list));
  }

  /* The search the steps after start from */
  gtk_editable_set_text (GTK_EDITABLE (_crm_customers_page_get_search_entry (page)), NEEDLE);
  wait_until (fixture, NULL, search_settled, "the search again");
}

static gboolean
has_contacts (Fixture *fixture)
{
  return _crm_customer_page_get_n_contacts (customer_page (fixture)) > 0;
}

static gboolean back_at_list (Fixture *fixture);

static gboolean
customer_saved (Fixture *fixture)
{
  return !crm_customer_page_get_busy (customer_page (fixture));
}

static gboolean
conflict_shown (Fixture *fixture)
{
  return _crm_customer_page_get_conflict_dialog (customer_page (fixture)) != NULL
         && !crm_customer_page_get_busy (customer_page (fixture));
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

/* Customer @id as the server has it, read by the rep. */
static JsonNode *
server_record (Fixture *fixture,
               gint64   id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);

  return crm_test_ui_call (fixture->rep_token, "GET", path, NULL, NULL, NULL);
}

static char *
server_field (Fixture    *fixture,
              gint64      id,
              const char *field)
{
  g_autoptr(JsonNode) record = server_record (fixture, id);

  return g_strdup (crm_test_json_get_string (record, field));
}

/* Scrolls the customer page so that @widget is @above pixels below its top, saves the
 * screenshot @shot, and scrolls back. */
static void
screenshot_scrolled_to (Fixture    *fixture,
                        GtkWidget  *widget,
                        double      above,
                        const char *shot)
{
  GtkWidget *scrolled = crm_test_ui_find_descendant (GTK_WIDGET (customer_page (fixture)),
                                                     GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (scrolled));
  graphene_rect_t bounds;

  wait_until (fixture, NULL, always, "the customer page's layout");
  g_assert_true (gtk_widget_compute_bounds (widget, gtk_scrolled_window_get_child (
                                              GTK_SCROLLED_WINDOW (scrolled)), &bounds));
  /* The bounds are within the viewport, as it is scrolled now. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment)
                                        + bounds.origin.y - above);
  wait_until (fixture, NULL, always, "the widget in sight");
  screenshot (fixture, NULL, shot);
  gtk_adjustment_set_value (adjustment, 0);
}

static void
scroll_page_to_end (Fixture    *fixture,
                    const char *shot)
{
  GtkWidget *scrolled = crm_test_ui_find_descendant (GTK_WIDGET (customer_page (fixture)),
                                                     GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  wait_until (fixture, NULL, always, "the customer page's layout");
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  wait_until (fixture, NULL, always, "the end of the customer page");
  screenshot (fixture, NULL, shot);
  gtk_adjustment_set_value (adjustment, 0);
}

static gboolean
dialog_open (Fixture *fixture)
{
  return _crm_customer_page_get_dialog (customer_page (fixture)) != NULL
         && !crm_customer_page_get_busy (customer_page (fixture));
}

/* What a click on the dialog's @response button does. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static gint64
tag_id (Fixture    *fixture,
        const char *name)
{
  g_autoptr(JsonNode) tags = crm_test_ui_call (fixture->rep_token, "GET", "/api/v1/tags", NULL,
                                               NULL, NULL);
  JsonArray *items = json_object_get_array_member (json_node_get_object (tags), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *tag = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (tag, "name"), name))
        return json_object_get_int_member (tag, "id");
    }
  g_error ("No tag %s", name);
  return 0;
}

static gboolean
customer_has_tag (Fixture *fixture,
                  gint64   id,
                  gint64   tag)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
  g_autoptr(JsonNode) record = crm_test_ui_call (fixture->rep_token, "GET", path, NULL, NULL, NULL);
  JsonArray *tags = json_object_get_array_member (json_node_get_object (record), "tags");

  for (guint i = 0; i < json_array_get_length (tags); i++)
    if (json_array_get_int_element (tags, i) == tag)
      return TRUE;
  return FALSE;
}

/* The customer's contacts on the server: the one named @name. */
static JsonNode *
server_contact (Fixture    *fixture,
                gint64      customer,
                const char *name)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/contacts?customer_id=%" G_GINT64_FORMAT,
                                           customer);
  g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->rep_token, "GET", path, NULL, NULL, NULL);
  JsonArray *items = json_object_get_array_member (json_node_get_object (reply), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (items, i),
                                                    "full_name"), name))
      return json_node_ref (json_array_get_element (items, i));
  return NULL;
}

/* The check button of @option in a multiple-choice @row. */
static GtkCheckButton *
choice_check_in_row (GtkWidget  *row,
                     const char *option)
{
  GtkWidget *check;

  g_assert_nonnull (row);
  g_assert_null (crm_test_ui_find_descendant (row, GTK_TYPE_EDITABLE));
  check = find_label (row, option);
  g_assert_nonnull (check);
  check = gtk_widget_get_ancestor (check, GTK_TYPE_CHECK_BUTTON);
  g_assert_nonnull (check);
  return GTK_CHECK_BUTTON (check);
}

/* Tags, contacts and a follow-up from the customer page, each saved at once;
 * the timeline reads them back in words. */
static void
check_page_actions (Fixture *fixture,
                    gint64   id)
{
  CrmCustomerPage *page = customer_page (fixture);
  gboolean zh = fixture->test_case->base.language != NULL;
  const char *contact_name = zh ? "李雷" : "韩梅梅";
  gint64 vip = tag_id (fixture, "重点客户");
  gint64 fair = tag_id (fixture, "展会");
  g_autoptr(JsonNode) contact = NULL;
  g_autofree char *timeline = NULL;
  g_autofree char *contacts = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *followed = NULL;
  AdwMessageDialog *dialog;
  gint64 contact_id;

  /* A sales rep may not delete customers: no button that could only fail. */
  g_assert_false (gtk_widget_get_visible (template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                          "delete_button")));
  g_assert_true (gtk_widget_get_visible (template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                         "follow_up_button")));

  /* Tags: added and removed with the chips, at once on the server. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.add-tag", "x", vip));
  wait_until (fixture, NULL, customer_saved, "adding a tag");
  g_assert_true (customer_has_tag (fixture, id, vip));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.add-tag", "x", fair));
  wait_until (fixture, NULL, customer_saved, "adding a second tag");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.remove-tag", "x", vip));
  wait_until (fixture, NULL, customer_saved, "removing a tag");
  g_assert_false (customer_has_tag (fixture, id, vip));
  g_assert_true (customer_has_tag (fixture, id, fair));

  /* A new contact, with a mobile the server normalises. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.add-contact", NULL));
  wait_until (fixture, NULL, dialog_open, "the contact dialog");
  dialog = _crm_customer_page_get_dialog (page);
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "full_name")),
                         contact_name);
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "mobile")),
                         zh ? "+86 138-0013-8001" : "+86 138-0013-8002");
  /* The contacts' custom fields of /fields, checked as the server checks them: while the
   * required one is empty or the date is no date, the dialog cannot be accepted. */
  g_assert_true (ADW_IS_ENTRY_ROW (crm_form_dialog_get_row (dialog, "custom.wechat")));
  g_assert_true (gtk_widget_has_css_class (crm_form_dialog_get_row (dialog, "custom.wechat"),
                                           "error"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "custom.wechat")),
                         zh ? "wx_lilei" : "wx_hanmeimei");
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "custom.birthday")),
                         "1990-02-30");
  g_assert_true (gtk_widget_has_css_class (crm_form_dialog_get_row (dialog, "custom.birthday"),
                                           "error"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  wait_until (fixture, GTK_WIDGET (dialog), always, "the contact dialog's messages");
  screenshot (fixture, GTK_WIDGET (dialog), "contact-fields-invalid");
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "custom.birthday")),
                         "1990-02-14");
  gtk_check_button_set_active (choice_check_in_row (crm_form_dialog_get_row (dialog,
                                                                             "custom.reach"),
                                                    "微信, 短信"), TRUE);
  g_assert_false (gtk_widget_has_css_class (crm_form_dialog_get_row (dialog, "custom.wechat"),
                                            "error"));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "accept"));
  wait_until (fixture, GTK_WIDGET (dialog), always, "the filled contact dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "contact");
  respond (dialog, "accept");
  wait_until (fixture, NULL, customer_saved, "the new contact");
  contact = server_contact (fixture, id, contact_name);
  g_assert_nonnull (contact);
  g_assert_cmpstr (crm_test_json_get_string (contact, "mobile"), ==,
                   zh ? "13800138001" : "13800138002");
  {
    JsonObject *custom = json_object_get_object_member (json_node_get_object (contact),
                                                        "custom");
    JsonArray *reach = json_object_get_array_member (custom, "reach");

    g_assert_cmpstr (json_object_get_string_member (custom, "wechat"), ==,
                     zh ? "wx_lilei" : "wx_hanmeimei");
    g_assert_cmpstr (json_object_get_string_member (custom, "birthday"), ==, "1990-02-14");
    g_assert_cmpuint (json_array_get_length (reach), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (reach, 0), ==, "微信, 短信");
  }
  contact_id = crm_test_json_get_int (contact, "id");
  contacts = _crm_customer_page_dup_contacts_text (page);
  g_assert_nonnull (strstr (contacts, contact_name));
  /* Its custom values on its row. */
  {
    g_autofree char *wechat = g_strdup_printf (_("%s: %s"), "微信号 WeChat ID",
                                               zh ? "wx_lilei" : "wx_hanmeimei");
    g_autofree char *reach = g_strdup_printf (_("%s: %s"), "联系方式 Reach by", "微信, 短信");

    g_test_message ("Contacts:\n%s", contacts);
    g_assert_nonnull (strstr (contacts, wechat));
    g_assert_nonnull (strstr (contacts, reach));
    screenshot_scrolled_to (fixture, template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                     "contacts_list"), 200, "contacts-custom");
  }

  /* Made primary: the other contact is not any more. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.make-primary", "x",
                                             contact_id));
  wait_until (fixture, NULL, customer_saved, "making the contact primary");
  g_clear_pointer (&contact, json_node_unref);
  contact = server_contact (fixture, id, contact_name);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (contact), "is_primary"));

  /* Edited: an invalid e-mail comes back with its message beside the row. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.edit-contact", "x",
                                             contact_id));
  wait_until (fixture, NULL, dialog_open, "the contact's dialog");
  dialog = _crm_customer_page_get_dialog (page);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog,
                                                                                 "full_name"))),
                   ==, contact_name);
  /* Its custom values, a multiple choice ticked from the array (an option with a comma). */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (crm_form_dialog_get_row (
                     dialog, "custom.wechat"))), ==, zh ? "wx_lilei" : "wx_hanmeimei");
  g_assert_true (gtk_check_button_get_active (choice_check_in_row (
    crm_form_dialog_get_row (dialog, "custom.reach"), "微信, 短信")));
  g_assert_false (gtk_check_button_get_active (choice_check_in_row (
    crm_form_dialog_get_row (dialog, "custom.reach"), "电话")));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "accept"));
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "title")), "总经理");
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "email")), "wrong@");
  respond (dialog, "accept");
  wait_until (fixture, NULL, dialog_open, "the refused contact");
  dialog = _crm_customer_page_get_dialog (page);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "email"))),
                   ==, "wrong@");
  screenshot (fixture, GTK_WIDGET (dialog), "contact-invalid");
  assert_message_whole (crm_form_dialog_get_row (dialog, "email"));
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "email")),
                         "Wang@Example.CN");
  respond (dialog, "accept");
  wait_until (fixture, NULL, customer_saved, "the edited contact");
  g_assert_null (_crm_customer_page_get_dialog (page));
  g_clear_pointer (&contact, json_node_unref);
  contact = server_contact (fixture, id, contact_name);
  g_assert_cmpstr (crm_test_json_get_string (contact, "title"), ==, "总经理");
  g_assert_cmpstr (crm_test_json_get_string (contact, "email"), ==, "Wang@example.cn");

  /* A follow-up: in the timeline, and the customer's followed_up_at. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.follow-up", NULL));
  wait_until (fixture, NULL, dialog_open, "the follow-up dialog");
  dialog = _crm_customer_page_get_dialog (page);
  adw_combo_row_set_selected (ADW_COMBO_ROW (crm_form_dialog_get_row (dialog, "kind")), 1);
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "subject")),
                         zh ? "上门拜访，确认年度采购计划" : "Yearly purchase plan");
  /* Notes of several lines, in a text view. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                              crm_form_dialog_get_row (dialog, "notes"))),
                            zh ? "客户预计下月下单\n需要先寄样品" : "Order expected next month\n"
                                                                   "Samples first", -1);
  wait_until (fixture, GTK_WIDGET (dialog), always, "the filled follow-up dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "follow-up");
  respond (dialog, "accept");
  wait_until (fixture, NULL, customer_saved, "the follow-up");
  followed = server_field (fixture, id, "followed_up_at");
  g_assert_nonnull (followed);
  timeline = _crm_customer_page_dup_timeline_text (page);
  g_test_message ("Timeline:\n%s", timeline);
  g_assert_nonnull (strstr (timeline, zh ? "上门拜访" : "Yearly purchase plan"));
  g_assert_nonnull (strstr (timeline, zh ? "客户预计下月下单\n需要先寄样品"
                                         : "Order expected next month\nSamples first"));
  /* Changes in words: the field's label, before → after, who; no action codes. */
  expected = g_strdup_printf (_("%s: %s → %s"), crm_customer_field_label ("city"),
                              zh ? "温州市" : "杭州市", "苏州市");
  g_assert_nonnull (strstr (timeline, expected));
  g_assert_nonnull (strstr (timeline, "→"));
  g_assert_nonnull (strstr (timeline, crm_customer_field_label ("tags")));
  g_assert_nonnull (strstr (timeline, "ada"));
  g_assert_null (strstr (timeline, "batch_update"));
  /* Tags changed read by name, as the chips show them, not in the order they were added */
  {
    g_autofree char *by_name = g_strdup_printf ("展会%s重点客户", _(", "));
    g_autofree char *as_added = g_strdup_printf ("重点客户%s展会", _(", "));

    g_assert_nonnull (strstr (timeline, by_name));
    g_assert_null (strstr (timeline, as_added));
  }
  /* The order's amount once, with its symbol: not "¥12,500.00 CNY". */
  g_assert_nonnull (strstr (timeline, "¥12,500.00"));
  g_assert_null (strstr (timeline, "CNY"));
  g_assert_null (strstr (timeline, "update\n"));

  /* Deleting the contact (after a confirmation). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.delete-contact", "x",
                                             contact_id));
  wait_until (fixture, NULL, dialog_open, "the confirmation");
  respond (_crm_customer_page_get_dialog (page), "delete");
  wait_until (fixture, NULL, customer_saved, "deleting the contact");
  g_clear_pointer (&contact, json_node_unref);
  contact = server_contact (fixture, id, contact_name);
  g_assert_null (contact);
  g_clear_pointer (&contacts, g_free);
  contacts = _crm_customer_page_dup_contacts_text (page);
  g_assert_null (strstr (contacts, contact_name));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.add-tag", "x", vip));
  wait_until (fixture, NULL, customer_saved, "adding the tag back");
  scroll_page_to_end (fixture, "customer-more");
}

/* The check button of @option in the customer page's row of the field @field. */
static GtkCheckButton *
choice_check (Fixture    *fixture,
              const char *field,
              const char *option)
{
  return choice_check_in_row (_crm_customer_page_get_row (customer_page (fixture), field),
                              option);
}

/* The custom field @key of customer @id on the server, as JSON text. */
static char *
server_custom (Fixture    *fixture,
               gint64      id,
               const char *key)
{
  g_autoptr(JsonNode) record = server_record (fixture, id);
  JsonObject *custom = json_object_get_object_member (json_node_get_object (record), "custom");
  JsonNode *value = custom != NULL ? json_object_get_member (custom, key) : NULL;

  return value != NULL ? json_to_string (value, FALSE) : g_strdup ("null");
}

/* Choices are chosen, not typed: a single choice is a drop-down of its options, a
 * multiple choice a check button per option, saved as the JSON array the server
 * expects, in the order of the options. */
static void
check_choices (Fixture *fixture,
               gint64   id)
{
  CrmCustomerPage *page = customer_page (fixture);
  GtkWidget *grade = _crm_customer_page_get_row (page, "custom.grade");
  GListModel *options;
  g_autofree char *saved = NULL;
  g_autofree char *cleared = NULL;

  g_assert_true (ADW_IS_COMBO_ROW (grade));
  options = adw_combo_row_get_model (ADW_COMBO_ROW (grade));
  g_assert_cmpuint (g_list_model_get_n_items (options), ==, 4);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (options), 2), ==, "B");

  g_assert_false (gtk_check_button_get_active (choice_check (fixture, "custom.channels", "微信")));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (
    template_child (page, CRM_TYPE_CUSTOMER_PAGE, "save_button"))));
  /* Ticked the other way round: still saved in the options' order. */
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "展会"), TRUE);
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "电话"), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (grade), 2);
  g_assert_null (_crm_customer_page_get_field_message (page, "custom.channels"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (
    template_child (page, CRM_TYPE_CUSTOMER_PAGE, "save_button"))));
  /* Scrolled to the custom fields, for the screenshot. */
  screenshot_scrolled_to (fixture, grade, 200, "customer-choices");
  crm_customer_page_save (page);
  wait_until (fixture, NULL, customer_saved, "the save of the choices");
  saved = server_custom (fixture, id, "channels");
  g_assert_cmpstr (saved, ==, "[\"电话\",\"展会\"]");
  g_free (saved);
  saved = server_custom (fixture, id, "grade");
  g_assert_cmpstr (saved, ==, "\"B\"");
  /* As loaded again: ticked, and nothing to save. */
  g_assert_true (gtk_check_button_get_active (choice_check (fixture, "custom.channels", "展会")));
  g_assert_false (gtk_check_button_get_active (choice_check (fixture, "custom.channels", "微信")));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (
    template_child (page, CRM_TYPE_CUSTOMER_PAGE, "save_button"))));

  /* None ticked: no value. */
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "展会"), FALSE);
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "电话"), FALSE);
  crm_customer_page_save (page);
  wait_until (fixture, NULL, customer_saved, "the save of no choice");
  cleared = server_custom (fixture, id, "channels");
  g_assert_cmpstr (cleared, ==, "null");

  /* An option holding a comma is one option: saved whole, ticked again as the save's
   * reply and a reload show it, and then nothing left to save. */
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "微信, 短信"), TRUE);
  g_assert_true (_crm_customer_page_has_unsaved_changes (page));
  crm_customer_page_save (page);
  wait_until (fixture, NULL, customer_saved, "the save of an option with a comma");
  g_free (saved);
  saved = server_custom (fixture, id, "channels");
  g_assert_cmpstr (saved, ==, "[\"微信, 短信\"]");
  for (guint i = 0; i < 2; i++)
    {
      if (i == 1)
        {
          crm_customer_page_load (page, id);
          wait_until (fixture, NULL, customer_loaded, "the customer again");
        }
      g_assert_true (gtk_check_button_get_active (choice_check (fixture, "custom.channels",
                                                                "微信, 短信")));
      g_assert_false (gtk_check_button_get_active (choice_check (fixture, "custom.channels",
                                                                 "微信")));
      g_assert_false (_crm_customer_page_has_unsaved_changes (page));
      g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (
        template_child (page, CRM_TYPE_CUSTOMER_PAGE, "save_button"))));
    }
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "微信, 短信"), FALSE);
  crm_customer_page_save (page);
  wait_until (fixture, NULL, customer_saved, "the save of no choice again");
}


static const char *expected_text;   /* what timeline_has () and contacts_have () look for */

static gboolean
timeline_has (Fixture *fixture)
{
  g_autofree char *timeline = _crm_customer_page_dup_timeline_text (customer_page (fixture));

  return timeline != NULL && strstr (timeline, expected_text) != NULL;
}

static gboolean
contacts_have (Fixture *fixture)
{
  g_autofree char *contacts = _crm_customer_page_dup_contacts_text (customer_page (fixture));

  return contacts != NULL && strstr (contacts, expected_text) != NULL;
}

static gboolean
save_button_sensitive (Fixture *fixture)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (
    template_child (customer_page (fixture), CRM_TYPE_CUSTOMER_PAGE, "save_button")));
}

/* Saves the page and waits for the reply. */
static void
save_page (Fixture    *fixture,
           const char *what)
{
  crm_customer_page_save (customer_page (fixture));
  wait_until (fixture, NULL, customer_saved, what);
}

/* Every type of custom field edited and saved on the customer page, through the same
 * row as the dialogs (crm_custom_field_row_new ()); changes are told from the JSON
 * values, not from their texts; and a multiple choice reads the same, unambiguously,
 * wherever it is shown: the timeline, a contact's row, the conflict dialog. */
static void
check_custom_types (Fixture *fixture,
                    gint64   id)
{
  CrmCustomerPage *page = customer_page (fixture);
  gboolean zh = fixture->test_case->base.language != NULL;
  const char *contract = zh ? "合同-2026-002" : "HT-2026-001";
  GtkWidget *signed_row = _crm_customer_page_get_row (page, "custom.signed");
  GtkSwitch *signed_switch;
  g_autofree char *saved = NULL;
  g_autofree char *visit_day = NULL;
  g_autofree char *visit_text = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *theirs_joined = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
  gboolean was_signed;
  guint status = 0;

  g_assert_true (ADW_IS_ENTRY_ROW (_crm_customer_page_get_row (page, "custom.contract_no")));
  g_assert_true (ADW_IS_ENTRY_ROW (_crm_customer_page_get_row (page, "custom.staff")));
  g_assert_true (ADW_IS_ACTION_ROW (signed_row));
  signed_switch = GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (signed_row)));
  g_assert_nonnull (signed_switch);
  g_assert_false (_crm_customer_page_has_unsaved_changes (page));

  /* Money typed as people type it is the same value: no change, nothing to save. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_crm_customer_page_get_row (
                     page, "custom.budget"))), ==, "¥12,500.00");
  for (guint i = 0; i < 3; i++)
    {
      const char *same[] = { "12,500", "12500.00", "¥12,500" };

      set_row (fixture, "custom.budget", same[i]);
      g_assert_false (_crm_customer_page_has_unsaved_changes (page));
      g_assert_false (save_button_sensitive (fixture));
      g_assert_null (_crm_customer_page_get_field_message (page, "custom.budget"));
    }
  /* Another amount is a change, saved in minor units, shown formatted again. */
  set_row (fixture, "custom.budget", "12,600.5");
  g_assert_true (_crm_customer_page_has_unsaved_changes (page));
  save_page (fixture, "the save of the budget");
  saved = server_custom (fixture, id, "budget");
  g_assert_cmpstr (saved, ==, "{\"amount\":1260050,\"currency\":\"CNY\"}");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_crm_customer_page_get_row (
                     page, "custom.budget"))), ==, "¥12,600.50");
  set_row (fixture, "custom.budget", "12600.50");
  g_assert_false (_crm_customer_page_has_unsaved_changes (page));

  /* Text, a number (1200 and 1200.0 are one) and yes or no. */
  was_signed = gtk_switch_get_active (signed_switch);
  set_row (fixture, "custom.contract_no", contract);
  set_row (fixture, "custom.staff", zh ? "350" : "1200");
  gtk_switch_set_active (signed_switch, !was_signed);
  g_assert_true (_crm_customer_page_has_unsaved_changes (page));
  screenshot_scrolled_to (fixture, _crm_customer_page_get_row (page, "custom.budget"), 100,
                          "customer-custom-types");
  save_page (fixture, "the save of text, number and yes or no");
  g_free (saved);
  saved = server_custom (fixture, id, "contract_no");
  g_assert_cmpstr (saved, ==, zh ? "\"合同-2026-002\"" : "\"HT-2026-001\"");
  g_free (saved);
  saved = server_custom (fixture, id, "staff");
  g_assert_cmpstr (saved, ==, zh ? "350" : "1200");
  g_free (saved);
  saved = server_custom (fixture, id, "signed");
  g_assert_cmpstr (saved, ==, was_signed ? "false" : "true");
  set_row (fixture, "custom.staff", zh ? "350.0" : "1200.0");
  set_row (fixture, "custom.contract_no", zh ? " 合同-2026-002 " : "HT-2026-001 ");
  g_assert_false (_crm_customer_page_has_unsaved_changes (page));
  set_row (fixture, "custom.staff", zh ? "350" : "1200");
  set_row (fixture, "custom.contract_no", contract);

  /* An impossible date: its message as it is typed, and the server keeps the old one. */
  visit_day = server_custom (fixture, id, "visit_day");
  visit_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (_crm_customer_page_get_row (
                                                   page, "custom.visit_day"))));
  set_row (fixture, "custom.visit_day", "2026-13-01");
  g_assert_nonnull (_crm_customer_page_get_field_message (page, "custom.visit_day"));
  if (zh)
    g_assert_false (g_str_is_ascii (_crm_customer_page_get_field_message (page,
                                                                           "custom.visit_day")));
  screenshot_scrolled_to (fixture, _crm_customer_page_get_row (page, "custom.visit_day"), 100,
                          "customer-invalid-date");
  save_page (fixture, "the refused date");
  g_free (saved);
  saved = server_custom (fixture, id, "visit_day");
  g_assert_cmpstr (saved, ==, visit_day);
  g_assert_nonnull (_crm_customer_page_get_field_message (page, "custom.visit_day"));
  set_row (fixture, "custom.visit_day", visit_text);
  g_assert_null (_crm_customer_page_get_field_message (page, "custom.visit_day"));

  /* Two options, one with a comma: the timeline reads them with the list separator of
   * the language, never a plain comma. */
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "电话"), TRUE);
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "微信, 短信"), TRUE);
  save_page (fixture, "the save of two channels");
  g_free (saved);
  saved = server_custom (fixture, id, "channels");
  g_assert_cmpstr (saved, ==, "[\"电话\",\"微信, 短信\"]");
  joined = g_strdup_printf ("电话%s微信, 短信", _("; "));
  if (zh)
    g_assert_cmpstr (joined, ==, "电话、微信, 短信");
  else
    g_assert_cmpstr (joined, ==, "电话; 微信, 短信");
  expected_text = joined;
  crm_customer_page_load (page, id);
  wait_until (fixture, NULL, customer_loaded, "the customer again");
  wait_until (fixture, NULL, timeline_has, "the channels in the timeline");
  {
    g_autofree char *timeline = _crm_customer_page_dup_timeline_text (page);

    g_test_message ("Timeline:\n%s", timeline);
    g_assert_null (strstr (timeline, "电话, 微信, 短信"));
  }

  /* A contact's row reads them the same way. */
  {
    g_autofree char *body = g_strdup_printf (
      "{\"customer_id\":%" G_GINT64_FORMAT ",\"full_name\":\"%s\",\"custom\":"
      "{\"wechat\":\"wx_reach\",\"reach\":[\"电话\",\"微信, 短信\"]}}", id,
      zh ? "赵联系" : "钱联系");
    g_autoptr(JsonNode) contact = crm_test_ui_call (fixture->rep_token, "POST", "/api/v1/contacts",
                                                    body, NULL, &status);
    g_autofree char *contact_path = NULL;
    g_autofree char *contacts = NULL;

    g_assert_cmpuint (status, ==, 201);
    crm_customer_page_load (page, id);
    wait_until (fixture, NULL, customer_loaded, "the customer with the new contact");
    wait_until (fixture, NULL, contacts_have, "the contact's channels on its row");
    contacts = _crm_customer_page_dup_contacts_text (page);
    g_test_message ("Contacts:\n%s", contacts);
    g_assert_null (strstr (contacts, "电话, 微信, 短信"));
    /* The focus off the date the server refused, which the page would keep in sight. */
    gtk_widget_grab_focus (gtk_widget_get_first_child (GTK_WIDGET (template_child (
      page, CRM_TYPE_CUSTOMER_PAGE, "contacts_list"))));
    screenshot_scrolled_to (fixture, GTK_WIDGET (template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                                 "contacts_group")), 50,
                            "customer-contact-options");
    contact_path = g_strdup_printf ("/api/v1/contacts/%" G_GINT64_FORMAT,
                                    crm_test_json_get_int (contact, "id"));
    g_clear_pointer (&contact, json_node_unref);
    contact = crm_test_ui_call (fixture->rep_token, "DELETE", contact_path, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 204);
  }

  /* Someone else ticks other options meanwhile: the conflict dialog reads both sides so. */
  {
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, crm_customer_get_version (
                                                  crm_customer_page_get_customer (page)));
    g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "PATCH", path,
                                                  "{\"custom\":{\"channels\":[\"展会\",\"微信, 短信\"]}}",
                                                  version, &status);
    AdwMessageDialog *dialog;

    g_assert_cmpuint (status, ==, 200);
    set_row (fixture, "custom.contract_no", zh ? "合同-2026-003" : "HT-2026-003");
    crm_customer_page_save (page);
    wait_until (fixture, NULL, conflict_shown, "the conflict over the channels");
    dialog = _crm_customer_page_get_conflict_dialog (page);
    theirs_joined = g_strdup_printf ("展会%s微信, 短信", _("; "));
    /* Theirs only: the user did not change the channels. */
    g_assert_nonnull (find_label (GTK_WIDGET (dialog), _("(not changed)")));
    g_assert_null (find_label (GTK_WIDGET (dialog), joined));
    g_assert_nonnull (find_label (GTK_WIDGET (dialog), theirs_joined));
    g_assert_nonnull (find_label (GTK_WIDGET (dialog), zh ? "合同-2026-003" : "HT-2026-003"));
    g_assert_null (find_label (GTK_WIDGET (dialog), "展会, 微信, 短信"));
    screenshot (fixture, GTK_WIDGET (dialog), "conflict-options");
    adw_message_dialog_response (dialog, "theirs");
    gtk_window_close (GTK_WINDOW (dialog));
    g_assert_true (gtk_check_button_get_active (choice_check (fixture, "custom.channels",
                                                              "展会")));
    g_assert_false (gtk_check_button_get_active (choice_check (fixture, "custom.channels",
                                                               "电话")));
  }

  /* As the other cases expect it: the budget of the seed, no channel. */
  set_row (fixture, "custom.budget", "¥12,500.00");
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "展会"), FALSE);
  gtk_check_button_set_active (choice_check (fixture, "custom.channels", "微信, 短信"), FALSE);
  save_page (fixture, "the budget and channels as they were");
  g_free (saved);
  saved = server_custom (fixture, id, "budget");
  g_assert_cmpstr (saved, ==, "{\"amount\":1250000,\"currency\":\"CNY\"}");
}

static void
check_customer (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);
  GtkColumnView *view = _crm_customers_page_get_column_view (customers_page (fixture));
  AdwMessageDialog *dialog;
  g_autofree char *city = NULL;
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) theirs = NULL;
  gboolean consent;
  const char *message;
  const char *new_city;
  const char *new_industry;
  gint64 id;
  guint status = 0;

  /* Activating a row opens the customer. */
  g_signal_emit_by_name (view, "activate", 0);
  wait_until (fixture, NULL, customer_loaded, "the customer page");
  id = crm_customer_get_id (crm_customer_page_get_customer (page));
  g_assert_nonnull (strstr (crm_customer_get_string (crm_customer_page_get_customer (page),
                                                     "name"), NEEDLE));
  wait_until (fixture, NULL, has_contacts, "the contacts");
  wait_until (fixture, NULL, owner_shown, "the owner's name");
  /* A rep may not give the customer away: the owner is read, not chosen. */
  g_assert_false (gtk_widget_get_visible (_crm_customer_page_get_row (page, "owner_id")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_crm_customer_page_get_row (
                     page, "custom.budget"))), ==, "¥12,500.00");
  /* A mobile in the groups people read it in, as in the list; no change to save. */
  {
    const char *stored = crm_customer_get_string (crm_customer_page_get_customer (page),
                                                  "mobile");
    g_autofree char *grouped = crm_format_phone (stored);

    g_assert_cmpuint (strlen (stored), ==, 11);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_crm_customer_page_get_row (
                       page, "mobile"))), ==, grouped);
    g_assert_nonnull (strchr (grouped, ' '));
    g_assert_false (_crm_customer_page_has_unsaved_changes (page));
    set_row (fixture, "mobile", stored);
    g_assert_false (_crm_customer_page_has_unsaved_changes (page));
    set_row (fixture, "mobile", grouped);
  }
  screenshot (fixture, NULL, "customer");

  /* As the user types: the common validators' messages beside the rows, in the user's
   * language, gone once the value is right (or back as it was). */
  {
    g_autofree char *mobile = g_strdup (gtk_editable_get_text (GTK_EDITABLE (
                                          _crm_customer_page_get_row (page, "mobile"))));
    const char *problem;

    g_autofree char *email = g_strdup (gtk_editable_get_text (GTK_EDITABLE (
                                         _crm_customer_page_get_row (page, "email"))));
    const char * const fields[] = { "mobile", "email", "custom.visit_day", "custom.budget" };

    set_row (fixture, "mobile", "12345");
    set_row (fixture, "email", "wang@");
    set_row (fixture, "custom.visit_day", "2026-02-30");
    set_row (fixture, "custom.budget", "many");
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        const char *field = fields[i];

        problem = _crm_customer_page_get_field_message (page, field);
        g_test_message ("Typed into %s: %s", field, problem);
        g_assert_nonnull (problem);
        if (fixture->test_case->base.language != NULL)
          g_assert_false (g_str_is_ascii (problem));
      }
    wait_until (fixture, NULL, always, "the field messages");
    screenshot (fixture, NULL, "customer-typing");
    screenshot_scrolled_to (fixture, _crm_customer_page_get_row (page, "mobile"), 100,
                            "customer-typing-mobile-email");
    /* Each message whole: one cut short does not say what to do. */
    for (guint i = 0; i < 2; i++)
      assert_message_whole (_crm_customer_page_get_row (page, fields[i]));
    set_row (fixture, "email", email);
    g_assert_null (_crm_customer_page_get_field_message (page, "email"));
    set_row (fixture, "mobile", "+86 139-1000-0007");
    g_assert_null (_crm_customer_page_get_field_message (page, "mobile"));
    set_row (fixture, "mobile", mobile);
    set_row (fixture, "custom.visit_day", "2026-12-01");
    set_row (fixture, "custom.budget", "¥12,500.00");
    g_assert_null (_crm_customer_page_get_field_message (page, "custom.visit_day"));
    g_assert_null (_crm_customer_page_get_field_message (page, "custom.budget"));
  }

  /* Edit and save: the server has it. (Each case its own values: the cases
   * share the server.) */
  new_city = fixture->test_case->base.language != NULL ? "温州市" : "杭州市";
  new_industry = fixture->test_case->base.language != NULL ? "冷链运输" : "仓储物流";
  set_row (fixture, "city", new_city);
  crm_customer_page_save (page);
  g_assert_true (crm_customer_page_get_busy (page));
  wait_until (fixture, NULL, customer_saved, "the save");
  city = server_field (fixture, id, "city");
  g_assert_cmpstr (city, ==, new_city);
  g_assert_cmpstr (crm_customer_get_string (crm_customer_page_get_customer (page), "city"), ==,
                   new_city);

  check_choices (fixture, id);
  check_custom_types (fixture, id);

  /* Someone else saves meanwhile: a stale save gets the conflict dialog. */
  path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
  version = g_strdup_printf ("%" G_GINT64_FORMAT,
                             crm_customer_get_version (crm_customer_page_get_customer (page)));
  /* Their change of a switch as well: the dialog says Yes or No, not JSON's true. */
  consent = !json_object_get_boolean_member_with_default (
    crm_customer_get_object (crm_customer_page_get_customer (page)), "marketing_consent", FALSE);
  body = g_strdup_printf ("{\"city\":\"苏州市\",\"marketing_consent\":%s}",
                          consent ? "true" : "false");
  theirs = crm_test_ui_call (fixture->admin_token, "PATCH", path, body, version, &status);
  g_assert_cmpuint (status, ==, 200);
  set_row (fixture, "industry", new_industry);
  crm_customer_page_save (page);
  wait_until (fixture, NULL, conflict_shown, "the conflict dialog");
  dialog = _crm_customer_page_get_conflict_dialog (page);
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), consent ? _("Yes") : _("No")));
  g_assert_null (find_label (GTK_WIDGET (dialog), "true"));
  g_assert_null (find_label (GTK_WIDGET (dialog), "false"));
  screenshot (fixture, GTK_WIDGET (dialog), "conflict");
  /* "Keep theirs": the form shows the other user's version. */
  /* What a click on the button does: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, "theirs");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (_crm_customer_page_get_conflict_dialog (page));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_crm_customer_page_get_row (page, "city"))),
                   ==, "苏州市");

  check_page_actions (fixture, id);

  /* A field the server refuses: its message beside the row, and the toast says what to
   * do. */
  set_row (fixture, "name", "");
  crm_customer_page_save (page);
  wait_until (fixture, NULL, customer_saved, "the refused save");
  message = _crm_customer_page_get_field_message (page, "name");
  g_assert_nonnull (message);
  g_test_message ("The server's message for an empty name: %s", message);
  if (fixture->test_case->base.language != NULL)
    {
      /* In Chinese: the server answered Accept-Language: zh-CN. */
      gboolean ascii = TRUE;

      for (const char *p = message; *p != '\0'; p++)
        if ((guchar) *p >= 0x80)
          ascii = FALSE;
      g_assert_false (ascii);
    }
  screenshot (fixture, NULL, "invalid");
  g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                   _("Not saved: correct the fields marked in red, then save again."));

  /* Escape goes back to the list, but never drops unsaved edits unasked: "Keep Editing"
   * stays. */
  crm_test_ui_press_shortcut (GTK_WIDGET (page), "Escape");
  dialog = _crm_customer_page_get_dialog (page);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Save Changes?"));
  wait_until (fixture, GTK_WIDGET (dialog), always, "the unsaved changes dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "unsaved");
  respond (dialog, "cancel");
  g_assert_cmpstr (_crm_customers_page_get_visible (customers_page (fixture)), ==, "customer");
  g_assert_true (_crm_customer_page_has_unsaved_changes (page));

  /* Ctrl+S saves. */
  set_row (fixture, "name", crm_customer_get_string (crm_customer_page_get_customer (page),
                                                     "name"));
  set_row (fixture, "city", "宁波市");
  crm_test_ui_press_shortcut (GTK_WIDGET (page), "<Control>s");
  g_assert_true (crm_customer_page_get_busy (page));
  wait_until (fixture, NULL, customer_saved, "the save by Ctrl+S");
  g_assert_false (_crm_customer_page_has_unsaved_changes (page));
  g_free (city);
  city = server_field (fixture, id, "city");
  g_assert_cmpstr (city, ==, "宁波市");

  /* "Save" on the way back saves, then goes back. (Not to new_city: the next case with
   * this language must find something to change.) */
  set_row (fixture, "city", "舟山市");
  crm_test_ui_press_shortcut (GTK_WIDGET (page), "Escape");
  dialog = _crm_customer_page_get_dialog (page);
  g_assert_nonnull (dialog);
  respond (dialog, "save");
  wait_until (fixture, NULL, back_at_list, "the list after saving on the way back");
  g_free (city);
  city = server_field (fixture, id, "city");
  g_assert_cmpstr (city, ==, "舟山市");
}

/* The column of the conflict dialog's grid that holds the label @text, or -1. */
static int
conflict_column (AdwMessageDialog *dialog,
                 const char       *text,
                 int              *row)
{
  GtkWidget *label = find_label (GTK_WIDGET (dialog), text);
  int column = -1;

  *row = -1;
  if (label == NULL || !GTK_IS_GRID (gtk_widget_get_parent (label)))
    return -1;
  gtk_grid_query_child (GTK_GRID (gtk_widget_get_parent (label)), label, &column, row, NULL,
                        NULL);
  return column;
}

/*
 * A 409 answered with "Overwrite": the dialog shows the user's value under Yours and the
 * other user's under Theirs, in one row; the server then has the user's value, at the
 * version after the other user's save.
 */
static void
check_conflict_overwrite (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);
  GtkColumnView *view = _crm_customers_page_get_column_view (customers_page (fixture));
  const char *name = fixture->test_case->base.name;
  g_autofree char *mine = g_strdup_printf ("解放路 %s 号 (yours)", name);
  g_autofree char *theirs_text = g_strdup_printf ("人民路 %s 号 (theirs)", name);
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *version = NULL;
  g_autoptr(JsonNode) theirs = NULL;
  g_autoptr(JsonNode) after = NULL;
  AdwMessageDialog *dialog;
  int yours_row, theirs_row;
  gint64 id, their_version;
  guint status = 0;

  g_signal_emit_by_name (view, "activate", 1);
  wait_until (fixture, NULL, customer_loaded, "the customer page for an overwrite");
  id = crm_customer_get_id (crm_customer_page_get_customer (page));
  path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
  version = g_strdup_printf ("%" G_GINT64_FORMAT,
                             crm_customer_get_version (crm_customer_page_get_customer (page)));
  body = g_strdup_printf ("{\"address\":\"%s\"}", theirs_text);
  theirs = crm_test_ui_call (fixture->admin_token, "PATCH", path, body, version, &status);
  g_assert_cmpuint (status, ==, 200);
  their_version = crm_test_json_get_int (theirs, "version");

  set_row (fixture, "address", mine);
  crm_customer_page_save (page);
  wait_until (fixture, NULL, conflict_shown, "the conflict dialog for an overwrite");
  dialog = _crm_customer_page_get_conflict_dialog (page);
  g_assert_cmpint (conflict_column (dialog, mine, &yours_row), ==, 1);
  g_assert_cmpint (conflict_column (dialog, theirs_text, &theirs_row), ==, 2);
  g_assert_cmpint (yours_row, ==, theirs_row);
  g_assert_cmpint (yours_row, >, 0);

  adw_message_dialog_response (dialog, "overwrite");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (_crm_customer_page_get_conflict_dialog (page));
  wait_until (fixture, NULL, customer_saved, "the overwrite");
  after = server_record (fixture, id);
  g_assert_cmpstr (crm_test_json_get_string (after, "address"), ==, mine);
  g_assert_cmpint (crm_test_json_get_int (after, "version"), ==, their_version + 1);
  g_assert_cmpint (crm_customer_get_version (crm_customer_page_get_customer (page)), ==,
                   their_version + 1);
  g_assert_false (_crm_customer_page_has_unsaved_changes (page));
  g_signal_emit_by_name (template_child (page, CRM_TYPE_CUSTOMER_PAGE, "back_button"),
                         "clicked");
  wait_until (fixture, NULL, back_at_list, "the list after the overwrite");
}

static gboolean
duplicates_checked (Fixture *fixture)
{
  GtkWindow *dialog = _crm_customers_page_get_dialog (customers_page (fixture));

  return dialog != NULL && !_crm_customer_dialog_is_checking (CRM_CUSTOMER_DIALOG (dialog));
}

static void
check_new_customer (Fixture *fixture)
{
  CrmCustomerDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.new", NULL));
  dialog = CRM_CUSTOMER_DIALOG (_crm_customers_page_get_dialog (customers_page (fixture)));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (_crm_customer_dialog_get_row (dialog, "name")),
                         "上海华信贸易有限公司 000");
  gtk_editable_set_text (GTK_EDITABLE (_crm_customer_dialog_get_row (dialog, "mobile")),
                         "139 1000 0000");
  wait_until (fixture, GTK_WIDGET (dialog), duplicates_checked, "the duplicate check");
  g_assert_cmpuint (_crm_customer_dialog_get_n_duplicates (dialog), >=, 1);
  screenshot (fixture, GTK_WIDGET (dialog), "new-customer");
  /* A click on the duplicate opens it instead of creating another. */
  _crm_customer_dialog_activate_duplicate (dialog, 0);
  g_assert_null (_crm_customers_page_get_dialog (customers_page (fixture)));
  wait_until (fixture, NULL, customer_loaded, "the duplicate's page");
  g_assert_cmpstr (crm_customer_get_string (crm_customer_page_get_customer (
                     customer_page (fixture)), "name"), ==, "上海市华信贸易有限公司 000");
  g_signal_emit_by_name (template_child (customer_page (fixture), CRM_TYPE_CUSTOMER_PAGE,
                                         "back_button"), "clicked");
}

static gboolean
dialog_has_fields (Fixture *fixture)
{
  GtkWindow *dialog = _crm_customers_page_get_dialog (customers_page (fixture));

  return dialog != NULL && _crm_customer_dialog_has_fields (CRM_CUSTOMER_DIALOG (dialog));
}

static gboolean
dialog_closed (Fixture *fixture)
{
  return _crm_customers_page_get_dialog (customers_page (fixture)) == NULL;
}

/* Custom fields the administrator made required, a text and a multiple choice: the
 * new-customer dialog asks for them (without them every create is refused), and the
 * customer gets them; an option holding a comma is chosen whole. */
static void
check_new_customer_required (Fixture *fixture)
{
  gboolean zh = fixture->test_case->base.language != NULL;
  const char *key = zh ? "region_code_zh" : "region_code_en";
  const char *name = zh ? "宁波必填字段测试有限公司" : "温州必填字段测试有限公司";
  g_autofree char *definition = g_strdup_printf ("{\"object\":\"customers\",\"key\":\"%s\","
                                                 "\"label\":\"区域编码 Region code\","
                                                 "\"type\":\"text\",\"required\":true}", key);
  const char *multi_key = zh ? "channels_req_zh" : "channels_req_en";
  g_autofree char *multi_definition = g_strdup_printf (
    "{\"object\":\"customers\",\"key\":\"%s\",\"label\":\"渠道 Channels\","
    "\"type\":\"multi_choice\",\"choices\":[\"电话\",\"微信, 短信\"],\"required\":true}",
    multi_key);
  g_autoptr(JsonNode) multi_field = NULL;
  g_autofree char *multi_path = NULL;
  JsonArray *chosen;
  g_autoptr(JsonNode) field = NULL;
  g_autoptr(JsonNode) found = NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autofree char *field_path = NULL;
  g_autofree char *query = NULL;
  CrmCustomerDialog *dialog;
  GtkWidget *row;
  JsonObject *custom;
  guint status = 0;

  field = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/fields", definition, NULL,
                            &status);
  g_assert_cmpuint (status, ==, 201);
  field_path = g_strdup_printf ("/api/v1/fields/%" G_GINT64_FORMAT,
                                crm_test_json_get_int (field, "id"));
  multi_field = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/fields", multi_definition,
                                  NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  multi_path = g_strdup_printf ("/api/v1/fields/%" G_GINT64_FORMAT,
                                crm_test_json_get_int (multi_field, "id"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.new", NULL));
  wait_until (fixture, NULL, dialog_has_fields, "the dialog's custom fields");
  dialog = CRM_CUSTOMER_DIALOG (_crm_customers_page_get_dialog (customers_page (fixture)));
  row = _crm_customer_dialog_get_custom_row (dialog, key);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (_crm_customer_dialog_get_row (dialog, "name")), name);
  gtk_editable_set_text (GTK_EDITABLE (row), "ZJ-07");
  gtk_check_button_set_active (choice_check_in_row (
    _crm_customer_dialog_get_custom_row (dialog, multi_key), "微信, 短信"), TRUE);
  wait_until (fixture, GTK_WIDGET (dialog), duplicates_checked, "the filled dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "new-customer-required");
  /* Enter in any of the dialog's fields creates, as in the name's. */
  g_signal_emit_by_name (_crm_customer_dialog_get_row (dialog, "email"), "entry-activated");
  wait_until (fixture, NULL, dialog_closed, "the customer created");
  wait_until (fixture, NULL, customer_loaded, "the new customer's page");

  query = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                           crm_customer_get_id (crm_customer_page_get_customer (
                             customer_page (fixture))));
  found = crm_test_ui_call (fixture->admin_token, "GET", query, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (crm_test_json_get_string (found, "name"), ==, name);
  custom = json_object_get_object_member (json_node_get_object (found), "custom");
  g_assert_cmpstr (json_object_get_string_member (custom, key), ==, "ZJ-07");
  chosen = json_object_get_array_member (custom, multi_key);
  g_assert_nonnull (chosen);
  g_assert_cmpuint (json_array_get_length (chosen), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (chosen, 0), ==, "微信, 短信");

  g_signal_emit_by_name (template_child (customer_page (fixture), CRM_TYPE_CUSTOMER_PAGE,
                                         "back_button"), "clicked");
  wait_until (fixture, NULL, search_settled, "the list again");

  /* Not required any more, and not counted, for the steps after */
  removed = crm_test_ui_call (fixture->admin_token, "DELETE", field_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&removed, json_node_unref);
  removed = crm_test_ui_call (fixture->admin_token, "DELETE", multi_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&removed, json_node_unref);
  removed = crm_test_ui_call (fixture->admin_token, "DELETE", query, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&removed, json_node_unref);
  {
    g_autofree char *purge = g_strdup_printf ("%s?purge=true", query);

    removed = crm_test_ui_call (fixture->admin_token, "DELETE", purge, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 204);
  }
  /* The list hears of the delete and reloads: the steps after start from it loaded. */
  wait_until (fixture, NULL, always, "the delete's events");
  wait_until (fixture, NULL, search_settled, "the list after the delete");
}

static gboolean
batch_done (Fixture *fixture)
{
  return _crm_customers_page_get_dialog (customers_page (fixture)) == NULL
         && !_crm_customers_page_is_searching (customers_page (fixture));
}

static gboolean
batch_industries_loaded (Fixture *fixture)
{
  GtkWidget *industry = _crm_customers_page_get_batch_widget (customers_page (fixture),
                                                              "industry");

  return g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (industry))) > 2;
}

/* Clicks the button of @dialog labelled @label (with its mnemonic, as translated). */
static void
click_response (AdwMessageDialog *dialog,
                const char       *label)
{
  g_auto(GStrv) parts = g_strsplit (label, "_", -1);
  g_autofree char *shown = g_strjoinv ("", parts);
  GtkWidget *text = crm_test_ui_find_label (GTK_WIDGET (dialog), shown);

  g_assert_nonnull (text);
  g_signal_emit_by_name (gtk_widget_get_ancestor (text, GTK_TYPE_BUTTON), "clicked");
}

/* A refused batch edit: its dialog shown again, nothing on its way. */
static gboolean
batch_back (Fixture *fixture)
{
  GtkWindow *dialog = _crm_customers_page_get_dialog (customers_page (fixture));

  return dialog != NULL && gtk_widget_get_visible (GTK_WIDGET (dialog))
         && !_crm_customers_page_is_searching (customers_page (fixture));
}

/* Opens the batch dialog on rows 1 to 3 of the list; returns it. */
static AdwMessageDialog *
open_batch (Fixture *fixture)
{
  GtkColumnView *view = _crm_customers_page_get_column_view (customers_page (fixture));
  AdwMessageDialog *dialog;

  gtk_selection_model_select_range (gtk_column_view_get_model (view), 1, 3, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.batch-edit", NULL));
  dialog = ADW_MESSAGE_DIALOG (_crm_customers_page_get_dialog (customers_page (fixture)));
  g_assert_nonnull (dialog);
  /* Nothing chosen yet: nothing to apply. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
  return dialog;
}

static void
apply_batch (Fixture          *fixture,
             AdwMessageDialog *dialog)
{
  /* Something chosen: Apply is offered. */
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  adw_message_dialog_response (dialog, "apply");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (fixture, NULL, batch_done, "the batch edit");
}

/* Opens the list of drop-down @widget in @dialog and saves it as @shot. */
static void
shoot_choices (Fixture          *fixture,
               AdwMessageDialog *dialog,
               GtkWidget        *widget,
               const char       *shot)
{
  g_autofree char *png = shot_path (fixture, shot);
  GtkWidget *choices;

  g_signal_emit_by_name (widget, "activate");
  choices = crm_test_ui_find_descendant (widget, GTK_TYPE_POPOVER);
  g_assert_nonnull (choices);
  wait_until (fixture, choices, always, shot);
  g_assert_true (gtk_widget_get_mapped (choices));
  crm_test_ui_save_png (GTK_WIDGET (dialog), choices, png);
  gtk_popover_popdown (GTK_POPOVER (choices));
}

/*
 * Batch edit's industry: the industries of the list's filter (the rep's, not the
 * administrator's own), searchable, one chosen; or a new one typed in.
 */
static void
check_batch (Fixture *fixture)
{
  g_autoptr(CrmCustomer) first = g_list_model_get_item (G_LIST_MODEL (customer_list (fixture)), 1);
  AdwMessageDialog *dialog;
  GtkDropDown *industry;
  GtkWidget *typed;
  g_autofree char *value = NULL;

  dialog = open_batch (fixture);
  /* A rep may not give customers away (the owner is protected): no owner to choose. */
  g_assert_null (_crm_customers_page_get_batch_widget (customers_page (fixture), "owner"));
  industry = GTK_DROP_DOWN (_crm_customers_page_get_batch_widget (customers_page (fixture),
                                                                  "industry"));
  typed = _crm_customers_page_get_batch_widget (customers_page (fixture), "new-industry");
  wait_until (fixture, GTK_WIDGET (dialog), batch_industries_loaded, "the batch's industries");
  g_assert_true (gtk_drop_down_get_enable_search (industry));
  g_assert_cmpint (drop_down_find (industry, _("No change")), ==, 0);
  g_assert_cmpint (drop_down_find (industry, _("New Industry…")), ==, 1);
  g_assert_cmpint (drop_down_find (industry, "制造业"), >, 1);
  g_assert_cmpint (drop_down_find (industry, ADMIN_INDUSTRY), ==, -1);
  g_assert_false (gtk_widget_get_visible (typed));
  shoot_choices (fixture, dialog, GTK_WIDGET (industry), "batch-industries");

  /* One of the list */
  gtk_drop_down_set_selected (industry, (guint) drop_down_find (industry, "制造业"));
  apply_batch (fixture, dialog);
  value = server_field (fixture, crm_customer_get_id (first), "industry");
  g_assert_cmpstr (value, ==, "制造业");
  g_clear_pointer (&value, g_free);

  /* A new one, typed in (on the rows now second to fourth) */
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (customer_list (fixture)), 1);
  dialog = open_batch (fixture);
  industry = GTK_DROP_DOWN (_crm_customers_page_get_batch_widget (customers_page (fixture),
                                                                  "industry"));
  typed = _crm_customers_page_get_batch_widget (customers_page (fixture), "new-industry");
  gtk_drop_down_set_selected (industry, 1);
  g_assert_true (gtk_widget_get_visible (typed));
  gtk_editable_set_text (GTK_EDITABLE (typed), " 物流 ");
  wait_until (fixture, GTK_WIDGET (dialog), batch_industries_loaded, "the batch dialog");
  /* The industries came after the choice: it stays. */
  g_assert_cmpuint (gtk_drop_down_get_selected (industry), ==, 1);
  screenshot (fixture, GTK_WIDGET (dialog), "batch-edit");
  apply_batch (fixture, dialog);
  value = server_field (fixture, crm_customer_get_id (first), "industry");
  g_assert_cmpstr (value, ==, "物流");
  g_clear_pointer (&value, g_free);

  /* A new one too long: refused, and the toast says which field and why */
  {
    g_autoptr(GString) long_name = g_string_new (NULL);
    const char *said;

    for (guint i = 0; i < 101; i++)
      g_string_append (long_name, "物");
    g_clear_object (&first);
    first = g_list_model_get_item (G_LIST_MODEL (customer_list (fixture)), 1);
    value = server_field (fixture, crm_customer_get_id (first), "industry");
    dialog = open_batch (fixture);
    industry = GTK_DROP_DOWN (_crm_customers_page_get_batch_widget (customers_page (fixture),
                                                                    "industry"));
    typed = _crm_customers_page_get_batch_widget (customers_page (fixture), "new-industry");
    gtk_drop_down_set_selected (industry, 1);
    gtk_editable_set_text (GTK_EDITABLE (typed), long_name->str);
    g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
    respond (dialog, "apply");
    wait_until (fixture, NULL, batch_back, "the refused batch edit's dialog back");
    said = _crm_customers_page_get_last_toast (customers_page (fixture));
    g_test_message ("A batch refused: %s", said);
    g_assert_nonnull (strstr (said, _("Industry")));
    g_assert_nonnull (strstr (said, _("This text is too long; shorten it")));
    {
      g_autofree char *after = server_field (fixture, crm_customer_get_id (first), "industry");

      g_assert_cmpstr (after, ==, value);
    }
    /* The dialog again, with what was chosen and typed: mended and applied again. */
    dialog = ADW_MESSAGE_DIALOG (_crm_customers_page_get_dialog (customers_page (fixture)));
    industry = GTK_DROP_DOWN (_crm_customers_page_get_batch_widget (customers_page (fixture),
                                                                    "industry"));
    typed = _crm_customers_page_get_batch_widget (customers_page (fixture), "new-industry");
    g_assert_cmpuint (gtk_drop_down_get_selected (industry), ==, 1);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (typed)), ==, long_name->str);
    screenshot (fixture, NULL, "batch-refused");
    wait_until (fixture, GTK_WIDGET (dialog), always, "the batch dialog shown again");
    screenshot (fixture, GTK_WIDGET (dialog), "batch-refused-dialog");
    gtk_editable_set_text (GTK_EDITABLE (typed), "仓储");
    apply_batch (fixture, dialog);
    g_clear_pointer (&value, g_free);
    value = server_field (fixture, crm_customer_get_id (first), "industry");
    g_assert_cmpstr (value, ==, "仓储");
  }

  /* Cancelled by its button, and by Escape: the dialog goes, nothing is sent. */
  dialog = open_batch (fixture);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (_crm_customers_page_get_batch_widget (
                                customers_page (fixture), "industry")), 1);
  click_response (dialog, _("_Cancel"));
  wait_until (fixture, NULL, batch_done, "the batch dialog cancelled");
  dialog = open_batch (fixture);
  crm_test_ui_press_shortcut (GTK_WIDGET (dialog), "Escape");
  wait_until (fixture, NULL, batch_done, "the batch dialog closed by Escape");
  g_clear_pointer (&value, g_free);
  value = server_field (fixture, crm_customer_get_id (first), "industry");
  g_assert_cmpstr (value, ==, "仓储");
}

/* The sales rep role: its id, version and permissions (GET /roles/{id}). */
static JsonNode *
get_rep_role (Fixture *fixture,
              gint64  *id)
{
  g_autoptr(JsonNode) roles = NULL;
  JsonArray *items;
  guint status = 0;

  roles = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/roles?limit=500", NULL, NULL,
                            &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (roles), "items");
  *id = 0;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *role = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (role, "builtin", NULL),
                     "sales_rep") == 0)
        *id = json_object_get_int_member (role, "id");
    }
  g_assert_cmpint (*id, >, 0);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/roles/%" G_GINT64_FORMAT, *id);
    JsonNode *role = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, &status);

    g_assert_cmpuint (status, ==, 200);
    return role;
  }
}

/* Gives the sales rep role @permissions (a JSON object), as an admin would. */
static void
put_rep_permissions (Fixture  *fixture,
                     JsonNode *permissions)
{
  gint64 id;
  g_autoptr(JsonNode) role = get_rep_role (fixture, &id);
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/roles/%" G_GINT64_FORMAT, id);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              crm_test_json_get_int (role, "version"));
  g_autofree char *text = NULL;
  guint status = 0;

  json_node_take_object (body, json_object_new ());
  json_object_set_member (json_node_get_object (body), "permissions",
                          json_node_copy (permissions));
  text = json_to_string (body, FALSE);
  reply = crm_test_ui_call (fixture->admin_token, "PATCH", path, text, version, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* The sales rep role's permissions now (@original) and a deep copy of them (@changed);
 * returns the copy's field access of @object (`{"FIELD": "read", …}`) to change. */
static JsonObject *
copy_rep_field_access (Fixture     *fixture,
                       const char  *object,
                       JsonNode   **original,
                       JsonNode   **changed)
{
  g_autoptr(JsonNode) role = NULL;
  g_autofree char *text = NULL;
  JsonObject *fields;
  gint64 role_id;

  role = get_rep_role (fixture, &role_id);
  *original = json_node_copy (json_object_get_member (json_node_get_object (role),
                                                      "permissions"));
  /* A deep copy: json_node_copy () shares the object. */
  text = json_to_string (*original, FALSE);
  *changed = json_from_string (text, NULL);
  if (!json_object_has_member (json_node_get_object (*changed), "fields"))
    json_object_set_object_member (json_node_get_object (*changed), "fields", json_object_new ());
  fields = json_object_get_object_member (json_node_get_object (*changed), "fields");
  if (!json_object_has_member (fields, object))
    json_object_set_object_member (fields, object, json_object_new ());
  return json_object_get_object_member (fields, object);
}

static void
put_field_policy (Fixture    *fixture,
                  const char *field,
                  gboolean    is_protected)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/field-policies/customers/%s", field);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_ui_call (fixture->admin_token, "PUT", path,
                            is_protected ? "{\"protected\":true,\"sensitive\":false}"
                                         : "{\"protected\":false,\"sensitive\":false}",
                            NULL, &status);
  g_assert_cmpuint (status, ==, 204);
}

/* The customer page shows what the rep's role now allows: potential read-only, industry
 * and phone not at all, notes as before. */
static gboolean
shows_protected (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);

  return customer_loaded (fixture)
         && gtk_widget_get_visible (_crm_customer_page_get_row (page, "potential"))
         && !gtk_widget_get_sensitive (_crm_customer_page_get_row (page, "potential"))
         && !gtk_widget_get_visible (_crm_customer_page_get_row (page, "industry"))
         && !gtk_widget_get_visible (_crm_customer_page_get_row (page, "phone"));
}

static gboolean
shows_unprotected (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);

  return customer_loaded (fixture)
         && gtk_widget_get_sensitive (_crm_customer_page_get_row (page, "potential"))
         && gtk_widget_get_visible (_crm_customer_page_get_row (page, "industry"))
         && gtk_widget_get_visible (_crm_customer_page_get_row (page, "phone"));
}

/*
 * An admin protects industry, potential and phone while the rep is signed in, granting
 * the rep's role only read access to potential. The client hears it (a "rules" event),
 * reads its session again and, from the protected fields it now carries, offers no edit
 * the server would refuse: the customer's page shows potential read-only and neither
 * industry nor phone; the filters offer no industry; batch edit offers neither industry
 * nor potential; the new-customer dialog has no phone. Unprotected again, all comes back.
 */
static void
check_protected_fields (Fixture *fixture)
{
  g_autoptr(CrmCustomer) first = g_list_model_get_item (G_LIST_MODEL (customer_list (fixture)), 0);
  CrmCustomerPage *page = customer_page (fixture);
  g_autoptr(JsonNode) original = NULL;
  g_autoptr(JsonNode) granted = NULL;
  AdwMessageDialog *batch;
  CrmCustomerDialog *dialog;
  GtkWidget *potential;

  json_object_set_string_member (copy_rep_field_access (fixture, "customers", &original,
                                                        &granted),
                                 "potential", "read");
  put_rep_permissions (fixture, granted);
  put_field_policy (fixture, "industry", TRUE);
  put_field_policy (fixture, "potential", TRUE);
  put_field_policy (fixture, "phone", TRUE);

  crm_customers_page_open_customer (customers_page (fixture), crm_customer_get_id (first));
  wait_until (fixture, NULL, shows_protected, "the protected fields on the customer's page");
  /* The filters offer what the rep may read: potential, not industry (the server would
   * answer 400). */
  g_assert_false (gtk_widget_get_visible (
    _crm_customers_page_get_filter_widget (customers_page (fixture), "industry")));
  g_assert_true (gtk_widget_get_visible (
    _crm_customers_page_get_filter_widget (customers_page (fixture), "potential")));
  potential = _crm_customer_page_get_row (page, "potential");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (potential), ==,
                   _("Your role may read this field but not change it"));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (_crm_customer_page_get_row (page,
                                                                                      "notes"))));
  g_assert_true (gtk_widget_get_sensitive (_crm_customer_page_get_row (page, "kind")));
  screenshot_scrolled_to (fixture, potential, 200, "protected-customer");
  g_signal_emit_by_name (template_child (page, CRM_TYPE_CUSTOMER_PAGE, "back_button"), "clicked");
  wait_until (fixture, NULL, list_settled, "the list");

  batch = open_batch (fixture);
  g_assert_null (_crm_customers_page_get_batch_widget (customers_page (fixture), "industry"));
  g_assert_null (_crm_customers_page_get_batch_widget (customers_page (fixture), "new-industry"));
  g_assert_null (_crm_customers_page_get_batch_widget (customers_page (fixture), "potential"));
  g_assert_nonnull (_crm_customers_page_get_batch_widget (customers_page (fixture), "add-tag"));
  wait_until (fixture, GTK_WIDGET (batch), always, "the batch dialog shown");
  screenshot (fixture, GTK_WIDGET (batch), "protected-batch");
  gtk_window_close (GTK_WINDOW (batch));
  wait_until (fixture, NULL, batch_done, "the batch dialog closed");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.new", NULL));
  dialog = CRM_CUSTOMER_DIALOG (_crm_customers_page_get_dialog (customers_page (fixture)));
  g_assert_nonnull (dialog);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_crm_customer_dialog_get_row (dialog,
                                                                                    "phone"))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_crm_customer_dialog_get_row (dialog,
                                                                                   "mobile"))));
  wait_until (fixture, GTK_WIDGET (dialog), always, "the new-customer dialog shown");
  screenshot (fixture, GTK_WIDGET (dialog), "protected-new-customer");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until (fixture, NULL, batch_done, "the new-customer dialog closed");

  put_field_policy (fixture, "industry", FALSE);
  put_field_policy (fixture, "potential", FALSE);
  put_field_policy (fixture, "phone", FALSE);
  put_rep_permissions (fixture, original);
  crm_customers_page_open_customer (customers_page (fixture), crm_customer_get_id (first));
  wait_until (fixture, NULL, shows_unprotected, "the fields unprotected again");
  g_assert_true (gtk_widget_get_visible (
    _crm_customers_page_get_filter_widget (customers_page (fixture), "industry")));
  g_signal_emit_by_name (template_child (page, CRM_TYPE_CUSTOMER_PAGE, "back_button"), "clicked");
  wait_until (fixture, NULL, list_settled, "the list");
  batch = open_batch (fixture);
  g_assert_nonnull (_crm_customers_page_get_batch_widget (customers_page (fixture), "industry"));
  g_assert_nonnull (_crm_customers_page_get_batch_widget (customers_page (fixture), "potential"));
  gtk_window_close (GTK_WINDOW (batch));
  wait_until (fixture, NULL, batch_done, "the batch dialog closed");
}

/* The rep may read neither industry nor name: no industry filter, no sort by name. Each
 * field policy is a change of rules of its own, heard one after the other. */
static gboolean
industry_and_name_unreadable (Fixture *fixture)
{
  return !gtk_widget_get_visible (filter_widget (fixture, "industry"))
         && gtk_column_view_column_get_sorter (name_column (fixture)) == NULL;
}

static gboolean
industry_and_name_readable (Fixture *fixture)
{
  return gtk_widget_get_visible (filter_widget (fixture, "industry"))
         && gtk_column_view_column_get_sorter (name_column (fixture)) != NULL;
}

/* Clears the industry and city filters and the order, as a user does. */
static void
clear_view (Fixture *fixture)
{
  gtk_column_view_sort_by_column (_crm_customers_page_get_column_view (customers_page (fixture)),
                                  NULL, GTK_SORT_ASCENDING);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter_widget (fixture, "industry")), 0);
  type_filter (fixture, "city", "");
  g_assert_cmpuint (crm_customer_list_get_n_filters (customer_list (fixture)), ==, 0);
  g_assert_null (crm_customer_list_get_sort (customer_list (fixture)));
}

/* Activates the saved view named @name in the views popover. */
static void
apply_saved_view (Fixture    *fixture,
                  const char *name)
{
  GtkMenuButton *button = crm_test_ui_template_child (customers_page (fixture),
                                                      CRM_TYPE_CUSTOMERS_PAGE, "views_button");
  GtkWidget *views = GTK_WIDGET (gtk_menu_button_get_popover (button));
  GtkWidget *label;

  gtk_menu_button_popup (button);
  wait_until (fixture, views, always, "the views popover");
  label = find_label (views, name);
  g_assert_nonnull (label);
  g_signal_emit_by_name (gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX), "row-activated",
                         gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW));
}

/*
 * A view saved with filters on industry and city, sorted by name; then an admin protects
 * industry and name (the rep's role has no grant: it may read neither). Applied, the view
 * leaves out the industry filter and the order by name, which the server would refuse
 * (400), and says so; the list loads, filtered by city. The Name header no longer sorts.
 */
static void
check_protected_view (Fixture *fixture)
{
  CrmCustomersPage *page = customers_page (fixture);
  CrmCustomerList *list = customer_list (fixture);
  GtkColumnView *view = _crm_customers_page_get_column_view (page);
  GtkMenuButton *button = crm_test_ui_template_child (page, CRM_TYPE_CUSTOMERS_PAGE,
                                                      "views_button");
  GtkWidget *views = GTK_WIDGET (gtk_menu_button_get_popover (button));
  const char *name = fixture->test_case->base.language != NULL ? "制造业按名称" : "Makers by name";
  GtkDropDown *industry;
  GtkWidget *entry;
  g_autofree char *filter_part = NULL;
  g_autofree char *sort_part = NULL;
  g_autofree char *header = NULL;
  const char *said;

  gtk_editable_set_text (GTK_EDITABLE (_crm_customers_page_get_search_entry (page)), "");
  wait_until (fixture, NULL, list_settled, "the list without a search");
  industry = GTK_DROP_DOWN (filter_widget (fixture, "industry"));
  gtk_drop_down_set_selected (industry, (guint) drop_down_find (industry, "制造业"));
  type_filter (fixture, "city", "杭州市");
  gtk_column_view_sort_by_column (view, name_column (fixture), GTK_SORT_DESCENDING);
  wait_until (fixture, NULL, list_settled, "the manufacturers of Hangzhou by name");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "industry"), ==, "制造业");
  g_assert_cmpstr (crm_customer_list_get_sort (list), ==, "-name");
  gtk_menu_button_popup (button);
  wait_until (fixture, views, always, "the views popover");
  entry = crm_test_ui_find_descendant (views, GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  g_signal_emit_by_name (entry, "activate");
  gtk_menu_button_popdown (button);
  clear_view (fixture);

  put_field_policy (fixture, "industry", TRUE);
  put_field_policy (fixture, "name", TRUE);
  /* Only the readable fields' columns sort. */
  wait_until (fixture, NULL, industry_and_name_unreadable, "the rules heard");

  apply_saved_view (fixture, name);
  gtk_menu_button_popdown (button);
  wait_until (fixture, NULL, list_settled, "the view without what the rep may not read");
  g_assert_null (crm_customer_list_get_filter (list, "industry"));
  g_assert_cmpstr (crm_customer_list_get_filter (list, "city"), ==, "杭州市");
  g_assert_null (crm_customer_list_get_sort (list));
  header = _crm_customers_page_dup_header_sort (page);
  g_assert_null (header);
  /* It loaded (a failure would be the last toast): the rep's customers of Hangzhou. */
  g_assert_cmpint (crm_customer_list_get_total (list), ==,
                   server_count (fixture, "city=%E6%9D%AD%E5%B7%9E%E5%B8%82"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, 0);
  said = _crm_customers_page_get_last_toast (page);
  g_test_message ("A view with unreadable fields: %s", said);
  g_assert_nonnull (said);
  filter_part = g_strdup_printf (_("filter by %s"), _("Industry"));
  sort_part = g_strdup_printf (_("sort by %s"), _("Name"));
  g_assert_nonnull (strstr (said, filter_part));
  g_assert_nonnull (strstr (said, sort_part));
  screenshot (fixture, NULL, "protected-view");

  /* Readable again: the view applies whole. */
  put_field_policy (fixture, "industry", FALSE);
  put_field_policy (fixture, "name", FALSE);
  wait_until (fixture, NULL, industry_and_name_readable, "the rules heard again");
  apply_saved_view (fixture, name);
  gtk_menu_button_popdown (button);
  wait_until (fixture, NULL, list_settled, "the whole view");
  g_assert_cmpstr (crm_customer_list_get_filter (list, "industry"), ==, "制造业");
  g_assert_cmpstr (crm_customer_list_get_sort (list), ==, "-name");
  clear_view (fixture);
}

static gboolean
batch_button_insensitive (Fixture *fixture)
{
  return !gtk_widget_get_sensitive (template_child (customers_page (fixture),
                                                    CRM_TYPE_CUSTOMERS_PAGE, "batch_button"));
}

static gboolean
batch_button_sensitive (Fixture *fixture)
{
  return gtk_widget_get_sensitive (template_child (customers_page (fixture),
                                                   CRM_TYPE_CUSTOMERS_PAGE, "batch_button"));
}

/*
 * Batch edit sets industry, potential and tags (and the owner, which a rep may not give
 * away). An admin protects the three while the rep has customers selected: the batch
 * edit is then offered no more, and its button says why; unprotected, it is back.
 */
static void
check_batch_unwritable (Fixture *fixture)
{
  CrmCustomersPage *page = customers_page (fixture);
  GtkWidget *button = template_child (page, CRM_TYPE_CUSTOMERS_PAGE, "batch_button");
  GtkColumnView *view = _crm_customers_page_get_column_view (page);

  gtk_selection_model_select_range (gtk_column_view_get_model (view), 1, 3, TRUE);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_null (gtk_widget_get_tooltip_text (button));

  put_field_policy (fixture, "industry", TRUE);
  put_field_policy (fixture, "potential", TRUE);
  put_field_policy (fixture, "tags", TRUE);
  wait_until (fixture, NULL, batch_button_insensitive, "batch edit refused");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   _("Your role may change none of the fields a batch edit sets"));
  /* The action too, not only its button. */
  gtk_widget_activate_action (GTK_WIDGET (page), "customers.batch-edit", NULL);
  g_assert_null (_crm_customers_page_get_dialog (page));
  screenshot (fixture, NULL, "batch-unwritable");

  put_field_policy (fixture, "industry", FALSE);
  put_field_policy (fixture, "potential", FALSE);
  put_field_policy (fixture, "tags", FALSE);
  wait_until (fixture, NULL, batch_button_sensitive, "batch edit offered again");
  g_assert_null (gtk_widget_get_tooltip_text (button));
  gtk_selection_model_unselect_all (gtk_column_view_get_model (view));
}

static CrmFieldAccess
mobile_access (Fixture *fixture)
{
  return crm_account_get_field_access (_crm_window_get_account (fixture->window),
                                       CRM_OBJECT_CONTACTS, "mobile");
}

static gboolean
contact_mobile_hidden (Fixture *fixture)
{
  return mobile_access (fixture) == CRM_FIELD_ACCESS_NONE;
}

static gboolean
contact_mobile_writable (Fixture *fixture)
{
  return mobile_access (fixture) == CRM_FIELD_ACCESS_WRITE;
}

static gboolean
customer_with_contacts (Fixture *fixture)
{
  return customer_loaded (fixture) && has_contacts (fixture);
}

static gboolean
contacts_show_wechat (Fixture *fixture)
{
  g_autofree char *text = _crm_customer_page_dup_contacts_text (customer_page (fixture));

  return customer_with_contacts (fixture) && strstr (text, "wx_wangfang") != NULL;
}

/* Asserts that the form row @name of @dialog shows, read-only, and says why. */
static void
assert_read_only_row (AdwMessageDialog *dialog,
                      const char       *name)
{
  GtkWidget *row = crm_form_dialog_get_row (dialog, name);

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (row));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (row)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==,
                   _("Your role may read this field but not change it"));
}

/*
 * The rep's role may only read a contact's title and WeChat ID (a required custom field),
 * and may not read its mobile and birthday (custom). The contact's dialog shows the two it
 * may read greyed, with why, and not the others; an empty WeChat ID does not hold the
 * dialog back. Saved with a new e-mail address, it sends none of them: the server takes
 * the change (it would refuse a write to any of them) and the contact keeps its title,
 * mobile and WeChat ID.
 */
static void
check_contact_access (Fixture *fixture)
{
  gboolean zh = fixture->test_case->base.language != NULL;
  const char *email = zh ? "wang.zh@example.cn" : "wang.en@example.cn";
  CrmCustomerPage *page = customer_page (fixture);
  g_autoptr(JsonNode) found = NULL;
  g_autoptr(JsonNode) contacts = NULL;
  g_autoptr(JsonNode) contact = NULL;
  g_autoptr(JsonNode) given = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) original = NULL;
  g_autoptr(JsonNode) limited = NULL;
  g_autofree char *contact_path = NULL;
  g_autofree char *version = NULL;
  g_autofree char *title = NULL;
  g_autofree char *mobile = NULL;
  AdwMessageDialog *dialog;
  JsonObject *access;
  gint64 customer_id;
  gint64 contact_id;
  guint status = 0;

  /* A customer of the search, one for each language: its contact, 王芳, gets a WeChat ID. */
  found = crm_test_ui_call (fixture->rep_token, "GET",
                            "/api/v1/customers?q=%E6%98%8E%E8%BF%9C&sort=name&limit=50", NULL, NULL,
                            &status);
  g_assert_cmpuint (status, ==, 200);
  customer_id = json_object_get_int_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (found), "items"), zh ? 9 : 8), "id");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/contacts?customer_id=%" G_GINT64_FORMAT,
                                             customer_id);

    contacts = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  contact_id = json_object_get_int_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (contacts), "items"), 0), "id");
  contact_path = g_strdup_printf ("/api/v1/contacts/%" G_GINT64_FORMAT, contact_id);
  contact = crm_test_ui_call (fixture->admin_token, "GET", contact_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  title = g_strdup (crm_test_json_get_string (contact, "title"));
  mobile = g_strdup (crm_test_json_get_string (contact, "mobile"));
  g_assert_nonnull (title);
  g_assert_nonnull (mobile);
  g_assert_null (crm_test_json_get_string (contact, "custom.wechat"));

  access = copy_rep_field_access (fixture, "contacts", &original, &limited);
  json_object_set_string_member (access, "title", "read");
  json_object_set_string_member (access, "custom_wechat", "read");
  json_object_set_string_member (access, "mobile", "none");
  json_object_set_string_member (access, "custom_birthday", "none");
  put_rep_permissions (fixture, limited);
  wait_until (fixture, NULL, contact_mobile_hidden, "the contacts' field access heard");

  crm_customers_page_open_customer (customers_page (fixture), customer_id);
  wait_until (fixture, NULL, customer_with_contacts, "the customer's contacts");

  /* The WeChat ID is required, and this contact has none: the rep could not give it one,
   * and the server asks it only of a new contact. The dialog is still accepted. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.edit-contact", "x",
                                             contact_id));
  wait_until (fixture, NULL, dialog_open, "the contact's dialog without a WeChat ID");
  dialog = _crm_customer_page_get_dialog (page);
  assert_read_only_row (dialog, "custom.wechat");
  g_assert_false (gtk_widget_has_css_class (crm_form_dialog_get_row (dialog, "custom.wechat"),
                                            "error"));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "accept"));
  respond (dialog, "cancel");

  /* Given one by an administrator: the rep reads it. */
  version = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (contact, "version"));
  given = crm_test_ui_call (fixture->admin_token, "PATCH", contact_path,
                            "{\"custom\":{\"wechat\":\"wx_wangfang\"}}", version, &status);
  g_assert_cmpuint (status, ==, 200);
  crm_customers_page_open_customer (customers_page (fixture), customer_id);
  wait_until (fixture, NULL, contacts_show_wechat, "the contact's WeChat ID");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.edit-contact", "x",
                                             contact_id));
  wait_until (fixture, NULL, dialog_open, "the contact's dialog");
  dialog = _crm_customer_page_get_dialog (page);
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (crm_form_dialog_get_row (dialog,
                                                                                   "email"))));
  assert_read_only_row (dialog, "title");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog,
                                                                                 "title"))),
                   ==, title);
  assert_read_only_row (dialog, "custom.wechat");
  g_assert_false (gtk_widget_get_visible (crm_form_dialog_get_row (dialog, "mobile")));
  g_assert_false (gtk_widget_get_visible (crm_form_dialog_get_row (dialog, "custom.birthday")));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "accept"));
  gtk_editable_set_text (GTK_EDITABLE (crm_form_dialog_get_row (dialog, "email")), email);
  wait_until (fixture, GTK_WIDGET (dialog), always, "the contact's read-only dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "contact-read-only");
  respond (dialog, "accept");
  wait_until (fixture, NULL, customer_saved, "the contact saved");
  /* Taken: no dialog again with the server's refusal. */
  g_assert_null (_crm_customer_page_get_dialog (page));
  saved = crm_test_ui_call (fixture->admin_token, "GET", contact_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (crm_test_json_get_string (saved, "email"), ==, email);
  g_assert_cmpstr (crm_test_json_get_string (saved, "title"), ==, title);
  g_assert_cmpstr (crm_test_json_get_string (saved, "mobile"), ==, mobile);
  g_assert_cmpstr (crm_test_json_get_string (saved, "custom.wechat"), ==, "wx_wangfang");

  put_rep_permissions (fixture, original);
  wait_until (fixture, NULL, contact_mobile_writable, "the contacts' field access again");
  g_signal_emit_by_name (template_child (page, CRM_TYPE_CUSTOMER_PAGE, "back_button"), "clicked");
  wait_until (fixture, NULL, list_settled, "the list");
}

/*
 * A customer selected for a batch edit is deleted by someone else before Apply (the list
 * has not heard of it yet): the server changes nothing (404) and the toast says why; the
 * list reloads.
 */
static void
check_batch_gone (Fixture *fixture)
{
  CrmEventStream *stream = crm_event_stream_get_for_client (
    crm_window_get_api_client (fixture->window));
  CrmCustomerList *list = customer_list (fixture);
  g_autoptr(CrmCustomer) gone = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_autoptr(CrmCustomer) kept = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                                           crm_customer_get_id (gone));
  g_autofree char *restore = g_strdup_printf ("%s/restore", path);
  g_autofree char *before = server_field (fixture, crm_customer_get_id (kept), "industry");
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) reply = NULL;
  AdwMessageDialog *dialog;
  const char *said;
  guint status = 0;

  dialog = open_batch (fixture);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (_crm_customers_page_get_batch_widget (
                                customers_page (fixture), "industry")), 1);
  gtk_editable_set_text (GTK_EDITABLE (_crm_customers_page_get_batch_widget (
                           customers_page (fixture), "new-industry")), "仓储");
  /* The list does not hear of the delete before Apply is pressed. */
  g_signal_handlers_block_matched (stream, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, list);
  reply = crm_test_ui_call (fixture->admin_token, "DELETE", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  apply_batch (fixture, dialog);
  g_signal_handlers_unblock_matched (stream, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, list);

  said = _crm_customers_page_get_last_toast (customers_page (fixture));
  g_test_message ("A batch with a deleted customer: %s", said);
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, _("No such record")));
  after = server_field (fixture, crm_customer_get_id (kept), "industry");
  g_assert_cmpstr (after, ==, before);
  screenshot (fixture, NULL, "batch-gone");

  g_clear_pointer (&reply, json_node_unref);
  reply = crm_test_ui_call (fixture->admin_token, "POST", restore, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  wait_until (fixture, NULL, list_settled, "the list after the restore");
}

static gboolean
manager_owners_named (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);
  GtkWidget *row = _crm_customer_page_get_row (page, "owner_id");
  GListModel *names = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  return customer_loaded (fixture) && g_list_model_get_n_items (names) >= 2;
}

/* Whether the string list @names holds @name. */
static gboolean
names_have (GListModel *names,
            const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (names, i);

      if (g_str_equal (gtk_string_object_get_string (item), name))
        return TRUE;
    }
  return FALSE;
}

/*
 * A manager gives customers only to the team (the server refuses the others): batch
 * edit and the customer's page offer "Me" and the team's rep, not the administrator.
 */
static void
check_manager_owners (Fixture *fixture)
{
  AdwMessageDialog *dialog = open_batch (fixture);
  GtkWidget *owners = _crm_customers_page_get_batch_widget (customers_page (fixture), "owner");
  GListModel *names;
  GtkWidget *row;

  g_assert_nonnull (owners);
  names = gtk_drop_down_get_model (GTK_DROP_DOWN (owners));
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 3);
  g_assert_true (names_have (names, _("No change")));
  g_assert_true (names_have (names, _("Me")));
  g_assert_true (names_have (names, "li"));
  g_assert_false (names_have (names, "ada"));
  shoot_choices (fixture, dialog, owners, "manager-batch-owners");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (fixture, NULL, batch_done, "the batch dialog closed");

  crm_customers_page_open_customer (customers_page (fixture), 1);
  wait_until (fixture, NULL, manager_owners_named, "the customer's owners");
  row = _crm_customer_page_get_row (customer_page (fixture), "owner_id");
  g_assert_true (gtk_widget_get_visible (row));
  names = adw_combo_row_get_model (ADW_COMBO_ROW (row));
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 2);
  g_assert_true (names_have (names, _("Me")));
  g_assert_true (names_have (names, "li"));
  g_assert_false (names_have (names, "ada"));
  screenshot_scrolled_to (fixture, row, 300, "manager-customer-owner");
}

static void
check_manager (Fixture *fixture)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL));
  sign_in (fixture, "wang");
  g_assert_cmpstr (gtk_label_get_text (_crm_window_get_account_label (fixture->window, FALSE)),
                   ==, "wang");
  /* The team's customers: the rep's. */
  reply = crm_test_ui_call (fixture->manager_token, "GET", "/api/v1/customers?limit=500", NULL,
                            NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (MIN (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (reply), "items")), 100), ==,
                    crm_customer_list_get_n_loaded (customer_list (fixture)));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (reply), "items")), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (customer_list (fixture))));
  screenshot (fixture, NULL, "manager");
  check_manager_owners (fixture);
}

/* --- the administrator ----------------------------------------------------- */

static gboolean
list_idle (Fixture *fixture)
{
  return !_crm_customers_page_is_searching (customers_page (fixture));
}

typedef struct
{
  gint64 last;
  GArray *gaps;   /* double, ms between painted frames */
} FrameLog;

static gboolean
log_frame_cb (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  FrameLog *log = user_data;
  gint64 now = g_get_monotonic_time ();

  if (log->last != 0)
    {
      double gap = (now - log->last) / 1000.0;

      g_array_append_val (log->gaps, gap);
    }
  log->last = now;
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The rows the view shows: bound to real customers, in the server's order. */
static gboolean
shows_real_rows (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  double upper = gtk_adjustment_get_upper (adjustment);
  guint first, last;

  if (crm_customer_list_get_loading (list) || upper <= 0)
    return FALSE;
  /* Rows are all of a height: the value says which rows are on screen. */
  first = (guint) (gtk_adjustment_get_value (adjustment) / upper * n);
  last = (guint) ((gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment))
                  / upper * n);
  for (guint i = first; i < MIN (last, n); i++)
    if (crm_customer_list_peek (list, i) == NULL)
      return FALSE;
  return TRUE;
}

/*
 * The scroll bar dragged to @fraction of its length: the rows there load with a few
 * requests (their pages and a neighbour), in the order the server has them.
 */
static void
check_jump (Fixture    *fixture,
            double      fraction,
            guint       requests,
            guint       n_loaded,
            const char *shot)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint position = 0;
  g_autoptr(CrmCustomer) row = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *items;
  guint status = 0;

  gtk_adjustment_set_value (adjustment, (gtk_adjustment_get_upper (adjustment)
                                         - gtk_adjustment_get_page_size (adjustment)) * fraction);
  if (fraction < 1.0)
    {
      /* Before the pages are in: skeleton rows. */
      wait_until (fixture, NULL, always, "the rows before their pages");
      name = g_strdup_printf ("jumping-%s", shot);
      screenshot (fixture, NULL, name);
      g_clear_pointer (&name, g_free);
    }
  wait_until (fixture, NULL, shows_real_rows, "the rows after a jump");
  g_printerr ("# jump to %.0f%%: %u page requests, %u rows loaded\n", fraction * 100,
              _crm_customer_list_get_n_requests (list) - requests,
              crm_customer_list_get_n_loaded (list) - n_loaded);
  g_assert_cmpuint (_crm_customer_list_get_n_requests (list), <=, requests + 4);
  g_assert_cmpuint (_crm_customer_list_get_n_requests (list), >, requests);
  g_assert_cmpuint (crm_customer_list_get_n_loaded (list), <=, n_loaded + 400);
  /* At the end of a capped count (server/API.md) the list grows by the page past it. */
  if (fraction < 1.0)
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  else
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >=, n);

  /* A loaded row far from the top is the server's row at that position. */
  for (guint i = n - 1; i > 0 && position == 0; i--)
    if (crm_customer_list_peek (list, i) != NULL && i > n / 4)
      position = i;
  g_assert_cmpuint (position, >, n / 4);
  row = g_list_model_get_item (G_LIST_MODEL (list), position);
  path = g_strdup_printf ("/api/v1/customers?limit=1&offset=%u", position);
  reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (reply), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "id"), ==,
                   crm_customer_get_id (row));
  if (fraction >= 1.0)
    g_assert_nonnull (crm_customer_list_peek (list, n - 1));
  name = g_strdup_printf ("scrolled-%s", shot);
  screenshot (fixture, NULL, name);
}

/*
 * However far one scrolls, the list holds a bounded number of rows: past it, the pages
 * farthest from the screen become placeholders again (bench/README.md, "Client scroll":
 * before, every page ever loaded stayed, ~5 KB a row), and come back when shown again.
 */
static void
check_held_rows (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  const guint max_rows = 500;
  g_autoptr(CrmCustomer) again = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *items;
  guint requests;
  guint status = 0;

  _crm_customer_list_set_max_rows_held (list, max_rows);
  /* Twelve places past the rows scrolled through above (the first 2,000 or so), each a
   * page or two: pages load, and the farthest go. */
  for (guint i = 0; i < 12; i++)
    {
      gtk_adjustment_set_value (adjustment, (gtk_adjustment_get_upper (adjustment)
                                             - gtk_adjustment_get_page_size (adjustment))
                                            * (0.25 + i * 0.06));
      wait_until (fixture, NULL, shows_real_rows, "the rows of a scroll far away");
      g_assert_cmpuint (crm_customer_list_get_n_loaded (list), <=, max_rows);
    }
  /* Rows scrolled through above were dropped (not the first: the view keeps its cursor's
   * row bound); shown again, they load again, as the server has them. */
  g_assert_null (crm_customer_list_peek (list, 1000));
  requests = _crm_customer_list_get_n_requests (list);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * 1000
                                        / g_list_model_get_n_items (G_LIST_MODEL (list)));
  wait_until (fixture, NULL, shows_real_rows, "rows scrolled through again");
  g_assert_cmpuint (_crm_customer_list_get_n_requests (list), >, requests);
  g_assert_cmpuint (crm_customer_list_get_n_loaded (list), <=, max_rows);
  again = g_list_model_get_item (G_LIST_MODEL (list), 1000);
  g_assert_false (crm_customer_is_placeholder (again));
  reply = crm_test_ui_call (fixture->admin_token, "GET", "/api/v1/customers?limit=1&offset=1000",
                            NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (reply), "items");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "id"), ==,
                   crm_customer_get_id (again));
  _crm_customer_list_set_max_rows_held (list, G_MAXUINT);
}

static guint refresh_length;

/* A live refresh has fetched the last page again: the list is as long as expected. */
static gboolean
refreshed (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);

  return g_list_model_get_n_items (G_LIST_MODEL (list)) == refresh_length
         && !crm_customer_list_get_loading (list);
}

static gint64 create_customer (Fixture    *fixture,
                               const char *body);

/*
 * An estimate a tenth too low on 100,300 customers (as the count_cap hook makes it):
 * the page at the end has more after it, so the list asks the server where it ends (a
 * page far past it answers the length) and the view, dragged to the end, goes on to
 * the real end: one drag, a few pages.
 */
static void
check_estimate_too_low (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  guint real = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint requests, drags;

  g_assert_false (crm_customer_list_get_total_estimated (list));
  /* The server's count stops at 10,000: read as capped below it, with this estimate. */
  _crm_customer_list_set_count_cap (list, 9999);
  _crm_customer_list_set_count_estimate (list, real * 9 / 10);
  gtk_adjustment_set_value (adjustment, 0);
  crm_customer_list_reload (list);
  wait_until (fixture, NULL, list_settled, "the list with an estimate too low");
  g_assert_true (crm_customer_list_get_total_estimated (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, real * 9 / 10);
  requests = _crm_customer_list_get_n_requests (list);
  drags = drag_to_real_end (fixture, fixture->admin_token, 4);
  requests = _crm_customer_list_get_n_requests (list) - requests;
  g_printerr ("# estimate %u for %u: the real end after %u drags, %u page requests\n",
              real * 9 / 10, real, drags, requests);
  g_assert_cmpuint (drags, ==, 1);
  g_assert_cmpuint (requests, <=, 8);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, real);

  /* A live refresh (a customer created elsewhere) counts again, capped with the same
   * estimate: the list keeps the end a page told (the last page, fetched again, has one
   * row more), not the estimate, which would cut the rows on screen away for a moment. */
  {
    LengthLog log = { real, 0, real, FALSE };
    gulong handler = g_signal_connect (list, "items-changed",
                                       G_CALLBACK (length_items_changed_cb), &log);

    refresh_length = real + 1;
    create_customer (fixture, "{\"name\":\"列表末尾时新建的客户\"}");
    wait_until (fixture, NULL, refreshed, "the list refreshed at its end");
    g_signal_handler_disconnect (list, handler);
    g_assert_cmpuint (log.shortest, ==, real);
    g_assert_false (crm_customer_list_get_total_estimated (list));
    g_assert_cmpint (crm_customer_list_get_total (list), ==, real + 1);
  }

  _crm_customer_list_set_count_cap (list, 0);
  _crm_customer_list_set_count_estimate (list, 0);
  gtk_adjustment_set_value (adjustment, 0);
  crm_customer_list_reload (list);
  wait_until (fixture, NULL, list_settled, "the list with the server's estimate");
}

/* Every bulk customer has it in its name (seed_bulk ()): a search of 100,000. */
#define BULK_WORD "批量客户"

static gboolean
bulk_search_settled (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);

  return !_crm_customers_page_is_searching (customers_page (fixture))
         && g_strcmp0 (crm_customer_list_get_q (list), BULK_WORD) == 0
         && crm_customer_list_get_total (list) >= 0;
}

/*
 * A search past the count's cap is estimated too (server/API.md: its matches in a
 * sample of the rows it searches): the scroll bar spans about the whole result, the
 * status says "About …", and one drag reaches its real end, from the server's estimate
 * and from one a tenth too low (as the count_cap hook makes it).
 */
static void
check_estimated_search (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkSearchEntry *entry = _crm_customers_page_get_search_entry (customers_page (fixture));
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_autofree char *q = g_uri_escape_string (BULK_WORD, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/customers?limit=1&offset=10000000&q=%s", q);
  g_autoptr(JsonNode) past = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, NULL);
  gint64 real = crm_test_json_get_int (past, "count");

  g_assert_cmpint (real, >=, N_BULK);
  gtk_editable_set_text (GTK_EDITABLE (entry), BULK_WORD);
  for (guint i = 0; i < 2; i++)
    {
      gint64 total;
      guint drags;

      if (i == 1)
        {
          _crm_customer_list_set_count_cap (list, 9999);
          _crm_customer_list_set_count_estimate (list, real * 9 / 10);
          gtk_adjustment_set_value (adjustment, 0);
          crm_customer_list_reload (list);
        }
      wait_until (fixture, NULL, bulk_search_settled, "the search past the count's cap");
      total = crm_customer_list_get_total (list);
      g_test_message ("Status line: %s (estimate %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT ")",
                      _crm_customers_page_get_status (customers_page (fixture)), total, real);
      g_assert_true (crm_customer_list_get_total_estimated (list));
      g_assert_false (crm_customer_list_get_total_capped (list));
      g_assert_cmpint (total, >=, i == 0 ? real * 4 / 5 : real * 9 / 10);
      g_assert_cmpint (total, <=, i == 0 ? real * 5 / 4 : real * 9 / 10);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);
      g_assert_true (g_str_has_prefix (_crm_customers_page_get_status (customers_page (fixture)),
                                       fixture->test_case->base.language != NULL ? "约 "
                                                                                 : "About "));
      if (i == 0)
        screenshot (fixture, NULL, "estimated-search");

      drags = drag_to_real_end (fixture, fixture->admin_token, 3);
      g_printerr ("# search estimated %" G_GINT64_FORMAT " for %" G_GINT64_FORMAT
                  ": the real end after %u drags\n", total, real, drags);
      g_assert_cmpuint (drags, ==, 1);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, real);
      if (i == 1)
        screenshot (fixture, NULL, "estimated-search-end");
    }

  _crm_customer_list_set_count_cap (list, 0);
  _crm_customer_list_set_count_estimate (list, 0);
  gtk_adjustment_set_value (adjustment, 0);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_until (fixture, NULL, search_cleared, "the search cleared");
}

/* 100,300 customers: the list holds only the pages scrolled through, each
 * asked for once, and scrolling keeps painting while pages arrive. */
static void
check_scrolling (Fixture *fixture)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkWidget *view = GTK_WIDGET (_crm_customers_page_get_column_view (customers_page (fixture)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  FrameLog log = { 0, g_array_new (FALSE, FALSE, sizeof (double)) };
  guint first_requests = _crm_customer_list_get_n_requests (list);
  guint requests;
  guint n_items;
  guint tick;
  gint64 started;
  double seconds;
  const guint n_steps = 300;
  g_autofree char *status = NULL;

  /* The server counts up to 10,000 and estimates the rest (server/API.md); the scroll
   * bar spans the estimate and one page is loaded. */
  g_assert_true (crm_customer_list_get_total_estimated (list));
  g_assert_false (crm_customer_list_get_total_capped (list));
  g_assert_cmpint (crm_customer_list_get_total (list), >, N_BULK * 4 / 5);
  g_assert_cmpint (crm_customer_list_get_total (list), <, N_BULK * 5 / 4);
  g_test_message ("Status line: %s (estimate %" G_GINT64_FORMAT ")",
                  _crm_customers_page_get_status (customers_page (fixture)),
                  crm_customer_list_get_total (list));
  g_assert_true (g_str_has_prefix (_crm_customers_page_get_status (customers_page (fixture)),
                                   fixture->test_case->base.language != NULL ? "约 " : "About "));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                    crm_customer_list_get_total (list));
  status = g_strdup (_crm_customers_page_get_status (customers_page (fixture)));
  g_assert_cmpuint (crm_customer_list_get_n_loaded (list), ==, 100);
  g_assert_cmpuint (first_requests, ==, 1);
  screenshot (fixture, NULL, "list-admin");

  /* A quarter of a page at a time, each step painted before the next. */
  tick = gtk_widget_add_tick_callback (view, log_frame_cb, &log, NULL);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < n_steps; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment)
                                            + gtk_adjustment_get_page_size (adjustment) / 4);
      crm_test_ui_wait_frames (view, 1, "a step of the scroll");
    }
  seconds = (g_get_monotonic_time () - started) / 1e6;
  gtk_widget_remove_tick_callback (view, tick);
  wait_until (fixture, NULL, list_idle, "the last page");
  n_items = crm_customer_list_get_n_loaded (list);
  requests = _crm_customer_list_get_n_requests (list);
  g_array_sort (log.gaps, compare_doubles);
  g_printerr ("# scrolling %u steps through %u of %" G_GINT64_FORMAT " customers: %.1f s, "
              "%u page requests, frame gap median %.1f ms, 95th %.1f ms, max %.1f ms\n",
              n_steps, n_items, crm_customer_list_get_total (list), seconds, requests,
              g_array_index (log.gaps, double, log.gaps->len / 2),
              g_array_index (log.gaps, double, log.gaps->len * 95 / 100),
              g_array_index (log.gaps, double, log.gaps->len - 1));
  /* Each page once, none twice, and nowhere near everything. */
  g_assert_cmpuint (n_items % 100, ==, 0);
  g_assert_cmpuint (requests, ==, n_items / 100);
  g_assert_cmpuint (n_items, >, 100);
  g_assert_cmpuint (n_items, <, 5000);

  /* Dragging the scroll bar to the middle: real rows there, a few pages, not the rest. */
  check_jump (fixture, 0.5, requests, n_items, "middle");
  /* And to the end: the last customer there, the list as long as the real one, in a
   * few requests (the page past the end tells the real length). */
  {
    g_autoptr(JsonNode) past = crm_test_ui_call (fixture->admin_token, "GET",
                                                 "/api/v1/customers?limit=1&offset=10000000",
                                                 NULL, NULL, NULL);
    gint64 real = crm_test_json_get_int (past, "count");
    guint drags;

    requests = _crm_customer_list_get_n_requests (list);
    drags = drag_to_real_end (fixture, fixture->admin_token, 4);
    g_printerr ("# drag to the end: %u drags, %u page requests, %u rows (estimate %s)\n", drags,
                _crm_customer_list_get_n_requests (list) - requests,
                g_list_model_get_n_items (G_LIST_MODEL (list)), status);
    g_assert_cmpint (real, >, N_BULK);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, real);
    g_assert_cmpuint (_crm_customer_list_get_n_requests (list) - requests, <=, 4 * drags + 2);
    g_test_message ("Status line at the end: %s",
                    _crm_customers_page_get_status (customers_page (fixture)));
    g_assert_false (g_str_has_prefix (_crm_customers_page_get_status (customers_page (fixture)),
                                      fixture->test_case->base.language != NULL ? "约 " : "About "));
    screenshot (fixture, NULL, "scrolled-end");
  }
  check_held_rows (fixture);
  check_estimate_too_low (fixture);
  check_estimated_search (fixture);
  gtk_adjustment_set_value (adjustment, 0);
  g_array_unref (log.gaps);
}

static gint64
create_customer (Fixture    *fixture,
                 const char *body)
{
  guint status = 0;
  g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/customers",
                                                body, NULL, &status);

  g_assert_cmpuint (status, ==, 201);
  return crm_test_json_get_int (reply, "id");
}

static guint
customer_status (Fixture *fixture,
                 gint64   id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, &status);
  return status;
}

static gboolean
duplicates_listed (Fixture *fixture)
{
  return customer_loaded (fixture)
         && _crm_customer_page_get_n_duplicates (customer_page (fixture)) > 0;
}

static gboolean
back_at_list (Fixture *fixture)
{
  return g_strcmp0 (_crm_customers_page_get_visible (customers_page (fixture)), "list") == 0
         && !crm_customer_page_get_busy (customer_page (fixture));
}

/* Selects the customer @id alone in the list (the recycle bin); its position, or -1. */
static int
select_in_bin (Fixture *fixture,
               gint64   id)
{
  CrmCustomerList *list = customer_list (fixture);
  GtkSelectionModel *selection = gtk_column_view_get_model (
    _crm_customers_page_get_column_view (customers_page (fixture)));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(CrmCustomer) customer = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (crm_customer_get_id (customer) == id)
        {
          gtk_selection_model_select_item (selection, i, TRUE);
          return (int) i;
        }
    }
  return -1;
}

static gboolean
bin_dialog_open (Fixture *fixture)
{
  return _crm_customers_page_get_dialog (customers_page (fixture)) != NULL;
}

/* Opens the "Delete for Good" confirmation for the customer @id of the recycle bin. */
static AdwMessageDialog *
open_purge_dialog (Fixture *fixture,
                   gint64   id)
{
  g_assert_cmpint (select_in_bin (fixture, id), >=, 0);
  wait_until (fixture, NULL, always, "the selection in the recycle bin");
  g_assert_true (gtk_widget_get_visible (crm_test_ui_template_child (
    customers_page (fixture), CRM_TYPE_CUSTOMERS_PAGE, "purge_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.purge", NULL));
  wait_until (fixture, NULL, bin_dialog_open, "the purge confirmation");
  return ADW_MESSAGE_DIALOG (_crm_customers_page_get_dialog (customers_page (fixture)));
}

/* The latest toast says @text (the failure names both). */
static void
assert_toast_has (Fixture    *fixture,
                  const char *text)
{
  const char *toast = _crm_customers_page_get_last_toast (customers_page (fixture));

  if (toast == NULL || strstr (toast, text) == NULL)
    g_error ("The latest toast is “%s”, without “%s”", toast, text);
}

static gboolean
bin_has (Fixture *fixture,
         gint64   id)
{
  CrmCustomerList *list = customer_list (fixture);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(CrmCustomer) customer = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (crm_customer_get_id (customer) == id)
        return TRUE;
    }
  return FALSE;
}

/*
 * Delete for Good from the recycle bin: after a confirmation that names the customer, it
 * is gone from the bin and from the server (nothing left to restore); one restored
 * elsewhere meanwhile answers the server's 404, one with an order its 409, each said in a
 * toast.
 */
static void
check_purge (Fixture *fixture)
{
  gboolean zh = fixture->test_case->base.language != NULL;
  const char *doomed_name = zh ? "彻底删除测试甲有限公司" : "Purge Test A Ltd";
  const char *saved_name = zh ? "彻底删除测试乙有限公司" : "Purge Test B Ltd";
  g_autofree char *doomed_body = g_strdup_printf ("{\"name\":\"%s\"}", doomed_name);
  g_autofree char *saved_body = g_strdup_printf ("{\"name\":\"%s\"}", saved_name);
  gint64 doomed = create_customer (fixture, doomed_body);
  gint64 saved = create_customer (fixture, saved_body);
  g_autofree char *doomed_path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, doomed);
  g_autofree char *saved_path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, saved);
  g_autofree char *restore_path = g_strdup_printf ("%s/restore", doomed_path);
  g_autofree char *saved_restore_path = g_strdup_printf ("%s/restore", saved_path);
  g_autoptr(JsonNode) reply = NULL;
  AdwMessageDialog *dialog;
  const char *toast;
  guint status = 0;

  reply = crm_test_ui_call (fixture->admin_token, "DELETE", doomed_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&reply, json_node_unref);
  reply = crm_test_ui_call (fixture->admin_token, "DELETE", saved_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&reply, json_node_unref);
  crm_customer_list_reload (customer_list (fixture));
  wait_until (fixture, NULL, list_idle, "the recycle bin with two more");
  g_assert_true (bin_has (fixture, doomed));
  g_assert_true (bin_has (fixture, saved));

  /* Cancelled: nothing happens. */
  dialog = open_purge_dialog (fixture, doomed);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), doomed_name));
  respond (dialog, "cancel");
  wait_until (fixture, NULL, list_idle, "the cancelled purge");
  g_assert_true (bin_has (fixture, doomed));

  dialog = open_purge_dialog (fixture, doomed);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), doomed_name));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "purge"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  screenshot (fixture, GTK_WIDGET (dialog), "purge");
  respond (dialog, "purge");
  wait_until (fixture, NULL, list_idle, "the purge");
  toast = _crm_customers_page_get_last_toast (customers_page (fixture));
  g_test_message ("After the purge: %s", toast);
  {
    g_autofree char *expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "%u customer deleted for good",
                                                              "%u customers deleted for good",
                                                              1), 1u);

    g_assert_cmpstr (toast, ==, expected);
  }
  g_assert_false (bin_has (fixture, doomed));
  g_assert_true (bin_has (fixture, saved));
  g_assert_cmpuint (customer_status (fixture, doomed), ==, 404);
  reply = crm_test_ui_call (fixture->admin_token, "POST", restore_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&reply, json_node_unref);

  /* Restored from another session while the confirmation is open: the server's 404. */
  dialog = open_purge_dialog (fixture, saved);
  reply = crm_test_ui_call (fixture->admin_token, "POST", saved_restore_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&reply, json_node_unref);
  respond (dialog, "purge");
  wait_until (fixture, NULL, list_idle, "the refused purge");
  assert_toast_has (fixture, saved_name);
  assert_toast_has (fixture, _("No such record in the recycle bin"));
  screenshot (fixture, NULL, "purge-refused");
  g_assert_false (bin_has (fixture, saved));
  g_assert_cmpuint (customer_status (fixture, saved), ==, 200);

  /* Still referred to by an order: the server's 409, and it stays in the bin. */
  g_assert_cmpint (fixture->ordered_id, >, 0);
  dialog = open_purge_dialog (fixture, fixture->ordered_id);
  respond (dialog, "purge");
  wait_until (fixture, NULL, list_idle, "the purge of a customer with an order");
  assert_toast_has (fixture, _("Other records (such as orders) still refer to this one"));
  g_assert_true (bin_has (fixture, fixture->ordered_id));
}

/* Two records of one company: merged from the page, the survivor deleted,
 * then restored from the recycle bin. */
static void
check_merge_and_bin (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);
  gboolean zh = fixture->test_case->base.language != NULL;
  g_autofree char *survivor_body = NULL;
  g_autofree char *loser_body = NULL;
  g_autofree char *contact_body = NULL;
  g_autofree char *contacts = NULL;
  g_autofree char *timeline = NULL;
  g_autoptr(JsonNode) contact = NULL;
  AdwMessageDialog *dialog;
  gint64 survivor, loser;
  guint status = 0;

  survivor_body = g_strdup_printf ("{\"name\":\"%s\",\"mobile\":\"%s\",\"city\":\"宁波市\"}",
                                   zh ? "宁波港通物流有限公司" : "温州瓯江电器有限公司",
                                   zh ? "13955500001" : "13955500002");
  loser_body = g_strdup_printf ("{\"name\":\"%s\",\"mobile\":\"%s\",\"industry\":\"物流\"}",
                                zh ? "宁波港通物流公司" : "温州瓯江电器公司",
                                zh ? "13955500001" : "13955500002");
  survivor = create_customer (fixture, survivor_body);
  loser = create_customer (fixture, loser_body);
  /* With the contacts' required custom field (seed_extras ()). */
  contact_body = g_strdup_printf ("{\"customer_id\":%" G_GINT64_FORMAT ",\"full_name\":\"%s\","
                                  "\"custom\":{\"wechat\":\"wx_merge\"}}", loser,
                                  zh ? "周杰" : "陈静");
  contact = crm_test_ui_call (fixture->admin_token, "POST", "/api/v1/contacts", contact_body, NULL,
                              &status);
  g_assert_cmpuint (status, ==, 201);

  crm_customers_page_open_customer (customers_page (fixture), survivor);
  wait_until (fixture, NULL, duplicates_listed, "the likely duplicates");
  scroll_page_to_end (fixture, "duplicates");
  g_assert_true (gtk_widget_get_visible (template_child (page, CRM_TYPE_CUSTOMER_PAGE,
                                                         "delete_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.merge", "x", loser));
  wait_until (fixture, NULL, dialog_open, "the merge dialog");
  dialog = _crm_customer_page_get_dialog (page);
  screenshot (fixture, GTK_WIDGET (dialog), "merge");
  respond (dialog, "merge");
  wait_until (fixture, NULL, customer_loaded, "the merged customer");
  g_assert_cmpint (crm_customer_get_id (crm_customer_page_get_customer (page)), ==, survivor);
  g_assert_cmpuint (customer_status (fixture, loser), ==, 404);
  /* The contact moved, the empty industry was filled. */
  wait_until (fixture, NULL, customer_saved, "the merged customer's contacts");
  contacts = _crm_customer_page_dup_contacts_text (page);
  g_assert_nonnull (strstr (contacts, zh ? "周杰" : "陈静"));
  g_assert_cmpstr (crm_customer_get_string (crm_customer_page_get_customer (page), "industry"),
                   ==, "物流");
  timeline = _crm_customer_page_dup_timeline_text (page);
  g_test_message ("Timeline after the merge:\n%s", timeline);
  g_assert_nonnull (strstr (timeline, _("Merged duplicates into this customer")));

  /* A long history: 50 events at a time, older ones on request. */
  for (guint i = 0; i < 55; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT "/follow-ups",
                                               survivor);
      g_autofree char *body = g_strdup_printf ("{\"kind\":\"call\",\"subject\":\"回访 %u\"}", i);
      g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "POST", path, body, NULL,
                                                    &status);

      g_assert_cmpuint (status, ==, 201);
    }
  crm_customers_page_open_customer (customers_page (fixture), survivor);
  wait_until (fixture, NULL, customer_loaded, "the customer with a long history");
  g_assert_cmpuint (_crm_customer_page_get_n_events (page), ==, 50);
  g_clear_pointer (&timeline, g_free);
  timeline = _crm_customer_page_dup_timeline_text (page);
  g_assert_null (strstr (timeline, _("Merged duplicates into this customer")));
  g_assert_true (_crm_customer_page_show_older_events (page));
  wait_until (fixture, NULL, customer_saved, "the older events");
  g_assert_cmpuint (_crm_customer_page_get_n_events (page), >, 50);
  g_clear_pointer (&timeline, g_free);
  timeline = _crm_customer_page_dup_timeline_text (page);
  g_assert_nonnull (strstr (timeline, _("Merged duplicates into this customer")));
  g_assert_nonnull (strstr (timeline, "回访 54"));
  g_assert_nonnull (strstr (timeline, "回访 0"));

  /* Deleting: after a confirmation, back to the list, in the recycle bin. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "customer.delete", NULL));
  wait_until (fixture, NULL, dialog_open, "the delete confirmation");
  dialog = _crm_customer_page_get_dialog (page);
  screenshot (fixture, GTK_WIDGET (dialog), "delete");
  respond (dialog, "delete");
  wait_until (fixture, NULL, back_at_list, "the list after deleting");
  g_assert_cmpuint (customer_status (fixture, survivor), ==, 404);

  crm_customers_page_show_recycle_bin (customers_page (fixture), TRUE);
  wait_until (fixture, NULL, list_idle, "the recycle bin");
  g_assert_true (crm_customer_list_get_deleted (customer_list (fixture)));
  check_purge (fixture);
  g_assert_cmpint (select_in_bin (fixture, survivor), >=, 0);
  wait_until (fixture, NULL, always, "the selection in the recycle bin");
  screenshot (fixture, NULL, "recycle-bin");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.restore", NULL));
  wait_until (fixture, NULL, list_idle, "the restore");
  g_assert_cmpuint (customer_status (fixture, survivor), ==, 200);
  crm_customers_page_show_recycle_bin (customers_page (fixture), FALSE);
  wait_until (fixture, NULL, list_idle, "the customers again");
  g_assert_false (crm_customer_list_get_deleted (customer_list (fixture)));
}

/* Gives the two rows on top to @owner (a name of the batch dialog's owner list) in a
 * batch edit, and returns their ids. */
static void
batch_give (Fixture    *fixture,
            const char *owner,
            gint64      ids[2])
{
  GtkColumnView *view = _crm_customers_page_get_column_view (customers_page (fixture));
  AdwMessageDialog *dialog;
  GtkDropDown *owners;
  GListModel *names;
  guint chosen = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CrmCustomer) customer = g_list_model_get_item (G_LIST_MODEL (customer_list (
                                                                 fixture)), i);

      ids[i] = crm_customer_get_id (customer);
    }
  gtk_selection_model_select_range (gtk_column_view_get_model (view), 0, 2, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (customers_page (fixture)),
                                             "customers.batch-edit", NULL));
  dialog = ADW_MESSAGE_DIALOG (_crm_customers_page_get_dialog (customers_page (fixture)));
  owners = GTK_DROP_DOWN (_crm_customers_page_get_batch_widget (customers_page (fixture),
                                                                "owner"));
  g_assert_nonnull (owners);
  names = gtk_drop_down_get_model (owners);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) name = g_list_model_get_item (names, i);

      if (g_str_equal (gtk_string_object_get_string (name), owner))
        chosen = i;
    }
  g_assert_cmpuint (chosen, >, 0);
  gtk_drop_down_set_selected (owners, chosen);
  wait_until (fixture, GTK_WIDGET (dialog), always, "the batch dialog with an owner");
  screenshot (fixture, GTK_WIDGET (dialog), "batch-owner");
  adw_message_dialog_response (dialog, "apply");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (fixture, NULL, batch_done, "the batch change of owner");
}

/* The administrator gives two customers to the rep, then takes them back. */
static void
check_batch_owner (Fixture *fixture)
{
  gint64 ids[2];
  gint64 back[2];
  g_autofree char *li = g_strdup_printf ("%" G_GINT64_FORMAT, user_id (fixture, "li"));
  g_autofree char *ada = g_strdup_printf ("%" G_GINT64_FORMAT, user_id (fixture, "ada"));
  GtkSearchEntry *entry = _crm_customers_page_get_search_entry (customers_page (fixture));

  /* The administrator's own customers, whoever they go to */
  gtk_editable_set_text (GTK_EDITABLE (entry), "苏州批量客户");
  wait_until (fixture, NULL, list_idle, "the administrator's customers");
  g_assert_cmpstr (crm_customer_list_get_q (customer_list (fixture)), ==, "苏州批量客户");
  batch_give (fixture, "li", ids);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *owner = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, ids[i]);
      g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL,
                                                    NULL);

      owner = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (reply, "owner_id"));
      g_assert_cmpstr (owner, ==, li);
    }
  /* Edited last, they are on top again: back to the administrator ("Me"). */
  batch_give (fixture, _("Me"), back);
  g_assert_cmpint (MIN (back[0], back[1]), ==, MIN (ids[0], ids[1]));
  g_assert_cmpint (MAX (back[0], back[1]), ==, MAX (ids[0], ids[1]));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, ids[i]);
      g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL,
                                                    NULL);
      g_autofree char *owner = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                crm_test_json_get_int (reply, "owner_id"));

      g_assert_cmpstr (owner, ==, ada);
    }
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_until (fixture, NULL, list_idle, "the list without a search");
}

/* The item of the owner's drop-down on the customer page that reads @name, or
 * GTK_INVALID_LIST_POSITION. */
static guint
owner_item (Fixture    *fixture,
            const char *name)
{
  GtkWidget *row = _crm_customer_page_get_row (customer_page (fixture), "owner_id");
  GListModel *names = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name))
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
owners_named (Fixture *fixture)
{
  return customer_loaded (fixture) && owner_item (fixture, "li") != GTK_INVALID_LIST_POSITION;
}

/* The administrator gives a customer to the rep on its page: the owner goes as a number
 * in the PATCH, and stays as the server has it once the page is loaded again. */
static void
check_page_owner (Fixture *fixture)
{
  CrmCustomerPage *page = customer_page (fixture);
  gboolean zh = fixture->test_case->base.language != NULL;
  gint64 id = create_customer (fixture, zh ? "{\"name\":\"绍兴转交客户有限公司\"}"
                                           : "{\"name\":\"嘉兴转交客户有限公司\"}");
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
  g_autofree char *li = g_strdup_printf ("%" G_GINT64_FORMAT, user_id (fixture, "li"));
  g_autofree char *owner = NULL;
  g_autoptr(JsonNode) reply = NULL;
  GtkWidget *row;

  crm_customers_page_open_customer (customers_page (fixture), id);
  wait_until (fixture, NULL, owners_named, "the customer and the owners to choose");
  row = _crm_customer_page_get_row (page, "owner_id");
  g_assert_true (ADW_IS_COMBO_ROW (row));
  g_assert_true (gtk_widget_get_visible (row));
  /* Created by the administrator: theirs. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==,
                    owner_item (fixture, _("Me")));
  g_assert_false (_crm_customer_page_has_unsaved_changes (page));

  adw_combo_row_set_selected (ADW_COMBO_ROW (row), owner_item (fixture, "li"));
  g_assert_true (_crm_customer_page_has_unsaved_changes (page));
  screenshot_scrolled_to (fixture, row, 300, "customer-owner");
  crm_customer_page_save (page);
  wait_until (fixture, NULL, customer_saved, "the save of the owner");
  reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL, NULL);
  owner = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (reply, "owner_id"));
  g_assert_cmpstr (owner, ==, li);

  crm_customer_page_load (page, id);
  wait_until (fixture, NULL, customer_loaded, "the customer again");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==,
                    owner_item (fixture, "li"));
  g_assert_false (_crm_customer_page_has_unsaved_changes (page));
  g_signal_emit_by_name (template_child (page, CRM_TYPE_CUSTOMER_PAGE, "back_button"), "clicked");
  wait_until (fixture, NULL, list_idle, "the list after the owner's change");
}

/* A customer open on this page, deleted elsewhere (another session): back to the
 * list with a word, not a reload into a 404. */
static void
check_deleted_elsewhere (Fixture *fixture)
{
  gint64 id = create_customer (fixture, "{\"name\":\"即将删除的客户\",\"city\":\"南京市\"}");
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  crm_customers_page_open_customer (customers_page (fixture), id);
  wait_until (fixture, NULL, customer_loaded, "the customer to delete");
  reply = crm_test_ui_call (fixture->admin_token, "DELETE", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  wait_until (fixture, NULL, back_at_list, "the list after the customer was deleted elsewhere");
  g_assert_cmpstr (_crm_customers_page_get_last_toast (customers_page (fixture)), ==,
                   _("This customer was deleted."));
  g_assert_null (crm_customer_page_get_customer (customer_page (fixture)));
  wait_until (fixture, NULL, list_idle, "the list reloaded");
  screenshot (fixture, NULL, "deleted-elsewhere");
}

/* --- the test ------------------------------------------------------------ */

static gboolean
admin_view_idle (Fixture *fixture)
{
  CrmAdminView *view = _crm_admin_page_get_view (_crm_window_get_admin_page (fixture->window),
                                                 "custom-fields");

  return view != NULL && !crm_admin_view_is_busy (view);
}

static gboolean
admin_dialog_mapped (Fixture *fixture)
{
  CrmAdminView *view = _crm_admin_page_get_view (_crm_window_get_admin_page (fixture->window),
                                                 "custom-fields");
  AdwMessageDialog *dialog = crm_admin_view_get_dialog (view);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* An administrator makes a choice field in Administration → Custom fields, one option
 * per row (one of them with a comma, one moved up), and the customer page offers exactly
 * those options, without a restart. */
static void
check_admin_choice_field (Fixture *fixture)
{
  gboolean zh = fixture->test_case->base.language != NULL;
  const char *key = zh ? "contact_way_zh" : "contact_way_en";
  g_autofree char *name = g_strconcat ("custom.", key, NULL);
  CrmAdminPage *admin = _crm_window_get_admin_page (fixture->window);
  GtkListBox *sections = _crm_window_get_sections_list (fixture->window);
  CrmAdminView *view;
  AdwMessageDialog *dialog;
  GtkWidget *options;
  GtkWidget *row;
  GListModel *records;
  GListModel *offered;
  g_autoptr(JsonNode) fields = NULL;
  g_autofree char *choices = NULL;
  g_autofree char *saved = NULL;
  const char *typed[] = { "电话", "微信, 短信", "展会" };
  gint64 id;
  JsonArray *items;

  crm_test_ui_activate_row (sections, "administration");
  _crm_admin_page_show (admin, "custom-fields");
  view = _crm_admin_page_get_view (admin, "custom-fields");
  wait_until (fixture, NULL, admin_view_idle, "the custom fields");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "records.new", NULL));
  wait_until (fixture, NULL, admin_dialog_mapped, "the new field's dialog");
  dialog = crm_admin_view_get_dialog (view);
  gtk_editable_set_text (GTK_EDITABLE (crm_test_ui_find_named (GTK_WIDGET (dialog), "label")),
                         zh ? "联系途径" : "Contact way");
  gtk_editable_set_text (GTK_EDITABLE (crm_test_ui_find_named (GTK_WIDGET (dialog), "key")),
                         key);
  options = crm_test_ui_find_named (GTK_WIDGET (dialog), "choices");
  g_assert_true (ADW_IS_EXPANDER_ROW (options));
  /* Text has no options: the editor shows for the types that have them. */
  g_assert_false (gtk_widget_get_visible (options));
  adw_combo_row_set_selected (ADW_COMBO_ROW (crm_test_ui_find_named (GTK_WIDGET (dialog),
                                                                      "type")),
                              crm_choices_find (crm_custom_field_types, "choice"));
  g_assert_true (gtk_widget_get_visible (options));
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    gtk_editable_set_text (GTK_EDITABLE (crm_options_editor_add_option (options)), typed[i]);
  /* An option typed twice is marked; an empty row is no option; "展会" moved up, before
   * "微信, 短信". */
  row = crm_options_editor_add_option (options);
  gtk_editable_set_text (GTK_EDITABLE (row), " 电话 ");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (crm_test_ui_find_named (crm_options_editor_get_row (options, 2), "up"),
                         "clicked");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (crm_options_editor_get_row (options, 1))),
                   ==, "展会");
  wait_until (fixture, GTK_WIDGET (dialog), always, "the filled field dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "admin-choice-field");
  /* A key the server refuses: the dialog again, as sent, the server's message beside the
   * key, the options still there (the empty row left out). */
  gtk_editable_set_text (GTK_EDITABLE (crm_test_ui_find_named (GTK_WIDGET (dialog), "key")),
                         "Contact Way");
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (fixture, NULL, admin_view_idle, "the refused field");
  wait_until (fixture, NULL, admin_dialog_mapped, "the refused field's dialog");
  dialog = crm_admin_view_get_dialog (view);
  row = crm_test_ui_find_named (GTK_WIDGET (dialog), "key");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (crm_test_ui_find_named (row, "message"));
  g_test_message ("The server's message for the key: %s", gtk_label_get_text (GTK_LABEL (
                    crm_test_ui_find_named (row, "message"))));
  if (zh)
    g_assert_false (g_str_is_ascii (gtk_label_get_text (GTK_LABEL (
                      crm_test_ui_find_named (row, "message")))));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "Contact Way");
  options = crm_test_ui_find_named (GTK_WIDGET (dialog), "choices");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (crm_options_editor_get_row (options, 2))),
                   ==, "微信, 短信");
  g_assert_null (crm_options_editor_get_row (options, 3));
  wait_until (fixture, GTK_WIDGET (dialog), always, "the refused field's dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "admin-choice-field-invalid");
  gtk_editable_set_text (GTK_EDITABLE (row), key);
  /* Still a new field: what only a new one sets can be changed. */
  g_assert_true (gtk_widget_get_sensitive (crm_test_ui_find_named (GTK_WIDGET (dialog),
                                                                    "type")));
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (fixture, NULL, admin_view_idle, "the new field");

  fields = crm_test_ui_call (fixture->admin_token, "GET",
                             "/api/v1/fields?object=customers&limit=500", NULL, NULL, NULL);
  items = json_object_get_array_member (json_node_get_object (fields), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *field = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (field, "key"), key) == 0)
        {
          g_autoptr(JsonNode) node = json_node_copy (json_object_get_member (field, "choices"));

          choices = json_to_string (node, FALSE);
        }
    }
  g_assert_cmpstr (choices, ==, "[\"电话\",\"展会\",\"微信, 短信\"]");

  /* Edited: its options as rows, one each. */
  records = _crm_admin_records_get_records (CRM_ADMIN_RECORDS (view));
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(CrmCustomer) record = g_list_model_get_item (records, i);

      if (g_strcmp0 (crm_customer_get_string (record, "key"), key) == 0)
        _crm_admin_records_select (CRM_ADMIN_RECORDS (view), i);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "records.edit", NULL));
  wait_until (fixture, NULL, admin_dialog_mapped, "the field's dialog");
  dialog = crm_admin_view_get_dialog (view);
  options = crm_test_ui_find_named (GTK_WIDGET (dialog), "choices");
  g_assert_true (gtk_widget_get_visible (options));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (crm_options_editor_get_row (options, 2))),
                   ==, "微信, 短信");
  g_assert_null (crm_options_editor_get_row (options, 3));
  wait_until (fixture, GTK_WIDGET (dialog), always, "the field's dialog");
  screenshot (fixture, GTK_WIDGET (dialog), "admin-edit-choice-field");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));

  /* The customer page offers the three options, the one with a comma whole. */
  crm_test_ui_activate_row (sections, "customers");
  id = create_customer (fixture, zh ? "{\"name\":\"湖州联系途径有限公司\"}"
                                    : "{\"name\":\"丽水联系途径有限公司\"}");
  crm_customers_page_open_customer (customers_page (fixture), id);
  wait_until (fixture, NULL, customer_loaded, "the customer with the new field");
  row = _crm_customer_page_get_row (customer_page (fixture), name);
  g_assert_nonnull (row);
  g_assert_true (ADW_IS_COMBO_ROW (row));
  offered = adw_combo_row_get_model (ADW_COMBO_ROW (row));
  g_assert_cmpuint (g_list_model_get_n_items (offered), ==, 4);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (offered), 3), ==, "微信, 短信");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 3);
  screenshot_scrolled_to (fixture, row, 200, "customer-admin-choice");

  /* A field the role may only read is shown, not editable; one it may not read is not
   * shown (the server leaves its value out). */
  {
    g_autoptr(CrmAccount) limited = crm_account_copy (_crm_window_get_account (fixture->window));
    CrmCustomerPage *page = customer_page (fixture);
    GtkWidget *contract = _crm_customer_page_get_row (page, "custom.contract_no");
    GtkWidget *staff = _crm_customer_page_get_row (page, "custom.staff");

    g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (contract)));
    crm_permissions_set_field_access (limited->permissions, CRM_OBJECT_CUSTOMERS,
                                      "custom_contract_no", CRM_FIELD_ACCESS_READ);
    crm_permissions_set_field_access (limited->permissions, CRM_OBJECT_CUSTOMERS,
                                      "custom_staff", CRM_FIELD_ACCESS_NONE);
    crm_customer_page_set_account (page, limited);
    g_assert_true (gtk_widget_get_visible (contract));
    g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (contract)));
    g_assert_false (gtk_widget_get_visible (staff));
    g_assert_true (gtk_widget_get_visible (row));
    screenshot_scrolled_to (fixture, row, 200, "customer-read-only");
    crm_customer_page_set_account (page, _crm_window_get_account (fixture->window));
    g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (contract)));
    g_assert_true (gtk_widget_get_visible (staff));
  }
  save_page (fixture, "the save of the new field");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, id);
    g_autoptr(JsonNode) reply = crm_test_ui_call (fixture->admin_token, "GET", path, NULL, NULL,
                                                  NULL);
    JsonObject *custom = json_object_get_object_member (json_node_get_object (reply), "custom");

    g_assert_cmpstr (json_object_get_string_member (custom, key), ==, "微信, 短信");
  }
  g_signal_emit_by_name (template_child (customer_page (fixture), CRM_TYPE_CUSTOMER_PAGE,
                                         "back_button"), "clicked");
  wait_until (fixture, NULL, list_idle, "the list after the new field");
}

static void
run_case (gconstpointer data)
{
  const CustomersCase *test_case = data;
  Fixture fixture = { test_case, };
  g_autoptr(CrmApplication) application = NULL;

  fixture.admin_token = g_strdup (crm_test_ui_get_seeded ("ADMIN_TOKEN"));
  fixture.rep_token = g_strdup (crm_test_ui_get_seeded ("REP_TOKEN"));
  fixture.manager_token = g_strdup (crm_test_ui_get_seeded ("MANAGER_TOKEN"));
  crm_test_ui_get_seeded_ids ("ORDERED_ID", &fixture.ordered_id, 1);

  application = crm_test_ui_application_new ();
  fixture.window = crm_test_ui_window_new (application,
                                           crm_application_get_api_client (application),
                                           test_case->width, test_case->height);

  if (test_case->admin)
    {
      sign_in (&fixture, "ada");
      check_scrolling (&fixture);
      check_deleted_elsewhere (&fixture);
      check_page_owner (&fixture);
      check_merge_and_bin (&fixture);
      check_batch_owner (&fixture);
      check_admin_choice_field (&fixture);
    }
  else
    {
      /* The small window walks what looks different there, not every rule again. */
      gboolean small = test_case->size != NULL;

      sign_in (&fixture, "li");
      check_list (&fixture);
      if (!small)
        {
          check_tag_chips (&fixture);
          check_capped_count (&fixture);
          check_estimated_count (&fixture);
        }
      check_search_without_matches (&fixture);
      check_search (&fixture);
      check_popovers (&fixture);
      check_filters (&fixture);
      check_customer (&fixture);
      if (!small)
        check_conflict_overwrite (&fixture);
      check_new_customer (&fixture);
      if (!small)
        check_new_customer_required (&fixture);
      check_batch (&fixture);
      if (!small)
        {
          check_batch_gone (&fixture);
          check_protected_fields (&fixture);
          check_protected_view (&fixture);
          check_batch_unwritable (&fixture);
          check_contact_access (&fixture);
          check_manager (&fixture);
        }
    }

  crm_test_ui_window_destroy (fixture.window);
  g_free (fixture.admin_token);
  g_free (fixture.rep_token);
  g_free (fixture.manager_token);
}

/* In the parent, once: the server's customers, and the sessions for the cases. */
static void
seed_server (CrmTestServer  *server,
             CrmTestCluster *cluster)
{
  Fixture shared = { .server = server, .cluster = cluster };
  gint64 started = g_get_monotonic_time ();

  seed (&shared);
  g_test_message ("Seeded %d customers in %.1f s", N_CUSTOMERS,
                  (g_get_monotonic_time () - started) / 1e6);
  crm_test_ui_set_seeded ("ADMIN_TOKEN", shared.admin_token);
  crm_test_ui_set_seeded ("REP_TOKEN", shared.rep_token);
  crm_test_ui_set_seeded ("MANAGER_TOKEN", shared.manager_token);
  crm_test_ui_set_seeded_ids ("ORDERED_ID", &shared.ordered_id, 1);
  g_free (shared.admin_token);
  g_free (shared.rep_token);
  g_free (shared.manager_token);
}

static const CustomersCase cases[] = {
  { { "en", NULL, NULL }, FALSE, 1366, 768, NULL },
  { { "zh_CN", "zh_CN", "zh-cn" }, FALSE, 1366, 768, NULL },
  { { "small-en", NULL, NULL }, FALSE, 1024, 640, "small" },
  { { "small-zh_CN", "zh_CN", "zh-cn" }, FALSE, 1024, 640, "small" },
  { { "admin-en", NULL, NULL }, TRUE, 1366, 768, NULL },
  { { "admin-zh_CN", "zh_CN", "zh-cn" }, TRUE, 1366, 768, NULL },
};

int
main (int   argc,
      char *argv[])
{
  return crm_test_ui_main (argc, argv, "/crm/client/customers", cases, G_N_ELEMENTS (cases),
                           sizeof cases[0], seed_server, run_case);
}
