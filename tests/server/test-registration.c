/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "crm-api-paths.h"
#include "crm-test-server.h"

/*
 * A company customer's registration details (server/API.md, "Registration details"),
 * against a real rapport-server over HTTPS: the unified social credit code checked and
 * normalised (422 per field, in English and Chinese), the legal representative,
 * registered capital and date of establishment written and read, filled by a merge, and
 * hidden from a role that may not read them.
 */

#define PASSWORD "Registration-Test-42"

/* 91350100M000100Y43 is GB 32100-2015's own example. */
#define CODE "91350100M000100Y43"
#define WRONG_CHECK "91350100M000100Y44"
#define MSG_CHECK_EN \
  "The last character of this credit code does not match the others; check for a typing mistake"
#define MSG_CHECK_ZH "该信用代码的最后一位与前面不符，请检查是否输错"

static CrmTestCluster *cluster;
static CrmTestServer *server;
static char *admin_token;
static char *rep_token;
static gint64 rep_id;

static JsonNode *
call (const char *token,
      const char *language,
      const char *method,
      const char *path,
      const char *body,
      gint64      version,
      guint      *status)
{
  g_autofree char *full = g_strconcat (CRM_API_BASE, path, NULL);
  g_autofree char *if_match = version > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, version)
                                          : NULL;
  const char *headers[] = { "Accept-Language", language, NULL };

  return crm_test_server_call_with_headers (server, token, method, full, body, if_match,
                                            language != NULL ? headers : NULL, status);
}

static gint64
create (const char *token,
        const char *body)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = call (token, NULL, "POST", "/customers", body, 0, &status);
  g_assert_cmpuint (status, ==, 201);
  return crm_test_json_get_int (reply, "id");
}

static JsonNode *
get (const char *token,
     gint64      id)
{
  g_autofree char *path = g_strdup_printf ("/customers/%" G_GINT64_FORMAT, id);
  JsonNode *reply;
  guint status = 0;

  reply = call (token, NULL, "GET", path, NULL, 0, &status);
  g_assert_cmpuint (status, ==, 200);
  return reply;
}

/* PATCH as @token (If-Match: the current version) → the reply; *status its status. */
static JsonNode *
patch (const char *token,
       const char *language,
       gint64      id,
       const char *body,
       guint      *status)
{
  g_autoptr(JsonNode) current = get (admin_token, id);
  g_autofree char *path = g_strdup_printf ("/customers/%" G_GINT64_FORMAT, id);

  return call (token, language, "PATCH", path, body, crm_test_json_get_int (current, "version"),
               status);
}

static gboolean
has_member (JsonNode   *record,
            const char *name)
{
  return JSON_NODE_HOLDS_OBJECT (record)
         && json_object_has_member (json_node_get_object (record), name);
}

static gboolean
is_null (JsonNode   *record,
         const char *name)
{
  JsonNode *member = json_object_get_member (json_node_get_object (record), name);

  return member != NULL && JSON_NODE_HOLDS_NULL (member);
}

