/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-color-palette"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-color-palette.h"
#include "crm-tag-chips.h"

/*
 * A colour in an admin's dialog (a tag's): a row of preset colours, toggle buttons
 * showing each, and "Custom…", a GtkColorButton for any other (GTK 4.8 has no
 * GtkColorDialog). The row holds one colour, as `#rrggbb`; a colour that is one of the
 * presets shows as that preset chosen, any other as "Custom…" chosen.
 */

#define PALETTE_KEY "crm-color-palette"
#define SWATCH_SIZE 24

/* GNOME's palette (the HIG's), a colour of each hue. */
static const struct
{
  const char *color;
  const char *name;
} presets[] = {
  { "#3584e4", N_("Blue") },
  { "#2190a4", N_("Teal") },
  { "#2ec27e", N_("Green") },
  { "#f5c211", N_("Yellow") },
  { "#ff7800", N_("Orange") },
  { "#e01b24", N_("Red") },
  { "#dc8add", N_("Pink") },
  { "#813d9c", N_("Purple") },
  { "#986a44", N_("Brown") },
  { "#77767b", N_("Grey") },
};

typedef struct
{
  GtkWidget *toggles[G_N_ELEMENTS (presets)];
  GtkWidget *custom;       /* the GtkColorButton */
  GtkWidget *custom_mark;  /* shown when the colour is none of the presets */
  GtkWidget *value_label;  /* the colour as #rrggbb */
  gboolean   setting;
} Palette;

static Palette *
get_palette (GtkWidget *widget)
{
  Palette *palette = g_object_get_data (G_OBJECT (widget), PALETTE_KEY);

  g_return_val_if_fail (palette != NULL, NULL);
  return palette;
}

static char *
rgba_to_hex (const GdkRGBA *rgba)
{
  return g_strdup_printf ("#%02x%02x%02x", (int) (rgba->red * 255 + 0.5),
                          (int) (rgba->green * 255 + 0.5), (int) (rgba->blue * 255 + 0.5));
}

/* A round swatch of the preset's colour, ticked when chosen, the tick black or white as
 * a tag's text on it (crm_color_wants_dark_text ()). */
static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GtkToggleButton *toggle = user_data;
  const char *color = g_object_get_data (G_OBJECT (toggle), "crm-color");
  double radius = MIN (width, height) / 2.0;
  GdkRGBA rgba;

  if (!gdk_rgba_parse (&rgba, color))
    return;
  gdk_cairo_set_source_rgba (cr, &rgba);
  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  cairo_fill (cr);
  if (gtk_toggle_button_get_active (toggle))
    {
      double gray = crm_color_wants_dark_text (&rgba) ? 0 : 1;

      cairo_set_source_rgb (cr, gray, gray, gray);
      cairo_set_line_width (cr, 2.5);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_move_to (cr, width / 2.0 - radius * 0.45, height / 2.0);
      cairo_line_to (cr, width / 2.0 - radius * 0.1, height / 2.0 + radius * 0.35);
      cairo_line_to (cr, width / 2.0 + radius * 0.45, height / 2.0 - radius * 0.35);
      cairo_stroke (cr);
    }
}

/* Shows @color (parsed) as chosen: its preset ticked, or "Custom…". */
static void
show_color (Palette       *palette,
            const GdkRGBA *rgba)
{
  g_autofree char *hex = rgba_to_hex (rgba);
  gboolean preset = FALSE;

  palette->setting = TRUE;
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (palette->custom), rgba);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      gboolean chosen = g_ascii_strcasecmp (presets[i].color, hex) == 0;

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (palette->toggles[i]), chosen);
      gtk_widget_queue_draw (gtk_button_get_child (GTK_BUTTON (palette->toggles[i])));
      preset = preset || chosen;
    }
  gtk_widget_set_visible (palette->custom_mark, !preset);
  gtk_label_set_text (GTK_LABEL (palette->value_label), hex);
  palette->setting = FALSE;
}

static void
toggle_toggled_cb (GtkToggleButton *toggle,
                   Palette         *palette)
{
  GdkRGBA rgba;

  gtk_widget_queue_draw (gtk_button_get_child (GTK_BUTTON (toggle)));
  if (palette->setting || !gtk_toggle_button_get_active (toggle))
    return;
  if (gdk_rgba_parse (&rgba, g_object_get_data (G_OBJECT (toggle), "crm-color")))
    show_color (palette, &rgba);
}

static void
custom_color_set_cb (GtkColorButton *button,
                     Palette        *palette)
{
  GdkRGBA rgba;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  show_color (palette, &rgba);
}

