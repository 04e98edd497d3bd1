/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "crm-error.h"
#include "crm-health.h"
#include "crm-json.h"
#include "crm-permission.h"
#include "crm-validate.h"

static void
test_error_table (void)
{
  CrmApiError code;

  g_assert_cmpstr (crm_api_error_to_string (CRM_API_ERROR_UNAVAILABLE), ==, "unavailable");
  g_assert_cmpuint (crm_api_error_get_http_status (CRM_API_ERROR_UNAVAILABLE), ==, 503);
  g_assert_cmpuint (crm_api_error_get_http_status (CRM_API_ERROR_INVALID), ==, 422);
  g_assert_true (crm_api_error_from_string ("not_found", &code));
  g_assert_cmpint (code, ==, CRM_API_ERROR_NOT_FOUND);
  g_assert_false (crm_api_error_from_string ("no-such-code", &code));
  g_assert_false (crm_api_error_from_string (NULL, &code));
  g_assert_cmpint (crm_api_error_from_http_status (409), ==, CRM_API_ERROR_CONFLICT);
  g_assert_cmpint (crm_api_error_from_http_status (502), ==, CRM_API_ERROR_INTERNAL);
  /* A bare 422 is still "invalid"; the key's own code only by name. */
  g_assert_cmpint (crm_api_error_from_http_status (422), ==, CRM_API_ERROR_INVALID);
  g_assert_true (crm_api_error_from_string ("idempotency_key_reused", &code));
  g_assert_cmpint (code, ==, CRM_API_ERROR_IDEMPOTENCY_KEY_REUSED);
  g_assert_cmpuint (crm_api_error_get_http_status (code), ==, 422);
}

static void
test_health_round_trip (void)
{
  g_autoptr(CrmHealth) health = crm_health_new ();
  g_autoptr(CrmHealth) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  health->server_version = g_strdup ("1.2.3");
  health->database_ok = TRUE;
  health->schema_version = 4;
  health->schema_expected = 4;
  node = crm_health_to_json (health);
  text = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (text, "\"state\":\"ok\""));

  back = crm_health_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->server_version, ==, "1.2.3");
  g_assert_true (back->database_ok);
  g_assert_cmpint (back->schema_version, ==, 4);
  g_assert_cmpint (back->schema_expected, ==, 4);
}

static void
test_health_degraded (void)
{
  g_autoptr(CrmHealth) health = crm_health_new ();
  g_autoptr(CrmHealth) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  health->server_version = g_strdup ("1.2.3");
  health->schema_expected = 2;
  node = crm_health_to_json (health);
  back = crm_health_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_false (back->database_ok);
  g_assert_cmpint (back->schema_version, ==, -1);
}

static void
test_health_malformed (void)
{
  g_autoptr(JsonNode) node = json_from_string ("[1,2]", NULL);
  g_autoptr(JsonNode) empty = json_from_string ("{}", NULL);
  g_autoptr(GError) error = NULL;
  CrmHealth *health;

  health = crm_health_from_json (node, &error);
  g_assert_null (health);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED);
  g_clear_error (&error);
  health = crm_health_from_json (empty, &error);
  g_assert_null (health);
  g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED);
}

/* Every object, action, scope and access name survives a trip through its string. */
static void
test_permission_names (void)
{
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    {
      CrmObject back;

      g_assert_true (crm_object_from_string (crm_object_to_string (o), &back));
      g_assert_cmpint (back, ==, o);
    }
  for (guint a = 0; a < CRM_N_ACTIONS; a++)
    {
      CrmAction back;

      g_assert_true (crm_action_from_string (crm_action_to_string (a), &back));
      g_assert_cmpint (back, ==, a);
    }
  {
    CrmScope scope;
    CrmObject object;

    g_assert_true (crm_scope_from_string ("team", &scope));
    g_assert_cmpint (scope, ==, CRM_SCOPE_TEAM);
    g_assert_false (crm_scope_from_string ("everything", &scope));
    g_assert_false (crm_object_from_string ("Customers", &object));
    g_assert_false (crm_object_from_string (NULL, &object));
    g_assert_cmpstr (crm_object_to_string (CRM_OBJECT_KB_ARTICLES), ==, "kb_articles");
  }
}

static void
test_permission_round_trip (void)
{
  g_autoptr(CrmPermissions) permissions = crm_permissions_new ();
  g_autoptr(CrmPermissions) back = NULL;
  g_autoptr(CrmPermissions) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;

  crm_permissions_set_scope (permissions, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ, CRM_SCOPE_TEAM);
  crm_permissions_set_scope (permissions, CRM_OBJECT_AUDIT, CRM_ACTION_READ, CRM_SCOPE_ALL);
  crm_permissions_set_field_access (permissions, CRM_OBJECT_CUSTOMERS, "owner_id",
                                    CRM_FIELD_ACCESS_READ);
  node = crm_permissions_to_json (permissions);
  /* Every object and action is spelled out. */
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (
                       json_object_get_object_member (json_node_get_object (node), "scopes"),
                       "reports"), "approve"), ==, "none");
  back = crm_permissions_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (crm_permissions_get_scope (back, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ), ==,
                   CRM_SCOPE_TEAM);
  g_assert_true (crm_permissions_can (back, CRM_OBJECT_AUDIT, CRM_ACTION_READ));
  g_assert_false (crm_permissions_can (back, CRM_OBJECT_AUDIT, CRM_ACTION_UPDATE));
  copy = crm_permissions_copy (back);
  again = crm_permissions_to_json (copy);
  g_assert_true (json_node_equal (node, again));

  /* Protected fields default to none, plain ones to write; explicit access wins. */
  g_assert_cmpint (crm_permissions_get_field_access (back, CRM_OBJECT_CUSTOMERS, "owner_id", TRUE),
                   ==, CRM_FIELD_ACCESS_READ);
  g_assert_cmpint (crm_permissions_get_field_access (back, CRM_OBJECT_CUSTOMERS, "credit_terms",
                                                     TRUE), ==, CRM_FIELD_ACCESS_NONE);
  g_assert_cmpint (crm_permissions_get_field_access (back, CRM_OBJECT_CUSTOMERS, "name", FALSE),
                   ==, CRM_FIELD_ACCESS_WRITE);
}