static void
test_credit_code (void)
{
  static const struct { const char *language; const char *message; } languages[] = {
    { "zh-CN", MSG_CHECK_ZH },
    { "en", MSG_CHECK_EN },
  };
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonNode) old = NULL;
  guint status = 0;
  gint64 id;

  /* A wrong check character: 422, the message beside the field, in the caller's language. */
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autoptr(JsonNode) refused = NULL;

      refused = call (admin_token, languages[i].language, "POST", "/customers",
                      "{\"kind\":\"company\",\"name\":\"校验位有误公司\",\"registration_no\":\""
                      WRONG_CHECK "\"}", 0, &status);
      g_assert_cmpuint (status, ==, 422);
      g_assert_cmpstr (crm_test_json_get_string (refused, "error.code"), ==, "invalid");
      g_assert_cmpstr (crm_test_json_get_string (refused, "error.fields.registration_no"), ==,
                       languages[i].message);
    }
  /* Forbidden letters and a wrong length are refused too. */
  {
    static const char * const bad[] = { "91350100O000100Y43", "91350100M000100Y4", "ABC" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"name\":\"Bad code %u\","
                                                 "\"registration_no\":\"%s\"}", i, bad[i]);
        g_autoptr(JsonNode) refused = call (admin_token, "zh-CN", "POST", "/customers", body, 0,
                                            &status);

        g_assert_cmpuint (status, ==, 422);
        g_assert_nonnull (crm_test_json_get_string (refused, "error.fields.registration_no"));
      }
  }

  /* Typed with spaces and in lower case: stored normalised. */
  id = create (admin_token, "{\"kind\":\"company\",\"name\":\"福州明远贸易有限公司\","
                            "\"registration_no\":\" 9135 0100 m000 100y 43 \"}");
  record = get (admin_token, id);
  g_assert_cmpstr (crm_test_json_get_string (record, "registration_no"), ==, CODE);

  /* An old 15-digit business registration number is kept as it is. */
  {
    g_autoptr(JsonNode) patched = patch (admin_token, NULL, id,
                                         "{\"registration_no\":\"310115000123456\"}", &status);

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (crm_test_json_get_string (patched, "registration_no"), ==,
                     "310115000123456");
  }
  /* And a wrong check character on an update is refused like on a create. */
  {
    g_autoptr(JsonNode) refused = patch (admin_token, "zh-CN", id,
                                         "{\"registration_no\":\"" WRONG_CHECK "\"}", &status);

    g_assert_cmpuint (status, ==, 422);
    g_assert_cmpstr (crm_test_json_get_string (refused, "error.fields.registration_no"), ==,
                     MSG_CHECK_ZH);
  }
  old = get (admin_token, id);
  g_assert_cmpstr (crm_test_json_get_string (old, "registration_no"), ==, "310115000123456");
}

