/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-custom-field-row"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-choice-checks.h"
#include "crm-custom-field-row.h"
#include "crm-customer-fields.h"
#include "crm-format.h"
#include "crm-json.h"
#include "crm-validate.h"

/*
 * The row that edits one custom field of /fields in a dialog (a new customer's required
 * fields, a contact's fields) and on the customer page, by the field's type: a choice is
 * a drop-down of its options with "Not set" first, a multiple choice a check button per
 * option (crm-choice-checks.c), yes or no a switch, anything else typed (numbers, money
 * and dates read as crm_custom_value_from_text () reads them). The value is JSON as the
 * API has it, and the common validator (the server's own) says what is wrong with it.
 * Whether the value changed is a comparison of JSON values, never of texts: "1,000.00"
 * typed into a money field of 1000 is no change.
 */

#define FIELD_KEY "crm-custom-field"

typedef struct
{
  char         *key;
  CrmFieldType  type;
  gboolean      required;
  GStrv         choices;   /* the options of a choice or a multiple choice */
  GtkWidget    *control;   /* a boolean's switch; a multiple choice's check buttons */
  char         *currency;  /* of a money value shown, NULL for CNY */
} CustomField;

static void
custom_field_free (gpointer data)
{
  CustomField *field = data;

  g_free (field->key);
  g_strfreev (field->choices);
  g_free (field->currency);
  g_free (field);
}

static CustomField *
get_field (GtkWidget *row)
{
  CustomField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);

  g_return_val_if_fail (field != NULL, NULL);
  return field;
}

/**
 * crm_custom_field_row_new:
 * @definition: a custom field of /fields
 * @changed: (nullable): called (swapped: @user_data first) when the value changes
 *
 * Returns: (transfer floating) (nullable): an #AdwPreferencesRow titled with the field's
 *   label and named "custom.KEY"; %NULL for a definition without a key
 */
GtkWidget *
crm_custom_field_row_new (JsonObject *definition,
                          GCallback   changed,
                          gpointer    user_data)
{
  const char *key = json_object_get_string_member_with_default (definition, "key", NULL);
  g_autofree char *name = NULL;
  CustomField *field;
  GtkWidget *row;

  if (key == NULL)
    return NULL;
  field = g_new0 (CustomField, 1);
  field->key = g_strdup (key);
  if (!crm_field_type_from_string (json_object_get_string_member_with_default (definition,
                                                                               "type", "text"),
                                   &field->type))
    field->type = CRM_FIELD_TYPE_TEXT;
  field->required = json_object_get_boolean_member_with_default (definition, "required", FALSE);
  field->choices = crm_json_dup_strv (definition, "choices");

  switch (field->type)
    {
    case CRM_FIELD_TYPE_CHOICE:
      {
        g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

        gtk_string_list_append (labels, _("Not set"));
        for (guint i = 0; field->choices[i] != NULL; i++)
          gtk_string_list_append (labels, field->choices[i]);
        row = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
        if (changed != NULL)
          g_signal_connect_swapped (row, "notify::selected", changed, user_data);
      }
      break;
    case CRM_FIELD_TYPE_MULTI_CHOICE:
      row = adw_action_row_new ();
      field->control = crm_choice_checks_new ((const char * const *) field->choices, changed,
                                              user_data);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), field->control);
      break;
    case CRM_FIELD_TYPE_BOOLEAN:
      row = adw_action_row_new ();
      field->control = gtk_switch_new ();
      gtk_widget_set_valign (field->control, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), field->control);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), field->control);
      if (changed != NULL)
        g_signal_connect_swapped (field->control, "notify::active", changed, user_data);
      break;
    default:   /* typed: text, a number, money, a date */
      row = adw_entry_row_new ();
      if (field->type == CRM_FIELD_TYPE_DATE)
        /* Translators: how a date is typed into a custom field */
        gtk_widget_set_tooltip_text (row, _("Year-month-day, such as 2026-12-01"));
      if (changed != NULL)
        g_signal_connect_swapped (row, "changed", changed, user_data);
      break;
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 json_object_get_string_member_with_default (definition, "label",
                                                                             key));
  name = g_strconcat ("custom.", key, NULL);
  gtk_widget_set_name (row, name);
  g_object_set_data_full (G_OBJECT (row), FIELD_KEY, field, custom_field_free);
  return row;
}

