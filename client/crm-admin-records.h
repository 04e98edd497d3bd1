/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-admin-view.h"

G_BEGIN_DECLS

/**
 * CrmAdminRecordsKind:
 *
 * The simple lists an admin keeps: each a table of records with a create,
 * edit and delete dialog.
 */
typedef enum
{
  CRM_ADMIN_RECORDS_TEAMS,
  CRM_ADMIN_RECORDS_TAGS,
  CRM_ADMIN_RECORDS_LEVEL_RULES,
  CRM_ADMIN_RECORDS_CUSTOM_FIELDS,
} CrmAdminRecordsKind;

#define CRM_TYPE_ADMIN_RECORDS (crm_admin_records_get_type ())

G_DECLARE_FINAL_TYPE (CrmAdminRecords, crm_admin_records, CRM, ADMIN_RECORDS, CrmAdminView)

GtkWidget *crm_admin_records_new (CrmAdminRecordsKind kind);

/* For tests. */
GListModel *_crm_admin_records_get_records (CrmAdminRecords *self);
void        _crm_admin_records_select      (CrmAdminRecords *self,
                                            guint            position);

G_END_DECLS
