/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-form-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-account.h"
#include "crm-custom-field-row.h"
#include "crm-form-dialog.h"

/*
 * A small form in an #AdwMessageDialog: named rows (text of one line or of several,
 * switch, choice, custom fields of /fields), their values as one JSON object for the
 * API, and each field's message from a 422 beside its row. The dialog closes on any
 * response; when the server refuses the values, the caller opens a new one with them and
 * the messages. Custom fields, and text rows given a validator
 * (crm_form_dialog_set_validator ()), are checked as they change by the common
 * validators: while one is wrong, its message shows and the dialog cannot be accepted.
 */

#define ROWS_KEY "crm-form-rows"

typedef struct
{
  char            *name;
  GtkWidget       *row;
  GtkWidget       *control;   /* the switch, or the text view of a multi-line row */
  gboolean         multiline; /* text of several lines (crm_form_dialog_add_text ()) */
  GtkLabel        *message;
  const CrmChoice *choices;
  gboolean         custom;    /* a custom field's row (crm_custom_field_row_new ()) */
  gboolean         kept;      /* not written: hidden or read-only (the role's access) */
  CrmTextValidator validate;  /* a text row's format, or NULL */
} FormRow;

static void check_rows (AdwMessageDialog *dialog);

static void
form_row_free (FormRow *row)
{
  g_free (row->name);
  g_free (row);
}

static GPtrArray *
get_rows (AdwMessageDialog *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), ROWS_KEY);
}

/**
 * crm_form_dialog_new:
 * @parent: a widget of the window the dialog belongs to
 *
 * Returns: (transfer none): a dialog with the responses "cancel" and "accept"
 */
AdwMessageDialog *
crm_form_dialog_new (GtkWidget  *parent,
                     const char *heading,
                     const char *body,
                     const char *accept_label)
{
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (parent)), heading, body);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_size_request (list, 380, -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "accept", accept_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "accept",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), ROWS_KEY,
                          g_ptr_array_new_with_free_func ((GDestroyNotify) form_row_free),
                          (GDestroyNotify) g_ptr_array_unref);
  return ADW_MESSAGE_DIALOG (dialog);
}

static FormRow *
add_row (AdwMessageDialog *dialog,
         const char       *name,
         const char       *title,
         GtkWidget        *row)
{
  FormRow *form_row = g_new0 (FormRow, 1);
  GtkWidget *message = gtk_label_new (NULL);

  form_row->name = g_strdup (name);
  form_row->row = row;
  gtk_widget_add_css_class (message, "error");
  /* Whole, on as many lines as it takes: a message cut short does not say what to do. */
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (message), 24);
  gtk_label_set_xalign (GTK_LABEL (message), 1);
  gtk_widget_set_visible (message, FALSE);
  form_row->message = GTK_LABEL (message);
  if (ADW_IS_ENTRY_ROW (row))
    {
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), message);
      /* Enter accepts, as in any dialog: the dialog's default response (while it may be
       * accepted: a wrong value turns it off). */
      adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
    }
  else if (ADW_IS_ACTION_ROW (row))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), message);
  else
    gtk_box_append (GTK_BOX (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))), message);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* The copy: @name may be the row's own name, which GTK 4.8 frees before copying. */
  gtk_widget_set_name (row, form_row->name);
  gtk_list_box_append (GTK_LIST_BOX (adw_message_dialog_get_extra_child (dialog)), row);
  g_ptr_array_add (get_rows (dialog), form_row);
  return form_row;
}

/* Returns: (transfer none): the row, an #AdwEntryRow */
GtkWidget *
crm_form_dialog_add_entry (AdwMessageDialog *dialog,
                           const char       *name,
                           const char       *title,
                           const char       *text)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  return add_row (dialog, name, title, row)->row;
}

/**
 * crm_form_dialog_add_text:
 * @text: (nullable): the text to start with
 *
 * A row for text of several lines (notes): its title above a #GtkTextView that wraps
 * and grows with its text. Its value is trimmed, null when empty, as an entry's.
 *
 * Returns: (transfer none): the #GtkTextView
 */
GtkWidget *
crm_form_dialog_add_text (AdwMessageDialog *dialog,
                          const char       *name,
                          const char       *title,
                          const char       *text)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *view = gtk_text_view_new ();
  FormRow *form_row;

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, -1, 96);
  gtk_widget_add_css_class (view, "card");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)),
                            text != NULL ? text : "", -1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), view);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), view);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  form_row = add_row (dialog, name, title, row);
  form_row->control = view;
  form_row->multiline = TRUE;
  return view;
}

