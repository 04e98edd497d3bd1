/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-records"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-admin-records.h"
#include "crm-api-paths.h"
#include "crm-color-palette.h"
#include "crm-customer-fields.h"
#include "crm-options-editor.h"

/**
 * CrmAdminRecords:
 *
 * Teams, tags, level rules or custom fields: a list with New, Edit and Delete.
 * One table per kind says the path, the columns and the dialog's rows, so the
 * four lists share one implementation.
 */

typedef enum
{
  KIND_TEXT,
  KIND_INTEGER,
  KIND_MONEY,      /* minor units, edited in major units */
  KIND_BOOLEAN,
  KIND_CHOICE,
  KIND_OPTIONS,    /* a text array, one entry per item (crm_options_editor_new ()) */
  KIND_COLOR,      /* "#rrggbb", chosen in a palette (crm_color_palette_new ()) */
} FieldKind;

enum
{
  FIELD_CREATE_ONLY = 1 << 0,
  FIELD_COLUMN = 1 << 1,
  FIELD_EXPAND = 1 << 2,
  FIELD_NULLABLE = 1 << 3,    /* empty text is sent as null */
};

typedef struct
{
  const char         *member;
  const char         *title;
  FieldKind           kind;
  guint               flags;
  const CrmChoice    *choices;   /* API values and their labels, KIND_CHOICE */
  const char         *initial;   /* on create */
} Field;

typedef struct
{
  const char  *path;
  const char  *query;
  const char  *what;          /* "Loading teams" */
  const char  *new_label;
  const char  *new_heading;
  const char  *edit_heading;
  const char  *delete_heading;
  const char  *delete_body;
  const char  *name_member;   /* what a record is called in headings */
  const Field *fields;
  guint        n_fields;
} Kind;

static const CrmChoice objects[] = {
  { "customers", N_("Customers") },
  { "contacts", N_("Contacts") },
  { "leads", N_("Leads") },
  { "opportunities", N_("Opportunities") },
  { "orders", N_("Orders") },
  { "tickets", N_("Tickets") },
  { NULL, NULL },
};

static const Field team_fields[] = {
  { "name", N_("Name"), KIND_TEXT, FIELD_COLUMN | FIELD_EXPAND, NULL, NULL },
  { "description", N_("Description"), KIND_TEXT, FIELD_COLUMN | FIELD_EXPAND, NULL, NULL },
};

static const Field tag_fields[] = {
  { "name", N_("Name"), KIND_TEXT, FIELD_COLUMN | FIELD_EXPAND, NULL, NULL },
  { "color", N_("Colour"), KIND_COLOR, FIELD_COLUMN, NULL, "#3584e4" },
};

static const Field level_rule_fields[] = {
  { "level", N_("Level"), KIND_TEXT, FIELD_COLUMN | FIELD_EXPAND, NULL, NULL },
  { "min_amount", N_("Orders of at least"), KIND_MONEY, FIELD_COLUMN | FIELD_EXPAND, NULL, NULL },
  { "currency", N_("Currency"), KIND_TEXT, FIELD_COLUMN, NULL, "CNY" },
  { "months", N_("Within months"), KIND_INTEGER, FIELD_COLUMN, NULL, "12" },
  { "position", N_("Position"), KIND_INTEGER, 0, NULL, "0" },
};

static const Field custom_field_fields[] = {
  { "object", N_("Record"), KIND_CHOICE, FIELD_COLUMN | FIELD_CREATE_ONLY, objects,
    NULL },
  { "label", N_("Label"), KIND_TEXT, FIELD_COLUMN | FIELD_EXPAND, NULL, NULL },
  { "key", N_("Field key"), KIND_TEXT, FIELD_COLUMN | FIELD_CREATE_ONLY, NULL, NULL },
  { "type", N_("Type"), KIND_CHOICE, FIELD_COLUMN | FIELD_CREATE_ONLY, crm_custom_field_types,
    NULL },
  { "choices", N_("Choices"), KIND_OPTIONS, 0, NULL, NULL },
  { "required", N_("Required"), KIND_BOOLEAN, FIELD_COLUMN, NULL, NULL },
  { "sensitive", N_("Sensitive (encrypted)"), KIND_BOOLEAN, FIELD_COLUMN, NULL, NULL },
  { "position", N_("Position"), KIND_INTEGER, 0, NULL, "0" },
};

