/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CRM_TYPE_TAG_CHIP (crm_tag_chip_get_type ())

G_DECLARE_FINAL_TYPE (CrmTagChip, crm_tag_chip, CRM, TAG_CHIP, GtkWidget)

GtkWidget *crm_tag_chip_new        (const char *name,
                                    JsonObject *tag,
                                    GtkWidget  *suffix);
gboolean   crm_tag_chip_get_colors (CrmTagChip *self,
                                    GdkRGBA    *fill,
                                    GdkRGBA    *text);

G_END_DECLS
