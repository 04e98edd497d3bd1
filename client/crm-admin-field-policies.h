/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-admin-view.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_FIELD_POLICIES (crm_admin_field_policies_get_type ())

G_DECLARE_FINAL_TYPE (CrmAdminFieldPolicies, crm_admin_field_policies, CRM,
                      ADMIN_FIELD_POLICIES, CrmAdminView)

/* For tests. */
GtkListBox *_crm_admin_field_policies_get_list (CrmAdminFieldPolicies *self);

G_END_DECLS