static const Kind kinds[] = {
  [CRM_ADMIN_RECORDS_TEAMS] = {
    CRM_API_BASE "/teams", "limit=500", N_("Loading teams"), N_("_New Team…"), N_("New Team"),
    N_("Edit Team"), N_("Delete the team “%s”?"),
    N_("Its members stay, without a team."), "name",
    team_fields, G_N_ELEMENTS (team_fields) },
  [CRM_ADMIN_RECORDS_TAGS] = {
    CRM_API_BASE "/tags", "limit=500", N_("Loading tags"), N_("_New Tag…"), N_("New Tag"),
    N_("Edit Tag"), N_("Delete the tag “%s”?"),
    N_("It is taken off every customer that has it."), "name",
    tag_fields, G_N_ELEMENTS (tag_fields) },
  [CRM_ADMIN_RECORDS_LEVEL_RULES] = {
    CRM_API_BASE "/level-rules", "limit=500", N_("Loading level rules"), N_("_New Rule…"),
    N_("New Level Rule"), N_("Edit Level Rule"), N_("Delete the rule for “%s”?"),
    N_("Customers’ levels are computed again without it."), "level",
    level_rule_fields, G_N_ELEMENTS (level_rule_fields) },
  [CRM_ADMIN_RECORDS_CUSTOM_FIELDS] = {
    CRM_API_BASE "/fields", "limit=500", N_("Loading custom fields"), N_("_New Field…"),
    N_("New Custom Field"), N_("Edit Custom Field"), N_("Delete the field “%s”?"),
    N_("Its values are deleted from every record."), "label",
    custom_field_fields, G_N_ELEMENTS (custom_field_fields) },
};

struct _CrmAdminRecords
{
  CrmAdminView         parent_instance;

  CrmAdminRecordsKind  kind;
  GtkColumnView       *column_view;
  GtkSingleSelection  *selection;
  GListStore          *records;
  GtkStack            *stack;        /* "list" or "empty" */
  AdwStatusPage       *empty_page;
  GtkWidget           *rows[8];      /* of the open dialog, by field */
  gint64               dialog_id;    /* the record of the open dialog; 0 for a new one */
  gboolean             dialog_open;
  JsonObject          *sent;         /* the dialog's values in flight, to show again */
  gint64               sent_id;      /* their record; 0 for a new one */
};

G_DEFINE_FINAL_TYPE (CrmAdminRecords, crm_admin_records, CRM_TYPE_ADMIN_VIEW)

static const Kind *
get_kind (CrmAdminRecords *self)
{
  return &kinds[self->kind];
}

static CrmCustomer *
selected_record (CrmAdminRecords *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_actions (CrmAdminRecords *self)
{
  gboolean any = selected_record (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "records.edit", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "records.delete", any);
}

/* The currency of a record's money (level rules carry one); NULL means CNY. */
static const char *
record_currency (JsonObject *record)
{
  return record != NULL ? json_object_get_string_member_with_default (record, "currency", NULL)
                        : NULL;
}

static const Field *
find_field (const Kind *kind,
            const char *member)
{
  for (guint i = 0; i < kind->n_fields; i++)
    if (g_str_equal (kind->fields[i].member, member))
      return &kind->fields[i];
  return NULL;
}

static char *
cell_text (CrmAdminView *view,
           JsonObject   *record,
           const char   *member)
{
  const Field *field = find_field (get_kind (CRM_ADMIN_RECORDS (view)), member);
  JsonNode *node = json_object_get_member (record, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  switch (field->kind)
    {
    case KIND_MONEY:
      return crm_format_money (json_node_get_int (node), record_currency (record), NULL);
    case KIND_CHOICE:
      return g_strdup (crm_choices_get_label (field->choices, json_node_get_string (node)));
    case KIND_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? _("Yes") : "");
    case KIND_INTEGER:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case KIND_OPTIONS:
      return crm_custom_value_to_text (node, NULL);
    case KIND_COLOR:
    case KIND_TEXT:
    default:
      return JSON_NODE_HOLDS_VALUE (node) ? g_strdup (json_node_get_string (node)) : g_strdup ("");
    }
}

static void
records_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmAdminRecords) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _(get_kind (self)->what), error);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack,
                                    crm_admin_records_replace (self->records, reply) > 0
                                    ? "list" : "empty");
  update_actions (self);
}

