/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GtkWidget *crm_options_editor_new         (const char *title);
void       crm_options_editor_set_options (GtkWidget  *editor,
                                           JsonArray  *options);
JsonArray *crm_options_editor_dup_options (GtkWidget  *editor);
GtkWidget *crm_options_editor_add_option  (GtkWidget  *editor);
GtkWidget *crm_options_editor_get_row     (GtkWidget  *editor,
                                           guint       index);

G_END_DECLS