static void
test_permission_invalid (void)
{
  const char *bad[] = {
    "[]",
    "{\"scopes\":[]}",
    "{\"scopes\":{\"planets\":{}}}",
    "{\"scopes\":{\"customers\":{\"fly\":\"all\"}}}",
    "{\"scopes\":{\"customers\":{\"read\":\"most\"}}}",
    "{\"scopes\":{\"customers\":{\"read\":1}}}",
    "{\"fields\":{\"customers\":{\"owner_id\":\"maybe\"}}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CrmPermissions) permissions = crm_permissions_from_json (node, &error);

      g_assert_null (permissions);
      g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_INVALID);
    }
}

/* json-glib leaves U+001F raw in a string; crm_json_append () escapes it, so the text
 * parses again (PostgreSQL's jsonb refused an audit detail holding a search for it). */
static void
test_json_control_characters (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"q\":\"a\\u001fb\\u0001\\n\",\"n\":[1]}", NULL);
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new ("[");
  g_autofree char *text = crm_json_to_string (node);

  g_assert_nonnull (node);
  g_assert_cmpstr (text, ==, "{\"q\":\"a\\u001fb\\u0001\\n\",\"n\":[1]}");
  again = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (again), "q"), ==,
                   "a\x1f" "b\x01\n");
  crm_json_append (out, node);
  g_string_append_c (out, ']');
  g_assert_cmpstr (out->str, ==, "[{\"q\":\"a\\u001fb\\u0001\\n\",\"n\":[1]}]");
}

static void
test_json_types (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"s\":\"x\",\"i\":3,\"b\":true,\"n\":null,\"o\":{},\"a\":[],\"d\":1.5}", NULL);
  JsonObject *object = json_node_get_object (node);

  g_assert_cmpint (crm_json_get_type (object, "s"), ==, CRM_JSON_STRING);
  g_assert_cmpint (crm_json_get_type (object, "i"), ==, CRM_JSON_INT);
  g_assert_cmpint (crm_json_get_type (object, "b"), ==, CRM_JSON_BOOLEAN);
  g_assert_cmpint (crm_json_get_type (object, "n"), ==, CRM_JSON_ABSENT);
  g_assert_cmpint (crm_json_get_type (object, "missing"), ==, CRM_JSON_ABSENT);
  g_assert_cmpint (crm_json_get_type (object, "o"), ==, CRM_JSON_OBJECT);
  g_assert_cmpint (crm_json_get_type (object, "a"), ==, CRM_JSON_ARRAY);
  g_assert_cmpint (crm_json_get_type (object, "d"), ==, CRM_JSON_OTHER);
  g_assert_cmpstr (crm_json_get_string (object, "s"), ==, "x");
  g_assert_null (crm_json_get_string (object, "i"));
  g_assert_null (crm_json_get_string (NULL, "s"));
}

/* An array member's strings, as a custom field's choices are read. */
static void
test_json_strv (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"c\":[\"微信, 短信\",3,\"电话\",null,{}],\"s\":\"x\",\"n\":null}", NULL);
  JsonObject *object = json_node_get_object (node);
  g_auto(GStrv) choices = crm_json_dup_strv (object, "c");
  g_auto(GStrv) not_array = crm_json_dup_strv (object, "s");
  g_auto(GStrv) null = crm_json_dup_strv (object, "n");
  g_auto(GStrv) missing = crm_json_dup_strv (object, "missing");
  const char *expected[] = { "微信, 短信", "电话", NULL };

  g_assert_cmpstrv (choices, expected);
  g_assert_cmpuint (g_strv_length (not_array), ==, 0);
  g_assert_cmpuint (g_strv_length (null), ==, 0);
  g_assert_cmpuint (g_strv_length (missing), ==, 0);
}

/* --- validators ------------------------------------------------------------------------ */

typedef gboolean (*ValidateFunc) (const char  *input,
                                  char       **normalized,
                                  const char **problem);

typedef struct
{
  const char *input;
  const char *expected;  /* the normalised value, or NULL when rejected */
  const char *problem;   /* the expected problem when rejected, or NULL for any */
} ValidateCase;

static void
check_cases (const char         *what,
             ValidateFunc        func,
             const ValidateCase *cases,
             guint               n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *normalized = NULL;
      const char *problem = "unset";
      gboolean ok;

      ok = func (cases[i].input, &normalized, &problem);
      if (cases[i].expected != NULL)
        {
          if (!ok)
            g_error ("%s: “%s” rejected: %s", what, cases[i].input, problem);
          g_assert_cmpstr (normalized, ==, cases[i].expected);
          g_assert_null (problem);
        }
      else
        {
          if (ok)
            g_error ("%s: “%s” accepted as “%s”", what, cases[i].input, normalized);
          g_assert_null (normalized);
          g_assert_nonnull (problem);
          if (cases[i].problem != NULL)
            g_assert_cmpstr (problem, ==, cases[i].problem);
        }
      /* The out arguments are optional. */
      g_assert_cmpint (func (cases[i].input, NULL, NULL), ==, ok);
    }
}

#define MOBILE_FORMAT "Enter an 11-digit mainland mobile number, such as 138 0013 8000"
#define MOBILE_CHARS "A mobile number can only contain digits, spaces and dashes"
#define MOBILE_FOREIGN "Only mainland China mobile numbers (+86) can be entered here"

static void
test_validate_mobile (void)
{
  static const ValidateCase cases[] = {
    { "13800138000", "13800138000", NULL },
    { "138 0013 8000", "13800138000", NULL },
    { "138-0013-8000", "13800138000", NULL },
    { "138.0013.8000", "13800138000", NULL },
    { "  13800138000\t", "13800138000", NULL },
    { "+86 138-0013-8000", "13800138000", NULL },
    { "+8613800138000", "13800138000", NULL },
    { "(+86)13800138000", "13800138000", NULL },
    { "(+86) 138 0013 8000", "13800138000", NULL },
    { "(86)13800138000", "13800138000", NULL },
    { "0086 138 0013 8000", "13800138000", NULL },
    { "008613800138000", "13800138000", NULL },
    { "8613800138000", "13800138000", NULL },
    { "86 138 0013 8000", "13800138000", NULL },
    { "１３８００１３８０００", "13800138000", NULL },
    { "＋８６　１３８－００１３－８０００", "13800138000", NULL },
    { "（＋86）138 0013 8000", "13800138000", NULL },
    { "138\u20140013\u20148000", "13800138000", NULL },
    { "19912345678", "19912345678", NULL },
    { "15012345678", "15012345678", NULL },
    { "", NULL, "Enter a mobile number" },
    { NULL, NULL, "Enter a mobile number" },
    { "  \u3000 ", NULL, "Enter a mobile number" },
    { "1380013800", NULL, MOBILE_FORMAT },
    { "138001380001", NULL, MOBILE_FORMAT },
    { "23800138000", NULL, MOBILE_FORMAT },
    { "12800138000", NULL, MOBILE_FORMAT },
    { "10800138000", NULL, MOBILE_FORMAT },
    { "+86 1380013800", NULL, MOBILE_FORMAT },
    { "86 1380013800", NULL, MOBILE_FORMAT },
    { "010-12345678", NULL, MOBILE_FORMAT },
    { "1380013800a", NULL, MOBILE_CHARS },
    { "mobile", NULL, MOBILE_CHARS },
    { "138/0013/8000", NULL, MOBILE_CHARS },
    { "(+86 13800138000", NULL, MOBILE_CHARS },
    { "138 0013 8000 转 1", NULL, MOBILE_CHARS },
    { "+1 415 555 0100", NULL, MOBILE_FOREIGN },
    { "+44 7700 900123", NULL, MOBILE_FOREIGN },
    { "(+852) 9123 4567", NULL, MOBILE_FOREIGN },
    { "\xff\xfe", NULL, MOBILE_CHARS },
  };

  check_cases ("mobile", crm_validate_mobile, cases, G_N_ELEMENTS (cases));
}

