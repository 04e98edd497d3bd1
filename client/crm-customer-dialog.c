/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-custom-field-row.h"
#include "crm-customer-dialog.h"
#include "crm-customer-fields.h"
#include "crm-form-dialog.h"
#include "crm-validate.h"

/* Typing pauses this long before the dialog looks for duplicates. */
#define CHECK_DELAY_MS 300

/**
 * CrmCustomerDialog:
 *
 * Creates a customer. While the user types the name, mobile, phone or e-mail,
 * it asks `GET /customers/duplicates` and lists the likely duplicates the user
 * may read, and how many more belong to other owners, before anything is saved.
 * The custom fields an admin made required (`/fields`) have rows too: the server
 * refuses a customer without them. A company gets its unified social credit code
 * (the customer page's Registration group has the rest). The code, mobile, phone and
 * e-mail are checked as they are typed with the server's own validators
 * (crm_validate_find_format ()), and what is wrong is said beside the row, as on the
 * customer's page; so is what the server refuses.
 */

/* The rows that have a message beside them, in the dialog's order. */
enum
{
  ROW_NAME,
  ROW_REGISTRATION,
  ROW_MOBILE,
  ROW_PHONE,
  ROW_EMAIL,
  N_ROWS
};

static const char * const row_fields[N_ROWS] = {
  [ROW_NAME] = "name", [ROW_REGISTRATION] = "registration_no", [ROW_MOBILE] = "mobile",
  [ROW_PHONE] = "phone", [ROW_EMAIL] = "email",
};
struct _CrmCustomerDialog
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  GtkButton           *create_button;
  AdwEntryRow         *name_row;
  AdwComboRow         *kind_row;
  AdwEntryRow         *registration_row; /* a company's unified social credit code */
  AdwEntryRow         *mobile_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *email_row;
  AdwEntryRow         *rows[N_ROWS];     /* the rows above, by ROW_ */
  GtkLabel            *messages[N_ROWS]; /* what is wrong, beside each */
  char                *refused[N_ROWS];  /* the server's message, until the row changes */
  AdwPreferencesGroup *duplicates_group;
  GtkListBox          *duplicates_list;
  GtkLabel            *hidden_label;

  AdwPreferencesPage  *page;
  AdwPreferencesGroup *custom_group;    /* the required custom fields, when there are */
  GPtrArray           *custom_fields;   /* their rows (crm_custom_field_row_new ()) */

  CrmApiClient        *api_client;
  CrmAccount          *account;         /* who is signed in: the fields they may write */
  GCancellable        *fields_cancellable;
  GCancellable        *check_cancellable;
  GCancellable        *create_cancellable;
  guint                check_source;
  guint                n_duplicates;
  gboolean             duplicates_unavailable;
};

G_DEFINE_FINAL_TYPE (CrmCustomerDialog, crm_customer_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  OPEN_CUSTOMER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (row_text (row)));
}

static const char *
reason_label (const char *reason)
{
  if (g_strcmp0 (reason, "name") == 0)
    return _("same name");
  if (g_strcmp0 (reason, "mobile") == 0)
    return _("same mobile");
  if (g_strcmp0 (reason, "phone") == 0)
    return _("same phone");
  if (g_strcmp0 (reason, "email") == 0)
    return _("same e-mail");
  return reason;
}

