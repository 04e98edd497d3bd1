/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "crm-api-paths.h"
#include "crm-test-server.h"

/*
 * Error messages in the caller's language: for each resource a representative error,
 * asked once with Accept-Language: zh-CN and once with en. The human messages (error.message
 * and error.fields.*) must be the Simplified Chinese of po/zh_CN.po, word for word, and the
 * English msgid; error.code and the status never change with the language. A message
 * left out of the catalog, or a reply that does not go through the translation, answers
 * English to zh-CN and fails here.
 */

#define PASSWORD "Languages-Test-42"

static CrmTestCluster *cluster;
static CrmTestServer *server;
static char *admin_token;
static char *rep_token;
static gint64 rep_id;

typedef enum
{
  AS_NOBODY,
  AS_ADMIN,
  AS_REP,
  AS_STRANGER,    /* a token no session has */
} Caller;

typedef struct
{
  const char *name;
  Caller      caller;
  const char *method;
  const char *path;       /* after /api/v1 */
  const char *body;
  guint       status;
  const char *code;
  const char *member;     /* the message's JSON path */
  const char *english;
  const char *chinese;
} Case;

static const Case cases[] = {
  /* generic */
  { "no-such-resource", AS_ADMIN, "GET", "/no-such-thing", NULL, 404, "not_found",
    "error.message", "No such resource", "没有这个资源" },
  { "method-not-allowed", AS_ADMIN, "DELETE", "/users", NULL, 405, "method_not_allowed",
    "error.message", "This method is not allowed here", "此地址不允许该请求方法" },
  { "no-token", AS_NOBODY, "GET", "/customers", NULL, 401, "unauthenticated",
    "error.message", "Sign in first: this call needs a bearer token",
    "请先登录：此请求需要持有者令牌" },
  { "stale-token", AS_STRANGER, "GET", "/customers", NULL, 401, "unauthenticated",
    "error.message", "The session has expired or was revoked; sign in again",
    "会话已过期或已被撤销，请重新登录" },
  { "no-such-record", AS_ADMIN, "GET", "/customers/987654", NULL, 404, "not_found",
    "error.message", "No such record", "没有这条记录" },
  { "malformed-body", AS_ADMIN, "POST", "/customers", "[1, 2]", 400, "malformed",
    "error.message", "The body must be a JSON object in UTF-8, without NUL characters",
    "请求正文须为 UTF-8 编码的 JSON 对象，且不含 NUL 字符" },
  { "if-match", AS_ADMIN, "PATCH", "/customers/1", "{}", 400, "malformed",
    "error.message", "PATCH needs If-Match with the version you edited",
    "PATCH 请求须在 If-Match 中给出所编辑的版本" },
  /* session, sign-in, MFA */
  { "sign-in-wrong", AS_NOBODY, "POST", "/session",
    "{\"username\":\"nobody-here\",\"password\":\"wrong-password-1\"}", 401, "unauthenticated",
    "error.message", "Wrong user name or password", "用户名或密码错误" },
  { "sign-in-empty", AS_NOBODY, "POST", "/session", "{}", 422, "invalid",
    "error.message", "User name and password are required", "用户名和密码为必填" },
  { "sign-in-empty-field", AS_NOBODY, "POST", "/session", "{}", 422, "invalid",
    "error.fields.password", "Enter your password", "请输入密码" },
  { "mfa-code", AS_REP, "POST", "/session/mfa/confirm", "{}", 422, "invalid",
    "error.fields.code", "Enter the code from your authenticator app",
    "请输入身份验证器应用中的验证码" },
  { "mfa-not-started", AS_REP, "POST", "/session/mfa/confirm", "{\"code\":\"123456\"}", 409,
    "conflict", "error.message", "Start the enrollment first (POST /api/v1/session/mfa)",
    "请先开始设置（POST /api/v1/session/mfa）" },
  /* users */
  { "user-name", AS_ADMIN, "POST", "/users",
    "{\"username\":\"X\",\"display_name\":\"X\",\"password\":\"short1\"}", 422, "invalid",
    "error.fields.username", "2–64 lower-case letters, digits, dots, dashes or underscores",
    "2–64 个小写字母、数字、点、连字符或下划线" },
  { "user-password", AS_ADMIN, "POST", "/users",
    "{\"username\":\"x1\",\"display_name\":\"X\",\"password\":\"short1\"}", 422, "invalid",
    "error.fields.password", "The password has fewer than 10 characters",
    "密码少于 10 个字符" },
  { "user-denied", AS_REP, "POST", "/users",
    "{\"username\":\"x2\",\"display_name\":\"X\",\"password\":\"Long-enough-42\"}", 403,
    "forbidden", "error.message", "Your role does not allow “Create” on “Users”",
    "您的角色无权对“用户”执行“新建”" },
  /* roles */
  { "no-such-role", AS_ADMIN, "GET", "/roles/987654", NULL, 404, "not_found",
    "error.message", "No such role", "没有这个角色" },
  { "role-name", AS_ADMIN, "POST", "/roles", "{\"name\":\"\"}", 422, "invalid",
    "error.fields.name", "Required, at most 100 characters", "必填，最多 100 个字符" },
  { "role-denied", AS_REP, "GET", "/roles", NULL, 403, "forbidden",
    "error.message", "Your role does not allow “Read” on “Roles”",
    "您的角色无权对“角色”执行“查看”" },
  /* teams */
  { "team-denied", AS_REP, "POST", "/teams", "{\"name\":\"Team\"}", 403, "forbidden",
    "error.message", "Your role does not allow “Create” on “Teams”",
    "您的角色无权对“团队”执行“新建”" },
  { "team-sort", AS_ADMIN, "GET", "/teams?sort=shoe_size", NULL, 400, "malformed",
    "error.message", "Cannot sort by that", "不能按此排序" },
  /* fields and tags */
  { "field-filter", AS_ADMIN, "GET", "/fields?shoe_size=42", NULL, 400, "malformed",
    "error.message", "Cannot filter by “shoe_size”", "不能按“shoe_size”筛选" },
  { "field-key", AS_ADMIN, "POST", "/fields",
    "{\"object\":\"customers\",\"key\":\"Bad Key\",\"label\":\"L\",\"type\":\"text\"}", 422,
    "invalid", "error.fields.key", "Use lower-case letters, digits and “_”, starting with a letter",
    "请使用小写字母、数字和“_”，并以字母开头" },
  { "tag-colour", AS_ADMIN, "POST", "/tags", "{\"name\":\"T\",\"color\":\"red\"}", 422, "invalid",
    "error.fields.color", "Enter a colour such as #3584e4", "请输入颜色，例如 #3584e4" },
  { "tag-limit", AS_ADMIN, "GET", "/tags?limit=0", NULL, 400, "malformed",
    "error.message", "limit must be between 1 and 500", "limit 须在 1 到 500 之间" },
  /* audit */
  { "audit-denied", AS_REP, "GET", "/audit", NULL, 403, "forbidden",
    "error.message", "Your role does not allow “Read” on “Audit Log”",
    "您的角色无权对“审计日志”执行“查看”" },
  { "audit-limit", AS_ADMIN, "GET", "/audit?limit=many", NULL, 400, "malformed",
    "error.message",
    "user_id, after and limit (≤ 500) are numbers; from and to are RFC 3339 times",
    "user_id、after 和 limit（≤ 500）须为数字；from 和 to 须为 RFC 3339 时间" },
};