#define PHONE_FORMAT \
  "Enter a landline number with its area code, such as 010-12345678, or a mobile number"
#define PHONE_CHARS "A phone number can only contain digits, spaces, dashes and an extension"
#define PHONE_EXTENSION "Enter the extension as 1 to 6 digits, such as 010-12345678-123"
#define PHONE_SERVICE "Enter a 400 or 800 number with 10 digits, such as 400-123-4567"

static void
test_validate_phone (void)
{
  static const ValidateCase cases[] = {
    { "010-12345678", "010-12345678", NULL },
    { "01012345678", "010-12345678", NULL },
    { "(010)12345678", "010-12345678", NULL },
    { "(010) 1234 5678", "010-12345678", NULL },
    { "010 1234 5678", "010-12345678", NULL },
    { "+86 10 12345678", "010-12345678", NULL },
    { "+86-10-12345678", "010-12345678", NULL },
    { "0086 10 1234 5678", "010-12345678", NULL },
    { "(+86) 10 1234 5678", "010-12345678", NULL },
    { "+86 (0)10 12345678", "010-12345678", NULL },
    { "+86 755 8888 8888", "0755-88888888", NULL },
    { "0755-88888888", "0755-88888888", NULL },
    { "0755 8888 8888", "0755-88888888", NULL },
    { "0755-8888 8888 转 123", "0755-88888888-123", NULL },
    { "0755-88888888转123", "0755-88888888-123", NULL },
    { "021-12345678-123", "021-12345678-123", NULL },
    { "021 12345678 123", "021-12345678-123", NULL },
    { "021-12345678 ext 123", "021-12345678-123", NULL },
    { "021-12345678 Ext. 123", "021-12345678-123", NULL },
    { "021-12345678 x123", "021-12345678-123", NULL },
    { "021-12345678 X 123", "021-12345678-123", NULL },
    { "021-12345678#123", "021-12345678-123", NULL },
    { "021 1234 5678 分机 8", "021-12345678-8", NULL },
    { "0731-2345678", "0731-2345678", NULL },
    { "0731 234 5678 12", "0731-2345678-12", NULL },
    { "０２１－１２３４５６７８", "021-12345678", NULL },
    { "（０１０）１２３４　５６７８", "010-12345678", NULL },
    { "13800138000", "13800138000", NULL },
    { "+86 138-0013-8000", "13800138000", NULL },
    { "(+86)13800138000", "13800138000", NULL },
    { "4001234567", "400-123-4567", NULL },
    { "400-123-4567", "400-123-4567", NULL },
    { "400 123 4567", "400-123-4567", NULL },
    { "800-1234-567", "800-123-4567", NULL },
    { "４００－１２３－４５６７", "400-123-4567", NULL },
    { "400-123-4567 转 8", "400-123-4567-8", NULL },
    { "", NULL, "Enter a phone number" },
    { NULL, NULL, "Enter a phone number" },
    { "12345678", NULL, PHONE_FORMAT },
    { "1380013800", NULL, PHONE_FORMAT },
    { "138001380001", NULL, PHONE_FORMAT },
    { "23800138000", NULL, PHONE_FORMAT },
    { "010-1234567890", NULL, PHONE_FORMAT },
    { "02112345678123", NULL, PHONE_FORMAT },
    { "010-012345678", NULL, PHONE_FORMAT },
    { "010-12345", NULL, PHONE_FORMAT },
    { "011-12345678", NULL, PHONE_FORMAT },
    { "000-12345678", NULL, PHONE_FORMAT },
    { "021-12345678-1234567", NULL, PHONE_FORMAT },
    { "13800138000 转 12", NULL, PHONE_FORMAT },
    { "021-12345678 转 1234567", NULL, PHONE_EXTENSION },
    { "021-12345678 转", NULL, PHONE_EXTENSION },
    { "021-12345678 ext abc", NULL, PHONE_EXTENSION },
    { "tel 010 12345678", NULL, PHONE_CHARS },
    { "010-1234567a", NULL, PHONE_CHARS },
    { "phone", NULL, PHONE_CHARS },
    { "+1 415 555 0100", NULL, "Only mainland China phone numbers (+86) can be entered here" },
    { "4001234", NULL, PHONE_SERVICE },
    { "400-123-45678", NULL, PHONE_SERVICE },
  };

  check_cases ("phone", crm_validate_phone, cases, G_N_ELEMENTS (cases));
}

#define EMAIL_FORMAT "Enter an e-mail address such as name@example.com"