static void
crm_admin_records_reload (CrmAdminView *view)
{
  CrmAdminRecords *self = CRM_ADMIN_RECORDS (view);

  crm_admin_view_call (view, SOUP_METHOD_GET, get_kind (self)->path, get_kind (self)->query,
                       NULL, 0, records_cb);
}

/* --- changes ---------------------------------------------------------------- */

static void show_dialog (CrmAdminRecords *self,
                         CrmCustomer     *record,
                         JsonObject      *values,
                         JsonObject      *messages);

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmAdminRecords) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sent = g_steal_pointer (&self->sent);
  JsonObject *fields;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (error == NULL)
    crm_admin_view_toast (CRM_ADMIN_VIEW (self), _("Saved"));
  else if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_CONFLICT)
           && crm_api_reply_error_get_current (error) != NULL)
    crm_admin_view_toast (CRM_ADMIN_VIEW (self),
                          _("Someone else changed this meanwhile. The list shows their "
                            "version: make your change again."));
  else if ((fields = crm_api_reply_error_get_fields (error)) != NULL
           && json_object_get_size (fields) > 0)
    {
      g_autoptr(GList) members = json_object_get_members (fields);
      const Field *field = find_field (get_kind (self), members->data);
      /* Translators: a field's name, then what is wrong with its value */
      g_autofree char *text = g_strdup_printf (_("%s: %s"),
                                               field != NULL ? _(field->title)
                                               : (const char *) members->data,
                                               json_object_get_string_member (fields,
                                                                              members->data));

      crm_admin_view_toast (CRM_ADMIN_VIEW (self), text);
      /* The dialog again, as it was sent, each message beside its row: nothing typed
       * (a field's options) is lost. */
      if (sent != NULL)
        show_dialog (self, self->sent_id != 0 ? crm_admin_find_record (
                             G_LIST_MODEL (self->records), self->sent_id) : NULL,
                     sent, fields);
    }
  else
    crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Saving"), error);
  crm_admin_records_reload (CRM_ADMIN_VIEW (self));
}

static char *
record_path (CrmAdminRecords *self,
             gint64           id)
{
  return g_strdup_printf ("%s/%" G_GINT64_FORMAT, get_kind (self)->path, id);
}

/* The text of the dialog's row for @member; NULL when it has none. */
static const char *
dialog_text (CrmAdminRecords *self,
             const char      *member)
{
  const Kind *kind = get_kind (self);

  for (guint i = 0; i < kind->n_fields; i++)
    if (g_str_equal (kind->fields[i].member, member) && GTK_IS_EDITABLE (self->rows[i]))
      return gtk_editable_get_text (GTK_EDITABLE (self->rows[i]));
  return NULL;
}

