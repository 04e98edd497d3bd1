/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-custom-field-row"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-choice-checks.h"
#include "crm-custom-field-row.h"
#include "crm-json.h"
#include "crm-customer-fields.h"
#include "crm-format.h"
#include "crm-validate.h"

/*
 * The row that edits one custom field of /fields in a dialog (a new customer's required
 * fields, a contact's fields), by the field's type as on the customer page: a choice is a
 * drop-down of its options with "Not set" first, a multiple choice a check button per
 * option (crm-choice-checks.c), yes or no a switch, anything else typed (numbers, money
 * and dates read as crm_custom_value_from_text () reads them). The value is JSON as the
 * API has it, and the common validator (the server's own) says what is wrong with it.
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
