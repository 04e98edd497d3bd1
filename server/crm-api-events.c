/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-events"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-call.h"
#include "crm-events.h"

/*
 * GET /api/v1/events: a WebSocket of live changes (crm-events.c). The handshake is checked
 * first; the bearer token then in a transaction like any call, so a bad or revoked token
 * gets 401 before anything is upgraded. The socket's user and read scopes are fixed at
 * that moment.
 */

static gboolean
subscribe (CrmCall  *call,
           GError  **error)
{
  const CrmPrincipal *principal = crm_call_get_principal (call);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) reply = NULL;

  if (!crm_call_audit (call, "subscribe", "events", 0, "ok", NULL, error))
    return FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_int_value (builder, principal->session_id);
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_int_value (builder, principal->user_id);
  json_builder_set_member_name (builder, "team_members");
  json_builder_add_string_value (builder, principal->team_members ? principal->team_members : "");
  json_builder_set_member_name (builder, "customers");
  json_builder_add_string_value (builder, crm_scope_to_string (
    crm_call_get_scope (call, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ)));
  json_builder_set_member_name (builder, "contacts");
  json_builder_add_string_value (builder, crm_scope_to_string (
    crm_call_get_scope (call, CRM_OBJECT_CONTACTS, CRM_ACTION_READ)));
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);
  crm_call_reply (call, 200, reply);
  return TRUE;
}

static void
subscribed_cb (CrmRequest *request,
               guint       status,
               JsonNode   *reply)
{
  CrmServer *server = crm_request_get_server (request);

  if (status != 200 || reply == NULL)
    {
      if (reply != NULL)
        crm_request_reply_json (request, status, reply);
      else
        crm_request_reply_empty (request, status);
      return;
    }
  if (crm_server_is_shutting_down (server))
    {
      crm_request_reply_error (request, CRM_API_ERROR_UNAVAILABLE,
                               N_("The server is shutting down"));
      return;
    }
  crm_events_accept (crm_server_get_events (server), request, reply);
}

void
crm_api_events_subscribe (CrmRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!soup_websocket_server_check_handshake (crm_request_get_message (request), NULL, NULL,
                                              NULL, &error))
    {
      crm_request_reply_error (request, CRM_API_ERROR_MALFORMED,
                               N_("This address takes a WebSocket handshake"));
      return;
    }
  crm_call_run_then (request, CRM_CALL_NONE, subscribe, subscribed_cb);
}
