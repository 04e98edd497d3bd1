/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CRM_TYPE_COLUMNS (crm_columns_get_type ())

G_DECLARE_FINAL_TYPE (CrmColumns, crm_columns, CRM, COLUMNS, GtkWidget)

GtkWidget *crm_columns_new              (void);
int        crm_columns_get_column_width (CrmColumns *self);
void       crm_columns_set_column_width (CrmColumns *self,
                                         int         column_width);
int        crm_columns_get_spacing      (CrmColumns *self);
void       crm_columns_set_spacing      (CrmColumns *self,
                                         int         spacing);
gboolean   crm_columns_is_side_by_side  (CrmColumns *self);

G_END_DECLS
