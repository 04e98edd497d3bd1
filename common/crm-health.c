/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-health"

#include "config.h"

#include "crm-error.h"
#include "crm-health.h"

CrmHealth *
crm_health_new (void)
{
  CrmHealth *health = g_new0 (CrmHealth, 1);

  health->schema_version = -1;
  health->schema_expected = -1;
  return health;
}

void
crm_health_free (CrmHealth *health)
{
  if (health == NULL)
    return;
  g_free (health->server_version);
  g_free (health);
}

JsonNode *
crm_health_to_json (const CrmHealth *health)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (health != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, health->database_ok ? "ok" : "degraded");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, health->server_version ? health->server_version : "");
  json_builder_set_member_name (builder, "database");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, health->database_ok ? "ok" : "unavailable");
  json_builder_set_member_name (builder, "schema_version");
  if (health->schema_version >= 0)
    json_builder_add_int_value (builder, health->schema_version);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "schema_expected");
  json_builder_add_int_value (builder, health->schema_expected);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

CrmHealth *
crm_health_from_json (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(CrmHealth) health = crm_health_new ();
  JsonObject *root;
  JsonObject *database = NULL;
  JsonNode *member;
  JsonNode *schema;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                           "health reply is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (node);
  member = json_object_get_member (root, "database");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    database = json_node_get_object (member);
  if (database == NULL || !json_object_has_member (root, "version"))
    {
      g_set_error_literal (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED,
                           "health reply lacks version or database");
      return NULL;
    }

  health->server_version = g_strdup (json_object_get_string_member (root, "version"));
  health->database_ok = g_strcmp0 (json_object_get_string_member_with_default (database, "state", ""),
                                   "ok") == 0;
  schema = json_object_get_member (database, "schema_version");
  if (schema != NULL && JSON_NODE_HOLDS_VALUE (schema))
    health->schema_version = json_node_get_int (schema);
  health->schema_expected = json_object_get_int_member_with_default (database, "schema_expected", -1);

  return g_steal_pointer (&health);
}
