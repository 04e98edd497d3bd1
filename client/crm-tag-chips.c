/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-tag-chips"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "crm-customer-fields.h"
#include "crm-tag-chips.h"

/* A chip's text is this much smaller than the list's. */
#define CHIP_SCALE PANGO_SCALE_SMALL
#define CHIP_PADDING_X 7
#define CHIP_PADDING_Y 1
#define CHIP_SPACING 4
/* A long name ends in "…" past this many pixels of text. */
#define CHIP_MAX_TEXT_WIDTH 110
/* Layouts kept for the texts last shown, at most (an office has a few dozen tags). */
#define MAX_LAYOUTS 64

/**
 * CrmTagChips:
 *
 * A customer's tags as chips in a list cell: rounded, filled with each tag's colour
 * (admins choose them), the text black or white, whichever reads better on it
 * (crm_tag_get_colors ()). The chips that do not fit the cell's width give way to a
 * "+N" chip; hovering tells every name.
 *
 * One widget draws them all (gtk_snapshot_append_layout () beside rounded fills, not
 * under a rounded clip, which the cairo renderer draws through a mask), so a row bound
 * to another customer while the list scrolls makes no widget and no CSS: its chips take
 * the layouts the cell shaped for those names before (a few dozen tags in an office),
 * and it is drawn again. Its natural width is that of a few
 * chips whatever its tags, so binding never makes the view measure its columns again
 * (see the GtkInscription cells in crm-customers-page.c and bench/README.md, "scroll").
 */

typedef struct
{
  PangoLayout *layout;      /* borrowed from the widget's layouts */
  int          width;       /* of the whole chip, padding included */
  gboolean     has_color;   /* else drawn as the "+N" chip, in the text's colour */
  GdkRGBA      fill;
  GdkRGBA      text;
} Chip;

struct _CrmTagChips
{
  GtkWidget    parent_instance;

  GArray      *chips;           /* of Chip */
  guint        n_chips;         /* of them, those in use */
  guint        n_shown;         /* chips whole in the width, from the left */
  GHashTable  *layouts;         /* text → PangoLayout, shaped once for the next rows */
  PangoLayout *more;            /* "+N" for the others, borrowed from layouts */
  gboolean     show_more;       /* whether some do not show */
  int          more_width;
  int          fitted_width;    /* the width n_shown was counted for, -1: count again */
  int          chip_height;     /* 0: measure again */
  int          minimum_width;
  int          natural_width;
};

G_DEFINE_FINAL_TYPE (CrmTagChips, crm_tag_chips, GTK_TYPE_WIDGET)

/* sRGB to linear light (WCAG 2 relative luminance). */
static double
linear (double channel)
{
  return channel <= 0.04045 ? channel / 12.92 : pow ((channel + 0.055) / 1.055, 2.4);
}

/**
 * crm_color_wants_dark_text:
 * @fill: a background colour
 *
 * Whether black text reads better on @fill than white: WCAG 2's contrast ratios with
 * black, (L + 0.05) / 0.05, and with white, 1.05 / (L + 0.05), of its relative
 * luminance L, which are equal at L = 0.179.
 */
gboolean
crm_color_wants_dark_text (const GdkRGBA *fill)
{
  double luminance = 0.2126 * linear (fill->red) + 0.7152 * linear (fill->green)
                     + 0.0722 * linear (fill->blue);

  return luminance > 0.179;
}

/**
 * crm_tag_get_colors:
 * @tag: (nullable): a tag as `/tags` has it
 * @fill: (out): its colour, opaque
 * @text: (out): black or white: whichever contrasts more with @fill
 *
 * The colours of a tag's chip, the same in the list and on the customer page.
 *
 * Returns: whether the tag has a colour that parses; else @fill and @text are left as
 *   they were (the chip takes the style's neutral colours)
 */