static void
test_validate_email (void)
{
  static const ValidateCase cases[] = {
    { "sales@example.cn", "sales@example.cn", NULL },
    { "  Sales@Example.CN \u3000", "Sales@example.cn", NULL },
    { "USER@EXAMPLE.COM", "USER@example.com", NULL },
    { "a.b+tag@sub.example.com.cn", "a.b+tag@sub.example.com.cn", NULL },
    { "x_y-z@a-b.cn", "x_y-z@a-b.cn", NULL },
    { "张三@例子.中国", "张三@例子.中国", NULL },
    { "info@MÜNCHEN.de", "info@münchen.de", NULL },
    { "user＠example．com", "user@example.com", NULL },
    { "user@example。cn", "user@example.cn", NULL },
    { "", NULL, "Enter an e-mail address" },
    { NULL, NULL, "Enter an e-mail address" },
    { " \u3000 ", NULL, "Enter an e-mail address" },
    { "sales", NULL, EMAIL_FORMAT },
    { "sales@", NULL, EMAIL_FORMAT },
    { "@example.cn", NULL, EMAIL_FORMAT },
    { "sales@example", NULL, EMAIL_FORMAT },
    { "a@b@example.cn", NULL, EMAIL_FORMAT },
    { "sa les@example.cn", NULL, EMAIL_FORMAT },
    { "sales @example.cn", NULL, EMAIL_FORMAT },
    { "sales@exa mple.cn", NULL, EMAIL_FORMAT },
    { "sales@-example.cn", NULL, EMAIL_FORMAT },
    { "sales@example-.cn", NULL, EMAIL_FORMAT },
    { "sales@example..cn", NULL, EMAIL_FORMAT },
    { "sales@example.cn.", NULL, EMAIL_FORMAT },
    { "sales@.example.cn", NULL, EMAIL_FORMAT },
    { ".sales@example.cn", NULL, EMAIL_FORMAT },
    { "sales.@example.cn", NULL, EMAIL_FORMAT },
    { "sa..les@example.cn", NULL, EMAIL_FORMAT },
    { "sales@1.2.3.4", NULL, EMAIL_FORMAT },
    { "sales@exa_mple.cn", NULL, EMAIL_FORMAT },
    { "<sales@example.cn>", NULL, EMAIL_FORMAT },
    { "sales@example.cn;", NULL, EMAIL_FORMAT },
    { "\xc3\x28@example.cn", NULL, EMAIL_FORMAT },
  };
  g_autofree char *local = g_strnfill (64, 'a');
  g_autofree char *long_local = g_strnfill (65, 'a');
  g_autofree char *label = g_strnfill (63, 'b');
  g_autofree char *longest = NULL;
  g_autofree char *too_long = NULL;
  g_autofree char *normalized = NULL;
  const char *problem = NULL;

  check_cases ("email", crm_validate_email, cases, G_N_ELEMENTS (cases));

  /* 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 bytes. */
  longest = g_strdup_printf ("%s@%s.%s.%.61s", local, label, label, label);
  g_assert_cmpuint (strlen (longest), ==, 254);
  g_assert_true (crm_validate_email (longest, &normalized, &problem));
  g_assert_cmpstr (normalized, ==, longest);
  too_long = g_strdup_printf ("%s@%s.%s.%.62s", local, label, label, label);
  g_assert_false (crm_validate_email (too_long, NULL, &problem));
  g_assert_cmpstr (problem, ==, "An e-mail address can have at most 254 characters");
  g_clear_pointer (&too_long, g_free);
  too_long = g_strdup_printf ("%s@example.cn", long_local);
  g_assert_false (crm_validate_email (too_long, NULL, &problem));
  g_assert_cmpstr (problem, ==, EMAIL_FORMAT);
}

#define WEBSITE_FORMAT "Enter a website address such as https://example.cn"
#define WEBSITE_SCHEME "Only web addresses starting with http:// or https:// can be entered"

/* The format of a standard field by its name: the same wherever the field stands. */
static void
test_validate_find_format (void)
{
  g_assert_true (crm_validate_find_format ("mobile") == crm_validate_mobile);
  g_assert_true (crm_validate_find_format ("phone") == crm_validate_phone);
  g_assert_true (crm_validate_find_format ("email") == crm_validate_email);
  g_assert_true (crm_validate_find_format ("website") == crm_validate_website);
  g_assert_true (crm_validate_find_format ("registration_no") == crm_validate_credit_code);
  g_assert_true (crm_validate_find_format ("established_on") == crm_validate_past_date);
  g_assert_null (crm_validate_find_format ("full_name"));
  g_assert_null (crm_validate_find_format (NULL));
}

static void
test_validate_website (void)
{
  static const ValidateCase cases[] = {
    { "example.cn", "https://example.cn", NULL },
    { "www.example.com.cn/about?x=1#top", "https://www.example.com.cn/about?x=1#top", NULL },
    { "http://example.cn", "http://example.cn", NULL },
    { "https://example.cn/", "https://example.cn/", NULL },
    { "HTTPS://Example.CN/Path", "https://example.cn/Path", NULL },
    { "  https://example.cn:8443/crm  ", "https://example.cn:8443/crm", NULL },
    { "Example.cn:8080", "https://example.cn:8080", NULL },
    { "例子.中国", "https://例子.中国", NULL },
    { "https://例子.中国/关于", "https://例子.中国/关于", NULL },
    { "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｎ", "https://www.example.cn", NULL },
    { "example.cn?q=1", "https://example.cn?q=1", NULL },
    { "", NULL, "Enter a website address" },
    { NULL, NULL, "Enter a website address" },
    { "\u3000", NULL, "Enter a website address" },
    { "ftp://example.cn", NULL, WEBSITE_SCHEME },
    { "file:///etc/passwd", NULL, WEBSITE_SCHEME },
    { "javascript:alert(1)", NULL, WEBSITE_FORMAT },
    { "mailto:sales@example.cn", NULL, WEBSITE_FORMAT },
    { "://example.cn", NULL, WEBSITE_FORMAT },
    { "localhost", NULL, WEBSITE_FORMAT },
    { "http://localhost:8080", NULL, WEBSITE_FORMAT },
    { "https://", NULL, WEBSITE_FORMAT },
    { "https:///path", NULL, WEBSITE_FORMAT },
    { "https://exa mple.cn", NULL, WEBSITE_FORMAT },
    { "https://example.cn/a b", NULL, WEBSITE_FORMAT },
    { "https://example.cn:99999", NULL, WEBSITE_FORMAT },
    { "https://example.cn:0", NULL, WEBSITE_FORMAT },
    { "https://example.cn:", NULL, WEBSITE_FORMAT },
    { "https://user@example.cn", NULL, WEBSITE_FORMAT },
    { "https://192.168.1.1", NULL, WEBSITE_FORMAT },
    { "https://[::1]/", NULL, WEBSITE_FORMAT },
    { "https://exa_mple.cn", NULL, WEBSITE_FORMAT },
  };
  g_autofree char *path = g_strnfill (2000, 'p');
  g_autofree char *long_url = g_strdup_printf ("https://example.cn/%s", path);
  const char *problem = NULL;

  check_cases ("website", crm_validate_website, cases, G_N_ELEMENTS (cases));
  g_assert_false (crm_validate_website (long_url, NULL, &problem));
  g_assert_cmpstr (problem, ==, "A website address can have at most 2000 characters");
}

#define CREDIT_LENGTH \
  "Enter the 18-character unified social credit code, such as 91350100M000100Y43, or an old " \
  "15-digit registration number"