static void
show_duplicates (CrmCustomerDialog *self,
                 JsonObject        *reply)
{
  JsonArray *items = json_object_get_array_member (reply, "items");
  gint64 hidden = json_object_get_int_member_with_default (reply, "hidden", 0);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->duplicates_list))) != NULL)
    gtk_list_box_remove (self->duplicates_list, child);
  self->n_duplicates = 0;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonArray *reasons;
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (item == NULL)
        continue;
      reasons = json_object_get_array_member (item, "reasons");
      for (guint j = 0; reasons != NULL && j < json_array_get_length (reasons); j++)
        g_ptr_array_add (labels, (gpointer) reason_label (json_array_get_string_element (reasons,
                                                                                          j)));
      g_ptr_array_add (labels, NULL);
      /* Translators: the separator between the reasons a customer looks like a duplicate */
      subtitle = g_strjoinv (_(", "), (char **) labels->pdata);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (item, "name",
                                                                                 ""));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      /* A click opens the existing customer instead of creating another. */
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Open this customer instead"));
      {
        gint64 id = json_object_get_int_member_with_default (item, "id", 0);

        g_object_set_data_full (G_OBJECT (row), "crm-id", g_memdup2 (&id, sizeof id), g_free);
      }
      gtk_list_box_append (self->duplicates_list, row);
      self->n_duplicates++;
    }

  if (hidden > 0)
    {
      g_autofree char *text = NULL;
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, hidden);

      /* Translators: %s is a number of customers the user may not see */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s more belongs to another owner.",
                                           "%s more belong to other owners.",
                                           (gulong) MIN (hidden, G_MAXLONG)), number);
      gtk_label_set_text (self->hidden_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->hidden_label), hidden > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_list), self->n_duplicates > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), self->n_duplicates > 0 || hidden > 0);
}

static void
duplicates_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CrmCustomerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->check_cancellable);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Duplicate check failed: %s", error != NULL ? error->message : "not an object");
      /* Said once, not at every key press. */
      if (!self->duplicates_unavailable)
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_("Duplicates cannot be checked now.")));
      self->duplicates_unavailable = TRUE;
      return;
    }
  show_duplicates (self, json_node_get_object (root));
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  CrmCustomerDialog *self = user_data;
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *name = stripped (self->name_row);
  g_autofree char *mobile = stripped (self->mobile_row);
  g_autofree char *phone = stripped (self->phone_row);
  g_autofree char *email = stripped (self->email_row);

  self->check_source = 0;
  crm_api_query_add (query, "name", name);
  crm_api_query_add (query, "mobile", mobile);
  crm_api_query_add (query, "phone", phone);
  crm_api_query_add (query, "email", email);
  if (query->len == 0)
    {
      g_autoptr(JsonObject) empty = json_object_new ();

      show_duplicates (self, empty);
      return G_SOURCE_REMOVE;
    }
  self->check_cancellable = g_cancellable_new ();
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, CRM_API_BASE "/customers/duplicates",
                             query->str, NULL, 0, self->check_cancellable, duplicates_cb,
                             g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* A custom row's message label, and the server's message with the value it refused
 * (JSON text), kept until the value changes. */
#define MESSAGE_KEY "crm-message"
#define REFUSED_KEY "crm-refused"
#define REFUSED_VALUE_KEY "crm-refused-value"

/* The label beside a row that says what is wrong with it: whole, on as many lines as it
 * takes (a message cut short does not say what to do), as on the customer page. */
static GtkLabel *
add_message_label (GtkWidget *row)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (label), "field-message");
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (label, 24);
  gtk_label_set_width_chars (label, 14);
  gtk_label_set_xalign (label, 1);
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
  if (ADW_IS_ENTRY_ROW (row))
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), GTK_WIDGET (label));
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (label));
  return label;
}

static char *
dup_custom_value_text (GtkWidget *row)
{
  g_autoptr(JsonNode) value = crm_custom_field_row_dup_value (row);

  return json_to_string (value, FALSE);
}

/* What is wrong with a custom row: the server's refusal while it holds the value refused;
 * else what the validators find in a value typed (an empty required one is for the
 * server to say, at Create, not before anything was typed). */
static const char *
custom_problem (GtkWidget *row)
{
  const char *refused = g_object_get_data (G_OBJECT (row), REFUSED_KEY);
  g_autoptr(JsonNode) value = NULL;
  const char *problem;

  if (refused != NULL)
    {
      g_autofree char *now = dup_custom_value_text (row);

      if (g_strcmp0 (now, g_object_get_data (G_OBJECT (row), REFUSED_VALUE_KEY)) == 0)
        return refused;
      g_object_set_data (G_OBJECT (row), REFUSED_KEY, NULL);
    }
  value = crm_custom_field_row_dup_value (row);
  if (JSON_NODE_HOLDS_NULL (value) || (problem = crm_custom_field_row_get_problem (row)) == NULL)
    return NULL;
  return _(problem);
}