/* Returns: (transfer none): the #GtkSwitch */
GtkWidget *
crm_form_dialog_add_switch (AdwMessageDialog *dialog,
                            const char       *name,
                            const char       *title,
                            gboolean          active)
{
  GtkWidget *row = adw_action_row_new ();
  FormRow *form_row = add_row (dialog, name, title, row);

  form_row->control = gtk_switch_new ();
  gtk_widget_set_valign (form_row->control, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (form_row->control), active);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), form_row->control);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), form_row->control);
  return form_row->control;
}

/* Returns: (transfer none): the row, an #AdwComboRow */
GtkWidget *
crm_form_dialog_add_choice (AdwMessageDialog *dialog,
                            const char       *name,
                            const char       *title,
                            const CrmChoice  *choices,
                            const char       *value)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();
  FormRow *form_row;
  int selected = crm_choices_find (choices, value);

  for (guint i = 0; choices[i].value != NULL; i++)
    gtk_string_list_append (labels, _(choices[i].label));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected >= 0 ? (guint) selected : 0);
  form_row = add_row (dialog, name, title, row);
  form_row->choices = choices;
  return row;
}

GtkWidget *
crm_form_dialog_get_row (AdwMessageDialog *dialog,
                         const char       *name)
{
  GPtrArray *rows = get_rows (dialog);

  for (guint i = 0; i < rows->len; i++)
    {
      FormRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->name, name))
        return row->control != NULL ? row->control : row->row;
    }
  return NULL;
}

/**
 * crm_form_dialog_set_validator:
 * @name: a text row's name (crm_form_dialog_add_entry ())
 * @validate: (nullable): the format its text must have, such as crm_validate_mobile
 *
 * Checks the row's text as it is typed: while it is not empty and @validate refuses it,
 * the validator's message shows beside the row and the dialog cannot be accepted.
 */
void
crm_form_dialog_set_validator (AdwMessageDialog *dialog,
                               const char       *name,
                               CrmTextValidator  validate)
{
  GPtrArray *rows = get_rows (dialog);

  for (guint i = 0; i < rows->len; i++)
    {
      FormRow *row = g_ptr_array_index (rows, i);

      if (!g_str_equal (row->name, name) || !ADW_IS_ENTRY_ROW (row->row))
        continue;
      if (row->validate == NULL && validate != NULL)
        g_signal_connect_object (row->row, "changed", G_CALLBACK (check_rows), dialog,
                                 G_CONNECT_SWAPPED);
      row->validate = validate;
      check_rows (dialog);
      return;
    }
  g_return_if_reached ();
}

/**
 * crm_form_dialog_dup_values:
 *
 * Returns: (transfer full): a JSON object: text (trimmed; null when empty),
 *   switches as booleans, choices as their API values, custom fields' values in the
 *   object "custom" (null when empty)
 */
JsonNode *
crm_form_dialog_dup_values (AdwMessageDialog *dialog)
{
  GPtrArray *rows = get_rows (dialog);
  g_autoptr(JsonObject) values = json_object_new ();
  g_autoptr(JsonObject) custom = NULL;
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < rows->len; i++)
    {
      FormRow *row = g_ptr_array_index (rows, i);

      if (row->kept)
        continue;
      if (row->custom)
        {
          if (custom == NULL)
            custom = json_object_new ();
          json_object_set_member (custom, crm_custom_field_row_get_key (row->row),
                                  crm_custom_field_row_dup_value (row->row));
        }
      else if (row->multiline)
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (row->control));
          GtkTextIter start, end;
          g_autofree char *text = NULL;

          gtk_text_buffer_get_bounds (buffer, &start, &end);
          text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
          if (*text == '\0')
            json_object_set_null_member (values, row->name);
          else
            json_object_set_string_member (values, row->name, text);
        }
      else if (row->control != NULL)
        json_object_set_boolean_member (values, row->name,
                                        gtk_switch_get_active (GTK_SWITCH (row->control)));
      else if (row->choices != NULL)
        {
          guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row->row));

          if (selected < crm_choices_count (row->choices))
            json_object_set_string_member (values, row->name, row->choices[selected].value);
        }
      else
        {
          g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                                GTK_EDITABLE (row->row))));

          if (*text == '\0')
            json_object_set_null_member (values, row->name);
          else
            json_object_set_string_member (values, row->name, text);
        }
    }
  if (custom != NULL)
    json_object_set_object_member (values, "custom", g_steal_pointer (&custom));
  json_node_set_object (node, values);
  return node;
}

/**
 * crm_form_row_show_message:
 * @row: a row of a form (a dialog's, a customer page's)
 * @label: the label beside @row that says what is wrong with it
 * @message: (nullable): what is wrong, translated; %NULL: nothing
 *
 * Shows @message beside @row, which turns red with it, or takes both away.
 */