gboolean
crm_tag_get_colors (JsonObject *tag,
                    GdkRGBA    *fill,
                    GdkRGBA    *text)
{
  const char *color = tag != NULL
                      ? json_object_get_string_member_with_default (tag, "color", NULL) : NULL;
  static const GdkRGBA black = { 0, 0, 0, 0.87f };
  static const GdkRGBA white = { 1, 1, 1, 1 };
  GdkRGBA parsed;

  if (color == NULL || !gdk_rgba_parse (&parsed, color))
    return FALSE;
  parsed.alpha = 1;
  *fill = parsed;
  *text = crm_color_wants_dark_text (&parsed) ? black : white;
  return TRUE;
}

static PangoLayout *
new_layout (CrmTagChips *self,
            const char  *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attributes = pango_attr_list_new ();

  pango_attr_list_insert (attributes, pango_attr_scale_new (CHIP_SCALE));
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
  pango_layout_set_width (layout, CHIP_MAX_TEXT_WIDTH * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  return layout;
}

/* The layout of @text, shaped once: a row bound to another customer finds the names of
 * its tags (and its "+N") laid out already, as the rows before it had them. */
static PangoLayout *
get_layout (CrmTagChips *self,
            const char  *text)
{
  PangoLayout *layout = g_hash_table_lookup (self->layouts, text);

  if (layout == NULL)
    {
      layout = new_layout (self, text);
      g_hash_table_insert (self->layouts, g_strdup (text), layout);
    }
  return layout;
}

static int
layout_width (PangoLayout *layout)
{
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width + 2 * CHIP_PADDING_X;
}

/* As high as a chip of Chinese text, so that every chip is of a height. */
static int
chip_height (CrmTagChips *self)
{
  if (self->chip_height == 0)
    {
      g_autoptr(PangoLayout) layout = new_layout (self, "中Ag");

      pango_layout_get_pixel_size (layout, NULL, &self->chip_height);
      self->chip_height += 2 * CHIP_PADDING_Y;
    }
  return self->chip_height;
}

/* The widths the cell asks for whatever its tags: at least a short chip and "+N" (a
 * narrow window squeezes the column to it), else a few chips. */
static void
measure_widths (CrmTagChips *self)
{
  if (self->natural_width == 0)
    {
      g_autoptr(PangoLayout) layout = new_layout (self, "中中中中");
      g_autoptr(PangoLayout) short_layout = new_layout (self, "中中中");
      g_autoptr(PangoLayout) more = new_layout (self, "+9");

      self->minimum_width = layout_width (short_layout) + layout_width (more) + CHIP_SPACING;
      self->natural_width = 2 * layout_width (layout) + layout_width (more) + 2 * CHIP_SPACING;
    }
}

/* How many chips fit in @width whole, beside a "+N" for the others. */
static void
fit (CrmTagChips *self,
     int          width)
{
  int used = 0;

  self->fitted_width = width;
  self->show_more = FALSE;
  self->n_shown = self->n_chips;
  for (guint i = 0; i < self->n_chips; i++)
    used += g_array_index (self->chips, Chip, i).width + (i > 0 ? CHIP_SPACING : 0);
  if (used <= width)
    return;

  /* Fewer chips: the first ones and "+N" for the rest, as many as fit beside it. */
  self->show_more = TRUE;
  for (int shown = (int) self->n_chips - 1; shown >= 0; shown--)
    {
      g_autofree char *text = NULL;
      int shown_width = 0;

      for (int i = 0; i < shown; i++)
        shown_width += g_array_index (self->chips, Chip, i).width + CHIP_SPACING;
      /* Translators: a customer row's tags beyond the chips it shows, as a count */
      text = g_strdup_printf (_("+%u"), self->n_chips - (guint) shown);
      self->more = get_layout (self, text);
      self->more_width = layout_width (self->more);
      self->n_shown = (guint) shown;
      if (shown_width + self->more_width <= width)
        break;
    }
}

static void
ensure_fitted (CrmTagChips *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (self->fitted_width != width)
    fit (self, width);
}

static void
draw_chip (GtkSnapshot   *snapshot,
           PangoLayout   *layout,
           float          x,
           float          y,
           float          width,
           float          height,
           const GdkRGBA *fill,
           const GdkRGBA *text)
{
  GskRoundedRect outline;
  int text_height;

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x, y, width, height),
                                   height / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, fill, &outline.bounds);
  gtk_snapshot_pop (snapshot);
  pango_layout_get_pixel_size (layout, NULL, &text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + CHIP_PADDING_X,
                                                          y + (height - text_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, text);
  gtk_snapshot_restore (snapshot);
}