#define CREDIT_CHARS \
  "A unified social credit code has only digits and capital letters other than I, O, S, V and Z"
#define CREDIT_CHECK \
  "The last character of this credit code does not match the others; check for a typing mistake"

static void
test_validate_credit_code (void)
{
  static const ValidateCase cases[] = {
    /* GB 32100-2015's own example, and codes whose check characters were computed by hand
     * (a letter, X, a digit, 0 as "31 - 0") */
    { "91350100M000100Y43", "91350100M000100Y43", NULL },
    { "91110108551385082Q", "91110108551385082Q", NULL },
    { "12100000400000123X", "12100000400000123X", NULL },
    { "91310115MA1K3A4B54", "91310115MA1K3A4B54", NULL },
    { "91440300708461136T", "91440300708461136T", NULL },
    /* normalised: trimmed, spaces removed, lower case raised, full width folded */
    { "  9135 0100 M000 100Y 43 ", "91350100M000100Y43", NULL },
    { "91350100m000100y43", "91350100M000100Y43", NULL },
    { "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", NULL },
    { "91110108551385082q", "91110108551385082Q", NULL },
    /* an old 15-digit business registration number, as it is */
    { "110108000000016", "110108000000016", NULL },
    { " 310115 000 123456 ", "310115000123456", NULL },
    /* a wrong check character, or one character mistyped */
    { "91350100M000100Y44", NULL, CREDIT_CHECK },
    { "91350100M000100Y4X", NULL, CREDIT_CHECK },
    { "91350100M000101Y43", NULL, CREDIT_CHECK },
    { "91110108551385082R", NULL, CREDIT_CHECK },
    /* wrong lengths */
    { "91350100M000100Y4", NULL, CREDIT_LENGTH },
    { "91350100M000100Y430", NULL, CREDIT_LENGTH },
    { "11010800000001", NULL, CREDIT_LENGTH },
    { "1101080000000161", NULL, CREDIT_LENGTH },
    { "11010800000001A", NULL, CREDIT_LENGTH },
    /* letters outside the alphabet, punctuation, Chinese */
    { "91350100I000100Y43", NULL, CREDIT_CHARS },
    { "91350100O000100Y43", NULL, CREDIT_CHARS },
    { "91350100Z000100Y43", NULL, CREDIT_CHARS },
    { "91350100S000100Y43", NULL, CREDIT_CHARS },
    { "91350100v000100Y43", NULL, CREDIT_CHARS },
    { "91350100-M000100Y43", NULL, CREDIT_CHARS },
    { "统一社会信用代码", NULL, CREDIT_CHARS },
    { "", NULL, "Enter a unified social credit code" },
    { NULL, NULL, "Enter a unified social credit code" },
  };

  check_cases ("credit code", crm_validate_credit_code, cases, G_N_ELEMENTS (cases));
}

static void
test_validate_past_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);
  g_autofree char *yesterday_text = g_date_time_format (yesterday, "%Y-%m-%d");
  g_autofree char *later_text = g_date_time_format (later, "%Y-%m-%d");
  g_autofree char *normalized = NULL;
  const char *problem = NULL;
  const ValidateCase cases[] = {
    { "1998-3-18", "1998-03-18", NULL },
    { "2008年1月1日", "2008-01-01", NULL },
    { yesterday_text, yesterday_text, NULL },
    { later_text, NULL, "This date is in the future" },
    { "2999-12-31", NULL, "This date is in the future" },
    { "2026-02-30", NULL, "This date does not exist in the calendar" },
    { "soon", NULL, "Enter a date as YYYY-MM-DD, such as 2026-12-01" },
  };

  check_cases ("past date", crm_validate_past_date, cases, G_N_ELEMENTS (cases));
  /* Today is today wherever it is (UTC+14 is the earliest zone). */
  {
    g_autoptr(GDateTime) ahead = g_date_time_add_hours (now, 14);
    g_autofree char *today = g_date_time_format (ahead, "%Y-%m-%d");

    g_assert_true (crm_validate_past_date (today, &normalized, &problem));
    g_assert_cmpstr (normalized, ==, today);
  }
}

#define DATE_FORMAT "Enter a date as YYYY-MM-DD, such as 2026-12-01"
#define DATE_INVALID "This date does not exist in the calendar"
#define DATE_YEAR "Enter a year between 1900 and 2999"

static void
test_validate_date (void)
{
  static const ValidateCase cases[] = {
    { "2026-12-01", "2026-12-01", NULL },
    { " 2026-12-01 ", "2026-12-01", NULL },
    { "2026-1-5", "2026-01-05", NULL },
    { "2026/12/01", "2026-12-01", NULL },
    { "2026.12.1", "2026-12-01", NULL },
    { "２０２６－１２－０１", "2026-12-01", NULL },
    { "2026年12月1日", "2026-12-01", NULL },
    { "2026年 1 月 5 日", "2026-01-05", NULL },
    { "2026年1月5号", "2026-01-05", NULL },
    { "2026年1月5", "2026-01-05", NULL },
    { "2024-02-29", "2024-02-29", NULL },
    { "2000-02-29", "2000-02-29", NULL },
    { "1900-01-01", "1900-01-01", NULL },
    { "2999-12-31", "2999-12-31", NULL },
    { "", NULL, DATE_FORMAT },
    { NULL, NULL, DATE_FORMAT },
    { "abc", NULL, DATE_FORMAT },
    { "26-12-01", NULL, DATE_FORMAT },
    { "2026-12", NULL, DATE_FORMAT },
    { "20261201", NULL, DATE_FORMAT },
    { "2026-12-01T00:00", NULL, DATE_FORMAT },
    { "2026-12-01 10:00", NULL, DATE_FORMAT },
    { "2026/12-01", NULL, DATE_FORMAT },
    { "12/01/2026", NULL, DATE_FORMAT },
    { "2026-12-001", NULL, DATE_FORMAT },
    { "02026-12-01", NULL, DATE_FORMAT },
    { "2026年12月", NULL, DATE_FORMAT },
    { "2026-02-29", NULL, DATE_INVALID },
    { "1900-02-29", NULL, DATE_INVALID },
    { "2026-04-31", NULL, DATE_INVALID },
    { "2026-13-01", NULL, DATE_INVALID },
    { "2026-00-10", NULL, DATE_INVALID },
    { "2026-01-00", NULL, DATE_INVALID },
    { "2026-01-32", NULL, DATE_INVALID },
    { "1899-12-31", NULL, DATE_YEAR },
    { "3000-01-01", NULL, DATE_YEAR },
    { "0000-01-01", NULL, DATE_YEAR },
  };

  check_cases ("date", crm_validate_date, cases, G_N_ELEMENTS (cases));
}

