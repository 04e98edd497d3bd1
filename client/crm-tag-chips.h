/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CRM_TYPE_TAG_CHIPS (crm_tag_chips_get_type ())

G_DECLARE_FINAL_TYPE (CrmTagChips, crm_tag_chips, CRM, TAG_CHIPS, GtkWidget)

gboolean    crm_color_wants_dark_text   (const GdkRGBA *fill);
gboolean    crm_tag_get_colors          (JsonObject  *tag,
                                         GdkRGBA     *fill,
                                         GdkRGBA     *text);

GtkWidget  *crm_tag_chips_new           (void);
void        crm_tag_chips_set_tags      (CrmTagChips *self,
                                         GHashTable  *tags,
                                         GArray      *ids);

/* For tests: the chips as shown in the widget's last width. */
guint       _crm_tag_chips_get_n_chips  (CrmTagChips *self);
guint       _crm_tag_chips_get_n_shown  (CrmTagChips *self);
const char *_crm_tag_chips_get_name     (CrmTagChips *self,
                                         guint        index);
void        _crm_tag_chips_get_colors   (CrmTagChips *self,
                                         guint        index,
                                         GdkRGBA     *fill,
                                         GdkRGBA     *text);
const char *_crm_tag_chips_get_more     (CrmTagChips *self);

G_END_DECLS