/* The dialog's rows as a request body; NULL (and a toast) when one is not valid. */
static JsonNode *
dialog_body (CrmAdminRecords *self,
             gboolean         creating)
{
  const Kind *kind = get_kind (self);
  g_autoptr(JsonObject) body = json_object_new ();
  JsonNode *node;

  for (guint i = 0; i < kind->n_fields; i++)
    {
      const Field *field = &kind->fields[i];
      GtkWidget *row = self->rows[i];
      const char *text = GTK_IS_EDITABLE (row) ? gtk_editable_get_text (GTK_EDITABLE (row)) : NULL;

      if (!creating && (field->flags & FIELD_CREATE_ONLY))
        continue;
      switch (field->kind)
        {
        case KIND_TEXT:
          if (*text == '\0' && (field->flags & FIELD_NULLABLE))
            json_object_set_null_member (body, field->member);
          else
            json_object_set_string_member (body, field->member, text);
          break;
        case KIND_INTEGER:
        case KIND_MONEY:
          {
            gint64 value = 0;
            char *end = NULL;
            gboolean valid;

            if (field->kind == KIND_MONEY)
              valid = crm_parse_money (text, dialog_text (self, "currency"), NULL, &value);
            else
              {
                value = g_ascii_strtoll (text, &end, 10);
                valid = *text != '\0' && *end == '\0';
              }
            if (!valid)
              {
                /* Translators: %s is a field's name */
                g_autofree char *message = g_strdup_printf (_("%s: enter a number"),
                                                            _(field->title));

                crm_admin_view_toast (CRM_ADMIN_VIEW (self), message);
                return NULL;
              }
            json_object_set_int_member (body, field->member, value);
          }
          break;
        case KIND_BOOLEAN:
          json_object_set_boolean_member (
            body, field->member,
            gtk_switch_get_active (GTK_SWITCH (adw_action_row_get_activatable_widget (
              ADW_ACTION_ROW (row)))));
          break;
        case KIND_CHOICE:
          {
            guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

            if (selected != GTK_INVALID_LIST_POSITION)
              json_object_set_string_member (body, field->member,
                                             field->choices[selected].value);
          }
          break;
        case KIND_OPTIONS:
          json_object_set_array_member (body, field->member,
                                        crm_options_editor_dup_options (row));
          break;
        case KIND_COLOR:
          {
            g_autofree char *color = crm_color_palette_dup_color (row);

            json_object_set_string_member (body, field->member, color);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body);
  return node;
}

static void
dialog_response_cb (CrmAdminRecords  *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  g_autoptr(JsonNode) body = NULL;
  CrmCustomer *record;

  if (!self->dialog_open)
    return;
  self->dialog_open = FALSE;
  if (g_strcmp0 (response, "save") != 0)
    return;
  record = self->dialog_id != 0 ? crm_admin_find_record (G_LIST_MODEL (self->records),
                                                         self->dialog_id) : NULL;
  body = dialog_body (self, record == NULL);
  if (body == NULL)
    return;
  g_clear_pointer (&self->sent, json_object_unref);
  self->sent = json_object_ref (json_node_get_object (body));
  self->sent_id = record != NULL ? crm_customer_get_id (record) : 0;
  if (record == NULL)
    crm_admin_view_call (CRM_ADMIN_VIEW (self), SOUP_METHOD_POST, get_kind (self)->path, NULL,
                         body, 0, changed_cb);
  else
    {
      g_autofree char *path = record_path (self, crm_customer_get_id (record));

      crm_admin_view_call (CRM_ADMIN_VIEW (self), "PATCH", path, NULL, body,
                           crm_customer_get_version (record), changed_cb);
    }
}

/* A row for @field showing its value in @record (NULL: a new record's initial value);
 * create-only fields can be changed only while @creating. */
static GtkWidget *
new_row (const Field *field,
         JsonObject  *record,
         gboolean     creating)
{
  JsonNode *node = record != NULL ? json_object_get_member (record, field->member) : NULL;
  gboolean has_value = node != NULL && !JSON_NODE_HOLDS_NULL (node);
  g_autofree char *text = NULL;
  GtkWidget *row;

  switch (field->kind)
    {
    case KIND_BOOLEAN:
      {
        GtkWidget *toggle = gtk_switch_new ();

        row = adw_action_row_new ();
        gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
        gtk_switch_set_active (GTK_SWITCH (toggle), has_value && json_node_get_boolean (node));
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
        gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _(field->title), -1);
      }
      break;
    case KIND_CHOICE:
      {
        g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

        row = adw_combo_row_new ();
        for (guint i = 0; field->choices[i].value != NULL; i++)
          gtk_string_list_append (labels, _(field->choices[i].label));
        adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
        if (has_value)
          adw_combo_row_set_selected (ADW_COMBO_ROW (row),
                                      MAX (crm_choices_find (field->choices,
                                                             json_node_get_string (node)), 0));
        gtk_widget_set_sensitive (row, creating || !(field->flags & FIELD_CREATE_ONLY));
      }
      break;
    case KIND_MONEY:
      row = adw_entry_row_new ();
      text = has_value ? crm_format_money (json_node_get_int (node), record_currency (record),
                                           NULL) : NULL;
      break;
    case KIND_INTEGER:
      row = adw_entry_row_new ();
      text = has_value ? g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node))
                       : g_strdup (field->initial);
      break;
    case KIND_OPTIONS:
      row = crm_options_editor_new (_(field->title));
      crm_options_editor_set_options (row, has_value && JSON_NODE_HOLDS_ARRAY (node)
                                           ? json_node_get_array (node) : NULL);
      break;
    case KIND_COLOR:
      row = crm_color_palette_new (_(field->title));
      crm_color_palette_set_color (row, has_value && JSON_NODE_HOLDS_VALUE (node)
                                        ? json_node_get_string (node) : field->initial);
      break;
    case KIND_TEXT:
    default:
      row = adw_entry_row_new ();
      text = g_strdup (has_value ? json_node_get_string (node) : record == NULL ? field->initial
                       : NULL);
      gtk_widget_set_sensitive (row, creating || !(field->flags & FIELD_CREATE_ONLY));
      break;
    }
  if (GTK_IS_EDITABLE (row))
    gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  gtk_widget_set_name (row, field->member);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->title));
  return row;
}