#define DATE_TIME_FORMAT "Enter a date and a time as YYYY-MM-DD HH:MM, such as 2026-12-01 14:30"
#define TIME_INVALID "Enter a time from 00:00 to 23:59"
#define TIMESTAMP_FORMAT \
  "Enter a time in RFC 3339 form with its offset, such as 2026-12-01T06:30:00Z"

static void
test_validate_timestamp (void)
{
  static const ValidateCase cases[] = {
    { "2026-12-01T06:30:00Z", "2026-12-01T06:30:00Z", NULL },
    { "2026-12-01T14:30:00+08:00", "2026-12-01T06:30:00Z", NULL },
    { "2026-12-01T14:30:00.123456+0800", "2026-12-01T06:30:00Z", NULL },
    { "2026-12-01 01:00:00-05:00", "2026-12-01T06:00:00Z", NULL },
    { "2026-12-01T00:30+08:00", "2026-11-30T16:30:00Z", NULL },
    { "２０２６－１２－０１Ｔ０６：３０：００Ｚ", "2026-12-01T06:30:00Z", NULL },
    { "2026-12-01T06:30:00", NULL, TIMESTAMP_FORMAT },
    { "2026-12-01", NULL, TIMESTAMP_FORMAT },
    { "yesterday", NULL, TIMESTAMP_FORMAT },
    { "", NULL, TIMESTAMP_FORMAT },
    { NULL, NULL, TIMESTAMP_FORMAT },
    { "2026-12-01T24:00:00Z", NULL, TIMESTAMP_FORMAT },
    { "2026-12-01T06:30:00+15:00", NULL, TIMESTAMP_FORMAT },
    { "2026-12-01T06:30:00Zx", NULL, TIMESTAMP_FORMAT },
    { "2026-02-30T06:30:00Z", NULL, DATE_INVALID },
  };

  check_cases ("timestamp", crm_validate_timestamp, cases, G_N_ELEMENTS (cases));
}

