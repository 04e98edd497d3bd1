/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-tag-chip"

#include "config.h"

#include "crm-tag-chip.h"
#include "crm-tag-chips.h"

/**
 * CrmTagChip:
 *
 * One tag as a chip on the customer page: its name and a widget beside it (the
 * remove button), on the tag's colour, in the same colours as the list's chips
 * (crm_tag_get_colors ()). The fill is drawn, not styled, so that no CSS is made per
 * tag; the text's colour (and the button's icon) is one of two style classes,
 * `dark-text` or `light-text` (style.css). A tag without a colour is `neutral`: the
 * style's faint chip.
 */
struct _CrmTagChip
{
  GtkWidget  parent_instance;

  GtkWidget *label;
  gboolean   has_color;
  GdkRGBA    fill;
  GdkRGBA    text;
};

G_DEFINE_FINAL_TYPE (CrmTagChip, crm_tag_chip, GTK_TYPE_WIDGET)

static void
crm_tag_chip_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  CrmTagChip *self = CRM_TAG_CHIP (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);

  if (self->has_color)
    {
      GskRoundedRect outline;

      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height),
                                       height / 2);
      gtk_snapshot_push_rounded_clip (snapshot, &outline);
      gtk_snapshot_append_color (snapshot, &self->fill, &outline.bounds);
      gtk_snapshot_pop (snapshot);
    }
  GTK_WIDGET_CLASS (crm_tag_chip_parent_class)->snapshot (widget, snapshot);
}

static void
crm_tag_chip_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (crm_tag_chip_parent_class)->dispose (object);
}

static void
crm_tag_chip_class_init (CrmTagChipClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_tag_chip_dispose;
  widget_class->snapshot = crm_tag_chip_snapshot;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tagchip");
}

static void
crm_tag_chip_init (CrmTagChip *self)
{
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              2);
}

/**
 * crm_tag_chip_new:
 * @name: the tag's name
 * @tag: (nullable): the tag as `/tags` has it: its colour
 * @suffix: (nullable) (transfer floating): a widget after the name
 *
 * Returns: (transfer floating): the chip
 */
GtkWidget *
crm_tag_chip_new (const char *name,
                  JsonObject *tag,
                  GtkWidget  *suffix)
{
  CrmTagChip *self = g_object_new (CRM_TYPE_TAG_CHIP, NULL);

  self->label = gtk_label_new (name);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (self->label), 24);
  /* Margins, not the style's padding: the fill is drawn on the widget's content box. */
  gtk_widget_set_margin_start (self->label, 10);
  gtk_widget_set_margin_end (self->label, suffix != NULL ? 0 : 10);
  gtk_widget_set_margin_top (self->label, 2);
  gtk_widget_set_margin_bottom (self->label, 2);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  if (suffix != NULL)
    {
      gtk_widget_set_margin_end (suffix, 2);
      gtk_widget_set_parent (suffix, GTK_WIDGET (self));
    }
  /* As wide as its name, whatever room its parent gives it. */
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  self->has_color = crm_tag_get_colors (tag, &self->fill, &self->text);
  gtk_widget_add_css_class (GTK_WIDGET (self), !self->has_color ? "neutral"
                                               : self->text.red > 0.5 ? "light-text"
                                               : "dark-text");
  return GTK_WIDGET (self);
}

/**
 * crm_tag_chip_get_colors:
 * @self: a #CrmTagChip
 * @fill: (out): the chip's fill
 * @text: (out): its text's colour
 *
 * Returns: whether the tag has a colour of its own (else the outs are not set)
 */
gboolean
crm_tag_chip_get_colors (CrmTagChip *self,
                         GdkRGBA    *fill,
                         GdkRGBA    *text)
{
  g_return_val_if_fail (CRM_IS_TAG_CHIP (self), FALSE);

  if (self->has_color)
    {
      *fill = self->fill;
      *text = self->text;
    }
  return self->has_color;
}
