/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-admin-view.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_AUDIT (crm_admin_audit_get_type ())

G_DECLARE_FINAL_TYPE (CrmAdminAudit, crm_admin_audit, CRM, ADMIN_AUDIT, CrmAdminView)

/* For tests. */
GListModel    *_crm_admin_audit_get_entries      (CrmAdminAudit *self);
GtkDropDown   *_crm_admin_audit_get_user_filter  (CrmAdminAudit *self);
GtkDropDown   *_crm_admin_audit_get_object_filter (CrmAdminAudit *self);
void           _crm_admin_audit_set_action_filter (CrmAdminAudit *self,
                                                  const char    *action);
GtkEditable   *_crm_admin_audit_get_date_filter  (CrmAdminAudit *self,
                                                  gboolean       to);
GtkLabel      *_crm_admin_audit_get_details      (CrmAdminAudit *self);
gboolean       _crm_admin_audit_is_loading       (CrmAdminAudit *self);
gboolean       _crm_admin_audit_has_more         (CrmAdminAudit *self);
void           _crm_admin_audit_select           (CrmAdminAudit *self,
                                                  guint          position);
char          *_crm_admin_audit_dup_user_cell    (CrmAdminAudit *self,
                                                  guint          position,
                                                  char         **tooltip);
char          *_crm_admin_audit_dup_object_cell  (CrmAdminAudit *self,
                                                  guint          position);

G_END_DECLS
