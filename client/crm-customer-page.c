/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-page"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-audit-text.h"
#include "crm-columns.h"
#include "crm-custom-field-row.h"
#include "crm-json.h"
#include "crm-customer-fields.h"
#include "crm-format.h"
#include "crm-customer-page.h"
#include "crm-event-stream.h"
#include "crm-form-dialog.h"
#include "crm-owners.h"
#include "crm-tag-chip.h"
#include "crm-validate.h"
#include "crm-wrap-box.h"

/**
 * CrmCustomerPage:
 *
 * One customer: its standard fields in #AdwEntryRow / #AdwComboRow rows, its
 * custom fields (`GET /fields?object=customers`) by type, tags, contacts and
 * timeline. "Save" sends what changed (`PATCH` with `If-Match`); a 422 shows
 * each field's message beside its row, a 409 asks whether to keep the other
 * user's version or to overwrite it. Tags, contacts and follow-ups are saved
 * as soon as they change (actions `customer.*`), without touching unsaved
 * edits of the form; likely duplicates can be merged from the page, and the
 * customer deleted (into the recycle bin).
 *
 * Live: when someone else changes the customer or its contacts (#CrmEventStream),
 * the page reloads, unless it holds unsaved edits: then a bar offers to reload.
 */

/* How long a reload waits for more events of the same burst. */
#define LIVE_DELAY_MS 100

typedef enum
{
  EDITOR_TEXT,
  EDITOR_CHOICE,
  EDITOR_BOOLEAN,
  EDITOR_OWNER,
  EDITOR_MONEY,             /* an amount in minor units, typed as money in `currency` */
  EDITOR_CUSTOM,            /* a custom field's row (crm_custom_field_row_new ()) */
} EditorKind;

/* One editable field: a standard one ("city") or a custom one ("custom.budget"). */
typedef struct
{
  char       *name;
  char       *key;          /* for a custom field, its key */
  EditorKind  kind;
  GtkWidget  *row;
  GtkWidget  *control;      /* the switch of a boolean */
  GtkLabel   *message;      /* the field's error, beside the row */
  GStrv       values;       /* the API values of a choice, "" first for none */
  GArray     *ids;          /* the owner's: the user of each item (crm_owners_fill ()) */
  char       *currency;     /* money's, as last loaded; NULL: CNY */
} Field;

struct _CrmCustomerPage
{
  AdwBin               parent_instance;

  GtkButton           *back_button;
  GtkLabel            *title_label;
  GtkSpinner          *spinner;
  GtkButton           *save_button;
  GtkButton           *follow_up_button;
  GtkButton           *delete_button;
  GtkScrolledWindow   *scrolled_window;
  CrmColumns          *columns;         /* the details beside the other groups, when wide */
  AdwPreferencesGroup *details_group;
  AdwPreferencesGroup *registration_group;
  AdwPreferencesGroup *consent_group;
  GtkMenuButton       *add_tag_button;
  GtkListBox          *add_tag_list;
  GtkButton           *add_contact_button;
  AdwPreferencesGroup *duplicates_group;
  GtkListBox          *duplicates_list;
  AdwPreferencesGroup *custom_group;
  AdwPreferencesGroup *tags_group;
  CrmWrapBox          *tags_box;
  AdwPreferencesGroup *contacts_group;
  GtkListBox          *contacts_list;
  AdwPreferencesGroup *timeline_group;
  GtkListBox          *timeline_list;

  CrmApiClient        *api_client;
  GHashTable          *tags;            /* not owned: id → JsonObject */
  GHashTable          *users;           /* id → display name */
  GHashTable          *assignees;       /* id → display name: the owners to choose from */
  CrmAccount          *account;         /* who is signed in; NULL: all is allowed */
  gint64               user_id;         /* who is signed in, 0 if unknown */
  JsonArray           *contacts;        /* as last loaded */
  AdwMessageDialog    *dialog;          /* a contact, follow-up, merge or delete dialog */
  guint                n_pending;       /* tag, contact, follow-up, merge, delete calls */
  guint                n_duplicates;
  char                *timeline_next;   /* the cursor of older events, or NULL */
  GtkWidget           *older_row;       /* "Show Older Events", last in the timeline */
  GPtrArray           *fields;          /* of Field */
  GPtrArray           *custom_rows;     /* the rows of custom_group */
  GHashTable          *definitions;     /* "OBJECT.KEY" → JsonObject of /fields */
  JsonArray           *contact_fields;  /* the contacts' custom fields of /fields */
  char                *definitions_text; /* the /fields the rows were built from */
  CrmCustomer         *customer;        /* as last loaded or saved */
  gint64               id;
  gboolean             deleting;        /* this page's delete is in flight */
  GCancellable        *cancellable;     /* loading the customer, contacts, timeline */
  gboolean             loading;         /* the record itself is not in yet */
  GCancellable        *save_cancellable;
  gboolean             filling;
  guint                n_contacts;
  guint                n_events;
  AdwMessageDialog    *conflict_dialog;
  gboolean             back_after_save; /* "Save" asked for on the way back to the list */
  gint64               leave_to;        /* on the way to this customer instead (0: the list) */
  JsonNode            *theirs;          /* the current record of a 409 */
  JsonObject          *pending;         /* the changes a 409 turned down */
  GtkWidget           *changed_bar;     /* someone else changed it: reload? */
  guint                live_source;     /* a reload for a live event, soon */
  guint                contacts_source; /* the contacts again, for a live event */
  gint64               live_version;    /* the newest version it told of, 0: unknown */
  GtkWidget           *scroll_target;   /* a refused field's row to show whole */
  guint                scroll_tick;
  guint                scroll_frames;
};

G_DEFINE_FINAL_TYPE (CrmCustomerPage, crm_customer_page, ADW_TYPE_BIN)

enum {
  BACK,
  SAVED,
  TOAST,
  LIST_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The groups of the form's standard fields. */
typedef enum
{
  GROUP_DETAILS,
  GROUP_REGISTRATION,       /* a company's: hidden for an individual */
  GROUP_CONSENT,
} FieldGroup;

/* The standard fields of the form, labelled by crm_customer_field_label (). */
static const struct
{
  const char      *name;
  const CrmChoice *choices;
  FieldGroup       group;
  gboolean         boolean;
  gboolean         owner;     /* shown only to who may assign (crm_owners_can_assign ()) */
  gboolean         money;     /* minor units, in the currency of `<name>_currency` */
} standard_fields[] = {
  { "name", NULL, GROUP_DETAILS, FALSE },
  { "kind", crm_customer_kinds, GROUP_DETAILS, FALSE },
  { "registration_no", NULL, GROUP_REGISTRATION, FALSE },
  { "legal_representative", NULL, GROUP_REGISTRATION, FALSE },
  { "registered_capital", NULL, GROUP_REGISTRATION, FALSE, FALSE, TRUE },
  { "established_on", NULL, GROUP_REGISTRATION, FALSE },
  { "industry", NULL, FALSE, FALSE },
  { "size", crm_customer_sizes, FALSE, FALSE },
  { "potential", crm_customer_potentials, FALSE, FALSE },
  { "source", NULL, FALSE, FALSE },
  { "mobile", NULL, FALSE, FALSE },
  { "phone", NULL, FALSE, FALSE },
  { "email", NULL, FALSE, FALSE },
  { "website", NULL, FALSE, FALSE },
  { "province", NULL, FALSE, FALSE },
  { "city", NULL, FALSE, FALSE },
  { "district", NULL, FALSE, FALSE },
  { "address", NULL, FALSE, FALSE },
  { "notes", NULL, FALSE, FALSE },
  { "owner_id", NULL, GROUP_DETAILS, FALSE, TRUE },
  { "marketing_consent", NULL, GROUP_CONSENT, TRUE },
  { "consent_source", NULL, GROUP_CONSENT, FALSE },
};

static void
field_free (Field *field)
{
  g_free (field->name);
  g_free (field->key);
  g_free (field->currency);
  g_strfreev (field->values);
  g_clear_pointer (&field->ids, g_array_unref);
  g_free (field);
}

static void
emit_toast (CrmCustomerPage *self,
            const char      *text)
{
  g_signal_emit (self, signals[TOAST], 0, text);
}

static void
toast_failure (CrmCustomerPage *self,
               const char      *what,
               const GError    *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_NOT_FOUND)
      || g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_METHOD_NOT_ALLOWED))
    text = g_strdup_printf (_("%s: the server does not offer this yet."), what);
  else
    text = g_strdup_printf (_("%s: %s"), what, error != NULL ? error->message : "?");
  emit_toast (self, text);
}

/* @member of @object when it is an object (an array), else NULL. */
static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  return crm_json_get_type (object, member) == CRM_JSON_OBJECT
         ? json_object_get_object_member (object, member) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *member)
{
  return crm_json_get_type (object, member) == CRM_JSON_ARRAY
         ? json_object_get_array_member (object, member) : NULL;
}

/* Whether the signed-in user's role may @action @object at all (the server
 * still decides per record). */
static gboolean
can (CrmCustomerPage *self,
     CrmObject        object,
     CrmAction        action)
{
  return self->account == NULL || self->account->permissions == NULL
         || crm_permissions_can (self->account->permissions, object, action);
}

static Field *
find_field (CrmCustomerPage *self,
            const char      *name)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (field->name, name))
        return field;
    }
  return NULL;
}

static void
update_save_button (CrmCustomerPage *self);

static const char *user_name (CrmCustomerPage *self,
                              JsonNode        *id_node,
                              char           **fallback);

static void check_fields (CrmCustomerPage *self);
static void show_registration (CrmCustomerPage *self);

static void
field_changed_cb (CrmCustomerPage *self)
{
  /* Choosing "individual" hides the company's registration at once. */
  show_registration (self);
  if (self->filling)
    return;
  check_fields (self);
  update_save_button (self);
}

/* Adds the row of @field to @group, with the message label beside it; a custom field's
 * @row is made by crm_custom_field_row_new (), a standard field's here. */
static Field *
add_field (CrmCustomerPage     *self,
           AdwPreferencesGroup *group,
           const char          *name,
           const char          *title,
           EditorKind           kind,
           GStrv                values,
           GStrv                labels,
           GtkWidget           *row)
{
  Field *field = g_new0 (Field, 1);
  GtkWidget *message = gtk_label_new (NULL);

  field->name = g_strdup (name);
  field->kind = kind;
  field->row = row;
  gtk_widget_add_css_class (message, "error");
  gtk_widget_add_css_class (message, "field-message");
  /* Beside the value, whole, on as many lines as it takes: a message cut short does not
   * say what to do. */
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (message), 30);
  /* Not narrower: a wrapped label gets no more width than it takes to fit in three
   * lines, which broke a short message into pieces ("Enter a / numb- / er", 请输 / 入数 /
   * 字). */
  gtk_label_set_width_chars (GTK_LABEL (message), 14);
  gtk_label_set_xalign (GTK_LABEL (message), 1);
  gtk_widget_set_visible (message, FALSE);
  field->message = GTK_LABEL (message);

  switch (kind)
    {
    case EDITOR_CHOICE:
      {
        g_autoptr(GtkStringList) model = gtk_string_list_new ((const char * const *) labels);

        field->row = adw_combo_row_new ();
        field->values = g_strdupv (values);
        adw_combo_row_set_model (ADW_COMBO_ROW (field->row), G_LIST_MODEL (model));
        adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), message);
        g_signal_connect_swapped (field->row, "notify::selected", G_CALLBACK (field_changed_cb),
                                  self);
      }
      break;

    case EDITOR_BOOLEAN:
      field->row = adw_action_row_new ();
      field->control = gtk_switch_new ();
      gtk_widget_set_valign (field->control, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), message);
      adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), field->control);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (field->row), field->control);
      g_signal_connect_swapped (field->control, "notify::active", G_CALLBACK (field_changed_cb),
                                self);
      break;

    case EDITOR_OWNER:
      {
        g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

        /* Filled by fill_owner_row (). */
        field->row = adw_combo_row_new ();
        field->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
        adw_combo_row_set_model (ADW_COMBO_ROW (field->row), G_LIST_MODEL (model));
        adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), message);
        g_signal_connect_swapped (field->row, "notify::selected", G_CALLBACK (field_changed_cb),
                                  self);
      }
      break;

    case EDITOR_CUSTOM:
      /* Its title, name and signals are the custom field row's. */
      if (ADW_IS_ENTRY_ROW (field->row))
        adw_entry_row_add_suffix (ADW_ENTRY_ROW (field->row), message);
      else
        adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), message);
      break;

    case EDITOR_MONEY:
    case EDITOR_TEXT:
    default:
      field->row = adw_entry_row_new ();
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (field->row), message);
      g_signal_connect_swapped (field->row, "changed", G_CALLBACK (field_changed_cb), self);
      break;
    }
  if (kind != EDITOR_CUSTOM)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (field->row), FALSE);
      gtk_widget_set_name (field->row, name);
    }
  adw_preferences_group_add (group, field->row);
  g_ptr_array_add (self->fields, field);
  return field;
}

static void
build_standard_fields (CrmCustomerPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (standard_fields); i++)
    {
      const CrmChoice *choices = standard_fields[i].choices;
      AdwPreferencesGroup *groups[] = {
        [GROUP_DETAILS] = self->details_group,
        [GROUP_REGISTRATION] = self->registration_group,
        [GROUP_CONSENT] = self->consent_group,
      };
      AdwPreferencesGroup *group = groups[standard_fields[i].group];
      const char *title = crm_customer_field_label (standard_fields[i].name);

      if (choices != NULL)
        {
          g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
          g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
          g_auto(GStrv) value_array = NULL;
          g_auto(GStrv) label_array = NULL;

          g_strv_builder_add (values, "");
          g_strv_builder_add (labels, _("Not set"));
          for (guint j = 0; choices[j].value != NULL; j++)
            {
              g_strv_builder_add (values, choices[j].value);
              g_strv_builder_add (labels, _(choices[j].label));
            }
          value_array = g_strv_builder_end (values);
          label_array = g_strv_builder_end (labels);
          add_field (self, group, standard_fields[i].name, title, EDITOR_CHOICE, value_array,
                     label_array, NULL);
        }
      else if (standard_fields[i].owner)
        add_field (self, group, standard_fields[i].name, title, EDITOR_OWNER, NULL, NULL, NULL);
      else if (standard_fields[i].money)
        add_field (self, group, standard_fields[i].name, title, EDITOR_MONEY, NULL, NULL, NULL);
      else
        add_field (self, group, standard_fields[i].name, title,
                   standard_fields[i].boolean ? EDITOR_BOOLEAN : EDITOR_TEXT, NULL, NULL, NULL);
    }
}

