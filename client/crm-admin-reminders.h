/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-admin-view.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_REMINDERS (crm_admin_reminders_get_type ())

G_DECLARE_FINAL_TYPE (CrmAdminReminders, crm_admin_reminders, CRM, ADMIN_REMINDERS, CrmAdminView)

GtkSwitch     *_crm_admin_reminders_get_switch   (CrmAdminReminders *self);
GtkSpinButton *_crm_admin_reminders_get_days     (CrmAdminReminders *self);
gboolean       _crm_admin_reminders_is_loaded    (CrmAdminReminders *self);

G_END_DECLS
