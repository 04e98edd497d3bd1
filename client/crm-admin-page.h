/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-account.h"
#include "crm-admin-view.h"
#include "crm-api-client.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_PAGE (crm_admin_page_get_type ())

G_DECLARE_FINAL_TYPE (CrmAdminPage, crm_admin_page, CRM, ADMIN_PAGE, AdwBin)

void crm_admin_page_start (CrmAdminPage     *self,
                           CrmApiClient     *api_client,
                           const CrmAccount *account);
void crm_admin_page_stop  (CrmAdminPage     *self);

/* For tests: the view named @name ("users", "teams", "roles", "field-restrictions",
 * "custom-fields", "tags", "level-rules", "audit"), shown (and started) with
 * _crm_admin_page_show (). */
CrmAdminView *_crm_admin_page_get_view (CrmAdminPage *self,
                                        const char   *name);
void          _crm_admin_page_show     (CrmAdminPage *self,
                                        const char   *name);

G_END_DECLS