const char *
crm_custom_field_row_get_key (GtkWidget *row)
{
  return get_field (row)->key;
}

/**
 * crm_custom_field_row_set_value:
 * @value: (nullable): the field's value as the API has it; %NULL or null for none
 *
 * Shows @value in the row: a multiple choice ticks the options the array holds (never
 * read through text: an option may hold a comma).
 */
void
crm_custom_field_row_set_value (GtkWidget *row,
                                JsonNode  *value)
{
  CustomField *field = get_field (row);
  gboolean empty = value == NULL || JSON_NODE_HOLDS_NULL (value);

  switch (field->type)
    {
    case CRM_FIELD_TYPE_CHOICE:
      {
        const char *text = !empty && JSON_NODE_HOLDS_VALUE (value)
                           ? json_node_get_string (value) : NULL;
        guint selected = 0;

        for (guint i = 0; text != NULL && field->choices[i] != NULL; i++)
          if (g_str_equal (field->choices[i], text))
            selected = i + 1;
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      }
      break;
    case CRM_FIELD_TYPE_MULTI_CHOICE:
      crm_choice_checks_set_value (field->control, value);
      break;
    case CRM_FIELD_TYPE_BOOLEAN:
      gtk_switch_set_active (GTK_SWITCH (field->control),
                             !empty && JSON_NODE_HOLDS_VALUE (value)
                             && json_node_get_value_type (value) == G_TYPE_BOOLEAN
                             && json_node_get_boolean (value));
      break;
    default:   /* typed: text, a number, money, a date */
      {
        g_autofree char *text = crm_custom_value_to_text (value, &field->currency);

        if (text == NULL)
          text = json_to_string (value, FALSE);
        gtk_editable_set_text (GTK_EDITABLE (row), text);
      }
      break;
    }
}

/**
 * crm_custom_field_row_dup_value:
 *
 * Returns: (transfer full): the value the row holds as the API has it; a JSON null when
 *   none. What cannot be read stays text, for the validator to say why.
 */
JsonNode *
crm_custom_field_row_dup_value (GtkWidget *row)
{
  CustomField *field = get_field (row);

  switch (field->type)
    {
    case CRM_FIELD_TYPE_CHOICE:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

        return crm_custom_value_from_text (field->type,
                                           selected > 0 && selected <= g_strv_length (
                                             field->choices)
                                           ? field->choices[selected - 1] : "", NULL);
      }
    case CRM_FIELD_TYPE_MULTI_CHOICE:
      return crm_choice_checks_dup_value (field->control);
    case CRM_FIELD_TYPE_BOOLEAN:
      return crm_custom_value_from_text (field->type,
                                         gtk_switch_get_active (GTK_SWITCH (field->control))
                                         ? "true" : "false", NULL);
    default:   /* typed: text, a number, money, a date */
      {
        g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                              GTK_EDITABLE (row))));

        return crm_custom_value_from_text (field->type, text, field->currency);
      }
    }
}

/**
 * crm_custom_field_row_get_problem:
 *
 * Returns: (nullable): what the common validator (the server's own) finds wrong with the
 *   value, untranslated (translate with _()); %NULL when nothing
 */
const char *
crm_custom_field_row_get_problem (GtkWidget *row)
{
  CustomField *field = get_field (row);
  g_autoptr(JsonNode) value = crm_custom_field_row_dup_value (row);
  g_autoptr(JsonNode) normalized = NULL;
  const char *problem = NULL;

  if (crm_validate_custom_value (field->type, (const char * const *) field->choices,
                                 field->required, value, &normalized, &problem))
    return NULL;
  return problem;
}

/**
 * crm_custom_field_row_set_editable:
 * @editable: %FALSE for a field the user's role may read but not write
 *
 * A row that is not editable still shows its value, and can be selected and copied
 * where it is typed.
 */
void
crm_custom_field_row_set_editable (GtkWidget *row,
                                   gboolean   editable)
{
  CustomField *field = get_field (row);

  crm_field_row_set_editable (row, field->control, editable);
  if (editable && field->type == CRM_FIELD_TYPE_DATE)
    gtk_widget_set_tooltip_text (row, _("Year-month-day, such as 2026-12-01"));
}