static void
clear_field_errors (CrmCustomerDialog *self)
{
  for (guint i = 0; i < N_ROWS; i++)
    g_clear_pointer (&self->refused[i], g_free);
  for (guint i = 0; i < self->custom_fields->len; i++)
    g_object_set_data (G_OBJECT (g_ptr_array_index (self->custom_fields, i)), REFUSED_KEY, NULL);
}

/* What the server's validator finds wrong with what row @i holds, translated; NULL when
 * nothing (or nothing at all) is typed, the row is not offered, or its field has no format.
 * The server's own message, until the row changes, comes first. */
static const char *
row_problem (CrmCustomerDialog *self,
             guint              i)
{
  g_autofree char *text = stripped (self->rows[i]);
  CrmTextValidator validate = crm_validate_find_format (row_fields[i]);
  const char *problem = NULL;

  if (!gtk_widget_get_visible (GTK_WIDGET (self->rows[i])))
    return NULL;
  if (self->refused[i] != NULL)
    return self->refused[i];
  if (validate == NULL || *text == '\0' || validate (text, NULL, &problem))
    return NULL;
  return _(problem);
}

/* Each row's message beside it, as it is typed; "Create" waits until none is wrong. */
static void
update_create_button (CrmCustomerDialog *self)
{
  g_autofree char *name = stripped (self->name_row);
  gboolean wrong = FALSE;

  for (guint i = 0; i < N_ROWS; i++)
    {
      const char *problem = row_problem (self, i);

      crm_form_row_show_message (GTK_WIDGET (self->rows[i]), self->messages[i], problem);
      /* Sent again unchanged, a refused row would be refused again. */
      wrong = wrong || problem != NULL;
    }
  for (guint i = 0; i < self->custom_fields->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->custom_fields, i);
      const char *problem = custom_problem (row);

      crm_form_row_show_message (row, g_object_get_data (G_OBJECT (row), MESSAGE_KEY), problem);
      wrong = wrong || problem != NULL;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button),
                            *name != '\0' && !wrong && self->create_cancellable == NULL);
}

static void
row_changed_cb (CrmCustomerDialog *self,
                GtkEditable       *editable)
{
  for (guint i = 0; i < N_ROWS; i++)
    if (editable == GTK_EDITABLE (self->rows[i]))
      g_clear_pointer (&self->refused[i], g_free);
  update_create_button (self);
  if (editable == GTK_EDITABLE (self->registration_row))
    return;   /* no duplicate check: the server's looks at names and numbers to call */
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);
  self->check_source = g_timeout_add (CHECK_DELAY_MS, check_timeout_cb, self);
}

/* Whether the signed-in user may give the new customer its @field
 * (crm_account_get_field_access ()): the dialog offers no other field. */
static gboolean
may_write (CrmCustomerDialog *self,
           const char        *field)
{
  return crm_account_get_field_access (self->account, CRM_OBJECT_CUSTOMERS, field)
         == CRM_FIELD_ACCESS_WRITE;
}

/* The credit code is a company's, offered to who may write it. */
static void
show_registration_row (CrmCustomerDialog *self)
{
  guint kind = adw_combo_row_get_selected (self->kind_row);
  gboolean company = !gtk_widget_get_visible (GTK_WIDGET (self->kind_row))
                     || (kind < crm_choices_count (crm_customer_kinds)
                         && g_str_equal (crm_customer_kinds[kind].value, "company"));

  gtk_widget_set_visible (GTK_WIDGET (self->registration_row),
                          company && may_write (self, "registration_no"));
  update_create_button (self);
}

static void
kind_row_selected_cb (CrmCustomerDialog *self)
{
  show_registration_row (self);
}

/* Rows for the custom fields the server requires on create (the others wait for the
 * customer's page): without them a required field makes every create fail. */