/* The server's @message about the value of @row, beside it. */
static void
show_row_message (GtkWidget  *row,
                  const char *message)
{
  GtkWidget *label = gtk_label_new (message);

  gtk_widget_set_name (label, "message");
  gtk_widget_add_css_class (label, "error");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_widget_set_tooltip_text (label, message);
  if (ADW_IS_ENTRY_ROW (row))
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), label);
  else if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), label);
  else if (ADW_IS_ACTION_ROW (row))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_widget_add_css_class (row, "error");
}

/* A custom field's options only for the types that have them, open to type into. */
static void
type_selected_cb (AdwComboRow *type_row,
                  GParamSpec  *pspec,
                  GtkWidget   *options_row)
{
  guint selected = adw_combo_row_get_selected (type_row);
  const char *type = selected < crm_choices_count (crm_custom_field_types)
                     ? crm_custom_field_types[selected].value : NULL;
  gboolean has_options = g_strcmp0 (type, "choice") == 0
                         || g_strcmp0 (type, "multi_choice") == 0;

  gtk_widget_set_visible (options_row, has_options);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (options_row), has_options);
}

/*
 * The dialog of @record (NULL: a new one), showing @values where given (what the user
 * sent, over the record's), and the server's @messages beside their rows.
 */
static void
show_dialog (CrmAdminRecords *self,
             CrmCustomer     *record,
             JsonObject      *values,
             JsonObject      *messages)
{
  const Kind *kind = get_kind (self);
  GtkWidget *list = crm_admin_view_new_boxed_list ();
  g_autoptr(JsonObject) shown = json_object_new ();
  AdwMessageDialog *dialog;
  GList *members;

  for (guint i = 0; i < 2; i++)
    {
      JsonObject *from = i == 0 ? (record != NULL ? crm_customer_get_object (record) : NULL)
                                : values;

      members = from != NULL ? json_object_get_members (from) : NULL;
      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (shown, l->data,
                                json_node_copy (json_object_get_member (from, l->data)));
      g_list_free (members);
    }

  dialog = crm_admin_view_new_dialog (CRM_ADMIN_VIEW (self),
                                      _(record != NULL ? kind->edit_heading : kind->new_heading),
                                      NULL, "save", record != NULL ? _("_Save") : _("C_reate"),
                                      ADW_RESPONSE_SUGGESTED);
  gtk_widget_set_size_request (list, 340, -1);
  for (guint i = 0; i < kind->n_fields; i++)
    {
      const char *message = messages != NULL
                            ? json_object_get_string_member_with_default (
                                messages, kind->fields[i].member, NULL) : NULL;

      self->rows[i] = new_row (&kind->fields[i],
                               record != NULL || values != NULL ? shown : NULL, record == NULL);
      if (message != NULL)
        show_row_message (self->rows[i], message);
      gtk_list_box_append (GTK_LIST_BOX (list), self->rows[i]);
    }
  for (guint i = 0; i < kind->n_fields; i++)
    if (kind->fields[i].kind == KIND_OPTIONS)
      for (guint j = 0; j < kind->n_fields; j++)
        if (kind->fields[j].choices == crm_custom_field_types)
          {
            g_signal_connect_object (self->rows[j], "notify::selected",
                                     G_CALLBACK (type_selected_cb), self->rows[i], 0);
            type_selected_cb (ADW_COMBO_ROW (self->rows[j]), NULL, self->rows[i]);
          }
  self->dialog_id = record != NULL ? crm_customer_get_id (record) : 0;
  self->dialog_open = TRUE;
  crm_admin_view_present_dialog (CRM_ADMIN_VIEW (self), dialog, list,
                                 G_CALLBACK (dialog_response_cb));
}

static void
new_cb (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  show_dialog (CRM_ADMIN_RECORDS (widget), NULL, NULL, NULL);
}

static void
edit_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  CrmAdminRecords *self = CRM_ADMIN_RECORDS (widget);

  if (selected_record (self) != NULL)
    show_dialog (self, selected_record (self), NULL, NULL);
}

