/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-admin-view.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_USERS (crm_admin_users_get_type ())

G_DECLARE_FINAL_TYPE (CrmAdminUsers, crm_admin_users, CRM, ADMIN_USERS, CrmAdminView)

/* For tests. */
GtkColumnView *_crm_admin_users_get_column_view (CrmAdminUsers *self);
GListModel    *_crm_admin_users_get_users       (CrmAdminUsers *self);
gboolean       _crm_admin_users_select          (CrmAdminUsers *self,
                                                 const char    *username);

G_END_DECLS