/**
 * crm_field_row_set_editable:
 * @row: the row of a field, standard or custom
 * @control: (nullable): the widget of @row that holds the value (a switch), if not @row
 * @editable: %FALSE for a field the user's role may read but not write
 *   (crm_account_get_field_access ())
 *
 * Shows a field's value editable, or read-only with a tooltip that says why; text that
 * is not editable can still be selected and copied.
 */
void
crm_field_row_set_editable (GtkWidget *row,
                            GtkWidget *control,
                            gboolean   editable)
{
  if (GTK_IS_EDITABLE (row))
    gtk_editable_set_editable (GTK_EDITABLE (row), editable);
  else if (control != NULL)
    gtk_widget_set_sensitive (control, editable);
  else
    gtk_widget_set_sensitive (row, editable);
  gtk_widget_set_tooltip_text (row, editable ? NULL
                                    /* Translators: on a field the user's role may read but
                                     * not change */
                                    : _("Your role may read this field but not change it"));
}

/* @value as it is stored: the validator's normal form (trimmed text, a "YYYY-MM-DD"
 * date, upper-case currency), or @value itself when it is not valid. */
static JsonNode *
dup_normalized (CustomField *field,
                JsonNode    *value)
{
  g_autoptr(JsonNode) normalized = NULL;

  if (value == NULL)
    return json_node_new (JSON_NODE_NULL);
  if (crm_validate_custom_value (field->type, (const char * const *) field->choices, FALSE,
                                 value, &normalized, NULL) && normalized != NULL)
    return g_steal_pointer (&normalized);
  return json_node_copy (value);
}

static gboolean
is_number (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node)
         && (json_node_get_value_type (node) == G_TYPE_INT64
             || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

/**
 * crm_custom_field_row_values_differ:
 * @a: (nullable): a value of the row's field as the API has it; %NULL for none
 * @b: (nullable): another
 *
 * Whether @a and @b are different values of the field, compared as JSON: money by
 * amount and currency, numbers by value (1000 and 1000.0 are one), text trimmed; a
 * multiple choice option by option (the order is no change, and a value that is no
 * option any more cannot be ticked, so it counts as none); a boolean's none as no.
 */
gboolean
crm_custom_field_row_values_differ (GtkWidget *row,
                                    JsonNode  *a,
                                    JsonNode  *b)
{
  CustomField *field = get_field (row);
  g_autoptr(JsonNode) clean_a = NULL;
  g_autoptr(JsonNode) clean_b = NULL;

  switch (field->type)
    {
    case CRM_FIELD_TYPE_MULTI_CHOICE:
      for (guint i = 0; field->choices[i] != NULL; i++)
        if (crm_choice_value_holds (a, field->choices[i])
            != crm_choice_value_holds (b, field->choices[i]))
          return TRUE;
      return FALSE;
    case CRM_FIELD_TYPE_BOOLEAN:
      {
        gboolean yes_a = a != NULL && JSON_NODE_HOLDS_VALUE (a)
                         && json_node_get_value_type (a) == G_TYPE_BOOLEAN
                         && json_node_get_boolean (a);
        gboolean yes_b = b != NULL && JSON_NODE_HOLDS_VALUE (b)
                         && json_node_get_value_type (b) == G_TYPE_BOOLEAN
                         && json_node_get_boolean (b);

        return yes_a != yes_b;
      }
    default:
      clean_a = dup_normalized (field, a);
      clean_b = dup_normalized (field, b);
      if (is_number (clean_a) && is_number (clean_b))
        return json_node_get_double (clean_a) != json_node_get_double (clean_b);
      return !json_node_equal (clean_a, clean_b);
    }
}

/**
 * crm_custom_field_row_is_changed:
 * @stored: (nullable): the field's value as last loaded or saved; %NULL for none
 *
 * Whether the row holds another value than @stored (crm_custom_field_row_values_differ ()).
 */
gboolean
crm_custom_field_row_is_changed (GtkWidget *row,
                                 JsonNode  *stored)
{
  g_autoptr(JsonNode) held = crm_custom_field_row_dup_value (row);

  return crm_custom_field_row_values_differ (row, stored, held);
}
