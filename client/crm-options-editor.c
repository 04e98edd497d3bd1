/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-options-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-options-editor.h"

/*
 * The options of a choice or multiple-choice custom field, in the admin's field dialog:
 * an expander row with one entry row per option, each with Move Up, Move Down and Remove,
 * and "Add Choice" last. Each option is typed whole in its own entry, so one holding a
 * comma ("微信, 短信") is one option; the field gets them as a JSON array, in this order.
 * An option typed twice is marked, as the server keeps only the first.
 */

#define EDITOR_KEY "crm-options-editor"

typedef struct
{
  GtkWidget *expander;
  GPtrArray *options;   /* of char *, as typed */
  GPtrArray *rows;      /* the entry row of each option */
  GtkWidget *add_row;
  gboolean   filling;
} Editor;

static void rebuild (Editor *editor);

static void
editor_free (gpointer data)
{
  Editor *editor = data;

  g_ptr_array_unref (editor->options);
  g_ptr_array_unref (editor->rows);
  g_free (editor);
}

static Editor *
get_editor (GtkWidget *widget)
{
  Editor *editor = g_object_get_data (G_OBJECT (widget), EDITOR_KEY);

  g_return_val_if_fail (editor != NULL, NULL);
  return editor;
}

/* "3 choices" under the title, and each option typed before marked. */
static void
update_marks (Editor *editor)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = 0;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < editor->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (editor->rows, i);
      char *text = g_strstrip (g_strdup (g_ptr_array_index (editor->options, i)));
      gboolean twice = *text != '\0' && g_hash_table_contains (seen, text);

      if (*text != '\0' && !twice)
        n++;
      if (twice)
        {
          gtk_widget_add_css_class (row, "error");
          /* Translators: on an option of a custom field typed twice */
          gtk_widget_set_tooltip_text (row, _("This choice is already in the list"));
          g_free (text);
        }
      else
        {
          gtk_widget_remove_css_class (row, "error");
          gtk_widget_set_tooltip_text (row, NULL);
          g_hash_table_add (seen, text);
        }
    }
  if (n == 0)
    /* Translators: under "Choices" in a custom field's dialog */
    subtitle = g_strdup (_("None yet: add one choice per row"));
  else
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u choice", "%u choices", n), n);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (editor->expander), subtitle);
}

static void
entry_changed_cb (GtkEditable *entry,
                  Editor      *editor)
{
  guint i;

  if (editor->filling || !g_ptr_array_find (editor->rows, entry, &i))
    return;
  g_free (g_ptr_array_index (editor->options, i));
  g_ptr_array_index (editor->options, i) = g_strdup (gtk_editable_get_text (entry));
  update_marks (editor);
}

/* Moves option @from to @to (both in range), or removes it when @to is -1. */
static void
move_option (Editor *editor,
             guint   from,
             int     to)
{
  char *option = g_ptr_array_steal_index (editor->options, from);

  if (to < 0)
    g_free (option);
  else
    g_ptr_array_insert (editor->options, to, option);
  rebuild (editor);
  if (to >= 0)
    gtk_widget_grab_focus (g_ptr_array_index (editor->rows, to));
}

static void
button_clicked_cb (GtkButton *button,
                   Editor    *editor)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ENTRY_ROW);
  const char *what = gtk_widget_get_name (GTK_WIDGET (button));
  guint i;

  if (row == NULL || !g_ptr_array_find (editor->rows, row, &i))
    return;
  if (g_str_equal (what, "up") && i > 0)
    move_option (editor, i, i - 1);
  else if (g_str_equal (what, "down") && i + 1 < editor->options->len)
    move_option (editor, i, i + 1);
  else if (g_str_equal (what, "remove"))
    move_option (editor, i, -1);
}

static GtkWidget *
new_button (Editor     *editor,
            const char *name,
            const char *icon,
            const char *tooltip,
            gboolean    sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_name (button, name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_sensitive (button, sensitive);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tooltip, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (button_clicked_cb), editor);
  return button;
}

