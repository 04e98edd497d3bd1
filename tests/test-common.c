/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-error.h"
#include "crm-health.h"
#include "crm-json.h"
#include "crm-permission.h"

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

static void
test_json_types (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"s\":\"x\",\"i\":3,\"b\":true,\"n\":null,\"o\":{},\"d\":1.5}", NULL);
  JsonObject *object = json_node_get_object (node);

  g_assert_cmpint (crm_json_get_type (object, "s"), ==, CRM_JSON_STRING);
  g_assert_cmpint (crm_json_get_type (object, "i"), ==, CRM_JSON_INT);
  g_assert_cmpint (crm_json_get_type (object, "b"), ==, CRM_JSON_BOOLEAN);
  g_assert_cmpint (crm_json_get_type (object, "n"), ==, CRM_JSON_ABSENT);
  g_assert_cmpint (crm_json_get_type (object, "missing"), ==, CRM_JSON_ABSENT);
  g_assert_cmpint (crm_json_get_type (object, "o"), ==, CRM_JSON_OTHER);
  g_assert_cmpint (crm_json_get_type (object, "d"), ==, CRM_JSON_OTHER);
  g_assert_cmpstr (crm_json_get_string (object, "s"), ==, "x");
  g_assert_null (crm_json_get_string (object, "i"));
  g_assert_null (crm_json_get_string (NULL, "s"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/crm/common/error-table", test_error_table);
  g_test_add_func ("/crm/common/health-round-trip", test_health_round_trip);
  g_test_add_func ("/crm/common/health-degraded", test_health_degraded);
  g_test_add_func ("/crm/common/health-malformed", test_health_malformed);
  g_test_add_func ("/crm/common/permission-names", test_permission_names);
  g_test_add_func ("/crm/common/permission-round-trip", test_permission_round_trip);
  g_test_add_func ("/crm/common/permission-invalid", test_permission_invalid);
  g_test_add_func ("/crm/common/json-types", test_json_types);
  return g_test_run ();
}
