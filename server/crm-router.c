/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-router"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-api-paths.h"
#include "crm-router.h"

typedef void (*CrmRouteHandler) (CrmRequest *request);

typedef struct
{
  const char      *method;
  const char      *pattern;
  CrmRouteHandler  handler;
} CrmRoute;

/* Every API route. `{name}` matches one path segment, read back with crm_request_get_param (). */
static const CrmRoute routes[] = {
  { "GET", CRM_API_HEALTH, crm_api_health_get },
  { "POST", CRM_API_BASE "/session", crm_api_session_create },
  { "GET", CRM_API_BASE "/session", crm_api_session_get },
  { "DELETE", CRM_API_BASE "/session", crm_api_session_delete },
  { "POST", CRM_API_BASE "/session/mfa", crm_api_session_mfa_start },
  { "POST", CRM_API_BASE "/session/mfa/confirm", crm_api_session_mfa_confirm },
  { "GET", CRM_API_BASE "/customers", crm_api_customers_list },
  { "POST", CRM_API_BASE "/customers", crm_api_customers_create },
  { "PATCH", CRM_API_BASE "/customers", crm_api_customers_batch },
  { "GET", CRM_API_BASE "/customers/count", crm_api_customers_count },
  { "GET", CRM_API_BASE "/customers/industries", crm_api_customers_industries },
  { "GET", CRM_API_BASE "/customers/duplicates", crm_api_customers_duplicates },
  { "POST", CRM_API_BASE "/customers/{id}/merge", crm_api_customers_merge },
  { "POST", CRM_API_BASE "/customers/{id}/restore", crm_api_customers_restore },
  { "GET", CRM_API_BASE "/customers/{id}/timeline", crm_api_customers_timeline },
  { "POST", CRM_API_BASE "/customers/{id}/follow-ups", crm_api_customers_follow_up },
  { "GET", CRM_API_BASE "/customers/{id}/follow-ups", crm_api_customers_follow_ups },
  { "GET", CRM_API_BASE "/customers/{id}", crm_api_customers_get },
  { "PATCH", CRM_API_BASE "/customers/{id}", crm_api_customers_update },
  { "DELETE", CRM_API_BASE "/customers/{id}", crm_api_customers_delete },
  { "GET", CRM_API_BASE "/contacts", crm_api_contacts_list },
  { "POST", CRM_API_BASE "/contacts", crm_api_contacts_create },
  { "GET", CRM_API_BASE "/contacts/{id}", crm_api_contacts_get },
  { "PATCH", CRM_API_BASE "/contacts/{id}", crm_api_contacts_update },
  { "DELETE", CRM_API_BASE "/contacts/{id}", crm_api_contacts_delete },
  { "GET", CRM_API_BASE "/tags", crm_api_tags_list },
  { "POST", CRM_API_BASE "/tags", crm_api_tags_create },
  { "GET", CRM_API_BASE "/tags/{id}", crm_api_tags_get },
  { "PATCH", CRM_API_BASE "/tags/{id}", crm_api_tags_update },
  { "DELETE", CRM_API_BASE "/tags/{id}", crm_api_tags_delete },
  { "GET", CRM_API_BASE "/fields", crm_api_fields_list },
  { "POST", CRM_API_BASE "/fields", crm_api_fields_create },
  { "GET", CRM_API_BASE "/fields/{id}", crm_api_fields_get },
  { "PATCH", CRM_API_BASE "/fields/{id}", crm_api_fields_update },
  { "DELETE", CRM_API_BASE "/fields/{id}", crm_api_fields_delete },
  { "GET", CRM_API_BASE "/level-rules", crm_api_level_rules_list },
  { "POST", CRM_API_BASE "/level-rules", crm_api_level_rules_create },
  { "GET", CRM_API_BASE "/level-rules/{id}", crm_api_level_rules_get },
  { "PATCH", CRM_API_BASE "/level-rules/{id}", crm_api_level_rules_update },
  { "DELETE", CRM_API_BASE "/level-rules/{id}", crm_api_level_rules_delete },
  { "GET", CRM_API_BASE "/settings/reminders", crm_api_settings_reminders_get },
  { "PUT", CRM_API_BASE "/settings/reminders", crm_api_settings_reminders_put },
  { "GET", CRM_API_BASE "/notifications", crm_api_notifications_list },
  { "PATCH", CRM_API_BASE "/notifications/{id}", crm_api_notifications_update },
  { "GET", CRM_API_BASE "/events", crm_api_events_subscribe },
  { "GET", CRM_API_BASE "/teams", crm_api_teams_list },
  { "POST", CRM_API_BASE "/teams", crm_api_teams_create },
  { "GET", CRM_API_BASE "/teams/{id}", crm_api_teams_get },
  { "PATCH", CRM_API_BASE "/teams/{id}", crm_api_teams_update },
  { "DELETE", CRM_API_BASE "/teams/{id}", crm_api_teams_delete },
  { "GET", CRM_API_BASE "/users", crm_api_users_list },
  { "POST", CRM_API_BASE "/users", crm_api_users_create },
  { "GET", CRM_API_BASE "/users/{id}", crm_api_users_get },
  { "PATCH", CRM_API_BASE "/users/{id}", crm_api_users_update },
  { "DELETE", CRM_API_BASE "/users/{id}", crm_api_users_delete },
  { "GET", CRM_API_BASE "/roles", crm_api_roles_list },
  { "POST", CRM_API_BASE "/roles", crm_api_roles_create },
  { "GET", CRM_API_BASE "/roles/{id}", crm_api_roles_get },
  { "PATCH", CRM_API_BASE "/roles/{id}", crm_api_roles_update },
  { "DELETE", CRM_API_BASE "/roles/{id}", crm_api_roles_delete },
  { "POST", CRM_API_BASE "/users/{id}/password", crm_api_users_set_password },
  { "DELETE", CRM_API_BASE "/users/{id}/sessions", crm_api_users_revoke_sessions },
  { "DELETE", CRM_API_BASE "/users/{id}/mfa", crm_api_users_reset_mfa },
  { "GET", CRM_API_BASE "/field-policies", crm_api_field_policies_list },
  { "PUT", CRM_API_BASE "/field-policies/{object}/{field}", crm_api_field_policies_put },
  { "GET", CRM_API_BASE "/audit", crm_api_audit_list },
  { "GET", CRM_API_BASE "/alerts", crm_api_alerts_list },
};