/* --- GtkWidget ------------------------------------------------------------- */

static void
crm_tag_chips_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  CrmTagChips *self = CRM_TAG_CHIPS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Narrower than natural, the chips give way to "+N". */
      measure_widths (self);
      *minimum = self->minimum_width;
      *natural = self->natural_width;
    }
  else
    *minimum = *natural = chip_height (self);
}

static void
crm_tag_chips_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  fit (CRM_TAG_CHIPS (widget), width);
}

static void
crm_tag_chips_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CrmTagChips *self = CRM_TAG_CHIPS (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int width = gtk_widget_get_width (widget);
  float height = chip_height (self);
  float y = (gtk_widget_get_height (widget) - height) / 2;
  float x = 0;
  GdkRGBA color;
  GdkRGBA neutral;

  if (self->n_chips == 0)
    return;
  ensure_fitted (self);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  neutral = color;
  neutral.alpha *= 0.12f;
  for (guint i = 0; i <= self->n_shown; i++)
    {
      Chip *chip = i < self->n_shown ? &g_array_index (self->chips, Chip, i) : NULL;
      PangoLayout *layout = chip != NULL ? chip->layout : self->more;
      int chip_width = chip != NULL ? chip->width : self->more_width;

      if (chip == NULL && !self->show_more)
        break;
      draw_chip (snapshot, layout, rtl ? width - x - chip_width : x, y, chip_width, height,
                 chip != NULL && chip->has_color ? &chip->fill : &neutral,
                 chip != NULL && chip->has_color ? &chip->text : &color);
      x += chip_width + CHIP_SPACING;
    }
}