static void
test_fields (void)
{
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonNode) read = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 3);
  g_autofree char *future = g_date_time_format (later, "%Y-%m-%d");
  g_autofree char *future_body = NULL;
  guint status = 0;
  gint64 id;

  id = create (admin_token,
               "{\"kind\":\"company\",\"name\":\"上海明远贸易有限公司\","
               "\"registration_no\":\"" CODE "\",\"legal_representative\":\" 张明远 \","
               "\"registered_capital\":500000000,\"established_on\":\"2008年3月18日\"}");
  read = get (admin_token, id);
  g_assert_cmpstr (crm_test_json_get_string (read, "legal_representative"), ==, "张明远");
  g_assert_cmpint (crm_test_json_get_int (read, "registered_capital"), ==, 500000000);
  g_assert_cmpstr (crm_test_json_get_string (read, "registered_capital_currency"), ==, "CNY");
  g_assert_cmpstr (crm_test_json_get_string (read, "established_on"), ==, "2008-03-18");

  /* Updated: another capital in another currency, another date. */
  patched = patch (admin_token, NULL, id,
                   "{\"registered_capital\":12345678,\"registered_capital_currency\":\"usd\","
                   "\"established_on\":\"2010-01-05\",\"legal_representative\":\"李华\"}",
                   &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (crm_test_json_get_int (patched, "registered_capital"), ==, 12345678);
  g_assert_cmpstr (crm_test_json_get_string (patched, "registered_capital_currency"), ==, "USD");
  g_assert_cmpstr (crm_test_json_get_string (patched, "established_on"), ==, "2010-01-05");
  g_assert_cmpstr (crm_test_json_get_string (patched, "legal_representative"), ==, "李华");

  /* Refused, each beside its field: a date in the future, a negative capital, a capital
   * that is no whole number of minor units. */
  future_body = g_strdup_printf ("{\"established_on\":\"%s\",\"registered_capital\":-1}", future);
  refused = patch (admin_token, "zh-CN", id, future_body, &status);
  g_assert_cmpuint (status, ==, 422);
  g_assert_cmpstr (crm_test_json_get_string (refused, "error.fields.established_on"), ==,
                   "该日期晚于今天");
  g_assert_cmpstr (crm_test_json_get_string (refused, "error.fields.registered_capital"), ==,
                   "金额不能小于 0");
  g_clear_pointer (&refused, json_node_unref);
  refused = patch (admin_token, "en", id, "{\"registered_capital\":\"5,000,000\"}", &status);
  g_assert_cmpuint (status, ==, 422);
  g_assert_nonnull (crm_test_json_get_string (refused, "error.fields.registered_capital"));

  /* Cleared. */
  g_clear_pointer (&patched, json_node_unref);
  patched = patch (admin_token, NULL, id,
                   "{\"registered_capital\":null,\"established_on\":null,"
                   "\"legal_representative\":\"\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (is_null (patched, "registered_capital"));
  g_assert_true (is_null (patched, "established_on"));
  g_assert_true (is_null (patched, "legal_representative"));
  record = get (admin_token, id);
  g_assert_true (is_null (record, "registered_capital"));
}

static void
test_merge (void)
{
  g_autoptr(JsonNode) merged = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  guint status = 0;
  gint64 survivor, loser, keeper, other;

  /* The survivor has none of them: it gets the merged record's, the capital with its
   * currency. */
  survivor = create (admin_token, "{\"kind\":\"company\",\"name\":\"合并保留公司\"}");
  loser = create (admin_token,
                  "{\"kind\":\"company\",\"name\":\"合并并入公司\",\"registration_no\":\""
                  CODE "\",\"legal_representative\":\"王芳\",\"registered_capital\":100000,"
                  "\"registered_capital_currency\":\"HKD\",\"established_on\":\"1999-09-09\"}");
  body = g_strdup_printf ("{\"merge_ids\":[%" G_GINT64_FORMAT "]}", loser);
  path = g_strdup_printf ("/customers/%" G_GINT64_FORMAT "/merge", survivor);
  merged = call (admin_token, NULL, "POST", path, body, 0, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (crm_test_json_get_string (merged, "customer.registration_no"), ==, CODE);
  g_assert_cmpstr (crm_test_json_get_string (merged, "customer.legal_representative"), ==,
                   "王芳");
  g_assert_cmpint (crm_test_json_get_int (merged, "customer.registered_capital"), ==, 100000);
  g_assert_cmpstr (crm_test_json_get_string (merged, "customer.registered_capital_currency"), ==,
                   "HKD");
  g_assert_cmpstr (crm_test_json_get_string (merged, "customer.established_on"), ==,
                   "1999-09-09");

  /* The survivor's own values stay. */
  keeper = create (admin_token,
                   "{\"kind\":\"company\",\"name\":\"合并保留二\",\"legal_representative\":\"赵一\","
                   "\"registered_capital\":700,\"established_on\":\"2001-01-01\"}");
  other = create (admin_token,
                  "{\"kind\":\"company\",\"name\":\"合并并入二\",\"legal_representative\":\"钱二\","
                  "\"registered_capital\":900,\"registered_capital_currency\":\"USD\","
                  "\"established_on\":\"2002-02-02\"}");
  g_clear_pointer (&merged, json_node_unref);
  g_free (body);
  g_free (path);
  body = g_strdup_printf ("{\"merge_ids\":[%" G_GINT64_FORMAT "]}", other);
  path = g_strdup_printf ("/customers/%" G_GINT64_FORMAT "/merge", keeper);
  merged = call (admin_token, NULL, "POST", path, body, 0, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (crm_test_json_get_string (merged, "customer.legal_representative"), ==,
                   "赵一");
  g_assert_cmpint (crm_test_json_get_int (merged, "customer.registered_capital"), ==, 700);
  g_assert_cmpstr (crm_test_json_get_string (merged, "customer.registered_capital_currency"), ==,
                   "CNY");
  g_assert_cmpstr (crm_test_json_get_string (merged, "customer.established_on"), ==,
                   "2001-01-01");
}

static void
set_protected (const char *field,
               gboolean    protected)
{
  g_autofree char *path = g_strdup_printf ("/field-policies/customers/%s", field);
  g_autofree char *body = g_strdup_printf ("{\"protected\":%s,\"sensitive\":false}",
                                           protected ? "true" : "false");
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = call (admin_token, NULL, "PUT", path, body, 0, &status);
  g_assert_cmpuint (status, ==, 204);
}

static void
test_field_access (void)
{
  static const char * const fields[] = {
    "legal_representative", "registered_capital", "established_on",
  };
  g_autoptr(JsonNode) seen = NULL;
  g_autoptr(JsonNode) hidden = NULL;
  g_autoptr(JsonNode) admin_view = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autofree char *body = NULL;
  guint status = 0;
  gint64 id;

  body = g_strdup_printf ("{\"kind\":\"company\",\"name\":\"字段权限公司\",\"owner_id\":%"
                          G_GINT64_FORMAT ",\"legal_representative\":\"孙七\","
                          "\"registered_capital\":2000000,\"established_on\":\"2015-06-01\"}",
                          rep_id);
  id = create (admin_token, body);
  /* Out of the box everyone who reads the customer reads them. */
  seen = get (rep_token, id);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (has_member (seen, fields[i]));

  /* Protected: the sales rep's role has no grant, so its records lack them. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    set_protected (fields[i], TRUE);
  hidden = get (rep_token, id);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_false (has_member (hidden, fields[i]));
  g_assert_cmpstr (crm_test_json_get_string (hidden, "name"), ==, "字段权限公司");
  admin_view = get (admin_token, id);
  g_assert_cmpint (crm_test_json_get_int (admin_view, "registered_capital"), ==, 2000000);
  /* Nor may it write them. */
  refused = patch (rep_token, NULL, id, "{\"legal_representative\":\"周八\"}", &status);
  g_assert_cmpuint (status, ==, 403);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    set_protected (fields[i], FALSE);

  /* Sealed values are text: the capital and the date cannot be made sensitive (every
   * write of them would fail), the legal representative can. */
  {
    static const char * const not_text[] = { "registered_capital", "established_on" };

    for (guint i = 0; i < G_N_ELEMENTS (not_text); i++)
      {
        g_autofree char *path = g_strdup_printf ("/field-policies/customers/%s", not_text[i]);
        g_autoptr(JsonNode) reply = call (admin_token, "zh-CN", "PUT", path,
                                          "{\"protected\":false,\"sensitive\":true}", 0,
                                          &status);

        g_assert_cmpuint (status, ==, 422);
        g_assert_cmpstr (crm_test_json_get_string (reply, "error.fields.sensitive"), ==,
                         "只有文本字段可以加密存储");
      }
    g_clear_pointer (&refused, json_node_unref);
    refused = call (admin_token, NULL, "PUT", "/field-policies/customers/legal_representative",
                    "{\"protected\":false,\"sensitive\":true}", 0, &status);
    g_assert_cmpuint (status, ==, 204);
    g_clear_pointer (&refused, json_node_unref);
    refused = patch (admin_token, NULL, id, "{\"legal_representative\":\"吴九\"}", &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (crm_test_json_get_string (refused, "legal_representative"), ==, "吴九");
    set_protected ("legal_representative", FALSE);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;

  g_test_add_func ("/crm/registration/credit-code", test_credit_code);
  g_test_add_func ("/crm/registration/fields", test_fields);
  g_test_add_func ("/crm/registration/merge", test_merge);
  g_test_add_func ("/crm/registration/field-access", test_field_access);

  if (g_getenv ("RAPPORT_LOCALEDIR") == NULL)
    {
      g_autofree char *localedir = g_build_filename (RAPPORT_BUILD_DIR, "po", NULL);

      g_setenv ("RAPPORT_LOCALEDIR", localedir, TRUE);
    }

  cluster = crm_test_cluster_new ();
  server = crm_test_server_new (cluster, NULL);
  crm_test_server_create_user (server, "reg-admin", "admin", PASSWORD);
  rep_id = crm_test_server_create_user (server, "reg-rep", "sales_rep", PASSWORD);
  admin_token = crm_test_server_sign_in (server, "reg-admin", PASSWORD);
  rep_token = crm_test_server_sign_in (server, "reg-rep", PASSWORD);
  status = g_test_run ();

  crm_test_server_free (server);
  crm_test_cluster_free (cluster);
  g_free (admin_token);
  g_free (rep_token);
  return status;
}