/* Selects user @id in the owner's drop-down, adding them when the client has no name
 * for them (a user the role does not see); none for 0. */
static void
select_owner (CrmCustomerPage *self,
              Field           *field,
              gint64           id)
{
  guint position = crm_owners_find (field->ids, 0, id);

  if (position == GTK_INVALID_LIST_POSITION && id > 0)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
      g_autofree char *fallback = NULL;
      GListModel *names = adw_combo_row_get_model (ADW_COMBO_ROW (field->row));

      json_node_set_int (node, id);
      gtk_string_list_append (GTK_STRING_LIST (names), user_name (self, node, &fallback));
      g_array_append_val (field->ids, id);
      position = field->ids->len - 1;
    }
  adw_combo_row_set_selected (ADW_COMBO_ROW (field->row), position);
}

/* The owner's drop-down: "Me", then the users the user may give the customer to, by
 * name (crm_owners_fill ()), keeping the user chosen (the owner, who may be another). */
static void
fill_owner_row (CrmCustomerPage *self)
{
  Field *field = find_field (self, "owner_id");
  GListModel *names = adw_combo_row_get_model (ADW_COMBO_ROW (field->row));
  gint64 chosen = crm_owners_get_id (field->ids, 0,
                                     adw_combo_row_get_selected (ADW_COMBO_ROW (field->row)));
  g_autoptr(GHashTable) none = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean filling = self->filling;

  self->filling = TRUE;
  crm_owners_fill (GTK_STRING_LIST (names), 0, field->ids,
                   self->assignees != NULL ? self->assignees
                                           : self->users != NULL ? self->users : none,
                   self->user_id);
  select_owner (self, field, chosen);
  self->filling = filling;
}

/* Whether the user may give the customer to someone else; a page without permissions
 * offers everything. */
static gboolean
can_assign (CrmCustomerPage *self)
{
  return self->account == NULL || self->account->permissions == NULL
         || crm_owners_can_assign (self->account);
}

/* --- values ---------------------------------------------------------------- */

/* A JSON value of a standard field as the text its editor shows (a custom field's
 * values are its row's: crm_custom_field_row_set_value ()). */
static char *
node_to_text (JsonNode *node)
{
  char *text = crm_custom_value_to_text (node, NULL);

  return text != NULL ? text : g_strdup ("");
}

/* The currency of money @field in @record: its `<name>_currency`, CNY when none. */
static char *
money_currency (JsonObject *record,
                Field      *field)
{
  g_autofree char *member = g_strconcat (field->name, "_currency", NULL);
  const char *code = record != NULL ? crm_json_get_string (record, member) : NULL;

  return g_strdup (code != NULL && *code != '\0' ? code : "CNY");
}

/* An amount in minor units as money ("¥5,000,000.00"); "" for none; other text (typed,
 * not read) as it is. */
static char *
money_text (JsonNode   *value,
            const char *currency)
{
  if (value != NULL && JSON_NODE_HOLDS_VALUE (value)
      && json_node_get_value_type (value) == G_TYPE_INT64)
    return crm_format_money (json_node_get_int (value), currency, NULL);
  return node_to_text (value);
}

/* The member of @record that @field edits. */
static JsonNode *
record_member (JsonObject *record,
               Field      *field)
{
  if (field->key != NULL)
    {
      JsonNode *custom = json_object_get_member (record, "custom");

      if (custom == NULL || !JSON_NODE_HOLDS_OBJECT (custom))
        return NULL;
      return json_object_get_member (json_node_get_object (custom), field->key);
    }
  return json_object_get_member (record, field->name);
}

/* What the editor of a standard field holds, as text comparable with node_to_text (). */
static char *
editor_text (Field *field)
{
  g_assert (field->kind != EDITOR_CUSTOM);
  switch (field->kind)
    {
    case EDITOR_CHOICE:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (field->row));

        if (selected == GTK_INVALID_LIST_POSITION || selected >= g_strv_length (field->values))
          return g_strdup ("");
        return g_strdup (field->values[selected]);
      }
    case EDITOR_BOOLEAN:
      return g_strdup (gtk_switch_get_active (GTK_SWITCH (field->control)) ? "true" : "false");
    case EDITOR_OWNER:
      {
        gint64 id = crm_owners_get_id (field->ids, 0, adw_combo_row_get_selected (
                                                        ADW_COMBO_ROW (field->row)));

        return id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : g_strdup ("");
      }
    case EDITOR_TEXT:
    default:
      return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->row))));
    }
}

/* Whether @field holds a phone number, shown as crm_format_phone () groups it. */
static gboolean
is_phone (Field *field)
{
  return field->kind == EDITOR_TEXT
         && (g_str_equal (field->name, "mobile") || g_str_equal (field->name, "phone"));
}

/* Whether @edited is @stored as the server normalises it: a mobile shown as
 * "139 1000 0007" is no change of 13910000007. */
static gboolean
same_phone (Field      *field,
            const char *stored,
            const char *edited)
{
  g_autofree char *normalized = NULL;

  if (g_strcmp0 (stored, edited) == 0)
    return TRUE;
  return crm_validate_find_format (field->name) (edited, &normalized, NULL)
         && g_strcmp0 (normalized, stored) == 0;
}

/* Shows @value (as a record or dup_edit () holds it) in the editor of @field. */
static void
set_editor_value (CrmCustomerPage *self,
                  Field           *field,
                  JsonNode        *value)
{
  g_autofree char *text = NULL;

  if (field->kind == EDITOR_CUSTOM)
    {
      crm_custom_field_row_set_value (field->row, value);
      return;
    }
  if (field->kind == EDITOR_MONEY)
    {
      g_free (field->currency);
      field->currency = money_currency (self->customer != NULL
                                        ? crm_customer_get_object (self->customer) : NULL,
                                        field);
      text = money_text (value, field->currency);
      gtk_editable_set_text (GTK_EDITABLE (field->row), text);
      return;
    }
  text = node_to_text (value);
  switch (field->kind)
    {
    case EDITOR_CHOICE:
      {
        guint selected = 0;

        for (guint i = 0; field->values[i] != NULL; i++)
          if (g_str_equal (field->values[i], text))
            selected = i;
        adw_combo_row_set_selected (ADW_COMBO_ROW (field->row), selected);
      }
      break;
    case EDITOR_BOOLEAN:
      gtk_switch_set_active (GTK_SWITCH (field->control), g_str_equal (text, "true"));
      break;
    case EDITOR_OWNER:
      select_owner (self, field, g_ascii_strtoll (text, NULL, 10));
      break;
    case EDITOR_TEXT:
    default:
      if (is_phone (field))
        {
          /* In the groups people read a number in, as the list shows it. */
          g_autofree char *shown = crm_format_phone (text);

          gtk_editable_set_text (GTK_EDITABLE (field->row), shown);
        }
      else
        gtk_editable_set_text (GTK_EDITABLE (field->row), text);
      break;
    }
}

/* The editor's value as JSON, or NULL when it cannot be read (then the server
 * gets the text and answers 422). */
static JsonNode *
editor_value (Field *field)
{
  g_autofree char *text = NULL;

  if (field->kind == EDITOR_CUSTOM)
    return crm_custom_field_row_dup_value (field->row);
  text = editor_text (field);
  /* An empty text is a JSON null; a switch's text is never empty. */
  switch (field->kind)
    {
    case EDITOR_BOOLEAN:
      return crm_custom_value_from_text (CRM_FIELD_TYPE_BOOLEAN, text, NULL);
    case EDITOR_OWNER:   /* a user's id, a number */
      return crm_custom_value_from_text (CRM_FIELD_TYPE_NUMBER, text, NULL);
    case EDITOR_MONEY:   /* minor units; what cannot be read goes as typed, for a 422 */
      {
        JsonNode *node = json_node_new (JSON_NODE_VALUE);
        gint64 amount = 0;

        if (*text == '\0')
          json_node_init_null (node);
        else if (crm_parse_money (text, field->currency, NULL, &amount))
          json_node_set_int (node, amount);
        else
          json_node_set_string (node, text);
        return node;
      }
    case EDITOR_TEXT:
    case EDITOR_CHOICE:
    default:
      return crm_custom_value_from_text (CRM_FIELD_TYPE_TEXT, text, NULL);
    }
}

/* Whether two amounts (as editor_value () or the record holds them) are the same: both
 * none, or the same number of minor units. */
static gboolean
amounts_equal (JsonNode *a,
               JsonNode *b)
{
  gboolean a_none = a == NULL || JSON_NODE_HOLDS_NULL (a);
  gboolean b_none = b == NULL || JSON_NODE_HOLDS_NULL (b);

  if (a_none || b_none)
    return a_none == b_none;
  return JSON_NODE_HOLDS_VALUE (a) && JSON_NODE_HOLDS_VALUE (b)
         && json_node_get_value_type (a) == G_TYPE_INT64
         && json_node_get_value_type (b) == G_TYPE_INT64
         && json_node_get_int (a) == json_node_get_int (b);
}

static gboolean
field_is_changed (CrmCustomerPage *self,
                  Field           *field)
{
  g_autofree char *stored = NULL;
  g_autofree char *edited = NULL;

  /* A row not shown (the owner, for who may not assign) is never edited. */
  if (self->customer == NULL || !gtk_widget_get_visible (field->row))
    return FALSE;
  /* Compared as JSON values: typed "1,000.00" is no change of a money field of 1000. */
  if (field->kind == EDITOR_CUSTOM)
    return crm_custom_field_row_is_changed (field->row, record_member (
                                              crm_customer_get_object (self->customer), field));
  if (field->kind == EDITOR_MONEY)
    {
      g_autoptr(JsonNode) value = editor_value (field);

      return !amounts_equal (value, record_member (crm_customer_get_object (self->customer),
                                                   field));
    }
  stored = node_to_text (record_member (crm_customer_get_object (self->customer), field));
  edited = editor_text (field);
  if (field->kind == EDITOR_BOOLEAN && *stored == '\0')
    return g_str_equal (edited, "true");
  if (is_phone (field))
    return !same_phone (field, g_strstrip (stored), edited);
  return g_strcmp0 (g_strstrip (stored), edited) != 0;
}

/* Whether two stored values of @field differ as its editor would show them. */
static gboolean
stored_values_differ (Field    *field,
                      JsonNode *a,
                      JsonNode *b)
{
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  if (field->kind == EDITOR_CUSTOM)
    return crm_custom_field_row_values_differ (field->row, a, b);
  text_a = node_to_text (a);
  text_b = node_to_text (b);
  return g_strcmp0 (text_a, text_b) != 0;
}

/* The changes of the form to @record, as a PATCH body (NULL when none). The server
 * merges "custom" into the stored values, so it holds only the custom values the user
 * changed: one that did not change is never written back, and an "Overwrite" after a
 * conflict keeps what the other user changed there. */
static JsonObject *
collect_changes (CrmCustomerPage *self)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) custom = NULL;

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (!field_is_changed (self, field))
        continue;
      if (field->key == NULL)
        {
          json_object_set_member (changes, field->name, editor_value (field));
          continue;
        }
      if (custom == NULL)
        custom = json_object_new ();
      json_object_set_member (custom, field->key, editor_value (field));
    }
  if (custom != NULL)
    json_object_set_object_member (changes, "custom", g_steal_pointer (&custom));
  if (json_object_get_size (changes) == 0)
    return NULL;
  return g_steal_pointer (&changes);
}

static gboolean
has_unsaved_changes (CrmCustomerPage *self)
{
  gboolean changed = FALSE;

  for (guint i = 0; self->customer != NULL && i < self->fields->len && !changed; i++)
    changed = field_is_changed (self, g_ptr_array_index (self->fields, i));
  return changed;
}

static void
update_save_button (CrmCustomerPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            has_unsaved_changes (self) && self->save_cancellable == NULL);
}

/* What the common validators (the server's own) find wrong with what @field holds, as
 * untranslated text; NULL when they find nothing (the server still decides). */
static const char *
field_problem (CrmCustomerPage *self,
               Field           *field)
{
  const char *problem = NULL;

  if (field->kind == EDITOR_MONEY)
    {
      g_autoptr(JsonNode) value = editor_value (field);

      if (value != NULL && JSON_NODE_HOLDS_VALUE (value)
          && json_node_get_value_type (value) == G_TYPE_STRING)
        return N_("Enter an amount, such as 5,000,000.00");
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_int (value) < 0)
        return N_("Enter an amount of at least 0");
      return NULL;
    }
  if (field->key == NULL)
    {
      g_autofree char *text = editor_text (field);
      CrmTextValidator validate = crm_validate_find_format (field->name);

      if (g_str_equal (field->name, "name"))
        crm_validate_text (text, 300, TRUE, NULL, &problem);
      if (validate != NULL && *text != '\0')
        validate (text, NULL, &problem);
      return problem;
    }
  return crm_custom_field_row_get_problem (field->row);
}

/* Says beside each edited field what is wrong with it, as the user types, in the user's
 * language; a field that is right again, or back as it was, loses its message (also the
 * server's: the server only judged what was sent, the fields that changed). */
static void
check_fields (CrmCustomerPage *self)
{
  for (guint i = 0; self->customer != NULL && i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      /* A field back as it was saved has nothing to say. */
      const char *problem = field_is_changed (self, field) ? field_problem (self, field) : NULL;

      crm_form_row_show_message (field->row, field->message,
                                 problem != NULL ? _(problem) : NULL);
    }
}

static void
clear_messages (CrmCustomerPage *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      crm_form_row_show_message (field->row, field->message, NULL);
    }
}

/* The tag ids of the customer as last loaded or saved, by name. */
static GArray *
dup_tag_ids (CrmCustomerPage *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonNode *tags = NULL;

  if (self->customer != NULL)
    tags = json_object_get_member (crm_customer_get_object (self->customer), "tags");
  if (tags != NULL && JSON_NODE_HOLDS_ARRAY (tags))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (tags)); i++)
      {
        gint64 id = json_array_get_int_element (json_node_get_array (tags), i);

        g_array_append_val (ids, id);
      }
  crm_tags_sort_ids (self->tags, ids);
  return ids;
}

static int
compare_tag_rows (GtkListBoxRow *a,
                  GtkListBoxRow *b,
                  gpointer       user_data)
{
  return g_utf8_collate (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (a)),
                         adw_preferences_row_get_title (ADW_PREFERENCES_ROW (b)));
}

