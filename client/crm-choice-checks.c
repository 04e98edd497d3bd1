/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-choice-checks.h"

/*
 * The editor of a multiple-choice custom field, on the customer page and in the
 * new-customer dialog: one check button per option, in the options' order, beside the
 * row's title. Every option is in sight and none is typed, so an option holding a comma
 * is chosen like any other. Each check button is named after its option.
 */

static void
free_checks (gpointer data)
{
  g_ptr_array_unref (data);
}

/**
 * crm_choice_checks_new:
 * @options: (nullable): the field's options
 * @toggled: (nullable): called (swapped: @user_data first) when a check button toggles
 *
 * Returns: (transfer floating): a box of check buttons
 */
GtkWidget *
crm_choice_checks_new (const char * const *options,
                       GCallback           toggled,
                       gpointer            user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GPtrArray *checks = g_ptr_array_new ();

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (options[i]);

      gtk_widget_set_name (check, options[i]);
      gtk_box_append (GTK_BOX (box), check);
      g_ptr_array_add (checks, check);
      if (toggled != NULL)
        g_signal_connect_swapped (check, "toggled", toggled, user_data);
    }
  g_object_set_data_full (G_OBJECT (box), "crm-choice-checks", checks, free_checks);
  return box;
}

/**
 * crm_choice_checks_get_checks:
 *
 * Returns: (transfer none): the check buttons, in the options' order
 */
GPtrArray *
crm_choice_checks_get_checks (GtkWidget *checks)
{
  return g_object_get_data (G_OBJECT (checks), "crm-choice-checks");
}

/**
 * crm_choice_checks_dup_value:
 *
 * Returns: (transfer full): the chosen options as a JSON array in the options' order, a
 *   JSON null when none is chosen (as an empty field)
 */
JsonNode *
crm_choice_checks_dup_value (GtkWidget *checks)
{
  GPtrArray *buttons = crm_choice_checks_get_checks (checks);
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; buttons != NULL && i < buttons->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (buttons, i)))
      json_array_add_string_element (array,
                                     gtk_widget_get_name (g_ptr_array_index (buttons, i)));
  if (json_array_get_length (array) == 0)
    return json_node_new (JSON_NODE_NULL);
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);
  return node;
}

/**
 * crm_choice_value_holds:
 * @value: (nullable): a multiple choice's value: an array of options, or null
 *
 * Whether @value holds @option, compared whole: a multiple choice is never read
 * through text, since an option may hold a comma.
 */
gboolean
crm_choice_value_holds (JsonNode   *value,
                        const char *option)
{
  JsonArray *array;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return FALSE;
  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), option) == 0)
      return TRUE;
  return FALSE;
}

/**
 * crm_choice_checks_set_value:
 * @value: (nullable): the chosen options as a JSON array; %NULL or null for none
 *
 * Ticks the check buttons of the options @value holds, and only those.
 */
void
crm_choice_checks_set_value (GtkWidget *checks,
                             JsonNode  *value)
{
  GPtrArray *buttons = crm_choice_checks_get_checks (checks);

  for (guint i = 0; buttons != NULL && i < buttons->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (buttons, i),
                                 crm_choice_value_holds (value, gtk_widget_get_name (
                                                           g_ptr_array_index (buttons, i))));
}
