/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *crm_color_palette_new        (const char *title);
void       crm_color_palette_set_color  (GtkWidget  *palette,
                                         const char *color);
char      *crm_color_palette_dup_color  (GtkWidget  *palette);
guint      crm_color_palette_get_n_presets (void);
GtkWidget *crm_color_palette_get_preset (GtkWidget  *palette,
                                         guint       index);
GtkWidget *crm_color_palette_get_custom (GtkWidget  *palette);

G_END_DECLS