/* Whether the role may change the customer's tags (the server's rule). */
static gboolean
may_write_tags (CrmCustomerPage *self)
{
  return can (self, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE)
         && crm_account_get_field_access (self->account, CRM_OBJECT_CUSTOMERS, "tags")
            == CRM_FIELD_ACCESS_WRITE;
}

/* The customer's tags as chips in their colours with a remove button, and the tags it
 * has not in the "Add Tag" popover. */
static void
fill_tags (CrmCustomerPage *self)
{
  g_autoptr(GArray) ids = dup_tag_ids (self);
  GHashTableIter iter;
  gpointer key;
  GtkWidget *child;
  guint n_more = 0;

  crm_wrap_box_remove_all (self->tags_box);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->add_tag_list))) != NULL)
    gtk_list_box_remove (self->add_tag_list, child);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autofree char *name = crm_tag_dup_name (self->tags, id);
      GtkWidget *remove = NULL;

      /* Removable when the role may write the tags: the chip says what a click does. */
      if (may_write_tags (self))
        {
          g_autofree char *tooltip = NULL;

          remove = gtk_button_new_from_icon_name ("window-close-symbolic");
          /* Translators: %s is a tag's name */
          tooltip = g_strdup_printf (_("Remove tag “%s”"), name);
          gtk_widget_set_tooltip_text (remove, tooltip);
          gtk_widget_add_css_class (remove, "flat");
          gtk_widget_add_css_class (remove, "circular");
          gtk_widget_add_css_class (remove, "tag-remove");
          gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "customer.remove-tag");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "x", id);
        }
      crm_wrap_box_append (self->tags_box,
                           crm_tag_chip_new (name, self->tags != NULL
                                                   ? g_hash_table_lookup (self->tags, &id) : NULL,
                                             remove));
    }
  if (ids->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("No tags yet"));

      gtk_widget_add_css_class (none, "dim-label");
      crm_wrap_box_append (self->tags_box, none);
    }

  if (self->tags != NULL)
    {
      g_hash_table_iter_init (&iter, self->tags);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          gint64 id = *(gint64 *) key;
          g_autofree char *name = NULL;
          GtkWidget *row;
          gboolean has = FALSE;

          for (guint i = 0; i < ids->len && !has; i++)
            has = g_array_index (ids, gint64, i) == id;
          if (has)
            continue;
          name = crm_tag_dup_name (self->tags, id);
          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "crm-tag-id", g_memdup2 (&id, sizeof id), g_free);
          gtk_list_box_append (self->add_tag_list, row);
          n_more++;
        }
    }
  gtk_list_box_set_sort_func (self->add_tag_list, compare_tag_rows, NULL, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_tag_button), n_more > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->tags_group), self->customer != NULL);
}


/* Under the details' heading: who owns the customer, its level, its last follow-up;
 * the consent switch's subtitle says when consent last changed. */
static void
show_summary (CrmCustomerPage *self)
{
  CrmCustomer *customer = self->customer;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *owner_fallback = NULL;
  g_autofree char *followed = NULL;
  g_autofree char *consent_at = NULL;
  g_autofree char *subtitle = NULL;
  const char *owner;
  const char *level;
  Field *consent = find_field (self, "marketing_consent");

  if (customer == NULL)
    return;
  owner = user_name (self, json_object_get_member (crm_customer_get_object (customer), "owner_id"),
                     &owner_fallback);
  level = crm_customer_get_string (customer, "level");
  followed = crm_format_timestamp (crm_customer_get_string (customer, "followed_up_at"), TRUE);
  consent_at = crm_format_timestamp (crm_customer_get_string (customer, "consent_at"), TRUE);
  /* Who may assign sees the owner in its drop-down. */
  if (owner != NULL && !can_assign (self))
    /* Translators: the customer's owner (the sales rep in charge of it), a person's name */
    g_ptr_array_add (parts, g_strdup_printf (_("Owner: %s"), owner));
  if (level != NULL)
    /* Translators: the customer's level, such as VIP */
    g_ptr_array_add (parts, g_strdup_printf (_("Level: %s"), level));
  if (*followed != '\0')
    /* Translators: when the customer was last followed up */
    g_ptr_array_add (parts, g_strdup_printf (_("Last follow-up: %s"), followed));
  g_ptr_array_add (parts, NULL);
  subtitle = g_strjoinv (" · ", (char **) parts->pdata);
  if (consent != NULL)
    {
      g_autofree char *changed = NULL;

      if (*consent_at != '\0')
        /* Translators: when the customer's marketing consent last changed */
        changed = g_strdup_printf (_("Changed %s"), consent_at);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (consent->row), changed != NULL ? changed : "");
    }
  adw_preferences_group_set_description (self->details_group, *subtitle != '\0' ? subtitle : NULL);
}

static void
fill_form (CrmCustomerPage *self,
           JsonObject      *record)
{
  g_autoptr(CrmCustomer) customer = crm_customer_new (record);

  g_set_object (&self->customer, customer);
  /* The form shows the server's version now: nothing left to offer. */
  gtk_widget_set_visible (self->changed_bar, FALSE);
  self->filling = TRUE;
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      set_editor_value (self, field, record_member (record, field));
    }
  self->filling = FALSE;
  clear_messages (self);
  gtk_label_set_text (self->title_label, crm_customer_get_string (customer, "name") ?: "");
  show_summary (self);
  fill_tags (self);
  update_save_button (self);
}

/* --- loading --------------------------------------------------------------- */

/* Offers only what the role allows: no button that can only answer 403. */
static void
set_busy (CrmCustomerPage *self)
{
  gboolean ready = self->customer != NULL && !self->loading;
  const struct
  {
    const char *action;
    GtkWidget  *button;
    CrmObject   object;
    CrmAction   verb;
    const char *field;    /* a field of the customer the action writes, or NULL */
  } actions[] = {
    { "customer.follow-up", GTK_WIDGET (self->follow_up_button), CRM_OBJECT_ACTIVITIES,
      CRM_ACTION_CREATE },
    { "customer.delete", GTK_WIDGET (self->delete_button), CRM_OBJECT_CUSTOMERS,
      CRM_ACTION_DELETE },
    { "customer.add-contact", GTK_WIDGET (self->add_contact_button), CRM_OBJECT_CONTACTS,
      CRM_ACTION_CREATE },
    { "customer.edit-contact", NULL, CRM_OBJECT_CONTACTS, CRM_ACTION_UPDATE },
    { "customer.make-primary", NULL, CRM_OBJECT_CONTACTS, CRM_ACTION_UPDATE },
    { "customer.delete-contact", NULL, CRM_OBJECT_CONTACTS, CRM_ACTION_DELETE },
    { "customer.add-tag", GTK_WIDGET (self->add_tag_button), CRM_OBJECT_CUSTOMERS,
      CRM_ACTION_UPDATE, "tags" },
    { "customer.remove-tag", NULL, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, "tags" },
    /* A merge deletes the merged record. */
    { "customer.merge", NULL, CRM_OBJECT_CUSTOMERS, CRM_ACTION_DELETE },
  };

  gtk_spinner_set_spinning (self->spinner, self->save_cancellable != NULL || self->loading
                                           || self->n_pending > 0);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      gboolean allowed = can (self, actions[i].object, actions[i].verb)
                         && (actions[i].field == NULL
                             || crm_account_get_field_access (self->account, CRM_OBJECT_CUSTOMERS,
                                                              actions[i].field)
                                == CRM_FIELD_ACCESS_WRITE);

      gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i].action, ready && allowed);
      if (actions[i].button != NULL)
        gtk_widget_set_visible (actions[i].button, allowed);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->save_button),
                          can (self, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE));
  gtk_widget_set_visible (find_field (self, "owner_id")->row, can_assign (self));
}

/* A call of the page's is over: the spinner and the actions follow. */
static void
end_pending (CrmCustomerPage *self)
{
  g_assert (self->n_pending > 0);
  self->n_pending--;
  set_busy (self);
}

/* The company's registration: shown for a company (or a customer of no kind yet) when
 * the role may read any of its fields; an individual has none. */
static void
show_registration (CrmCustomerPage *self)
{
  Field *kind = self->fields != NULL ? find_field (self, "kind") : NULL;
  g_autofree char *chosen = kind != NULL ? editor_text (kind) : g_strdup ("");
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (standard_fields); i++)
    {
      Field *field = NULL;

      if (standard_fields[i].group != GROUP_REGISTRATION)
        continue;
      field = self->fields != NULL ? find_field (self, standard_fields[i].name) : NULL;
      any = any || (field != NULL && gtk_widget_get_visible (field->row));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->registration_group),
                          any && !g_str_equal (chosen, "individual"));
}

/* As the server decides (crm_account_get_field_access ()): a field the role may not read
 * is not shown (the server leaves its value out); one it may read but not write is shown,
 * not editable. The owner is shown to who may give the customer away (set_busy ()). */
static void
apply_field_access (CrmCustomerPage *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      g_autofree char *name = NULL;
      CrmFieldAccess access;

      if (field->kind == EDITOR_OWNER)
        continue;
      name = field->kind == EDITOR_CUSTOM ? g_strconcat ("custom_", field->key, NULL)
                                          : g_strdup (field->name);
      access = crm_account_get_field_access (self->account, CRM_OBJECT_CUSTOMERS, name);
      gtk_widget_set_visible (field->row, access != CRM_FIELD_ACCESS_NONE);
      if (field->kind == EDITOR_CUSTOM)
        crm_custom_field_row_set_editable (field->row, access == CRM_FIELD_ACCESS_WRITE);
      else
        crm_field_row_set_editable (field->row, field->control,
                                    access == CRM_FIELD_ACCESS_WRITE);
    }
  show_registration (self);
}

/* Takes away the custom fields' rows and definitions, for build_custom_fields (). */
static void
clear_custom_fields (CrmCustomerPage *self)
{
  for (guint i = self->fields->len; i > 0; i--)
    {
      Field *field = g_ptr_array_index (self->fields, i - 1);

      if (field->kind != EDITOR_CUSTOM)
        continue;
      adw_preferences_group_remove (self->custom_group, field->row);
      g_ptr_array_remove_index (self->fields, i - 1);
    }
  g_ptr_array_set_size (self->custom_rows, 0);
  g_hash_table_remove_all (self->definitions);
  json_array_unref (self->contact_fields);
  self->contact_fields = json_array_new ();
}

static void
build_custom_fields (CrmCustomerPage *self,
                     JsonArray       *definitions)
{
  for (guint i = 0; i < json_array_get_length (definitions); i++)
    {
      JsonObject *definition = json_array_get_object_element (definitions, i);
      const char *key;
      const char *label;
      const char *object;
      GtkWidget *row;
      Field *field;

      if (definition == NULL)
        continue;
      key = json_object_get_string_member_with_default (definition, "key", NULL);
      label = json_object_get_string_member_with_default (definition, "label", key);
      object = json_object_get_string_member_with_default (definition, "object", "");
      if (key == NULL)
        continue;
      g_hash_table_insert (self->definitions, g_strconcat (object, ".", key, NULL),
                           json_object_ref (definition));
      /* A contact's are edited in its dialog. */
      if (g_str_equal (object, "contacts"))
        json_array_add_object_element (self->contact_fields, json_object_ref (definition));
      if (!g_str_equal (object, "customers"))
        continue;
      row = crm_custom_field_row_new (definition, G_CALLBACK (field_changed_cb), self);
      field = add_field (self, self->custom_group, gtk_widget_get_name (row), label,
                         EDITOR_CUSTOM, NULL, NULL, row);
      field->key = g_strdup (key);
      g_ptr_array_add (self->custom_rows, field->row);
    }
  apply_field_access (self);
  gtk_widget_set_visible (GTK_WIDGET (self->custom_group), self->custom_rows->len > 0);
}

static void
customer_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data);

static void
fields_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && json_object_has_member (json_node_get_object (root), "items"))
    {
      JsonNode *items = json_object_get_member (json_node_get_object (root), "items");
      g_autofree char *text = json_to_string (items, FALSE);

      /* Built again only when an administrator changed the fields meanwhile. */
      if (g_strcmp0 (text, self->definitions_text) != 0 && JSON_NODE_HOLDS_ARRAY (items))
        {
          clear_custom_fields (self);
          build_custom_fields (self, json_node_get_array (items));
          g_free (self->definitions_text);
          self->definitions_text = g_steal_pointer (&text);
        }
    }
  else
    toast_failure (self, _("Loading custom fields"), error);

  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, self->id);
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, path, NULL, NULL, 0,
                             self->cancellable, customer_cb, g_object_ref (self));
}

static GtkWidget *
new_row_button (const char *icon_name,
                const char *tooltip,
                const char *action,
                gint64      id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  return button;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A contact's custom values that are set, "Label: value" in the order of /fields, after
 * its title, mobile, phone and e-mail on its row. */
static void
add_custom_parts (CrmCustomerPage *self,
                  JsonObject      *contact,
                  GPtrArray       *parts)
{
  CrmAuditNames names = { .users = self->users, .tags = self->tags,
                          .fields = self->definitions };
  JsonObject *custom = object_member (contact, "custom");

  for (guint i = 0; custom != NULL && i < json_array_get_length (self->contact_fields); i++)
    {
      JsonObject *definition = json_array_get_object_element (self->contact_fields, i);
      const char *key = json_object_get_string_member_with_default (definition, "key", "");
      JsonNode *value = json_object_get_member (custom, key);
      g_autofree char *name = g_strconcat ("custom.", key, NULL);
      g_autofree char *text = NULL;

      if (value == NULL || JSON_NODE_HOLDS_NULL (value)
          || (JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (
                                                 value)) == 0)
          || (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
              && *json_node_get_string (value) == '\0'))
        continue;
      text = crm_audit_value_text (&names, "contacts", name, value);
      /* Translators: a contact's custom field on its row: the field's label, its value */
      g_ptr_array_add (parts, g_strdup_printf (_("%s: %s"),
                                               crm_audit_field_label (&names, "contacts", name),
                                               text));
    }
}