static void
test_validate_date_time (void)
{
  static const ValidateCase cases[] = {
    { "2026-12-01 14:30+08:00", "2026-12-01T06:30:00Z", NULL },
    { "2026-12-01T06:30:00Z", "2026-12-01T06:30:00Z", NULL },
    { "2026年12月1日 14:30 +08:00", "2026-12-01T06:30:00Z", NULL },
    { "2026-12-01 25:00", NULL, TIME_INVALID },
    { "2026-12-01 14:60", NULL, TIME_INVALID },
    { "2026-12-01 14", NULL, DATE_TIME_FORMAT },
    { "2026-12-01 14:3", NULL, DATE_TIME_FORMAT },
    { "14:30", NULL, DATE_TIME_FORMAT },
    { "soon", NULL, DATE_TIME_FORMAT },
    { "2026-02-30 10:00", NULL, DATE_INVALID },
    { "1899-12-31 10:00", NULL, DATE_YEAR },
  };

  check_cases ("date and time", crm_validate_date_time, cases, G_N_ELEMENTS (cases));
  /* Without an offset: the local time zone's; a date alone is the start of its day. */
  {
    const char * const typed[][2] = {
      { "2026-12-01 14:30", "2026-12-01 14:30:00" }, { "2026-12-01", "2026-12-01 00:00:00" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
      {
        g_autoptr(GTimeZone) local = g_time_zone_new_local ();
        g_autoptr(GDateTime) expected = NULL;
        g_autoptr(GDateTime) utc = NULL;
        g_autofree char *expected_text = NULL;
        g_autofree char *normalized = NULL;
        g_autofree char *iso = g_strdup (typed[i][1]);

        iso[10] = 'T';
        expected = g_date_time_new_from_iso8601 (iso, local);
        utc = g_date_time_to_utc (expected);
        expected_text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
        g_assert_true (crm_validate_date_time (typed[i][0], &normalized, NULL));
        g_assert_cmpstr (normalized, ==, expected_text);
      }
  }
}

typedef struct
{
  const char *input;
  guint       max_chars;
  gboolean    required;
  const char *expected;
  const char *problem;
} TextCase;

static void
test_validate_text (void)
{
  static const TextCase cases[] = {
    { "  上海明远贸易有限公司  ", 100, TRUE, "上海明远贸易有限公司", NULL },
    { "\u3000\u3000客户备注\u3000", 100, TRUE, "客户备注", NULL },
    { "\u200b名字\ufeff", 100, TRUE, "名字", NULL },
    { "\u00a0Acme Ltd.\u00a0", 100, TRUE, "Acme Ltd.", NULL },
    { "a\r\nb\rc", 100, TRUE, "a\nb\nc", NULL },
    { "\n第一行\n\t第二行\n\n", 100, TRUE, "第一行\n\t第二行", NULL },
    { "浦东新区 世纪大道 100 号", 100, TRUE, "浦东新区 世纪大道 100 号", NULL },
    { "一二三四五", 5, TRUE, "一二三四五", NULL },
    { " 一二三四五 ", 5, TRUE, "一二三四五", NULL },
    { "😀 emoji", 7, TRUE, "😀 emoji", NULL },
    { "", 10, FALSE, "", NULL },
    { NULL, 10, FALSE, "", NULL },
    { "   \u3000", 10, FALSE, "", NULL },
    { "no limit", 0, TRUE, "no limit", NULL },
    { "", 10, TRUE, NULL, "This field is required" },
    { NULL, 10, TRUE, NULL, "This field is required" },
    { " \u3000\n\t ", 10, TRUE, NULL, "This field is required" },
    { "一二三四五六", 5, TRUE, NULL, "This text is too long; shorten it" },
    { "abcdef", 5, FALSE, NULL, "This text is too long; shorten it" },
    { "abc\x01", 10, TRUE, NULL, "The text contains invisible control characters; remove them" },
    { "a\x7f" "b", 10, TRUE, NULL,
      "The text contains invisible control characters; remove them" },
    { "a\xc2\x85" "b", 10, TRUE, NULL,
      "The text contains invisible control characters; remove them" },
    { "\xff\xfe", 10, TRUE, NULL, "The text contains characters that cannot be read" },
    { "上海\xe6\x98", 10, TRUE, NULL, "The text contains characters that cannot be read" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = NULL;
      const char *problem = "unset";
      gboolean ok;

      ok = crm_validate_text (cases[i].input, cases[i].max_chars, cases[i].required,
                              &normalized, &problem);
      if (cases[i].expected != NULL)
        {
          if (!ok)
            g_error ("text %u: “%s” rejected: %s", i, cases[i].input, problem);
          g_assert_cmpstr (normalized, ==, cases[i].expected);
          g_assert_null (problem);
        }
      else
        {
          if (ok)
            g_error ("text %u: “%s” accepted as “%s”", i, cases[i].input, normalized);
          g_assert_null (normalized);
          g_assert_cmpstr (problem, ==, cases[i].problem);
        }
      g_assert_cmpint (crm_validate_text (cases[i].input, cases[i].max_chars, cases[i].required,
                                          NULL, NULL), ==, ok);
    }
}

static void
test_validate_field_types (void)
{
  static const char * const names[] = {
    "text", "number", "money", "date", "choice", "multi_choice", "boolean",
  };
  CrmFieldType type;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (crm_field_type_from_string (names[i], &type));
      g_assert_cmpint (type, ==, i);
      g_assert_cmpstr (crm_field_type_to_string (type), ==, names[i]);
    }
  g_assert_false (crm_field_type_from_string ("Text", &type));
  g_assert_false (crm_field_type_from_string ("multi-choice", &type));
  g_assert_false (crm_field_type_from_string ("", &type));
  g_assert_false (crm_field_type_from_string (NULL, &type));
}

typedef struct
{
  CrmFieldType  type;
  gboolean      required;
  const char   *json;      /* NULL for a C NULL node */
  const char   *expected;  /* the normalised JSON, or NULL when rejected */
  const char   *problem;
} CustomCase;

static void
test_validate_custom_values (void)
{
  static const char * const choices[] = { "A", "B", "大客户", NULL };
  static const CustomCase cases[] = {
    { CRM_FIELD_TYPE_TEXT, FALSE, "\"  预算说明 \\u3000\"", "\"预算说明\"", NULL },
    { CRM_FIELD_TYPE_TEXT, FALSE, "\"\"", "\"\"", NULL },
    { CRM_FIELD_TYPE_TEXT, FALSE, "null", "null", NULL },
    { CRM_FIELD_TYPE_TEXT, FALSE, NULL, "null", NULL },
    { CRM_FIELD_TYPE_TEXT, TRUE, "\" \"", NULL, "This field is required" },
    { CRM_FIELD_TYPE_TEXT, TRUE, "null", NULL, "This field is required" },
    { CRM_FIELD_TYPE_TEXT, TRUE, NULL, NULL, "This field is required" },
    { CRM_FIELD_TYPE_TEXT, FALSE, "5", NULL, "Enter text in this field" },
    { CRM_FIELD_TYPE_TEXT, FALSE, "[\"a\"]", NULL, "Enter text in this field" },
    { CRM_FIELD_TYPE_TEXT, FALSE, "\"a\\u0001\"", NULL,
      "The text contains invisible control characters; remove them" },
    { CRM_FIELD_TYPE_NUMBER, FALSE, "3", "3", NULL },
    { CRM_FIELD_TYPE_NUMBER, FALSE, "-1.5", "-1.5", NULL },
    { CRM_FIELD_TYPE_NUMBER, FALSE, "0", "0", NULL },
    { CRM_FIELD_TYPE_NUMBER, FALSE, "\"3\"", NULL, "Enter a number" },
    { CRM_FIELD_TYPE_NUMBER, FALSE, "true", NULL, "Enter a number" },
    { CRM_FIELD_TYPE_NUMBER, FALSE, "{}", NULL, "Enter a number" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1250000,\"currency\":\"CNY\"}",
      "{\"amount\":1250000,\"currency\":\"CNY\"}", NULL },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"currency\":\"usd\",\"amount\":-500}",
      "{\"amount\":-500,\"currency\":\"USD\"}", NULL },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1250000.0,\"currency\":\"CNY\"}",
      "{\"amount\":1250000,\"currency\":\"CNY\"}", NULL },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":12.5,\"currency\":\"CNY\"}", NULL,
      "Enter an amount and a currency, such as 12,500.00 CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":\"100\",\"currency\":\"CNY\"}", NULL,
      "Enter an amount and a currency, such as 12,500.00 CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":100}", NULL,
      "Enter an amount and a currency, such as 12,500.00 CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1,\"currency\":\"CNY\",\"x\":1}", NULL,
      "Enter an amount and a currency, such as 12,500.00 CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "100", NULL,
      "Enter an amount and a currency, such as 12,500.00 CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1,\"currency\":\"CN\"}", NULL,
      "Enter the currency as a three-letter code, such as CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1,\"currency\":\"C1Y\"}", NULL,
      "Enter the currency as a three-letter code, such as CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1,\"currency\":\"人民币\"}", NULL,
      "Enter the currency as a three-letter code, such as CNY" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1,\"currency\":7}", NULL,
      "Enter the currency as a three-letter code, such as CNY" },
    { CRM_FIELD_TYPE_DATE, FALSE, "\"2026-12-01\"", "\"2026-12-01\"", NULL },
    { CRM_FIELD_TYPE_DATE, FALSE, "\"2026-1-5\"", "\"2026-01-05\"", NULL },
    { CRM_FIELD_TYPE_DATE, FALSE, "\"2026-02-30\"", NULL,
      "This date does not exist in the calendar" },
    { CRM_FIELD_TYPE_DATE, FALSE, "20261201", NULL, DATE_FORMAT },
    { CRM_FIELD_TYPE_DATE, TRUE, "null", NULL, "This field is required" },
    { CRM_FIELD_TYPE_CHOICE, FALSE, "\"A\"", "\"A\"", NULL },
    { CRM_FIELD_TYPE_CHOICE, FALSE, "\" 大客户 \"", "\"大客户\"", NULL },
    { CRM_FIELD_TYPE_CHOICE, FALSE, "\"C\"", NULL, "Choose one of the listed options" },
    { CRM_FIELD_TYPE_CHOICE, FALSE, "\"a\"", NULL, "Choose one of the listed options" },
    { CRM_FIELD_TYPE_CHOICE, FALSE, "1", NULL, "Choose one of the listed options" },
    { CRM_FIELD_TYPE_CHOICE, FALSE, "[\"A\"]", NULL, "Choose one of the listed options" },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "[\"B\",\"A\"]", "[\"B\",\"A\"]", NULL },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "[\"大客户\"]", "[\"大客户\"]", NULL },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "[]", "[]", NULL },
    { CRM_FIELD_TYPE_MULTI_CHOICE, TRUE, "[]", NULL, "This field is required" },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "[\"A\",\"A\"]", NULL,
      "Choose each option only once" },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "[\"A\",\"C\"]", NULL,
      "Choose one of the listed options" },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "[1]", NULL, "Choose one of the listed options" },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "\"A\"", NULL, "Choose one of the listed options" },
    { CRM_FIELD_TYPE_BOOLEAN, FALSE, "true", "true", NULL },
    { CRM_FIELD_TYPE_BOOLEAN, TRUE, "false", "false", NULL },
    { CRM_FIELD_TYPE_BOOLEAN, FALSE, "\"true\"", NULL, "Choose yes or no" },
    { CRM_FIELD_TYPE_BOOLEAN, FALSE, "1", NULL, "Choose yes or no" },
    { CRM_FIELD_TYPE_BOOLEAN, TRUE, "null", NULL, "This field is required" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) value = NULL;
      g_autoptr(JsonNode) normalized = NULL;
      g_autoptr(GError) error = NULL;
      const char *problem = "unset";
      gboolean ok;

      if (cases[i].json != NULL)
        {
          value = json_from_string (cases[i].json, &error);
          g_assert_no_error (error);
        }
      ok = crm_validate_custom_value (cases[i].type, choices, cases[i].required, value,
                                      &normalized, &problem);
      if (cases[i].expected != NULL)
        {
          g_autofree char *text = NULL;

          if (!ok)
            g_error ("custom %u: %s rejected: %s", i, cases[i].json, problem);
          g_assert_null (problem);
          text = json_to_string (normalized, FALSE);
          g_assert_cmpstr (text, ==, cases[i].expected);
        }
      else
        {
          if (ok)
            g_error ("custom %u: %s accepted", i, cases[i].json);
          g_assert_null (normalized);
          g_assert_cmpstr (problem, ==, cases[i].problem);
        }
      g_assert_cmpint (crm_validate_custom_value (cases[i].type, choices, cases[i].required,
                                                  value, NULL, NULL), ==, ok);
    }
}