static void
delete_response_cb (CrmAdminRecords  *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  CrmCustomer *record = crm_admin_find_record (G_LIST_MODEL (self->records), self->dialog_id);

  if (g_strcmp0 (response, "delete") == 0 && record != NULL)
    {
      g_autofree char *path = record_path (self, crm_customer_get_id (record));

      g_clear_pointer (&self->sent, json_object_unref);
      crm_admin_view_call (CRM_ADMIN_VIEW (self), SOUP_METHOD_DELETE, path, NULL, NULL, 0,
                           changed_cb);
    }
  self->dialog_id = 0;
}

static void
delete_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  CrmAdminRecords *self = CRM_ADMIN_RECORDS (widget);
  CrmCustomer *record = selected_record (self);
  const Kind *kind = get_kind (self);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  if (record == NULL)
    return;
  heading = g_strdup_printf (_(kind->delete_heading),
                             crm_customer_get_string (record, kind->name_member));
  dialog = crm_admin_view_new_dialog (CRM_ADMIN_VIEW (self), heading, _(kind->delete_body),
                                      "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
  self->dialog_open = FALSE;
  self->dialog_id = crm_customer_get_id (record);
  crm_admin_view_present_dialog (CRM_ADMIN_VIEW (self), dialog, NULL,
                                 G_CALLBACK (delete_response_cb));
}

static void
column_view_activate_cb (CrmAdminRecords *self,
                         guint            position)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "records.edit", NULL);
}

/* --- the widget -------------------------------------------------------------- */

static void
crm_admin_records_dispose (GObject *object)
{
  CrmAdminRecords *self = CRM_ADMIN_RECORDS (object);

  G_OBJECT_CLASS (crm_admin_records_parent_class)->dispose (object);
  g_clear_object (&self->selection);
  g_clear_object (&self->records);
  g_clear_pointer (&self->sent, json_object_unref);
}

static void
crm_admin_records_class_init (CrmAdminRecordsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_records_dispose;
  CRM_ADMIN_VIEW_CLASS (klass)->reload = crm_admin_records_reload;

  gtk_widget_class_install_action (widget_class, "records.new", NULL, new_cb);
  gtk_widget_class_install_action (widget_class, "records.edit", NULL, edit_cb);
  gtk_widget_class_install_action (widget_class, "records.delete", NULL, delete_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "records.delete", NULL);
}

static void
crm_admin_records_init (CrmAdminRecords *self)
{
  self->records = g_list_store_new (CRM_TYPE_CUSTOMER);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->records)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);
}

/**
 * crm_admin_records_new:
 * @kind: which records
 *
 * Returns: (transfer floating): the view
 */
GtkWidget *
crm_admin_records_new (CrmAdminRecordsKind kind)
{
  CrmAdminRecords *self = g_object_new (CRM_TYPE_ADMIN_RECORDS, NULL);
  const Kind *table = &kinds[kind];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  g_return_val_if_fail (kind <= CRM_ADMIN_RECORDS_CUSTOM_FIELDS, NULL);
  g_assert (table->n_fields <= G_N_ELEMENTS (self->rows));

  self->kind = kind;
  gtk_box_append (GTK_BOX (box), crm_admin_view_new_toolbar (
    crm_admin_view_new_button (_(table->new_label), "records.new", TRUE),
    crm_admin_view_new_button (_("_Edit…"), "records.edit", FALSE),
    crm_admin_view_new_button (_("_Delete…"), "records.delete", FALSE),
    NULL));
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (
    GTK_SELECTION_MODEL (g_object_ref (self->selection))));
  gtk_column_view_set_show_row_separators (self->column_view, TRUE);
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (column_view_activate_cb),
                           self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < table->n_fields; i++)
    if (table->fields[i].flags & FIELD_COLUMN)
      crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view,
                                 _(table->fields[i].title), table->fields[i].member,
                                 (table->fields[i].flags & FIELD_EXPAND) != 0, cell_text);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "view-list-symbolic");
  adw_status_page_set_title (self->empty_page, _("Nothing Here Yet"));
  adw_status_page_set_description (self->empty_page, _("Add the first one with the button "
                                                       "above."));
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_bin_set_child (ADW_BIN (self), box);
  update_actions (self);
  return GTK_WIDGET (self);
}

GListModel *
_crm_admin_records_get_records (CrmAdminRecords *self)
{
  return G_LIST_MODEL (self->records);
}

void
_crm_admin_records_select (CrmAdminRecords *self,
                           guint            position)
{
  gtk_single_selection_set_selected (self->selection, position);
}
