/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-teams"

#include "config.h"

#include "crm-api.h"
#include "crm-resource.h"

/* /api/v1/teams: nobody owns a team; changing teams takes scope all. */

static const CrmResourceField team_fields[] = {
  { "name", CRM_RESOURCE_TEXT, CRM_RESOURCE_FIELD_REQUIRED | CRM_RESOURCE_FIELD_SEARCH, NULL, 200 },
  { "description", CRM_RESOURCE_TEXT, 0, NULL, 2000 },
};

static const CrmResource teams = {
  .object = CRM_OBJECT_TEAMS,
  .table = "teams",
  .fields = team_fields,
  .n_fields = G_N_ELEMENTS (team_fields),
};

void crm_api_teams_list (CrmRequest *r) { crm_resource_list (r, &teams); }
void crm_api_teams_get (CrmRequest *r) { crm_resource_get (r, &teams); }
void crm_api_teams_create (CrmRequest *r) { crm_resource_create (r, &teams); }
void crm_api_teams_update (CrmRequest *r) { crm_resource_update (r, &teams); }
void crm_api_teams_delete (CrmRequest *r) { crm_resource_delete (r, &teams); }