/* The end of the path segment at @segment: the next '/' or the end of the text. */
static const char *
segment_end (const char *segment)
{
  const char *slash = strchr (segment, '/');

  return slash != NULL ? slash : segment + strlen (segment);
}

/*
 * Whether @path has @pattern's segments, a `{name}` segment matching any non-empty one,
 * and then sets those as @request's parameters. Runs on the main thread for every route
 * until one matches, so it compares in place (splitting both texts for every route was a
 * fifth of a read request's instructions).
 */
static gboolean
match (const char *pattern,
       const char *path,
       CrmRequest *request)
{
  const char *want = pattern;
  const char *have = path;

  for (;;)
    {
      const char *want_end = segment_end (want);
      const char *have_end = segment_end (have);
      gsize want_len = want_end - want;
      gsize have_len = have_end - have;

      if (want_len > 2 && want[0] == '{' && want[want_len - 1] == '}')
        {
          if (have_len == 0)
            return FALSE;
          if (request != NULL)
            {
              g_autofree char *name = g_strndup (want + 1, want_len - 2);
              g_autofree char *value = g_strndup (have, have_len);

              crm_request_set_param (request, name, value);
            }
        }
      else if (want_len != have_len || memcmp (want, have, want_len) != 0)
        return FALSE;
      if (*want_end == '\0' || *have_end == '\0')
        return *want_end == *have_end;
      want = want_end + 1;
      have = have_end + 1;
    }
}

/**
 * crm_router_dispatch:
 *
 * Finds the route for the request's method and path and runs it; answers 404 for an
 * unknown path and 405 (with Allow) for a known path with another method.
 */
void
crm_router_dispatch (CrmRequest *request)
{
  SoupServerMessage *message = crm_request_get_message (request);
  const char *method = soup_server_message_get_method (message);
  const char *path = g_uri_get_path (soup_server_message_get_uri (message));
  g_autoptr(GString) allow = g_string_new (NULL);
  g_autofree char *trimmed = NULL;

  /* "/api/v1/health/" names the same resource as "/api/v1/health". */
  trimmed = g_strdup (path);
  if (strlen (trimmed) > 1 && g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!match (routes[i].pattern, trimmed, NULL))
        continue;
      if (g_str_equal (routes[i].method, method)
          || (g_str_equal (method, "HEAD") && g_str_equal (routes[i].method, "GET")))
        {
          match (routes[i].pattern, trimmed, request);
          routes[i].handler (request);
          return;
        }
      if (allow->len > 0)
        g_string_append (allow, ", ");
      g_string_append (allow, routes[i].method);
    }

  if (allow->len > 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "Allow", allow->str);
      crm_request_reply_error (request, CRM_API_ERROR_METHOD_NOT_ALLOWED,
                               N_("This method is not allowed here"));
      return;
    }
  crm_request_reply_error (request, CRM_API_ERROR_NOT_FOUND, N_("No such resource"));
}