void
crm_form_row_show_message (GtkWidget  *row,
                           GtkLabel   *label,
                           const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), message);
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
show_message (FormRow    *row,
              const char *message)
{
  crm_form_row_show_message (row->row, row->message, message);
}

/* What the common validators find wrong with a custom field's row or a text row with a
 * format (an empty one is the server's to judge), translated. Nothing for a field the
 * dialog keeps (crm_form_dialog_apply_field_access ()): the user could not change it,
 * and it is not sent. */
static const char *
row_problem (FormRow *row)
{
  const char *problem = NULL;

  if (row->kept)
    return NULL;
  if (row->custom)
    problem = crm_custom_field_row_get_problem (row->row);
  else if (row->validate != NULL)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                            GTK_EDITABLE (row->row))));

      if (*text != '\0')
        row->validate (text, NULL, &problem);
    }
  return problem != NULL ? _(problem) : NULL;
}

/* Says beside each checked row what is wrong with it; the dialog is accepted only when
 * nothing is. */
static void
check_rows (AdwMessageDialog *dialog)
{
  GPtrArray *rows = get_rows (dialog);
  gboolean valid = TRUE;

  for (guint i = 0; i < rows->len; i++)
    {
      FormRow *row = g_ptr_array_index (rows, i);
      const char *problem;

      if (!row->custom && row->validate == NULL)
        continue;
      problem = row_problem (row);
      show_message (row, problem);
      valid = valid && problem == NULL;
    }
  adw_message_dialog_set_response_enabled (dialog, "accept", valid);
}

/**
 * crm_form_dialog_add_custom_field:
 * @definition: a custom field of /fields
 * @value: (nullable): its value
 *
 * A row for the custom field by its type, named "custom.KEY"; its value goes in the
 * member "custom" of crm_form_dialog_dup_values ().
 *
 * Returns: (transfer none) (nullable): the row; %NULL for a definition without a key
 */
GtkWidget *
crm_form_dialog_add_custom_field (AdwMessageDialog *dialog,
                                  JsonObject       *definition,
                                  JsonNode         *value)
{
  GtkWidget *row = crm_custom_field_row_new (definition, G_CALLBACK (check_rows),
                                             dialog);

  if (row == NULL)
    return NULL;
  crm_custom_field_row_set_value (row, value);
  add_row (dialog, gtk_widget_get_name (row),
           adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), row)->custom = TRUE;
  check_rows (dialog);
  return row;
}

/**
 * crm_form_dialog_apply_field_access:
 * @account: (nullable): who is signed in
 * @object: what the form's fields belong to
 *
 * Hides the rows of the fields the user may not read and shows those they may read but
 * not write read-only (crm_account_get_field_access ()); neither is in the values.
 */
void
crm_form_dialog_apply_field_access (AdwMessageDialog *dialog,
                                    const CrmAccount *account,
                                    CrmObject         object)
{
  GPtrArray *rows = get_rows (dialog);

  for (guint i = 0; i < rows->len; i++)
    {
      FormRow *row = g_ptr_array_index (rows, i);
      g_autofree char *field = row->custom
                               ? g_strconcat ("custom_",
                                              crm_custom_field_row_get_key (row->row), NULL)
                               : g_strdup (row->name);
      CrmFieldAccess access = crm_account_get_field_access (account, object, field);

      row->kept = access != CRM_FIELD_ACCESS_WRITE;
      gtk_widget_set_visible (row->row, access != CRM_FIELD_ACCESS_NONE);
      if (row->custom)
        crm_custom_field_row_set_editable (row->row, access == CRM_FIELD_ACCESS_WRITE);
      else
        crm_field_row_set_editable (row->row, row->control, access == CRM_FIELD_ACCESS_WRITE);
    }
  check_rows (dialog);
}

/* Each field's message beside its row; NULL clears them (a custom field keeps what the
 * validator finds wrong with it). The first row refused gets the keyboard: what to
 * correct. */
void
crm_form_dialog_show_errors (AdwMessageDialog *dialog,
                             JsonObject       *fields)
{
  GPtrArray *rows = get_rows (dialog);
  GtkWidget *first = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      FormRow *row = g_ptr_array_index (rows, i);
      const char *message = NULL;

      if (fields != NULL)
        message = json_object_get_string_member_with_default (fields, row->name, NULL);
      show_message (row, message != NULL ? message : row_problem (row));
      if (message != NULL && first == NULL)
        first = row->row;
    }
  if (first != NULL)
    gtk_widget_grab_focus (first);
}