static void
add_required_fields (CrmCustomerDialog *self,
                     JsonArray         *definitions)
{
  for (guint i = 0; i < json_array_get_length (definitions); i++)
    {
      JsonObject *definition = json_array_get_object_element (definitions, i);
      g_autofree char *field = NULL;
      GtkWidget *row;

      if (definition == NULL
          || !json_object_get_boolean_member_with_default (definition, "required", FALSE))
        continue;
      field = g_strconcat ("custom_",
                           json_object_get_string_member_with_default (definition, "key", ""),
                           NULL);
      if (!may_write (self, field)
          || (row = crm_custom_field_row_new (definition, G_CALLBACK (update_create_button),
                                              self)) == NULL)
        continue;
      g_object_set_data (G_OBJECT (row), MESSAGE_KEY, add_message_label (row));
      if (self->custom_group == NULL)
        {
          self->custom_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (self->custom_group, _("Required Fields"));
          adw_preferences_page_add (self->page, self->custom_group);
        }
      adw_preferences_group_add (self->custom_group, row);
      g_ptr_array_add (self->custom_fields, row);
    }
}

static void
fields_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmCustomerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->fields_cancellable);
  /* Without them a required field's 422 still says which field is missing. */
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && json_object_has_member (json_node_get_object (root), "items"))
    add_required_fields (self, json_object_get_array_member (json_node_get_object (root),
                                                             "items"));
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmCustomerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CrmCustomer) customer = NULL;
  JsonObject *fields;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->create_cancellable);
  update_create_button (self);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      customer = crm_customer_new (json_node_get_object (root));
      g_signal_emit (self, signals[CREATED], 0, customer);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  fields = crm_api_reply_error_get_fields (error);
  if (fields != NULL)
    {
      GtkWidget *first = NULL;

      for (guint i = 0; i < N_ROWS; i++)
        {
          const char *message =
            json_object_get_string_member_with_default (fields, row_fields[i], NULL);

          if (message == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->rows[i])))
            continue;
          g_free (self->refused[i]);
          self->refused[i] = g_strdup (message);
          if (first == NULL)
            first = GTK_WIDGET (self->rows[i]);
        }
      for (guint i = 0; i < self->custom_fields->len; i++)
        {
          GtkWidget *row = g_ptr_array_index (self->custom_fields, i);
          const char *message = json_object_get_string_member_with_default (
            fields, gtk_widget_get_name (row), NULL);

          if (message != NULL)
            {
              g_object_set_data_full (G_OBJECT (row), REFUSED_VALUE_KEY,
                                      dup_custom_value_text (row), g_free);
              g_object_set_data_full (G_OBJECT (row), REFUSED_KEY, g_strdup (message), g_free);
              if (first == NULL)
                first = row;
            }
        }
      update_create_button (self);
      /* Said beside the rows: the toast says what to do, not the server's "Some fields
       * are not valid", and short enough for the dialog's width. */
      if (first != NULL)
        {
          gtk_widget_grab_focus (first);
          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (
            _("Not created: correct the fields in red")));
          return;
        }
    }
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (error != NULL ? error->message
                                                            : _("The customer was not created.")));
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL || *value == '\0')
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* @field's text when the dialog offers it, if any (a field it does not offer is not sent). */
static void
add_row_text (CrmCustomerDialog *self,
              JsonBuilder       *builder,
              const char        *field,
              AdwEntryRow       *row)
{
  g_autofree char *text = NULL;

  if (!gtk_widget_get_visible (GTK_WIDGET (row)))
    return;
  text = stripped (row);
  add_string (builder, field, text);
}