static gboolean
crm_tag_chips_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard_tooltip,
                             GtkTooltip *tooltip)
{
  CrmTagChips *self = CRM_TAG_CHIPS (widget);
  g_autoptr(JsonArray) names = json_array_new ();
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *text = NULL;
  gboolean cut = FALSE;

  ensure_fitted (self);
  for (guint i = 0; i < self->n_chips; i++)
    {
      PangoLayout *layout = g_array_index (self->chips, Chip, i).layout;

      json_array_add_string_element (names, pango_layout_get_text (layout));
      cut = cut || i >= self->n_shown || pango_layout_is_ellipsized (layout);
    }
  if (!cut)
    return FALSE;
  /* A list as the options of a multiple choice read. */
  list = json_node_init_array (json_node_alloc (), names);
  text = crm_custom_value_to_text (list, NULL);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
layout_context_changed (gpointer key,
                        gpointer value,
                        gpointer user_data)
{
  pango_layout_context_changed (value);
}

/* The font changed: measure the chips again. */
static void
crm_tag_chips_system_setting_changed (GtkWidget        *widget,
                                      GtkSystemSetting  setting)
{
  CrmTagChips *self = CRM_TAG_CHIPS (widget);

  GTK_WIDGET_CLASS (crm_tag_chips_parent_class)->system_setting_changed (widget, setting);
  self->chip_height = 0;
  self->natural_width = 0;
  self->minimum_width = 0;
  self->fitted_width = -1;
  g_hash_table_foreach (self->layouts, layout_context_changed, NULL);
  for (guint i = 0; i < self->n_chips; i++)
    {
      Chip *chip = &g_array_index (self->chips, Chip, i);

      chip->width = layout_width (chip->layout);
    }
  gtk_widget_queue_resize (widget);
}

static void
crm_tag_chips_finalize (GObject *object)
{
  CrmTagChips *self = CRM_TAG_CHIPS (object);

  g_array_unref (self->chips);
  g_hash_table_unref (self->layouts);

  G_OBJECT_CLASS (crm_tag_chips_parent_class)->finalize (object);
}

static void
crm_tag_chips_class_init (CrmTagChipsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = crm_tag_chips_finalize;
  widget_class->measure = crm_tag_chips_measure;
  widget_class->size_allocate = crm_tag_chips_size_allocate;
  widget_class->snapshot = crm_tag_chips_snapshot;
  widget_class->query_tooltip = crm_tag_chips_query_tooltip;
  widget_class->system_setting_changed = crm_tag_chips_system_setting_changed;
  gtk_widget_class_set_css_name (widget_class, "tagchips");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
crm_tag_chips_init (CrmTagChips *self)
{
  self->chips = g_array_new (FALSE, TRUE, sizeof (Chip));
  self->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->fitted_width = -1;
  /* Asked for on hover, never set on bind: see crm_tag_chips_query_tooltip (). */
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

/**
 * crm_tag_chips_new:
 *
 * Returns: (transfer floating): a widget showing no tags
 */
GtkWidget *
crm_tag_chips_new (void)
{
  return g_object_new (CRM_TYPE_TAG_CHIPS, NULL);
}

/**
 * crm_tag_chips_set_tags:
 * @self: a #CrmTagChips
 * @tags: (nullable): the tags by id (`gint64 *` → #JsonObject of `/tags`)
 * @ids: (nullable): the ids of the tags to show, in their order
 *
 * Shows the tags @ids: their names (crm_tag_dup_name ()) on their colours.
 */
void
crm_tag_chips_set_tags (CrmTagChips *self,
                        GHashTable  *tags,
                        GArray      *ids)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CRM_IS_TAG_CHIPS (self));

  self->n_chips = ids != NULL ? ids->len : 0;
  /* Tags renamed, or many tags: start again rather than keep every text. */
  if (g_hash_table_size (self->layouts) + self->n_chips > MAX_LAYOUTS)
    {
      self->more = NULL;
      g_hash_table_remove_all (self->layouts);
    }
  if (self->chips->len < self->n_chips)
    g_array_set_size (self->chips, self->n_chips);
  for (guint i = 0; i < self->n_chips; i++)
    {
      Chip *chip = &g_array_index (self->chips, Chip, i);
      gint64 id = g_array_index (ids, gint64, i);
      g_autofree char *name = crm_tag_dup_name (tags, id);

      /* Nothing is made or shaped per bind once the names have shown. */
      chip->layout = get_layout (self, name);
      chip->width = layout_width (chip->layout);
      chip->has_color = crm_tag_get_colors (tags != NULL ? g_hash_table_lookup (tags, &id) : NULL,
                                            &chip->fill, &chip->text);
    }
  self->fitted_width = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new ();

    for (guint i = 0; i < self->n_chips; i++)
      g_ptr_array_add (names, (gpointer) pango_layout_get_text (
        g_array_index (self->chips, Chip, i).layout));
    g_ptr_array_add (names, NULL);
    /* Translators: the separator between the names of a customer's tags */
    text = g_strjoinv (_(", "), (char **) names->pdata);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                    -1);
  }
}

guint
_crm_tag_chips_get_n_chips (CrmTagChips *self)
{
  return self->n_chips;
}

guint
_crm_tag_chips_get_n_shown (CrmTagChips *self)
{
  ensure_fitted (self);
  return self->n_shown;
}

const char *
_crm_tag_chips_get_name (CrmTagChips *self,
                         guint        index)
{
  g_return_val_if_fail (index < self->n_chips, NULL);
  return pango_layout_get_text (g_array_index (self->chips, Chip, index).layout);
}

/* The colours chip @index is drawn in; for a tag without one, both transparent. */
void
_crm_tag_chips_get_colors (CrmTagChips *self,
                           guint        index,
                           GdkRGBA     *fill,
                           GdkRGBA     *text)
{
  Chip *chip;

  g_return_if_fail (index < self->n_chips);
  chip = &g_array_index (self->chips, Chip, index);
  *fill = chip->has_color ? chip->fill : (GdkRGBA) { 0, 0, 0, 0 };
  *text = chip->has_color ? chip->text : (GdkRGBA) { 0, 0, 0, 0 };
}

/* The "+N" chip's text, NULL when every chip shows. */
const char *
_crm_tag_chips_get_more (CrmTagChips *self)
{
  ensure_fitted (self);
  return self->show_more ? pango_layout_get_text (self->more) : NULL;
}