static void
test_validate_custom_edges (void)
{
  g_autofree char *long_text = g_strnfill (CRM_CUSTOM_TEXT_MAX_CHARS, 'x');
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) normalized = NULL;
  g_autoptr(GString) cjk = g_string_new (NULL);
  const char *problem = NULL;

  /* Text: 2000 characters, counted as characters, not bytes. */
  json_node_set_string (node, long_text);
  g_assert_true (crm_validate_custom_value (CRM_FIELD_TYPE_TEXT, NULL, TRUE, node, NULL, NULL));
  for (guint i = 0; i < CRM_CUSTOM_TEXT_MAX_CHARS; i++)
    g_string_append (cjk, "客");
  json_node_set_string (node, cjk->str);
  g_assert_true (crm_validate_custom_value (CRM_FIELD_TYPE_TEXT, NULL, TRUE, node, NULL, NULL));
  g_string_append (cjk, "户");
  json_node_set_string (node, cjk->str);
  g_assert_false (crm_validate_custom_value (CRM_FIELD_TYPE_TEXT, NULL, TRUE, node, NULL,
                                             &problem));
  g_assert_cmpstr (problem, ==, "This text is too long; shorten it");

  /* Numbers must be finite (a JsonNode built in C may hold anything). */
  json_node_set_double (node, INFINITY);
  g_assert_false (crm_validate_custom_value (CRM_FIELD_TYPE_NUMBER, NULL, FALSE, node, NULL,
                                             &problem));
  g_assert_cmpstr (problem, ==, "Enter a number");
  json_node_set_double (node, NAN);
  g_assert_false (crm_validate_custom_value (CRM_FIELD_TYPE_NUMBER, NULL, FALSE, node, NULL,
                                             NULL));
  json_node_set_int (node, G_MAXINT64);
  g_assert_true (crm_validate_custom_value (CRM_FIELD_TYPE_NUMBER, NULL, FALSE, node,
                                            &normalized, NULL));
  g_assert_cmpint (json_node_get_int (normalized), ==, G_MAXINT64);
  g_clear_pointer (&normalized, json_node_unref);

  /* Without choices, no choice is valid. */
  json_node_set_string (node, "A");
  g_assert_false (crm_validate_custom_value (CRM_FIELD_TYPE_CHOICE, NULL, FALSE, node, NULL,
                                             &problem));
  g_assert_cmpstr (problem, ==, "Choose one of the listed options");

  /* A cleared value normalises to a JSON null node. */
  g_assert_true (crm_validate_custom_value (CRM_FIELD_TYPE_MONEY, NULL, FALSE, NULL,
                                            &normalized, &problem));
  g_assert_null (problem);
  g_assert_true (JSON_NODE_HOLDS_NULL (normalized));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/crm/common/error-table", test_error_table);
  g_test_add_func ("/crm/common/json-control-characters", test_json_control_characters);
  g_test_add_func ("/crm/common/health-round-trip", test_health_round_trip);
  g_test_add_func ("/crm/common/health-degraded", test_health_degraded);
  g_test_add_func ("/crm/common/health-malformed", test_health_malformed);
  g_test_add_func ("/crm/common/permission-names", test_permission_names);
  g_test_add_func ("/crm/common/permission-round-trip", test_permission_round_trip);
  g_test_add_func ("/crm/common/permission-invalid", test_permission_invalid);
  g_test_add_func ("/crm/common/json-types", test_json_types);
  g_test_add_func ("/crm/common/json-strv", test_json_strv);
  g_test_add_func ("/crm/common/validate/mobile", test_validate_mobile);
  g_test_add_func ("/crm/common/validate/phone", test_validate_phone);
  g_test_add_func ("/crm/common/validate/email", test_validate_email);
  g_test_add_func ("/crm/common/validate/website", test_validate_website);
  g_test_add_func ("/crm/common/validate/find-format", test_validate_find_format);
  g_test_add_func ("/crm/common/validate/date", test_validate_date);
  g_test_add_func ("/crm/common/validate/past-date", test_validate_past_date);
  g_test_add_func ("/crm/common/validate/date-time", test_validate_date_time);
  g_test_add_func ("/crm/common/validate/timestamp", test_validate_timestamp);
  g_test_add_func ("/crm/common/validate/credit-code", test_validate_credit_code);
  g_test_add_func ("/crm/common/validate/text", test_validate_text);
  g_test_add_func ("/crm/common/validate/field-types", test_validate_field_types);
  g_test_add_func ("/crm/common/validate/custom-values", test_validate_custom_values);
  g_test_add_func ("/crm/common/validate/custom-edges", test_validate_custom_edges);
  return g_test_run ();
}
