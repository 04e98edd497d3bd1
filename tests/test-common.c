/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-error.h"
#include "crm-health.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/crm/common/error-table", test_error_table);
  g_test_add_func ("/crm/common/health-round-trip", test_health_round_trip);
  g_test_add_func ("/crm/common/health-degraded", test_health_degraded);
  g_test_add_func ("/crm/common/health-malformed", test_health_malformed);
  return g_test_run ();
}