static void
fill_contacts (CrmCustomerPage *self)
{
  guint n = self->contacts != NULL ? json_array_get_length (self->contacts) : 0;

  clear_list (self->contacts_list);
  self->n_contacts = 0;
  /* The primary contact first, the one to call; then the others by name, as they came. */
  for (guint i = 0; i < 2 * n; i++)
    {
      JsonObject *contact = json_array_get_object_element (self->contacts, i % n);
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *subtitle = NULL;
      const char *member_names[] = { "title", "mobile", "phone", "email" };
      GtkWidget *row;
      gint64 id;

      if (contact == NULL
          || json_object_get_boolean_member_with_default (contact, "is_primary", FALSE) != (i < n))
        continue;
      id = json_object_get_int_member_with_default (contact, "id", 0);
      for (guint j = 0; j < G_N_ELEMENTS (member_names); j++)
        {
          const char *value = json_object_get_string_member_with_default (contact,
                                                                          member_names[j], NULL);

          if (value != NULL && *value != '\0')
            g_ptr_array_add (parts, g_str_equal (member_names[j], "mobile")
                                    ? crm_format_phone (value) : g_strdup (value));
        }
      add_custom_parts (self, contact, parts);
      g_ptr_array_add (parts, NULL);
      subtitle = g_strjoinv (" · ", (char **) parts->pdata);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (contact,
                                                                                 "full_name", ""));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (json_object_get_boolean_member_with_default (contact, "is_primary", FALSE))
        {
          GtkWidget *primary = gtk_label_new (_("Primary"));

          gtk_widget_add_css_class (primary, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), primary);
        }
      else if (can (self, CRM_OBJECT_CONTACTS, CRM_ACTION_UPDATE))
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   new_row_button ("starred-symbolic", _("Make Primary Contact"),
                                                   "customer.make-primary", id));
      if (can (self, CRM_OBJECT_CONTACTS, CRM_ACTION_UPDATE))
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   new_row_button ("document-edit-symbolic", _("Edit Contact"),
                                                   "customer.edit-contact", id));
      if (can (self, CRM_OBJECT_CONTACTS, CRM_ACTION_DELETE))
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   new_row_button ("user-trash-symbolic", _("Delete Contact"),
                                                   "customer.delete-contact", id));
      gtk_list_box_append (self->contacts_list, row);
      self->n_contacts++;
    }
  if (self->n_contacts == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No contacts yet"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->contacts_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->contacts_group), self->customer != NULL);
}

static void
contacts_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  end_pending (self);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || array_member (json_node_get_object (root), "items") == NULL)
    {
      toast_failure (self, _("Loading contacts"), error);
      return;
    }
  g_clear_pointer (&self->contacts, json_array_unref);
  self->contacts = json_array_ref (json_object_get_array_member (json_node_get_object (root),
                                                                 "items"));
  fill_contacts (self);
}

static void
load_contacts (CrmCustomerPage *self)
{
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, self->id);

  crm_api_query_add (query, "customer_id", id);
  crm_api_query_add (query, "sort", "full_name");
  crm_api_query_add (query, "limit", "500");
  self->n_pending++;
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, CRM_API_BASE "/contacts",
                             query->str, NULL, 0, self->cancellable, contacts_cb,
                             g_object_ref (self));
}

/* --- the timeline ---------------------------------------------------------- */

static const char *
user_name (CrmCustomerPage *self,
           JsonNode        *id_node,
           char           **fallback)
{
  gint64 id;
  const char *name;

  *fallback = NULL;
  if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node))
    return NULL;
  id = json_node_get_int (id_node);
  name = self->users != NULL ? g_hash_table_lookup (self->users, &id) : NULL;
  if (name != NULL)
    return name;
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

    /* Translators: a user the client has no name for; %s is the user's id */
    *fallback = g_strdup_printf (_("user #%s"), number);
  }
  return *fallback;
}

/* "Field: before → after", one line per field a change of @object (a customer, or one
 * of its contacts) changed; not the whole record that a restore brings back. */
static void
describe_changes (CrmCustomerPage *self,
                  const char      *object,
                  JsonObject      *detail,
                  GString         *lines)
{
  CrmAuditNames names = { .users = self->users, .tags = self->tags,
                          .fields = self->definitions };
  JsonObject *before = object_member (detail, "before");
  JsonObject *after = object_member (detail, "after");

  if (before != NULL && after != NULL)
    crm_audit_append_changes (&names, object, before, after, lines);
}

/* The title of a change to one of the customer's contacts ("contact_update"), with the
 * contact's name; NULL for any other change. */
static char *
dup_contact_change_title (const char *change,
                          JsonObject *detail)
{
  const char *name = detail != NULL ? crm_json_get_string (detail, "contact_name") : NULL;

  if (name == NULL)
    name = "";
  /* Translators: in the customer's timeline; %s is a contact's name */
  if (g_strcmp0 (change, "contact_create") == 0)
    return g_strdup_printf (_("Contact added: %s"), name);
  /* Translators: in the customer's timeline; %s is a contact's name */
  if (g_strcmp0 (change, "contact_update") == 0)
    return g_strdup_printf (_("Contact edited: %s"), name);
  /* Translators: in the customer's timeline; %s is a contact's name */
  if (g_strcmp0 (change, "contact_delete") == 0)
    return g_strdup_printf (_("Contact deleted: %s"), name);
  return NULL;
}

static const char *
action_label (const char *action)
{
  static const CrmChoice actions[] = {
    { "create", N_("Created") },
    { "update", N_("Edited") },
    { "batch_update", N_("Edited in a batch") },
    { "merge", N_("Merged duplicates into this customer") },
    { "delete", N_("Moved to the recycle bin") },
    { "restore", N_("Restored from the recycle bin") },
    { NULL, NULL },
  };

  return crm_choices_get_label (actions, action);
}

static const char *
event_kind_label (const char *kind)
{
  static const CrmChoice kinds[] = {
    { "activity", N_("Follow-up") },
    { "order", N_("Order") },
    { "ticket", N_("Ticket") },
    { "campaign", N_("Campaign") },
    { "change", N_("Change") },
    { "created", N_("Created") },
    { NULL, NULL },
  };

  return crm_choices_get_label (kinds, kind);
}

/* Title and the lines below it of one timeline event. */
static void
describe_event (CrmCustomerPage *self,
                JsonObject      *event,
                char           **title,
                GString         *lines)
{
  const char *kind = json_object_get_string_member_with_default (event, "kind", "");
  const char *event_title = json_object_get_string_member_with_default (event, "title", NULL);
  JsonObject *detail = object_member (event, "detail");

  if (g_str_equal (kind, "change") && g_str_has_prefix (event_title != NULL ? event_title : "",
                                                         "contact_"))
    {
      *title = dup_contact_change_title (event_title, detail);
      if (*title == NULL)
        *title = g_strdup (event_kind_label (kind));
      if (detail != NULL && g_str_equal (event_title, "contact_update"))
        describe_changes (self, "contacts", detail, lines);
      return;
    }
  if (g_str_equal (kind, "change") || g_str_equal (kind, "created"))
    {
      *title = g_strdup (action_label (event_title != NULL ? event_title : "create"));
      if (detail != NULL && g_strcmp0 (event_title, "merge") == 0)
        crm_audit_append_merge (detail, lines);
      else if (detail != NULL && !g_str_equal (kind, "created"))
        describe_changes (self, "customers", detail, lines);
      return;
    }
  if (g_str_equal (kind, "activity"))
    {
      const char *activity = detail != NULL
                             ? json_object_get_string_member_with_default (detail, "kind", NULL)
                             : NULL;
      const char *notes = detail != NULL
                          ? json_object_get_string_member_with_default (detail, "notes", NULL)
                          : NULL;
      const char *due = detail != NULL ? crm_json_get_string (detail, "due_at") : NULL;

      /* Translators: the kind of a follow-up (call, visit…), then its subject */
      *title = g_strdup_printf (_("%s: %s"), crm_choices_get_label (crm_activity_kinds, activity),
                                event_title != NULL ? event_title : "");
      if (notes != NULL && *notes != '\0')
        g_string_append (lines, notes);
      if (due != NULL)
        {
          g_autofree char *when = crm_format_timestamp (due, TRUE);

          if (lines->len > 0)
            g_string_append_c (lines, '\n');
          /* Translators: in a follow-up of the timeline; %s is a date and time */
          g_string_append_printf (lines, _("Next follow-up: %s"), when);
        }
      return;
    }
  /* Translators: the kind of an event (order, ticket…), then its title */
  *title = g_strdup_printf (_("%s: %s"), event_kind_label (kind),
                            event_title != NULL ? event_title : "");
  if (detail != NULL && object_member (detail, "amount") != NULL)
    {
      JsonObject *money = object_member (detail, "amount");
      g_autofree char *amount = NULL;

      /* The currency's symbol says which it is: ¥12,500.00, not ¥12,500.00 CNY. */
      amount = crm_format_money (json_object_get_int_member_with_default (money, "amount", 0),
                                 json_object_get_string_member_with_default (money, "currency",
                                                                             NULL),
                                 NULL);
      g_string_append (lines, amount);
    }
}

#define TIMELINE_PAGE "50"

static void load_timeline_page (CrmCustomerPage *self,
                                const char      *before);

static void
older_row_activated_cb (CrmCustomerPage *self)
{
  if (self->timeline_next != NULL)
    load_timeline_page (self, self->timeline_next);
}

/* Adds the events of a timeline page after those shown (@fresh: instead). */
/* Whether @event is an edit of the customer or of one of its contacts. */
static gboolean
is_edit (JsonObject *event)
{
  const char *title = json_object_get_string_member_with_default (event, "title", "");

  return g_str_equal (json_object_get_string_member_with_default (event, "kind", ""), "change")
         && (g_str_equal (title, "update") || g_str_equal (title, "contact_update"));
}

static void
show_events (CrmCustomerPage *self,
             JsonObject      *page,
             gboolean         fresh)
{
  JsonArray *items = array_member (page, "items");

  if (fresh)
    {
      clear_list (self->timeline_list);
      self->n_events = 0;
    }
  else if (self->older_row != NULL)
    gtk_list_box_remove (self->timeline_list, self->older_row);
  self->older_row = NULL;
  g_clear_pointer (&self->timeline_next, g_free);
  self->timeline_next = g_strdup (crm_json_get_string (page, "next"));
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *event = json_array_get_object_element (items, i);
      g_autoptr(GString) lines = g_string_new (NULL);
      g_autofree char *at = NULL;
      g_autofree char *title = NULL;
      g_autofree char *fallback = NULL;
      const char *who;
      GtkWidget *row;

      if (event == NULL)
        continue;
      describe_event (self, event, &title, lines);
      /* An edit that changed nothing the user may read (a save of the values it already
       * had, through the API) says nothing: "Edited", and not what. */
      if (lines->len == 0 && is_edit (event))
        continue;
      at = crm_format_timestamp (json_object_get_string_member_with_default (event, "at", NULL),
                                 TRUE);
      who = user_name (self, json_object_get_member (event, "user_id"), &fallback);
      if (lines->len > 0)
        g_string_append_c (lines, '\n');
      if (who != NULL)
        /* Translators: who did something, then when */
        g_string_append_printf (lines, _("%s · %s"), who, at);
      else
        g_string_append (lines, at);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), lines->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->timeline_list, row);
      self->n_events++;
    }
  if (self->timeline_next != NULL)
    {
      GtkWidget *label = gtk_label_new_with_mnemonic (_("Show _Older Events"));

      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_widget_add_css_class (label, "accent");
      self->older_row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->older_row), label);
      gtk_list_box_append (self->timeline_list, self->older_row);
    }
  /* A customer without history (imported, or from before the audit) still has its
   * timeline, which says what will show there: a missing one says nothing. */
  if (self->n_events == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No history yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Follow-ups, orders, tickets and changes to this customer "
                                     "show here, the newest first."));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->timeline_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->timeline_group), TRUE);
}

/* A page of the timeline arrived: the newest (@first_page, replacing what is shown) or an
 * older one (appended). */
static void
show_timeline_page (CrmCustomerPage *self,
                    GObject         *object,
                    GAsyncResult    *result,
                    gboolean         first_page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  end_pending (self);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      toast_failure (self, _("Loading the timeline"), error);
      return;
    }
  show_events (self, json_node_get_object (root), first_page);
}

static void
timeline_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;

  show_timeline_page (self, object, result, TRUE);
}

static void
older_timeline_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;

  show_timeline_page (self, object, result, FALSE);
}

/* The newest events (@before NULL), or those older than the cursor @before. */
static void
load_timeline_page (CrmCustomerPage *self,
                    const char      *before)
{
  g_autofree char *path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT
                                           "/timeline", self->id);
  g_autoptr(GString) query = g_string_new (NULL);

  crm_api_query_add (query, "limit", TIMELINE_PAGE);
  crm_api_query_add (query, "before", before);
  self->n_pending++;
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, path, query->str, NULL, 0,
                             self->cancellable,
                             before != NULL ? older_timeline_cb : timeline_cb,
                             g_object_ref (self));
}

static void
load_timeline (CrmCustomerPage *self)
{
  load_timeline_page (self, NULL);
}

static void load_duplicates (CrmCustomerPage *self);

static void
timeline_row_activated_cb (CrmCustomerPage *self,
                           GtkListBoxRow   *row)
{
  if (GTK_WIDGET (row) == self->older_row)
    older_row_activated_cb (self);
}

/*
 * The customer is gone (deleted here or elsewhere, merged away, or out of reach): back
 * to the list, which reloads, with @text as a toast; nothing of it is reloaded.
 */
static void
leave_gone_customer (CrmCustomerPage *self,
                     const char      *text)
{
  g_clear_handle_id (&self->live_source, g_source_remove);
  g_clear_handle_id (&self->contacts_source, g_source_remove);
  /* Its contacts, timeline or a save still on the way have nothing left to show. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->save_cancellable);
  g_clear_object (&self->save_cancellable);
  self->n_pending = 0;
  self->loading = FALSE;
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  if (self->conflict_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->conflict_dialog));
  g_clear_object (&self->customer);
  set_busy (self);
  emit_toast (self, text);
  g_signal_emit (self, signals[LIST_CHANGED], 0);
  g_signal_emit (self, signals[BACK], 0);
}

static void
customer_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      self->loading = FALSE;
      set_busy (self);
      /* A record's 404 means it is gone (deleted, merged) or out of the caller's scope,
       * not a missing endpoint. */
      if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_NOT_FOUND))
        leave_gone_customer (self, _("This customer was deleted, or you may no longer see it."));
      else
        toast_failure (self, _("Loading the customer"), error);
      return;
    }
  fill_form (self, json_node_get_object (root));
  fill_contacts (self);
  load_contacts (self);
  load_timeline (self);
  load_duplicates (self);
  /* The page is usable now; contacts and timeline fill in. */
  self->loading = FALSE;
  set_busy (self);
}

/* --- saving ---------------------------------------------------------------- */

static void send_changes (CrmCustomerPage *self,
                          JsonObject      *changes,
                          gint64           version);
static void leave (CrmCustomerPage *self,
                   gint64           id);

/* Room left above a row scrolled to: its group's title, when it is the group's first. */
#define SCROLL_MARGIN 48