static const char *
token_for (Caller caller)
{
  switch (caller)
    {
    case AS_ADMIN:
      return admin_token;
    case AS_REP:
      return rep_token;
    case AS_STRANGER:
      return "0000000000000000000000000000000000000000000000000000000000000000";
    case AS_NOBODY:
    default:
      return NULL;
    }
}

static void
check_in (const Case *c,
          const char *language,
          const char *expected)
{
  g_autofree char *path = g_strconcat (CRM_API_BASE, c->path, NULL);
  const char *headers[] = { "Accept-Language", language, NULL };
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *text = NULL;
  guint status = 0;

  reply = crm_test_server_call_with_headers (server, token_for (c->caller), c->method, path,
                                             c->body, NULL, headers, &status);
  text = reply != NULL ? json_to_string (reply, FALSE) : g_strdup ("(no body)");
  g_test_message ("%s %s Accept-Language: %s -> %u %s", c->method, path, language, status,
                  text);
  g_assert_cmpuint (status, ==, c->status);
  g_assert_nonnull (reply);
  g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==, c->code);
  g_assert_cmpstr (crm_test_json_get_string (reply, c->member), ==, expected);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;

  check_in (c, "zh-CN", c->chinese);
  check_in (c, "zh-CN,zh;q=0.9,en;q=0.8", c->chinese);
  check_in (c, "en", c->english);
  check_in (c, "en-US,en;q=0.9,zh-CN;q=0.5", c->english);
}

/* 415, refused before the body is read: the language is chosen with the headers. */
static void
test_not_json (void)
{
  static const struct
  {
    const char *language;
    const char *message;
  } expected[] = {
    { "zh-CN", "请求正文须为 application/json" },
    { "en", "The request body must be application/json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(SoupMessage) message = crm_test_server_new_message (server, "POST",
                                                                    CRM_API_BASE "/customers",
                                                                    NULL);
      g_autoptr(GBytes) body = g_bytes_new_static ("name=x", 6);
      g_autoptr(JsonNode) reply = NULL;
      guint status = 0;

      soup_message_set_request_body_from_bytes (message, "text/plain", body);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Accept-Language", expected[i].language);
      reply = crm_test_server_send (server, message, &status);
      g_assert_cmpuint (status, ==, 415);
      g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==,
                       "unsupported_media_type");
      g_assert_cmpstr (crm_test_json_get_string (reply, "error.message"), ==,
                       expected[i].message);
    }
}