/* The rows again from the options (AdwExpanderRow 1.2 cannot insert at a position). */
static void
rebuild (Editor *editor)
{
  AdwExpanderRow *expander = ADW_EXPANDER_ROW (editor->expander);

  for (guint i = 0; i < editor->rows->len; i++)
    adw_expander_row_remove (expander, g_ptr_array_index (editor->rows, i));
  g_ptr_array_set_size (editor->rows, 0);
  if (editor->add_row != NULL)
    adw_expander_row_remove (expander, editor->add_row);

  editor->filling = TRUE;
  for (guint i = 0; i < editor->options->len; i++)
    {
      GtkWidget *row = adw_entry_row_new ();
      g_autofree char *title = g_strdup_printf (_("Choice %u"), i + 1);
      g_autofree char *name = g_strdup_printf ("option-%u", i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_set_name (row, name);
      gtk_editable_set_text (GTK_EDITABLE (row), g_ptr_array_index (editor->options, i));
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row),
                                new_button (editor, "up", "go-up-symbolic", _("Move Up"), i > 0));
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row),
                                new_button (editor, "down", "go-down-symbolic", _("Move Down"),
                                            i + 1 < editor->options->len));
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row),
                                new_button (editor, "remove", "user-trash-symbolic",
                                            _("Remove Choice"), TRUE));
      g_signal_connect (row, "changed", G_CALLBACK (entry_changed_cb), editor);
      adw_expander_row_add_row (expander, row);
      g_ptr_array_add (editor->rows, row);
    }
  editor->filling = FALSE;

  editor->add_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (editor->add_row), _("_Add Choice"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (editor->add_row), TRUE);
  gtk_widget_set_name (editor->add_row, "add");
  adw_action_row_add_prefix (ADW_ACTION_ROW (editor->add_row),
                             gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (editor->add_row), TRUE);
  g_signal_connect_swapped (editor->add_row, "activated",
                            G_CALLBACK (crm_options_editor_add_option), editor->expander);
  adw_expander_row_add_row (expander, editor->add_row);
  update_marks (editor);
}

/**
 * crm_options_editor_new:
 * @title: the row's title
 *
 * Returns: (transfer floating): an #AdwExpanderRow with no option yet
 */
GtkWidget *
crm_options_editor_new (const char *title)
{
  Editor *editor = g_new0 (Editor, 1);

  editor->expander = adw_expander_row_new ();
  editor->options = g_ptr_array_new_with_free_func (g_free);
  editor->rows = g_ptr_array_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (editor->expander), title);
  g_object_set_data_full (G_OBJECT (editor->expander), EDITOR_KEY, editor, editor_free);
  rebuild (editor);
  return editor->expander;
}

/**
 * crm_options_editor_set_options:
 * @options: (nullable): the options, such as a field's `choices`; %NULL for none
 */
void
crm_options_editor_set_options (GtkWidget *widget,
                                JsonArray *options)
{
  Editor *editor = get_editor (widget);

  g_ptr_array_set_size (editor->options, 0);
  for (guint i = 0; options != NULL && i < json_array_get_length (options); i++)
    {
      const char *option = json_array_get_string_element (options, i);

      if (option != NULL)
        g_ptr_array_add (editor->options, g_strdup (option));
    }
  rebuild (editor);
}

/**
 * crm_options_editor_dup_options:
 *
 * Returns: (transfer full): the options as typed, trimmed, in their order, without the
 *   empty ones
 */
JsonArray *
crm_options_editor_dup_options (GtkWidget *widget)
{
  Editor *editor = get_editor (widget);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < editor->options->len; i++)
    {
      g_autofree char *option = g_strstrip (g_strdup (g_ptr_array_index (editor->options, i)));

      if (*option != '\0')
        json_array_add_string_element (array, option);
    }
  return array;
}

/**
 * crm_options_editor_add_option:
 *
 * Adds an empty option last and focuses it, as "Add Choice" does.
 *
 * Returns: (transfer none): its entry row
 */
GtkWidget *
crm_options_editor_add_option (GtkWidget *widget)
{
  Editor *editor = get_editor (widget);
  GtkWidget *row;

  g_ptr_array_add (editor->options, g_strdup (""));
  rebuild (editor);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (editor->expander), TRUE);
  row = g_ptr_array_index (editor->rows, editor->rows->len - 1);
  gtk_widget_grab_focus (row);
  return row;
}

/**
 * crm_options_editor_get_row:
 * @index: an option's position
 *
 * Returns: (transfer none) (nullable): the entry row of option @index, whose suffixes are
 *   the buttons "up", "down" and "remove"
 */
GtkWidget *
crm_options_editor_get_row (GtkWidget *widget,
                            guint      index)
{
  Editor *editor = get_editor (widget);

  return index < editor->rows->len ? g_ptr_array_index (editor->rows, index) : NULL;
}