/* Scrolls the page so that scroll_target shows whole, below the page's top edge with a
 * margin, once the page is laid out with the messages just shown (they make rows
 * higher): the focus alone scrolls only as far as the row's entry, which leaves the
 * row's title under the top edge. Setting the value also ends the scroll the focus
 * started, when animations are on. */
static gboolean
scroll_to_target_cb (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (widget);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double page = gtk_adjustment_get_page_size (adjustment);
  double value = gtk_adjustment_get_value (adjustment);
  graphene_rect_t bounds;

  /* The first frame lays the messages out; the next one has their rows' places. */
  if (++self->scroll_frames < 2)
    return G_SOURCE_CONTINUE;
  self->scroll_tick = 0;
  if (self->scroll_target == NULL
      || !gtk_widget_compute_bounds (self->scroll_target, GTK_WIDGET (self->scrolled_window),
                                     &bounds))
    return G_SOURCE_REMOVE;
  if (bounds.origin.y < SCROLL_MARGIN || bounds.size.height + 2 * SCROLL_MARGIN > page)
    value += bounds.origin.y - SCROLL_MARGIN;
  else if (bounds.origin.y + bounds.size.height > page - SCROLL_MARGIN)
    value += bounds.origin.y + bounds.size.height - (page - SCROLL_MARGIN);
  gtk_adjustment_set_value (adjustment, value);
  g_clear_weak_pointer (&self->scroll_target);
  return G_SOURCE_REMOVE;
}

static void
scroll_to_row (CrmCustomerPage *self,
               GtkWidget       *row)
{
  g_set_weak_pointer (&self->scroll_target, row);
  self->scroll_frames = 0;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_target_cb,
                                                      NULL, NULL);
}

/* The server's messages beside their fields; the first of those fields in the form's
 * order gets the focus, shown whole. */
static void
show_field_messages (CrmCustomerPage *self,
                     JsonObject      *messages)
{
  GList *names = json_object_get_members (messages);
  Field *first = NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      Field *field = find_field (self, l->data);
      const char *message = json_object_get_string_member_with_default (messages, l->data, NULL);

      if (field == NULL || message == NULL)
        {
          g_autofree char *text = g_strdup_printf ("%s: %s", (char *) l->data,
                                                   message != NULL ? message : "");

          emit_toast (self, text);
          continue;
        }
      crm_form_row_show_message (field->row, field->message, message);
    }
  g_list_free (names);
  for (guint i = 0; first == NULL && i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (gtk_widget_get_visible (GTK_WIDGET (field->message)))
        first = field;
    }
  if (first != NULL)
    {
      gtk_widget_grab_focus (first->row);
      scroll_to_row (self, first->row);
    }
}

/* A custom field's value as the timeline and the contacts' rows read it (money and dates
 * formatted, Yes or No, a multiple choice's options unambiguous). */
static char *
describe_custom_value (CrmCustomerPage *self,
                       Field           *field,
                       JsonNode        *value)
{
  CrmAuditNames names = { .users = self->users, .tags = self->tags,
                          .fields = self->definitions };

  if (value == NULL)
    return g_strdup (_("(empty)"));
  return crm_audit_value_text (&names, "customers", field->name, value);
}

static char *
describe_value (CrmCustomerPage *self,
                JsonObject      *record,
                Field           *field)
{
  g_autofree char *text = NULL;

  if (field->kind == EDITOR_CUSTOM)
    return describe_custom_value (self, field, record_member (record, field));
  if (field->kind == EDITOR_MONEY)
    {
      g_autofree char *currency = money_currency (record, field);

      return money_text (record_member (record, field), currency);
    }
  text = node_to_text (record_member (record, field));

  if (field->kind == EDITOR_CHOICE)
    {
      for (guint i = 0; field->values[i] != NULL; i++)
        if (g_str_equal (field->values[i], text))
          {
            GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (field->row));

            return g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), i));
          }
    }
  if (field->kind == EDITOR_OWNER && *text != '\0')
    {
      guint position = crm_owners_find (field->ids, 0, g_ascii_strtoll (text, NULL, 10));
      GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (field->row));

      if (position != GTK_INVALID_LIST_POSITION)
        return g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), position));
    }
  /* A switch's value as people say it, not as JSON has it. */
  if (field->kind == EDITOR_BOOLEAN
      && (g_str_equal (text, "true") || g_str_equal (text, "false")))
    return g_strdup (g_str_equal (text, "true") ? _("Yes") : _("No"));
  if (*text == '\0')
    return g_strdup (_("(empty)"));
  if (is_phone (field))
    return crm_format_phone (text);
  return g_steal_pointer (&text);
}

static void
conflict_response_cb (CrmCustomerPage  *self,
                      const char       *response,
                      AdwMessageDialog *dialog)
{
  g_autoptr(JsonNode) theirs = g_steal_pointer (&self->theirs);
  g_autoptr(JsonObject) pending = g_steal_pointer (&self->pending);

  self->conflict_dialog = NULL;
  if (theirs == NULL)
    return;
  if (g_str_equal (response, "theirs"))
    {
      fill_form (self, json_node_get_object (theirs));
      /* Their save, in the timeline. */
      load_timeline (self);
      g_signal_emit (self, signals[SAVED], 0, self->customer);
      emit_toast (self, _("Showing the other user’s version"));
    }
  else if (g_str_equal (response, "overwrite") && pending != NULL)
    {
      g_autoptr(CrmCustomer) current = crm_customer_new (json_node_get_object (theirs));

      send_changes (self, pending, crm_customer_get_version (current));
    }
}

/* A row of the conflict dialog's table: the field, the user's value (NULL: not changed
 * by the user), the other user's. */
static void
add_conflict_row (GtkGrid    *grid,
                  int         row,
                  const char *title,
                  const char *yours,
                  const char *theirs)
{
  GtkWidget *labels[3];

  labels[0] = gtk_label_new (title);
  /* Translators: in the conflict dialog, a field the user did not change */
  labels[1] = gtk_label_new (yours != NULL ? yours : _("(not changed)"));
  labels[2] = gtk_label_new (theirs);
  for (guint j = 0; j < 3; j++)
    {
      gtk_label_set_xalign (GTK_LABEL (labels[j]), 0);
      gtk_label_set_wrap (GTK_LABEL (labels[j]), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (labels[j]), 24);
      gtk_grid_attach (grid, labels[j], j, row, 1, 1);
    }
  gtk_widget_add_css_class (labels[0], "dim-label");
  if (yours == NULL)
    gtk_widget_add_css_class (labels[1], "dim-label");
}

static void
show_conflict (CrmCustomerPage *self,
               JsonNode        *current,
               JsonObject      *changes)
{
  JsonObject *theirs = json_node_get_object (current);
  JsonObject *mine = crm_customer_get_object (self->customer);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *dialog;
  int row = 1;

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  {
    const char *headings[] = { _("Field"), _("Yours"), _("Theirs") };

    for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
      {
        GtkWidget *label = gtk_label_new (headings[i]);

        gtk_widget_add_css_class (label, "heading");
        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_grid_attach (GTK_GRID (grid), label, i, 0, 1, 1);
      }
  }
  /* Every field the user changed or the other user changed. One the user did not change
   * keeps their value whatever the choice ("Overwrite" writes only the user's changes):
   * it reads so, not as the value the user saw, which no choice brings back. */
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      g_autofree char *their_text = NULL;
      g_autofree char *your_text = NULL;
      gboolean edited = field_is_changed (self, field);

      if (!edited && !stored_values_differ (field, record_member (mine, field),
                                            record_member (theirs, field)))
        continue;
      if (edited && field->kind == EDITOR_CUSTOM)
        {
          g_autoptr(JsonNode) edited_value = editor_value (field);

          your_text = describe_custom_value (self, field, edited_value);
        }
      else if (edited)
        {
          g_autofree char *edited_text = editor_text (field);
          g_autoptr(JsonObject) scratch = json_object_new ();

          json_object_set_string_member (scratch, field->name, edited_text);
          your_text = describe_value (self, scratch, field);
        }
      their_text = describe_value (self, theirs, field);
      add_conflict_row (GTK_GRID (grid), row++,
                        adw_preferences_row_get_title (ADW_PREFERENCES_ROW (field->row)),
                        your_text, their_text);
    }
  /* Tags are saved as they are picked, never pending: theirs stay either way. */
  {
    CrmAuditNames names = { .users = self->users, .tags = self->tags,
                            .fields = self->definitions };
    JsonNode *my_tags = json_object_get_member (mine, "tags");
    JsonNode *their_tags = json_object_get_member (theirs, "tags");
    g_autofree char *my_text = crm_audit_value_text (&names, "customers", "tags", my_tags);
    g_autofree char *their_text = crm_audit_value_text (&names, "customers", "tags", their_tags);

    if (their_tags != NULL && g_strcmp0 (my_text, their_text) != 0)
      add_conflict_row (GTK_GRID (grid), row++, crm_audit_field_label (&names, "customers", "tags"),
                        NULL, their_text);
  }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Someone Else Changed This Customer"),
                                   _("The customer was saved by someone else after you opened "
                                     "it. Keep their version and drop your changes, or "
                                     "overwrite their values with yours? Fields you did not "
                                     "change keep their values either way."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "theirs", _("Keep _Theirs"),
                                    "overwrite", _("_Overwrite"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "overwrite",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_clear_pointer (&self->theirs, json_node_unref);
  g_clear_pointer (&self->pending, json_object_unref);
  self->theirs = json_node_ref (current);
  self->pending = json_object_ref (changes);
  self->conflict_dialog = ADW_MESSAGE_DIALOG (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (conflict_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) changes = g_object_steal_data (G_OBJECT (self), "crm-changes");
  JsonObject *messages;
  JsonNode *current;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->save_cancellable);
  set_busy (self);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      fill_form (self, json_node_get_object (root));
      /* The change just saved (and any saved before it by others), in the timeline. */
      load_timeline (self);
      g_signal_emit (self, signals[SAVED], 0, self->customer);
      emit_toast (self, _("Saved"));
      if (self->back_after_save)
        {
          self->back_after_save = FALSE;
          leave (self, self->leave_to);
        }
      return;
    }

  /* Not saved: the page stays, with what is wrong. */
  self->back_after_save = FALSE;
  update_save_button (self);
  current = crm_api_reply_error_get_current (error);
  messages = crm_api_reply_error_get_fields (error);
  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_CONFLICT) && current != NULL)
    show_conflict (self, current, changes);
  else if (messages != NULL)
    {
      show_field_messages (self, messages);
      /* The server's "Some fields are not valid" does not say what to do. */
      emit_toast (self, _("Not saved: correct the fields marked in red, then save again."));
    }
  else
    toast_failure (self, _("Saving"), error);
}

static void
send_changes (CrmCustomerPage *self,
              JsonObject      *changes,
              gint64           version)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, self->id);

  json_node_set_object (body, changes);
  clear_messages (self);
  g_cancellable_cancel (self->save_cancellable);
  g_clear_object (&self->save_cancellable);
  self->save_cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self), "crm-changes", json_object_ref (changes),
                          (GDestroyNotify) json_object_unref);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  set_busy (self);
  crm_api_client_call_async (self->api_client, "PATCH", path, NULL, body, version,
                             self->save_cancellable, saved_cb, g_object_ref (self));
}

static void
save_button_clicked_cb (CrmCustomerPage *self)
{
  crm_customer_page_save (self);
}

static void present_dialog (CrmCustomerPage  *self,
                            AdwMessageDialog *dialog,
                            GCallback         response_cb);

static void
unsaved_response_cb (CrmCustomerPage  *self,
                     const char       *response,
                     AdwMessageDialog *dialog)
{
  if (g_str_equal (response, "discard"))
    {
      /* It closes itself: not one for another customer's page to destroy. */
      if (self->dialog == dialog)
        self->dialog = NULL;
      leave (self, self->leave_to);
    }
  else if (g_str_equal (response, "save"))
    {
      self->back_after_save = TRUE;
      crm_customer_page_save (self);
      /* Nothing to send after all (a save already in flight): stay. */
      if (self->save_cancellable == NULL)
        self->back_after_save = FALSE;
    }
}

/* Back to the list (@id 0), or on to the customer @id; nothing asked. */
static void
leave (CrmCustomerPage *self,
       gint64           id)
{
  self->leave_to = 0;
  if (id == 0)
    g_signal_emit (self, signals[BACK], 0);
  else
    crm_customer_page_load (self, id);
}

/* Back to the list (@id 0), or on to the customer @id (a likely duplicate); edits not
 * saved yet are never dropped unasked. */
static void
leave_asking (CrmCustomerPage *self,
              gint64           id)
{
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  if (!has_unsaved_changes (self))
    {
      leave (self, id);
      return;
    }
  self->leave_to = id;
  if (id == 0)
    /* Translators: %s is a customer's name */
    body = g_strdup_printf (_("Your changes to “%s” are not saved yet. Save them before going "
                              "back to the list?"), gtk_label_get_text (self->title_label));
  else
    /* Translators: %s is a customer's name */
    body = g_strdup_printf (_("Your changes to “%s” are not saved yet. Save them before "
                              "opening the other customer?"),
                            gtk_label_get_text (self->title_label));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Save Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard Changes"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  present_dialog (self, ADW_MESSAGE_DIALOG (dialog), G_CALLBACK (unsaved_response_cb));
}

static void
go_back (CrmCustomerPage *self)
{
  leave_asking (self, 0);
}

static void
back_button_clicked_cb (CrmCustomerPage *self)
{
  go_back (self);
}

static void
back_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  go_back (CRM_CUSTOMER_PAGE (widget));
}

static void
save_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  crm_customer_page_save (CRM_CUSTOMER_PAGE (widget));
}

/* --- tags, contacts, follow-ups, merge, delete ------------------------------ */

/* What the editor of @field holds, for restore_edit () to put back: a typed row's text
 * as typed (which may not read yet), else its value. */
static JsonNode *
dup_edit (Field *field)
{
  JsonNode *node;

  if (!GTK_IS_EDITABLE (field->row))
    return editor_value (field);
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, gtk_editable_get_text (GTK_EDITABLE (field->row)));
  return node;
}

static void
restore_edit (CrmCustomerPage *self,
              Field           *field,
              JsonNode        *edit)
{
  if (GTK_IS_EDITABLE (field->row))
    gtk_editable_set_text (GTK_EDITABLE (field->row), json_node_get_string (edit));
  else
    set_editor_value (self, field, edit);
}

static void
clear_node (gpointer node)
{
  if (node != NULL)
    json_node_unref (node);
}

/* Makes @record the one the form compares with, keeping what the user typed
 * and has not saved yet. */
