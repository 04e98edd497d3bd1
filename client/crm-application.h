/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-api-client.h"

G_BEGIN_DECLS

#define CRM_TYPE_APPLICATION (crm_application_get_type ())

G_DECLARE_FINAL_TYPE (CrmApplication, crm_application, CRM, APPLICATION, AdwApplication)

CrmApplication *crm_application_new             (void);
CrmApiClient   *crm_application_get_api_client  (CrmApplication *self);
GSettings      *crm_application_get_settings    (CrmApplication *self);
int             crm_application_get_exit_status (CrmApplication *self);

G_END_DECLS
