/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-request.h"

G_BEGIN_DECLS

/* One crm-api-<resource>.c per resource; the router's table names these. */
void crm_api_health_get (CrmRequest *request);
void crm_api_events_subscribe (CrmRequest *request);
void crm_api_session_create (CrmRequest *request);
void crm_api_session_get (CrmRequest *request);
void crm_api_session_delete (CrmRequest *request);
void crm_api_session_mfa_start (CrmRequest *request);
void crm_api_session_mfa_confirm (CrmRequest *request);
void crm_api_customers_list (CrmRequest *request);
void crm_api_customers_get (CrmRequest *request);
void crm_api_customers_create (CrmRequest *request);
void crm_api_customers_update (CrmRequest *request);
void crm_api_customers_delete (CrmRequest *request);
void crm_api_customers_count (CrmRequest *request);
void crm_api_customers_industries (CrmRequest *request);
void crm_api_customers_batch (CrmRequest *request);
void crm_api_customers_restore (CrmRequest *request);
void crm_api_customers_duplicates (CrmRequest *request);
void crm_api_customers_merge (CrmRequest *request);
void crm_api_customers_timeline (CrmRequest *request);
void crm_api_customers_follow_up (CrmRequest *request);
void crm_api_customers_follow_ups (CrmRequest *request);
void crm_api_tags_list (CrmRequest *request);
void crm_api_tags_get (CrmRequest *request);
void crm_api_tags_create (CrmRequest *request);
void crm_api_tags_update (CrmRequest *request);
void crm_api_tags_delete (CrmRequest *request);
void crm_api_fields_list (CrmRequest *request);
void crm_api_fields_get (CrmRequest *request);
void crm_api_fields_create (CrmRequest *request);
void crm_api_fields_update (CrmRequest *request);
void crm_api_fields_delete (CrmRequest *request);
void crm_api_level_rules_list (CrmRequest *request);
void crm_api_level_rules_get (CrmRequest *request);
void crm_api_level_rules_create (CrmRequest *request);
void crm_api_level_rules_update (CrmRequest *request);
void crm_api_level_rules_delete (CrmRequest *request);
void crm_api_settings_reminders_get (CrmRequest *request);
void crm_api_settings_reminders_put (CrmRequest *request);
void crm_api_notifications_list (CrmRequest *request);
void crm_api_notifications_update (CrmRequest *request);
void crm_api_contacts_list (CrmRequest *request);
void crm_api_contacts_get (CrmRequest *request);
void crm_api_contacts_create (CrmRequest *request);
void crm_api_contacts_update (CrmRequest *request);
void crm_api_contacts_delete (CrmRequest *request);
void crm_api_teams_list (CrmRequest *request);
void crm_api_teams_get (CrmRequest *request);
void crm_api_teams_create (CrmRequest *request);
void crm_api_teams_update (CrmRequest *request);
void crm_api_teams_delete (CrmRequest *request);
void crm_api_users_list (CrmRequest *request);
void crm_api_users_get (CrmRequest *request);
void crm_api_users_create (CrmRequest *request);
void crm_api_users_update (CrmRequest *request);
void crm_api_users_delete (CrmRequest *request);
void crm_api_users_set_password (CrmRequest *request);
void crm_api_users_revoke_sessions (CrmRequest *request);
void crm_api_users_reset_mfa (CrmRequest *request);
void crm_api_roles_list (CrmRequest *request);
void crm_api_roles_get (CrmRequest *request);
void crm_api_roles_create (CrmRequest *request);
void crm_api_roles_update (CrmRequest *request);
void crm_api_roles_delete (CrmRequest *request);
void crm_api_field_policies_list (CrmRequest *request);
void crm_api_field_policies_put (CrmRequest *request);
void crm_api_audit_list (CrmRequest *request);
void crm_api_alerts_list (CrmRequest *request);

G_END_DECLS