static void
adopt_record (CrmCustomerPage *self,
              JsonObject      *record)
{
  g_autoptr(GPtrArray) edited = g_ptr_array_new_with_free_func (clear_node);

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      g_ptr_array_add (edited, field_is_changed (self, field) ? dup_edit (field) : NULL);
    }
  fill_form (self, record);
  self->filling = TRUE;
  for (guint i = 0; i < self->fields->len; i++)
    if (g_ptr_array_index (edited, i) != NULL)
      restore_edit (self, g_ptr_array_index (self->fields, i), g_ptr_array_index (edited, i));
  self->filling = FALSE;
  update_save_button (self);
  g_signal_emit (self, signals[SAVED], 0, self->customer);
}

/* The reply of a call start_call () made; FALSE when it was cancelled (the
 * page moved on and counts it no more). */
static gboolean
finish_call (CrmCustomerPage  *self,
             GObject          *object,
             GAsyncResult     *result,
             JsonNode        **root,
             GError          **error)
{
  *root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, error);
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  end_pending (self);
  return TRUE;
}

static void
start_call (CrmCustomerPage     *self,
            const char          *method,
            const char          *path,
            JsonNode            *body,
            gint64               version,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  self->n_pending++;
  set_busy (self);
  crm_api_client_call_async (self->api_client, method, path, NULL, body, version,
                             self->cancellable, callback, user_data);
}

static void
customer_reloaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!finish_call (self, object, result, &root, &error))
    return;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    adopt_record (self, json_node_get_object (root));
}

/* The record again (after a follow-up or a change elsewhere), and its timeline. */
static void
reload_customer (CrmCustomerPage *self)
{
  g_autofree char *path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, self->id);

  start_call (self, SOUP_METHOD_GET, path, NULL, 0, customer_reloaded_cb, g_object_ref (self));
  load_timeline (self);
}

static void
tags_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *current;

  if (!finish_call (self, object, result, &root, &error))
    return;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      adopt_record (self, json_node_get_object (root));
      load_timeline (self);
      return;
    }
  current = crm_api_reply_error_get_current (error);
  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_CONFLICT) && current != NULL)
    {
      /* Someone else saved meanwhile: show their tags; the user may try again. */
      adopt_record (self, json_node_get_object (current));
      emit_toast (self, _("Someone else changed this customer meanwhile. Its tags are shown as "
                          "they are now; please try again."));
      return;
    }
  toast_failure (self, _("Saving the tags"), error);
}

static void
send_tags (CrmCustomerPage *self,
           GArray          *ids)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, self->id);

  for (guint i = 0; i < ids->len; i++)
    json_array_add_int_element (array, g_array_index (ids, gint64, i));
  json_object_set_array_member (changes, "tags", g_steal_pointer (&array));
  json_node_set_object (body, changes);
  start_call (self, "PATCH", path, body, crm_customer_get_version (self->customer),
              tags_saved_cb, g_object_ref (self));
}

static void
add_tag (CrmCustomerPage *self,
         gint64           id)
{
  g_autoptr(GArray) ids = dup_tag_ids (self);

  if (self->customer == NULL)
    return;
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return;
  g_array_append_val (ids, id);
  send_tags (self, ids);
}

static void
add_tag_row_activated_cb (CrmCustomerPage *self,
                          GtkListBoxRow   *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "crm-tag-id");

  gtk_menu_button_popdown (self->add_tag_button);
  if (id != NULL)
    add_tag (self, *id);
}

static void
add_tag_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  add_tag (CRM_CUSTOMER_PAGE (widget), g_variant_get_int64 (parameter));
}

static void
remove_tag_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (widget);
  g_autoptr(GArray) ids = dup_tag_ids (self);
  gint64 id = g_variant_get_int64 (parameter);

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      {
        g_array_remove_index (ids, i);
        send_tags (self, ids);
        return;
      }
}

/* -- contacts -- */

static JsonObject *
find_contact (CrmCustomerPage *self,
              gint64           id)
{
  for (guint i = 0; self->contacts != NULL && i < json_array_get_length (self->contacts); i++)
    {
      JsonObject *contact = json_array_get_object_element (self->contacts, i);

      if (contact != NULL && json_object_get_int_member_with_default (contact, "id", 0) == id)
        return contact;
    }
  return NULL;
}

static void
dialog_destroyed_cb (CrmCustomerPage *self,
                     GtkWidget       *dialog)
{
  if (self->dialog == ADW_MESSAGE_DIALOG (dialog))
    self->dialog = NULL;
}

static void
present_dialog (CrmCustomerPage  *self,
                AdwMessageDialog *dialog,
                GCallback         response_cb)
{
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = dialog;
  g_signal_connect_object (dialog, "response", response_cb, self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void open_contact_dialog (CrmCustomerPage *self,
                                 gint64           id,
                                 gint64           version,
                                 JsonObject      *values,
                                 JsonObject      *messages);

/* What a contact or follow-up call needs to reopen its dialog when the server
 * refuses it. */
typedef struct
{
  CrmCustomerPage *self;
  gint64           id;        /* 0 for a new contact */
  gint64           version;
  JsonNode        *values;
  const char      *done;      /* the toast once done, untranslated (N_()) */
} PageCall;

static void
page_call_free (PageCall *call)
{
  g_object_unref (call->self);
  g_clear_pointer (&call->values, json_node_unref);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PageCall, page_call_free)

static void
contact_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PageCall) call = user_data;
  CrmCustomerPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *messages;

  if (!finish_call (self, object, result, &root, &error))
    return;
  if (error == NULL)
    {
      if (call->done != NULL)
        emit_toast (self, _(call->done));
      load_contacts (self);
      load_timeline (self);
      return;
    }
  messages = crm_api_reply_error_get_fields (error);
  if (messages != NULL && call->values != NULL)
    {
      open_contact_dialog (self, call->id, call->version, json_node_get_object (call->values),
                           messages);
      /* The server's "Some fields are not valid" does not say what to do. */
      emit_toast (self, _("Not saved: correct the fields marked in red, then save again."));
      return;
    }
  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_CONFLICT))
    {
      emit_toast (self, _("Someone else changed this contact meanwhile. It is shown as it is "
                          "now; please try again."));
      load_contacts (self);
      return;
    }
  toast_failure (self, _("Saving the contact"), error);
}

static void
contact_response_cb (CrmCustomerPage  *self,
                     const char       *response,
                     AdwMessageDialog *dialog)
{
  PageCall *call;
  gint64 *id = g_object_get_data (G_OBJECT (dialog), "crm-contact-id");
  gint64 *version = g_object_get_data (G_OBJECT (dialog), "crm-version");
  g_autofree char *path = NULL;
  JsonObject *values;

  if (!g_str_equal (response, "accept"))
    return;
  call = g_new0 (PageCall, 1);
  call->self = g_object_ref (self);
  call->id = id != NULL ? *id : 0;
  call->version = version != NULL ? *version : 0;
  call->values = crm_form_dialog_dup_values (dialog);
  values = json_node_get_object (call->values);
  if (call->id == 0)
    {
      g_autoptr(JsonNode) body = json_node_copy (call->values);

      json_object_set_int_member (json_node_get_object (body), "customer_id", self->id);
      call->done = N_("Contact added");
      start_call (self, SOUP_METHOD_POST, CRM_API_BASE "/contacts", body, 0, contact_saved_cb,
                  call);
      return;
    }
  path = g_strdup_printf (CRM_API_BASE "/contacts/%" G_GINT64_FORMAT, call->id);
  /* A PATCH sends fields; a cleared one is null. */
  (void) values;
  call->done = N_("Contact saved");
  start_call (self, "PATCH", path, call->values, call->version, contact_saved_cb, call);
}

static void
open_contact_dialog (CrmCustomerPage *self,
                     gint64           id,
                     gint64           version,
                     JsonObject      *values,
                     JsonObject      *messages)
{
  static const char * const names[] = { "full_name", "title", "mobile", "phone", "email" };
  AdwMessageDialog *dialog;
  JsonObject *custom;

  dialog = crm_form_dialog_new (GTK_WIDGET (self), id != 0 ? _("Edit Contact") : _("New Contact"),
                                NULL, id != 0 ? _("_Save") : _("_Add"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      CrmTextValidator validate = crm_validate_find_format (names[i]);

      crm_form_dialog_add_entry (dialog, names[i], crm_contact_field_label (names[i]),
                                 values != NULL ? json_object_get_string_member_with_default (
                                                    values, names[i], NULL) : NULL);
      /* A wrong mobile or e-mail said as it is typed, as on the customer's page. */
      if (validate != NULL)
        crm_form_dialog_set_validator (dialog, names[i], validate);
    }
  crm_form_dialog_add_switch (dialog, "is_primary", crm_contact_field_label ("is_primary"),
                              values != NULL
                              && json_object_get_boolean_member_with_default (values, "is_primary",
                                                                              FALSE));
  custom = values != NULL ? object_member (values, "custom") : NULL;
  for (guint i = 0; i < json_array_get_length (self->contact_fields); i++)
    {
      JsonObject *definition = json_array_get_object_element (self->contact_fields, i);
      const char *key = json_object_get_string_member_with_default (definition, "key", "");

      crm_form_dialog_add_custom_field (dialog, definition,
                                        custom != NULL ? json_object_get_member (custom, key)
                                                       : NULL);
    }
  if (id != 0)
    {
      g_object_set_data_full (G_OBJECT (dialog), "crm-contact-id", g_memdup2 (&id, sizeof id),
                              g_free);
      g_object_set_data_full (G_OBJECT (dialog), "crm-version",
                              g_memdup2 (&version, sizeof version), g_free);
    }
  crm_form_dialog_apply_field_access (dialog, self->account, CRM_OBJECT_CONTACTS);
  crm_form_dialog_show_errors (dialog, messages);
  present_dialog (self, dialog, G_CALLBACK (contact_response_cb));
}

static void
add_contact_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  open_contact_dialog (CRM_CUSTOMER_PAGE (widget), 0, 0, NULL, NULL);
}

static void
edit_contact_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (widget);
  JsonObject *contact = find_contact (self, g_variant_get_int64 (parameter));

  if (contact != NULL)
    open_contact_dialog (self, g_variant_get_int64 (parameter),
                         json_object_get_int_member_with_default (contact, "version", 0), contact,
                         NULL);
}

static void
make_primary_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  JsonObject *contact = find_contact (self, id);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  PageCall *call;

  if (contact == NULL)
    return;
  body = json_from_string ("{\"is_primary\":true}", NULL);
  path = g_strdup_printf (CRM_API_BASE "/contacts/%" G_GINT64_FORMAT, id);
  call = g_new0 (PageCall, 1);
  call->self = g_object_ref (self);
  call->id = id;
  call->done = N_("Primary contact changed");
  start_call (self, "PATCH", path, body,
              json_object_get_int_member_with_default (contact, "version", 0), contact_saved_cb,
              call);
}

static void
delete_contact_response_cb (CrmCustomerPage  *self,
                            const char       *response,
                            AdwMessageDialog *dialog)
{
  gint64 *id = g_object_get_data (G_OBJECT (dialog), "crm-contact-id");
  g_autofree char *path = NULL;
  PageCall *call;

  if (!g_str_equal (response, "delete") || id == NULL)
    return;
  path = g_strdup_printf (CRM_API_BASE "/contacts/%" G_GINT64_FORMAT, *id);
  call = g_new0 (PageCall, 1);
  call->self = g_object_ref (self);
  call->id = *id;
  call->done = N_("Contact deleted");
  start_call (self, SOUP_METHOD_DELETE, path, NULL, 0, contact_saved_cb, call);
}

static void
delete_contact_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  JsonObject *contact = find_contact (self, id);
  GtkWidget *dialog;

  if (contact == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Delete Contact?"), NULL);
  /* Translators: %s is a contact's name */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("“%s” will be deleted."),
                                  json_object_get_string_member_with_default (contact, "full_name",
                                                                              ""));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "crm-contact-id", g_memdup2 (&id, sizeof id), g_free);
  present_dialog (self, ADW_MESSAGE_DIALOG (dialog), G_CALLBACK (delete_contact_response_cb));
}

/* -- follow-ups -- */

static void open_follow_up_dialog (CrmCustomerPage *self,
                                   JsonObject      *values,
                                   JsonObject      *messages);

static void
follow_up_saved_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PageCall) call = user_data;
  CrmCustomerPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *messages;

  if (!finish_call (self, object, result, &root, &error))
    return;
  if (error == NULL)
    {
      emit_toast (self, _("Follow-up logged"));
      reload_customer (self);
      return;
    }
  messages = crm_api_reply_error_get_fields (error);
  if (messages != NULL)
    {
      open_follow_up_dialog (self, json_node_get_object (call->values), messages);
      emit_toast (self, _("Not saved: correct the fields marked in red, then save again."));
      return;
    }
  toast_failure (self, _("Logging the follow-up"), error);
}

/* A follow-up's time as typed ("2026-12-01 14:30", local) as the API takes it (RFC 3339,
 * UTC); one the validator refuses goes as it is, for the server to say what is wrong. */
static void
set_api_time (JsonObject *body,
              const char *member)
{
  g_autofree char *normalized = NULL;
  const char *typed = crm_json_get_string (body, member);

  if (typed == NULL)
    json_object_remove_member (body, member);
  else if (crm_validate_date_time (typed, &normalized, NULL))
    json_object_set_string_member (body, member, normalized);
}

static void
follow_up_response_cb (CrmCustomerPage  *self,
                       const char       *response,
                       AdwMessageDialog *dialog)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *object;
  PageCall *call;

  if (!g_str_equal (response, "accept"))
    return;
  call = g_new0 (PageCall, 1);
  call->self = g_object_ref (self);
  /* As typed, to open the dialog again with them if the server refuses them. */
  call->values = crm_form_dialog_dup_values (dialog);
  /* Another object (json_node_copy () would share it), with the same plain values. */
  body = crm_form_dialog_dup_values (dialog);
  object = json_node_get_object (body);
  /* The server wants a string or no member at all. */
  if (crm_json_get_type (object, "notes") != CRM_JSON_STRING)
    json_object_remove_member (object, "notes");
  if (crm_json_get_type (object, "subject") != CRM_JSON_STRING)
    json_object_set_string_member (object, "subject", "");
  set_api_time (object, "done_at");
  set_api_time (object, "due_at");
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT "/follow-ups", self->id);
  start_call (self, SOUP_METHOD_POST, path, body, 0, follow_up_saved_cb, call);
}

