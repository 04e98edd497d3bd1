/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-admin-view.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_ROLES (crm_admin_roles_get_type ())

G_DECLARE_FINAL_TYPE (CrmAdminRoles, crm_admin_roles, CRM, ADMIN_ROLES, CrmAdminView)

/* For tests. */
gboolean     _crm_admin_roles_select     (CrmAdminRoles *self,
                                          const char    *builtin);
GtkDropDown *_crm_admin_roles_get_cell   (CrmAdminRoles *self,
                                          CrmObject      object,
                                          CrmAction      action);
GtkDropDown *_crm_admin_roles_get_field_cell (CrmAdminRoles *self,
                                             const char    *field);
gint64       _crm_admin_roles_get_version (CrmAdminRoles *self);
gboolean     _crm_admin_roles_is_dirty   (CrmAdminRoles *self);

G_END_DECLS