static void
create_button_clicked_cb (CrmCustomerDialog *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *name = stripped (self->name_row);
  guint kind = adw_combo_row_get_selected (self->kind_row);

  if (*name == '\0' || !gtk_widget_get_sensitive (GTK_WIDGET (self->create_button)))
    return;
  clear_field_errors (self);
  json_builder_begin_object (builder);
  add_string (builder, "name", name);
  if (kind < crm_choices_count (crm_customer_kinds)
      && gtk_widget_get_visible (GTK_WIDGET (self->kind_row)))
    add_string (builder, "kind", crm_customer_kinds[kind].value);
  add_row_text (self, builder, "registration_no", self->registration_row);
  add_row_text (self, builder, "mobile", self->mobile_row);
  add_row_text (self, builder, "phone", self->phone_row);
  add_row_text (self, builder, "email", self->email_row);
  if (self->custom_fields->len > 0)
    {
      json_builder_set_member_name (builder, "custom");
      json_builder_begin_object (builder);
      for (guint i = 0; i < self->custom_fields->len; i++)
        {
          GtkWidget *row = g_ptr_array_index (self->custom_fields, i);
          JsonNode *value = crm_custom_field_row_dup_value (row);

          if (JSON_NODE_HOLDS_NULL (value))
            {
              json_node_unref (value);
              continue;   /* the server says it is required */
            }
          json_builder_set_member_name (builder, crm_custom_field_row_get_key (row));
          json_builder_add_value (builder, value);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  self->create_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
  crm_api_client_call_async (self->api_client, SOUP_METHOD_POST, CRM_API_BASE "/customers", NULL,
                             body, 0, self->create_cancellable, created_cb, g_object_ref (self));
}

static void
crm_customer_dialog_dispose (GObject *object)
{
  CrmCustomerDialog *self = CRM_CUSTOMER_DIALOG (object);

  g_clear_handle_id (&self->check_source, g_source_remove);
  for (guint i = 0; i < N_ROWS; i++)
    g_clear_pointer (&self->refused[i], g_free);
  g_cancellable_cancel (self->fields_cancellable);
  g_clear_object (&self->fields_cancellable);
  g_clear_pointer (&self->custom_fields, g_ptr_array_unref);
  g_clear_pointer (&self->account, crm_account_free);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_cancellable_cancel (self->create_cancellable);
  g_clear_object (&self->create_cancellable);
  g_clear_object (&self->api_client);
  adw_window_set_content (ADW_WINDOW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CUSTOMER_DIALOG);

  G_OBJECT_CLASS (crm_customer_dialog_parent_class)->dispose (object);
}

static void
duplicates_list_row_activated_cb (CrmCustomerDialog *self,
                                  GtkListBoxRow     *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "crm-id");

  if (id == NULL)
    return;
  g_signal_emit (self, signals[OPEN_CUSTOMER], 0, *id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
crm_customer_dialog_class_init (CrmCustomerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_customer_dialog_dispose;

  /**
   * CrmCustomerDialog::created:
   * @self: the dialog
   * @customer: the new customer, as the server stored it
   */
  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CRM_TYPE_CUSTOMER);

  /* The user chose to open a likely duplicate instead; the dialog closes. */
  signals[OPEN_CUSTOMER] =
    g_signal_new ("open-customer", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-customer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, page);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, registration_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, mobile_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, duplicates_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, duplicates_list);
  gtk_widget_class_bind_template_callback (widget_class, duplicates_list_row_activated_cb);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerDialog, hidden_label);
  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, kind_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_button_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
crm_customer_dialog_init (CrmCustomerDialog *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->custom_fields = g_ptr_array_new ();
  for (guint i = 0; crm_customer_kinds[i].value != NULL; i++)
    gtk_string_list_append (kinds, _(crm_customer_kinds[i].label));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->registration_row),
                                 crm_customer_field_label ("registration_no"));
  gtk_widget_set_name (GTK_WIDGET (self->registration_row), "registration_no");
  self->rows[ROW_NAME] = self->name_row;
  self->rows[ROW_REGISTRATION] = self->registration_row;
  self->rows[ROW_MOBILE] = self->mobile_row;
  self->rows[ROW_PHONE] = self->phone_row;
  self->rows[ROW_EMAIL] = self->email_row;
  for (guint i = 0; i < N_ROWS; i++)
    self->messages[i] = add_message_label (GTK_WIDGET (self->rows[i]));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
}

/**
 * crm_customer_dialog_new:
 * @parent: the window the dialog belongs to
 * @api_client: the client to create the customer through
 * @account: (nullable): who is signed in: the dialog offers only the fields they may
 *   write; %NULL offers every field
 *
 * Returns: (transfer none): a new dialog, not shown yet
 */
