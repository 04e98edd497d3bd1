/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CRM_TYPE_WRAP_BOX (crm_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (CrmWrapBox, crm_wrap_box, CRM, WRAP_BOX, GtkWidget)

GtkWidget *crm_wrap_box_new             (void);
void       crm_wrap_box_append          (CrmWrapBox *self,
                                         GtkWidget  *child);
void       crm_wrap_box_remove_all      (CrmWrapBox *self);
int        crm_wrap_box_get_spacing     (CrmWrapBox *self);
void       crm_wrap_box_set_spacing     (CrmWrapBox *self,
                                         int         spacing);
int        crm_wrap_box_get_row_spacing (CrmWrapBox *self);
void       crm_wrap_box_set_row_spacing (CrmWrapBox *self,
                                         int         row_spacing);

G_END_DECLS