/* Now, as a follow-up's time is typed: "2026-12-01 14:30", local. */
static char *
dup_typed_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d %H:%M");
}

static void
open_follow_up_dialog (CrmCustomerPage *self,
                       JsonObject      *values,
                       JsonObject      *messages)
{
  AdwMessageDialog *dialog;

  dialog = crm_form_dialog_new (GTK_WIDGET (self), _("Log Follow-up"),
                                gtk_label_get_text (self->title_label), _("_Log"));
  crm_form_dialog_add_choice (dialog, "kind", _("Kind"), crm_activity_kinds,
                              values != NULL ? json_object_get_string_member_with_default (
                                                 values, "kind", "call") : "call");
  crm_form_dialog_add_entry (dialog, "subject", _("Subject"),
                             values != NULL ? json_object_get_string_member_with_default (
                                                values, "subject", NULL) : NULL);
  {
    g_autofree char *now = dup_typed_now ();
    GtkWidget *row;

    /* When it happened: now unless the user says otherwise; when to follow up next. */
    row = crm_form_dialog_add_entry (dialog, "done_at", _("When"),
                                     values != NULL ? json_object_get_string_member_with_default (
                                                        values, "done_at", now) : now);
    crm_form_dialog_set_validator (dialog, "done_at", crm_validate_date_time);
    /* Translators: how to type a date and time in a follow-up's dialog */
    gtk_widget_set_tooltip_text (row, _("Date and time, such as 2026-12-01 14:30"));
    row = crm_form_dialog_add_entry (dialog, "due_at", _("Next Follow-up (optional)"),
                                     values != NULL ? json_object_get_string_member_with_default (
                                                        values, "due_at", NULL) : NULL);
    crm_form_dialog_set_validator (dialog, "due_at", crm_validate_date_time);
    gtk_widget_set_tooltip_text (row, _("Date and time, such as 2026-12-01 14:30"));
  }
  crm_form_dialog_add_text (dialog, "notes", _("Notes"),
                            values != NULL ? json_object_get_string_member_with_default (
                                               values, "notes", NULL) : NULL);
  /* Typing starts with the subject: the kind is a call unless the user picks another. */
  gtk_widget_grab_focus (crm_form_dialog_get_row (dialog, "subject"));
  crm_form_dialog_show_errors (dialog, messages);
  present_dialog (self, dialog, G_CALLBACK (follow_up_response_cb));
}

static void
follow_up_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  open_follow_up_dialog (CRM_CUSTOMER_PAGE (widget), NULL, NULL);
}

/* -- deleting -- */

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  if (!finish_call (self, object, result, &root, &error))
    return;
  self->deleting = FALSE;
  if (error != NULL)
    {
      toast_failure (self, _("Deleting the customer"), error);
      return;
    }
  /* Translators: %s is a customer's name */
  text = g_strdup_printf (_("“%s” moved to the recycle bin"),
                          gtk_label_get_text (self->title_label));
  leave_gone_customer (self, text);
}

static void
delete_response_cb (CrmCustomerPage  *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  g_autofree char *path = NULL;

  if (!g_str_equal (response, "delete") || self->customer == NULL)
    return;
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, self->id);
  self->deleting = TRUE;
  start_call (self, SOUP_METHOD_DELETE, path, NULL, 0, deleted_cb, g_object_ref (self));
}

static void
delete_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (widget);
  GtkWidget *dialog;

  if (self->customer == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Delete Customer?"), NULL);
  /* Translators: %s is a customer's name */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” goes to the recycle bin, with its contacts. An "
                                    "administrator can restore it from there."),
                                  gtk_label_get_text (self->title_label));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  present_dialog (self, ADW_MESSAGE_DIALOG (dialog), G_CALLBACK (delete_response_cb));
}

/* -- duplicates and merging -- */

static void
duplicates_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *items;

  if (!finish_call (self, object, result, &root, &error))
    return;
  clear_list (self->duplicates_list);
  self->n_duplicates = 0;
  items = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
          ? array_member (json_node_get_object (root), "items") : NULL;
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonArray *reasons;
      g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
      GtkWidget *row;
      GtkWidget *button;
      gint64 id;

      if (item == NULL)
        continue;
      id = json_object_get_int_member_with_default (item, "id", 0);
      reasons = array_member (item, "reasons");
      for (guint j = 0; reasons != NULL && j < json_array_get_length (reasons); j++)
        {
          const char *reason = json_array_get_string_element (reasons, j);

          g_ptr_array_add (labels, g_strdup (crm_customer_field_label (reason)));
        }
      g_ptr_array_add (labels, NULL);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (item, "name", ""));
      {
        g_autofree char *joined = g_strjoinv (_(", "), (char **) labels->pdata);
        /* Translators: the fields two customers share, such as "Name, Mobile" */
        g_autofree char *subtitle = g_strdup_printf (_("Same: %s"), joined);

        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      }
      button = gtk_button_new_with_mnemonic (_("_Merge…"));
      gtk_widget_set_visible (button, can (self, CRM_OBJECT_CUSTOMERS, CRM_ACTION_DELETE));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "customer.merge");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      /* Opens that customer, as a row of the list does. */
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "crm-id", g_memdup2 (&id, sizeof id), g_free);
      g_object_set_data_full (G_OBJECT (row), "crm-name",
                              g_strdup (json_object_get_string_member_with_default (item, "name",
                                                                                    "")),
                              g_free);
      gtk_list_box_append (self->duplicates_list, row);
      self->n_duplicates++;
    }
  /* Who may not merge is not told to. */
  adw_preferences_group_set_description (
    self->duplicates_group,
    can (self, CRM_OBJECT_CUSTOMERS, CRM_ACTION_DELETE)
    ? _("These customers share a name, phone number or e-mail address with this one. Merge "
        "them to keep one record.")
    : _("These customers share a name, phone number or e-mail address with this one. Ask an "
        "administrator to merge them into one record."));
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), self->n_duplicates > 0);
}

static void
duplicates_row_activated_cb (CrmCustomerPage *self,
                             GtkListBoxRow   *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "crm-id");

  if (id != NULL && *id != self->id)
    leave_asking (self, *id);
}

static void
load_duplicates (CrmCustomerPage *self)
{
  static const char * const members[] = { "name", "mobile", "phone", "email" };
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, self->id);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    crm_api_query_add (query, members[i], crm_customer_get_string (self->customer, members[i]));
  crm_api_query_add (query, "exclude", id);
  self->n_pending++;
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET,
                             CRM_API_BASE "/customers/duplicates", query->str, NULL, 0,
                             self->cancellable, duplicates_cb, g_object_ref (self));
}

static const char *
duplicate_name (CrmCustomerPage *self,
                gint64           id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->duplicates_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      gint64 *row_id = g_object_get_data (G_OBJECT (row), "crm-id");

      if (row_id != NULL && *row_id == id)
        return g_object_get_data (G_OBJECT (row), "crm-name");
    }
  return NULL;
}

static void
merged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *customer;
  g_autofree char *text = NULL;

  if (!finish_call (self, object, result, &root, &error))
    return;
  customer = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
             ? object_member (json_node_get_object (root), "customer") : NULL;
  if (customer == NULL)
    {
      toast_failure (self, _("Merging"), error);
      return;
    }
  /* Translators: %s is the name of the customer kept by a merge */
  text = g_strdup_printf (_("Merged into “%s”"),
                          json_object_get_string_member_with_default (customer, "name", ""));
  emit_toast (self, text);
  g_signal_emit (self, signals[LIST_CHANGED], 0);
  crm_customer_page_load (self, json_object_get_int_member_with_default (customer, "id", 0));
}

static void
merge_response_cb (CrmCustomerPage  *self,
                   const char       *response,
                   AdwMessageDialog *dialog)
{
  GtkCheckButton *keep_this = g_object_get_data (G_OBJECT (dialog), "crm-keep-this");
  gint64 *other = g_object_get_data (G_OBJECT (dialog), "crm-other-id");
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autofree char *path = NULL;
  gint64 survivor;
  gint64 merged;

  if (!g_str_equal (response, "merge") || other == NULL)
    return;
  survivor = gtk_check_button_get_active (keep_this) ? self->id : *other;
  merged = survivor == self->id ? *other : self->id;
  json_array_add_int_element (ids, merged);
  json_object_set_array_member (object, "merge_ids", g_steal_pointer (&ids));
  json_node_set_object (body, object);
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT "/merge", survivor);
  start_call (self, SOUP_METHOD_POST, path, body, 0, merged_cb, g_object_ref (self));
}

/* What tells the two customers of a merge apart, in one line: likely duplicates often
 * share their name, so the name alone does not say which to keep. Their owner, numbers,
 * city and the day each was created. */
static char *
describe_merge_side (CrmCustomerPage *self,
                     JsonObject      *record)
{
  static const char * const numbers[] = { "mobile", "phone", "email" };
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *fallback = NULL;
  const char *owner = user_name (self, json_object_get_member (record, "owner_id"), &fallback);
  const char *city = crm_json_get_string (record, "city");
  const char *created = crm_json_get_string (record, "created_at");

  if (owner != NULL)
    /* Translators: in the merge dialog, who owns a customer */
    g_ptr_array_add (parts, g_strdup_printf (_("Owner: %s"), owner));
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      const char *number = crm_json_get_string (record, numbers[i]);

      if (number != NULL && *number != '\0')
        g_ptr_array_add (parts, crm_format_phone (number));
    }
  if (city != NULL && *city != '\0')
    g_ptr_array_add (parts, g_strdup (city));
  if (created != NULL)
    {
      g_autofree char *day = crm_format_timestamp (created, FALSE);

      /* Translators: in the merge dialog, the day a customer was created */
      g_ptr_array_add (parts, g_strdup_printf (_("created %s"), day));
    }
  g_ptr_array_add (parts, NULL);
  /* Translators: the separator of the parts of a line that describes a customer */
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

/* A choice of the customer to keep, labelled @label, in @box, with @record's line under
 * it (beside the button, not in it: a check button does not measure a child of several
 * wrapping lines for its height). */
static GtkWidget *
add_merge_choice (CrmCustomerPage *self,
                  GtkBox          *box,
                  const char      *label,
                  JsonObject      *record)
{
  GtkWidget *button = gtk_check_button_new_with_label (label);

  gtk_box_append (box, button);
  if (record != NULL)
    {
      g_autofree char *text = describe_merge_side (self, record);
      GtkWidget *line = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (line), 0);
      gtk_label_set_wrap (GTK_LABEL (line), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (line), 60);
      /* Under the button's label, past its check. */
      gtk_widget_set_margin_start (line, 28);
      gtk_widget_set_margin_bottom (line, 6);
      gtk_widget_add_css_class (line, "dim-label");
      gtk_widget_add_css_class (line, "caption");
      gtk_box_append (box, line);
    }
  return button;
}

/* The merge dialog, once the other customer is in (@other: NULL when it could not be
 * read: then its name alone). */
static void
present_merge_dialog (CrmCustomerPage *self,
                      gint64           other_id,
                      JsonObject      *other)
{
  const char *other_name = duplicate_name (self, other_id);
  g_autofree char *this_label = NULL;
  g_autofree char *other_label = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *keep_this;
  GtkWidget *keep_other;
  GtkWidget *dialog;

  if (self->customer == NULL)
    return;
  /* Translators: %s is a customer's name; the customer kept by a merge */
  this_label = g_strdup_printf (_("Keep “%s” (this one)"), gtk_label_get_text (self->title_label));
  other_label = g_strdup_printf (_("Keep “%s”"), other_name != NULL ? other_name : "?");
  keep_this = add_merge_choice (self, GTK_BOX (box), this_label,
                                crm_customer_get_object (self->customer));
  keep_other = add_merge_choice (self, GTK_BOX (box), other_label, other);
  gtk_check_button_set_group (GTK_CHECK_BUTTON (keep_other), GTK_CHECK_BUTTON (keep_this));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (keep_this), TRUE);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Merge Customers?"),
                                   _("The customer you keep gets the other one’s contacts, "
                                     "follow-ups, orders, tickets and tags, and the fields it "
                                     "has empty. The other one goes to the recycle bin."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "merge", _("_Merge"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "merge",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "crm-keep-this", keep_this);
  g_object_set_data_full (G_OBJECT (dialog), "crm-other-id",
                          g_memdup2 (&other_id, sizeof other_id), g_free);
  present_dialog (self, ADW_MESSAGE_DIALOG (dialog), G_CALLBACK (merge_response_cb));
}

typedef struct
{
  CrmCustomerPage *self;
  gint64           other_id;
} MergeCall;

static void
merge_other_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  MergeCall *call = user_data;
  g_autoptr(CrmCustomerPage) self = call->self;
  gint64 other_id = call->other_id;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_free (call);
  if (!finish_call (self, object, result, &root, &error))
    return;
  present_merge_dialog (self, other_id,
                        root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                        ? json_node_get_object (root) : NULL);
}

/* Reads the other customer first, to tell the two apart in the dialog. */
static void
merge_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (widget);
  MergeCall *call;
  g_autofree char *path = NULL;

  if (self->customer == NULL)
    return;
  call = g_new0 (MergeCall, 1);
  call->self = g_object_ref (self);
  call->other_id = g_variant_get_int64 (parameter);
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, call->other_id);
  start_call (self, SOUP_METHOD_GET, path, NULL, 0, merge_other_cb, call);
}

/* --- live: what someone else changed ------------------------------------- */

static gboolean
live_reload_cb (gpointer user_data)
{
  CrmCustomerPage *self = user_data;

  self->live_source = 0;
  /* A load or save in flight fetches the latest anyway; a version already shown is this
   * page's own save, its reply faster than its event. */
  if (self->customer == NULL || crm_customer_page_get_busy (self)
      || (self->live_version > 0 && self->live_version <= crm_customer_get_version (self->customer)))
    return G_SOURCE_REMOVE;
  g_debug ("Customer %" G_GINT64_FORMAT " changed on the server", self->id);
  /* Edits are never thrown away unasked. */
  if (has_unsaved_changes (self))
    gtk_widget_set_visible (self->changed_bar, TRUE);
  else
    crm_customer_page_load (self, self->id);
  return G_SOURCE_REMOVE;
}

static gboolean
live_contacts_cb (gpointer user_data)
{
  CrmCustomerPage *self = user_data;

  self->contacts_source = 0;
  if (self->customer != NULL && !self->loading)
    {
      load_contacts (self);
      /* Their change is in the timeline too. */
      load_timeline (self);
    }
  return G_SOURCE_REMOVE;
}