CrmCustomerDialog *
crm_customer_dialog_new (GtkWindow        *parent,
                         CrmApiClient     *api_client,
                         const CrmAccount *account)
{
  CrmCustomerDialog *self;

  g_return_val_if_fail (CRM_IS_API_CLIENT (api_client), NULL);

  self = g_object_new (CRM_TYPE_CUSTOMER_DIALOG, "transient-for", parent, NULL);
  self->api_client = g_object_ref (api_client);
  self->account = account != NULL ? crm_account_copy (account) : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->kind_row), may_write (self, "kind"));
  gtk_widget_set_visible (GTK_WIDGET (self->mobile_row), may_write (self, "mobile"));
  gtk_widget_set_visible (GTK_WIDGET (self->phone_row), may_write (self, "phone"));
  gtk_widget_set_visible (GTK_WIDGET (self->email_row), may_write (self, "email"));
  show_registration_row (self);
  /* Typing starts with the name, not on the Cancel button. */
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  self->fields_cancellable = g_cancellable_new ();
  crm_api_client_call_async (api_client, SOUP_METHOD_GET, CRM_API_BASE "/fields",
                             "object=customers&limit=500", NULL, 0, self->fields_cancellable,
                             fields_cb, g_object_ref (self));
  return self;
}

/* For tests: whether the custom fields are in, and the row of the required one @key. */
gboolean
_crm_customer_dialog_has_fields (CrmCustomerDialog *self)
{
  return self->fields_cancellable == NULL;
}

GtkWidget *
_crm_customer_dialog_get_custom_row (CrmCustomerDialog *self,
                                     const char        *key)
{
  for (guint i = 0; i < self->custom_fields->len; i++)
    if (g_str_equal (crm_custom_field_row_get_key (g_ptr_array_index (self->custom_fields, i)),
                     key))
      return g_ptr_array_index (self->custom_fields, i);
  return NULL;
}

AdwEntryRow *
_crm_customer_dialog_get_row (CrmCustomerDialog *self,
                              const char        *field)
{
  if (g_str_equal (field, "name"))
    return self->name_row;
  if (g_str_equal (field, "mobile"))
    return self->mobile_row;
  if (g_str_equal (field, "phone"))
    return self->phone_row;
  if (g_str_equal (field, "email"))
    return self->email_row;
  if (g_str_equal (field, "registration_no"))
    return self->registration_row;
  g_return_val_if_reached (NULL);
}

/* For tests: the message beside the row of @field (as _crm_customer_dialog_get_row (), or
 * "custom.KEY" for a required custom field), NULL when none shows. */
const char *
_crm_customer_dialog_get_message (CrmCustomerDialog *self,
                                  const char        *field)
{
  for (guint i = 0; i < self->custom_fields->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->custom_fields, i);
      GtkLabel *label = g_object_get_data (G_OBJECT (row), MESSAGE_KEY);

      if (g_str_equal (gtk_widget_get_name (row), field))
        return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
    }
  for (guint i = 0; i < N_ROWS; i++)
    if (g_str_equal (row_fields[i], field))
      return gtk_widget_get_visible (GTK_WIDGET (self->messages[i]))
             ? gtk_label_get_text (self->messages[i]) : NULL;
  g_return_val_if_reached (NULL);
}

const char *
_crm_customer_dialog_get_registration_message (CrmCustomerDialog *self)
{
  return _crm_customer_dialog_get_message (self, "registration_no");
}

guint
_crm_customer_dialog_get_n_duplicates (CrmCustomerDialog *self)
{
  return self->n_duplicates;
}

const char *
_crm_customer_dialog_get_hidden_text (CrmCustomerDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->hidden_label))
         ? gtk_label_get_text (self->hidden_label) : NULL;
}

gboolean
_crm_customer_dialog_is_checking (CrmCustomerDialog *self)
{
  return self->check_source != 0 || self->check_cancellable != NULL;
}

void
_crm_customer_dialog_create (CrmCustomerDialog *self)
{
  create_button_clicked_cb (self);
}

/* For tests: as a click on the @index-th likely duplicate. */
void
_crm_customer_dialog_activate_duplicate (CrmCustomerDialog *self,
                                         guint              index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->duplicates_list, (int) index);

  g_return_if_fail (row != NULL);
  duplicates_list_row_activated_cb (self, row);
}