/**
 * crm_color_palette_new:
 * @title: the row's title ("Colour")
 *
 * Returns: (transfer floating): an #AdwPreferencesRow holding the palette, the first
 *   preset chosen
 */
GtkWidget *
crm_color_palette_new (const char *title)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *flow = gtk_flow_box_new ();
  GtkWidget *custom_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *custom_label;
  Palette *palette = g_new0 (Palette, 1);
  GtkWidget *group = NULL;
  GdkRGBA first;

  g_object_set_data_full (G_OBJECT (row), PALETTE_KEY, palette, g_free);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_box_append (GTK_BOX (heading), title_label);
  palette->value_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (palette->value_label, "dim-label");
  gtk_widget_add_css_class (palette->value_label, "monospace");
  gtk_box_append (GTK_BOX (heading), palette->value_label);
  gtk_box_append (GTK_BOX (box), heading);

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 5);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), G_N_ELEMENTS (presets));
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 2);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 2);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      GtkWidget *toggle = gtk_toggle_button_new ();
      GtkWidget *swatch = gtk_drawing_area_new ();

      g_object_set_data (G_OBJECT (toggle), "crm-color", (gpointer) presets[i].color);
      gtk_widget_set_name (toggle, presets[i].color);
      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), SWATCH_SIZE);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), SWATCH_SIZE);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, toggle, NULL);
      gtk_button_set_child (GTK_BUTTON (toggle), swatch);
      gtk_widget_add_css_class (toggle, "flat");
      gtk_widget_add_css_class (toggle, "circular");
      gtk_widget_add_css_class (toggle, "color-swatch");
      gtk_widget_set_tooltip_text (toggle, _(presets[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(presets[i].name), -1);
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (toggle), GTK_TOGGLE_BUTTON (group));
      else
        group = toggle;
      g_signal_connect (toggle, "toggled", G_CALLBACK (toggle_toggled_cb), palette);
      palette->toggles[i] = toggle;
      gtk_flow_box_append (GTK_FLOW_BOX (flow), toggle);
    }

  /* Any other colour, in GTK's colour chooser. */
  palette->custom = gtk_color_button_new ();
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (palette->custom), FALSE);
  gtk_widget_set_name (palette->custom, "custom");
  g_signal_connect (palette->custom, "color-set", G_CALLBACK (custom_color_set_cb), palette);
  custom_label = gtk_label_new_with_mnemonic (_("C_ustom…"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (custom_label), palette->custom);
  palette->custom_mark = gtk_image_new_from_icon_name ("object-select-symbolic");
  gtk_box_append (GTK_BOX (custom_box), palette->custom);
  gtk_box_append (GTK_BOX (custom_box), custom_label);
  gtk_box_append (GTK_BOX (custom_box), palette->custom_mark);
  gtk_widget_set_halign (custom_box, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), flow);
  /* Below the presets, not among them: the flow box's columns are as wide as their
   * widest child. */
  gtk_box_append (GTK_BOX (box), custom_box);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gdk_rgba_parse (&first, presets[0].color);
  show_color (palette, &first);
  return row;
}

/**
 * crm_color_palette_set_color:
 * @palette: a row of crm_color_palette_new ()
 * @color: (nullable): a colour CSS reads (`#3584e4`); %NULL or one that does not parse
 *   leaves the colour as it was
 */
void
crm_color_palette_set_color (GtkWidget  *palette,
                             const char *color)
{
  GdkRGBA rgba;

  if (color != NULL && gdk_rgba_parse (&rgba, color))
    show_color (get_palette (palette), &rgba);
}

/**
 * crm_color_palette_dup_color:
 * @palette: a row of crm_color_palette_new ()
 *
 * Returns: (transfer full): the chosen colour as `#rrggbb`
 */
char *
crm_color_palette_dup_color (GtkWidget *palette)
{
  GdkRGBA rgba;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (get_palette (palette)->custom), &rgba);
  return rgba_to_hex (&rgba);
}

guint
crm_color_palette_get_n_presets (void)
{
  return G_N_ELEMENTS (presets);
}

/* For tests: the toggle button of preset @index, and the "Custom…" colour button. */
GtkWidget *
crm_color_palette_get_preset (GtkWidget *palette,
                              guint      index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (presets), NULL);
  return get_palette (palette)->toggles[index];
}

GtkWidget *
crm_color_palette_get_custom (GtkWidget *palette)
{
  return get_palette (palette)->custom;
}