static void
stream_event_cb (CrmCustomerPage *self,
                 JsonObject      *event,
                 CrmEventStream  *stream)
{
  const char *type = json_object_get_string_member_with_default (event, "type", "");
  gint64 version = crm_event_stream_get_event_id (event, "version");

  if (self->customer == NULL)
    return;
  /* Deleted (or merged into another) elsewhere: no reload into a 404. This page's own
   * delete says so itself when its reply comes. */
  if (g_str_equal (type, "customers") && crm_event_stream_get_event_id (event, "id") == self->id
      && g_strv_contains ((const char * const[]) { "delete", "purge", NULL },
                          json_object_get_string_member_with_default (event, "action", ""))
      && !self->deleting)
    {
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        leave_gone_customer (self, _("This customer was deleted."));
      else
        g_clear_object (&self->customer);
      return;
    }
  if (g_str_equal (type, "customers")
      && (crm_event_stream_get_event_id (event, "id") != self->id
          || (version > 0 && version == crm_customer_get_version (self->customer))))
    return;   /* another customer, or the version shown (this page's own save) */
  if (g_str_equal (type, "contacts"))
    {
      /* Only the contacts changed: they reload, the form and an open dialog stay. */
      if (crm_event_stream_get_event_id (event, "customer_id") == self->id
          && self->contacts_source == 0)
        self->contacts_source = g_timeout_add (LIVE_DELAY_MS, live_contacts_cb, self);
      return;
    }
  /* The newest version this burst of events told of; contacts and resyncs tell none
   * (0: reload whatever is shown). */
  if (self->live_source == 0)
    self->live_version = -1;
  if (!g_str_equal (type, "customers") || version <= 0)
    self->live_version = 0;
  else if (self->live_version != 0)
    self->live_version = MAX (self->live_version, version);
  if (self->live_source == 0)
    self->live_source = g_timeout_add (LIVE_DELAY_MS, live_reload_cb, self);
}

static void
changed_bar_response_cb (CrmCustomerPage *self,
                         int              response)
{
  if (response == GTK_RESPONSE_ACCEPT)
    crm_customer_page_load (self, self->id);
}

static void
build_changed_bar (CrmCustomerPage *self)
{
  GtkWidget *box = adw_bin_get_child (ADW_BIN (self));
  GtkWidget *label = gtk_label_new (_("Someone else changed this customer. Reload to see "
                                      "their version: your unsaved changes will be lost."));

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  self->changed_bar = gtk_info_bar_new ();
  gtk_info_bar_set_message_type (GTK_INFO_BAR (self->changed_bar), GTK_MESSAGE_WARNING);
  gtk_info_bar_add_child (GTK_INFO_BAR (self->changed_bar), label);
  gtk_info_bar_add_button (GTK_INFO_BAR (self->changed_bar), _("_Reload"), GTK_RESPONSE_ACCEPT);
  gtk_widget_set_visible (self->changed_bar, FALSE);
  g_signal_connect_swapped (self->changed_bar, "response", G_CALLBACK (changed_bar_response_cb),
                            self);
  gtk_box_insert_child_after (GTK_BOX (box), self->changed_bar, gtk_widget_get_first_child (box));
}

/* --- GObject --------------------------------------------------------------- */

static void
crm_customer_page_dispose (GObject *object)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (object);

  g_clear_handle_id (&self->live_source, g_source_remove);
  g_clear_handle_id (&self->contacts_source, g_source_remove);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
  self->scroll_tick = 0;
  g_clear_weak_pointer (&self->scroll_target);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->save_cancellable);
  g_clear_object (&self->save_cancellable);
  if (self->conflict_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->conflict_dialog));
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  g_clear_pointer (&self->contacts, json_array_unref);
  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->assignees, g_hash_table_unref);
  g_clear_pointer (&self->account, crm_account_free);
  g_clear_pointer (&self->timeline_next, g_free);
  g_clear_object (&self->api_client);
  g_clear_object (&self->customer);
  g_clear_pointer (&self->theirs, json_node_unref);
  g_clear_pointer (&self->pending, json_object_unref);
  g_clear_pointer (&self->tags, g_hash_table_unref);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CUSTOMER_PAGE);

  G_OBJECT_CLASS (crm_customer_page_parent_class)->dispose (object);
}

static void
crm_customer_page_finalize (GObject *object)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (object);

  g_ptr_array_unref (self->fields);
  g_free (self->definitions_text);
  g_ptr_array_unref (self->custom_rows);
  g_hash_table_unref (self->definitions);
  json_array_unref (self->contact_fields);

  G_OBJECT_CLASS (crm_customer_page_parent_class)->finalize (object);
}

static void
crm_customer_page_class_init (CrmCustomerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_customer_page_dispose;
  object_class->finalize = crm_customer_page_finalize;

  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 0);
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CRM_TYPE_CUSTOMER);
  signals[TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* Customers were deleted or merged: the list is out of date. */
  signals[LIST_CHANGED] = g_signal_new ("list-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-customer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, columns);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, registration_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, consent_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, follow_up_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, delete_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, add_tag_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, add_tag_list);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, add_contact_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, duplicates_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, duplicates_list);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, custom_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, tags_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, tags_box);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, contacts_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, contacts_list);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, timeline_group);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, timeline_list);
  gtk_widget_class_bind_template_callback (widget_class, save_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_tag_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, timeline_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, duplicates_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "customer.follow-up", NULL, follow_up_action_cb);
  /* The keys of a form: Ctrl+S saves, Escape goes back (asking about unsaved edits). */
  gtk_widget_class_install_action (widget_class, "customer.save", NULL, save_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.back", NULL, back_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "customer.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "customer.back", NULL);
  gtk_widget_class_install_action (widget_class, "customer.delete", NULL, delete_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.add-contact", NULL,
                                   add_contact_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.edit-contact", "x",
                                   edit_contact_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.delete-contact", "x",
                                   delete_contact_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.make-primary", "x",
                                   make_primary_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.add-tag", "x", add_tag_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.remove-tag", "x",
                                   remove_tag_action_cb);
  gtk_widget_class_install_action (widget_class, "customer.merge", "x", merge_action_cb);
}

static void
crm_customer_page_init (CrmCustomerPage *self)
{
  g_type_ensure (CRM_TYPE_COLUMNS);
  g_type_ensure (CRM_TYPE_WRAP_BOX);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->custom_rows = g_ptr_array_new ();
  self->definitions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
  self->contact_fields = json_array_new ();
  build_standard_fields (self);
  fill_owner_row (self);
  build_changed_bar (self);
  set_busy (self);
}

void
crm_customer_page_set_api_client (CrmCustomerPage *self,
                                  CrmApiClient    *api_client)
{
  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));

  if (self->api_client == api_client)
    return;
  if (self->api_client != NULL)
    g_signal_handlers_disconnect_by_func (crm_event_stream_get_for_client (self->api_client),
                                          stream_event_cb, self);
  g_set_object (&self->api_client, api_client);
  if (api_client != NULL)
    {
      CrmEventStream *stream = crm_event_stream_get_for_client (api_client);

      g_signal_connect_object (stream, "event::customers", G_CALLBACK (stream_event_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (stream, "event::contacts", G_CALLBACK (stream_event_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (stream, "event::resync", G_CALLBACK (stream_event_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

/* For tests: the bar offering to reload what someone else changed. */
GtkWidget *
_crm_customer_page_get_changed_bar (CrmCustomerPage *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_PAGE (self), NULL);
  return self->changed_bar;
}

/**
 * crm_customer_page_set_tags:
 * @self: a #CrmCustomerPage
 * @tags: (nullable): the tags by id (`gint64 *` → #JsonObject)
 */
void
crm_customer_page_set_tags (CrmCustomerPage *self,
                            GHashTable      *tags)
{
  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));

  if (tags != NULL)
    g_hash_table_ref (tags);
  g_clear_pointer (&self->tags, g_hash_table_unref);
  self->tags = tags;
  fill_tags (self);
}

/* Another customer opens at its top, not where the last one was scrolled to. */
static void
scroll_to_top (CrmCustomerPage *self)
{
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
}

/**
 * crm_customer_page_load:
 * @self: a #CrmCustomerPage
 * @id: the customer's id
 *
 * Shows the customer: its record, then its contacts and timeline.
 */
void
crm_customer_page_load (CrmCustomerPage *self,
                        gint64           id)
{

  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));
  g_return_if_fail (self->api_client != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->save_cancellable);
  g_clear_object (&self->save_cancellable);
  g_clear_object (&self->customer);
  g_clear_pointer (&self->contacts, json_array_unref);
  g_clear_pointer (&self->timeline_next, g_free);
  self->older_row = NULL;
  self->deleting = FALSE;
  /* A dialog about another customer goes; one about this one (a reload) stays. */
  if (self->dialog != NULL && id != self->id)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  /* Another customer (a likely duplicate, the survivor of a merge) from its top, and
   * without the reloads the last one's live events asked for: they would reload this
   * one (emptying the page for a moment) for a version it never had. */
  if (id != self->id)
    {
      scroll_to_top (self);
      g_clear_handle_id (&self->live_source, g_source_remove);
      g_clear_handle_id (&self->contacts_source, g_source_remove);
      self->live_version = 0;
    }
  self->id = id;
  self->n_contacts = 0;
  self->n_events = 0;
  self->n_duplicates = 0;
  /* What was in flight was cancelled: its callbacks count nothing. */
  self->n_pending = 0;
  clear_list (self->contacts_list);
  clear_list (self->timeline_list);
  clear_list (self->duplicates_list);
  gtk_widget_set_visible (GTK_WIDGET (self->contacts_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->timeline_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->tags_group), FALSE);
  gtk_label_set_text (self->title_label, "");
  clear_messages (self);
  update_save_button (self);

  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  set_busy (self);
  /* The customers' and their contacts' custom fields (and what the timeline names), each
   * time: an administrator may have added one since. */
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, CRM_API_BASE "/fields",
                             "limit=500", NULL, 0, self->cancellable, fields_cb,
                             g_object_ref (self));
}

/**
 * crm_customer_page_get_customer:
 * @self: a #CrmCustomerPage
 *
 * Returns: (nullable) (transfer none): the customer as last loaded or saved
 */
CrmCustomer *
crm_customer_page_get_customer (CrmCustomerPage *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_PAGE (self), NULL);
  return self->customer;
}

/**
 * crm_customer_page_get_busy:
 * @self: a #CrmCustomerPage
 *
 * Returns: whether the customer is loading or being saved
 */
gboolean
crm_customer_page_get_busy (CrmCustomerPage *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_PAGE (self), FALSE);
  return self->loading || self->save_cancellable != NULL || self->n_pending > 0;
}

/**
 * crm_customer_page_save:
 * @self: a #CrmCustomerPage
 *
 * Sends the changed fields with the version loaded as `If-Match`.
 */
void
crm_customer_page_save (CrmCustomerPage *self)
{
  g_autoptr(JsonObject) changes = NULL;

  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));

  if (self->customer == NULL || self->save_cancellable != NULL)
    return;
  changes = collect_changes (self);
  if (changes == NULL)
    return;
  send_changes (self, changes, crm_customer_get_version (self->customer));
}

GtkWidget *
_crm_customer_page_get_row (CrmCustomerPage *self,
                            const char      *field)
{
  Field *found = find_field (self, field);

  return found != NULL ? found->row : NULL;
}

const char *
_crm_customer_page_get_field_message (CrmCustomerPage *self,
                                      const char      *field)
{
  Field *found = find_field (self, field);

  if (found == NULL || !gtk_widget_get_visible (GTK_WIDGET (found->message)))
    return NULL;
  return gtk_label_get_text (found->message);
}

AdwMessageDialog *
_crm_customer_page_get_conflict_dialog (CrmCustomerPage *self)
{
  return self->conflict_dialog;
}

guint
_crm_customer_page_get_n_contacts (CrmCustomerPage *self)
{
  return self->n_contacts;
}

guint
_crm_customer_page_get_n_events (CrmCustomerPage *self)
{
  return self->n_events;
}

/**
 * crm_customer_page_set_users:
 * @self: a #CrmCustomerPage
 * @users: (nullable): user names by id (`gint64 *` → `char *`), for the owner and the
 *   timeline; set again when the table has filled in, to show the names
 * @assignees: (nullable): of them, those the signed-in user may give customers to
 *   (crm_owners_may_assign_to ()), offered as owners; %NULL offers @users
 */
void
crm_customer_page_set_users (CrmCustomerPage *self,
                             GHashTable      *users,
                             GHashTable      *assignees)
{
  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));

  if (users != NULL)
    g_hash_table_ref (users);
  g_clear_pointer (&self->users, g_hash_table_unref);
  self->users = users;
  if (assignees != NULL)
    g_hash_table_ref (assignees);
  g_clear_pointer (&self->assignees, g_hash_table_unref);
  self->assignees = assignees;
  fill_owner_row (self);
  show_summary (self);
}

AdwMessageDialog *
_crm_customer_page_get_dialog (CrmCustomerPage *self)
{
  return self->dialog;
}

guint
_crm_customer_page_get_n_duplicates (CrmCustomerPage *self)
{
  return self->n_duplicates;
}

/* Every row of @list as "title\nsubtitle", one after the other. */
static char *
dup_rows_text (GtkListBox *list)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      g_string_append_printf (text, "%s\n%s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) ?: "");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
_crm_customer_page_dup_timeline_text (CrmCustomerPage *self)
{
  return dup_rows_text (self->timeline_list);
}

char *
_crm_customer_page_dup_contacts_text (CrmCustomerPage *self)
{
  return dup_rows_text (self->contacts_list);
}

/**
 * crm_customer_page_set_account:
 * @self: a #CrmCustomerPage
 * @account: (nullable): who is signed in: what their role may do, and who "Me" is among
 *   the owners; %NULL offers everything
 */
void
crm_customer_page_set_account (CrmCustomerPage  *self,
                               const CrmAccount *account)
{
  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));

  g_clear_pointer (&self->account, crm_account_free);
  if (account != NULL)
    self->account = crm_account_copy (account);
  self->user_id = account != NULL ? account->user_id : 0;
  fill_owner_row (self);
  apply_field_access (self);
  set_busy (self);
  show_summary (self);
  fill_tags (self);
}

/* For tests: shows the next older events, as a click on "Show Older Events". */
gboolean
_crm_customer_page_show_older_events (CrmCustomerPage *self)
{
  if (self->older_row == NULL)
    return FALSE;
  older_row_activated_cb (self);
  return TRUE;
}

/* For tests: whether the form holds edits not saved yet. */
gboolean
_crm_customer_page_has_unsaved_changes (CrmCustomerPage *self)
{
  return has_unsaved_changes (self);
}
