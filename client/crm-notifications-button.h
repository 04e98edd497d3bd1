/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-api-client.h"

G_BEGIN_DECLS

#define CRM_TYPE_NOTIFICATIONS_BUTTON (crm_notifications_button_get_type ())

G_DECLARE_FINAL_TYPE (CrmNotificationsButton, crm_notifications_button, CRM,
                      NOTIFICATIONS_BUTTON, AdwBin)

GtkWidget *crm_notifications_button_new          (void);
void       crm_notifications_button_start        (CrmNotificationsButton *self,
                                                  CrmApiClient           *api_client,
                                                  GSettings              *settings);
void       crm_notifications_button_stop         (CrmNotificationsButton *self);
guint      crm_notifications_button_get_n_unread (CrmNotificationsButton *self);

/* For tests. */
GtkPopover *_crm_notifications_button_get_popover  (CrmNotificationsButton *self);
GtkListBox *_crm_notifications_button_get_list_box (CrmNotificationsButton *self);

G_END_DECLS