/* 429 once a user name has failed too often: each language locks its own name out. */
static void
test_lockout (void)
{
  static const struct
  {
    const char *language;
    const char *username;
    const char *message;
  } expected[] = {
    { "zh-CN", "locked-zh", "登录失败次数过多，请稍后再试" },
    { "en", "locked-en", "Too many failed sign-ins; try again later" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"x\"}",
                                               expected[i].username);
      const char *headers[] = { "Accept-Language", expected[i].language, NULL };
      guint status = 0;

      /* The default threshold is 5 failures. */
      for (guint n = 0; n < 10 && status != 429; n++)
        {
          g_autoptr(JsonNode) reply = crm_test_server_call_with_headers (
            server, NULL, "POST", CRM_API_BASE "/session", body, NULL, headers, &status);

          if (status == 429)
            {
              g_assert_cmpstr (crm_test_json_get_string (reply, "error.code"), ==,
                               "rate_limited");
              g_assert_cmpstr (crm_test_json_get_string (reply, "error.message"), ==,
                               expected[i].message);
            }
          else
            g_assert_cmpuint (status, ==, 401);
        }
      g_assert_cmpuint (status, ==, 429);
    }
}

/* One record's errors: a protected field (403 naming it) and a stale version (409). */
static void
test_record_errors (void)
{
  static const struct
  {
    const char *language;
    const char *protected_field;
    const char *stale;
  } expected[] = {
    { "zh-CN", "您无权修改字段“credit_terms”", "其他人已修改此记录；这是当前版本" },
    { "en", "You may not change the field “credit_terms”",
      "Someone else changed this record; here is the current version" },
  };
  g_autofree char *body = g_strdup_printf ("{\"name\":\"语言测试有限公司\",\"kind\":\"company\","
                                           "\"owner_id\":%" G_GINT64_FORMAT "}", rep_id);
  g_autoptr(JsonNode) customer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;
  g_autofree char *stale = NULL;
  guint status = 0;

  customer = crm_test_server_call (server, admin_token, "POST", CRM_API_BASE "/customers", body,
                                   NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT,
                          crm_test_json_get_int (customer, "id"));
  /* One change, so that the first version is a stale one. */
  stale = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (customer, "version"));
  {
    g_autoptr(JsonNode) changed = crm_test_server_call (server, admin_token, "PATCH", path,
                                                        "{\"notes\":\"初次修改\"}", stale,
                                                        &status);

    g_assert_cmpuint (status, ==, 200);
    version = g_strdup_printf ("%" G_GINT64_FORMAT, crm_test_json_get_int (changed, "version"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const char *headers[] = { "Accept-Language", expected[i].language, NULL };
      g_autoptr(JsonNode) denied = NULL;
      g_autoptr(JsonNode) conflict = NULL;

      denied = crm_test_server_call_with_headers (server, rep_token, "PATCH", path,
                                                  "{\"credit_terms\":\"60 天\"}", version,
                                                  headers, &status);
      g_assert_cmpuint (status, ==, 403);
      g_assert_cmpstr (crm_test_json_get_string (denied, "error.code"), ==, "forbidden");
      g_assert_cmpstr (crm_test_json_get_string (denied, "error.message"), ==,
                       expected[i].protected_field);
      g_assert_cmpstr (crm_test_json_get_string (denied, "error.fields.credit_terms"), ==,
                       expected[i].protected_field);

      conflict = crm_test_server_call_with_headers (server, admin_token, "PATCH", path,
                                                    "{\"notes\":\"x\"}", stale, headers,
                                                    &status);
      g_assert_cmpuint (status, ==, 409);
      g_assert_cmpstr (crm_test_json_get_string (conflict, "error.code"), ==, "conflict");
      g_assert_cmpstr (crm_test_json_get_string (conflict, "error.message"), ==,
                       expected[i].stale);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/crm/languages/%s", cases[i].name);

      g_test_add_data_func (name, &cases[i], test_case);
    }
  g_test_add_func ("/crm/languages/not-json", test_not_json);
  g_test_add_func ("/crm/languages/lockout", test_lockout);
  g_test_add_func ("/crm/languages/record-errors", test_record_errors);

  cluster = crm_test_cluster_new ();
  server = crm_test_server_new (cluster, NULL);
  crm_test_server_create_user (server, "admin1", "admin", PASSWORD);
  rep_id = crm_test_server_create_user (server, "rep1", "sales_rep", PASSWORD);
  admin_token = crm_test_server_sign_in (server, "admin1", PASSWORD);
  rep_token = crm_test_server_sign_in (server, "rep1", PASSWORD);
  status = g_test_run ();

  g_free (admin_token);
  g_free (rep_token);
  crm_test_server_free (server);
  crm_test_cluster_free (cluster);
  return status;
}
