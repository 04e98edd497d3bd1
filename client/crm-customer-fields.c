/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-fields"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-customer-fields.h"
#include "crm-format.h"

/* The closed sets of values of a customer's fields, and how they read. No
 * display: shared by the list, its filters, batch edit and the customer page. */

const CrmChoice crm_customer_kinds[] = {
  { "company", N_("Company") },
  { "individual", N_("Individual") },
  { NULL, NULL },
};

const CrmChoice crm_customer_sizes[] = {
  { "large", N_("Large") },
  { "medium_small", N_("Medium or small") },
  { "individual", N_("Individual") },
  { NULL, NULL },
};

const CrmChoice crm_customer_potentials[] = {
  { "high", N_("High") },
  { "medium", N_("Medium") },
  { "low", N_("Low") },
  { NULL, NULL },
};

guint
crm_choices_count (const CrmChoice *choices)
{
  guint n = 0;

  while (choices[n].value != NULL)
    n++;
  return n;
}

/* The index of @value in @choices, or -1. */
int
crm_choices_find (const CrmChoice *choices,
                  const char      *value)
{
  for (int i = 0; value != NULL && choices[i].value != NULL; i++)
    if (g_str_equal (choices[i].value, value))
      return i;
  return -1;
}

/**
 * crm_choices_get_label:
 *
 * Returns: (transfer none): the translated label of @value, @value itself when
 *   it is not one of @choices, or "" for %NULL
 */
const char *
crm_choices_get_label (const CrmChoice *choices,
                       const char      *value)
{
  int i = crm_choices_find (choices, value);

  if (i >= 0)
    return _(choices[i].label);
  return value != NULL ? value : "";
}

const CrmChoice crm_activity_kinds[] = {
  { "call", N_("Call") },
  { "visit", N_("Visit") },
  { "email", N_("E-mail") },
  { "meeting", N_("Meeting") },
  { "note", N_("Note") },
  { NULL, NULL },
};

/* The kinds of custom fields of /fields. */
const CrmChoice crm_custom_field_types[] = {
  { "text", N_("Text") },
  { "number", N_("Number") },
  { "money", N_("Money") },
  { "date", N_("Date") },
  { "choice", N_("Choice") },
  { "multi_choice", N_("Several choices") },
  { "boolean", N_("Yes or no") },
  { NULL, NULL },
};

/* Every member of a customer record, with its label, in the order of a form. */
static const CrmChoice field_labels[] = {
  { "name", N_("Name") },
  { "kind", N_("Kind") },
  { "registration_no", N_("Unified social credit code") },
  { "legal_representative", N_("Legal representative") },
  { "registered_capital", N_("Registered capital") },
  { "registered_capital_currency", N_("Registered capital currency") },
  { "established_on", N_("Date of establishment") },
  { "industry", N_("Industry") },
  { "size", N_("Size") },
  { "potential", N_("Potential") },
  { "level", N_("Level") },
  { "source", N_("Source") },
  { "mobile", N_("Mobile") },
  { "phone", N_("Phone") },
  { "email", N_("Email") },
  { "website", N_("Website") },
  { "province", N_("Province") },
  { "city", N_("City") },
  { "district", N_("District") },
  { "address", N_("Address") },
  { "notes", N_("Notes") },
  { "credit_terms", N_("Credit terms") },
  { "owner_id", N_("Owner") },
  { "tags", N_("Tags") },
  { "custom", N_("More Fields") },
  { "marketing_consent", N_("Marketing consent") },
  { "consent_source", N_("Consent source") },
  { "consent_at", N_("Consent changed") },
  { "followed_up_at", N_("Last follow-up") },
  { "deleted_at", N_("Deleted") },
  { "deleted_by", N_("Deleted by") },
  { "merged_into", N_("Merged into") },
  { NULL, NULL },
};

/* Every member of a contact that people edit or see changed, in the order of its form. */
static const CrmChoice contact_field_labels[] = {
  { "full_name", N_("Name") },
  { "title", N_("Title") },
  { "mobile", N_("Mobile") },
  { "phone", N_("Phone") },
  { "email", N_("Email") },
  { "is_primary", N_("Primary contact") },
  { "customer_id", N_("Customer") },
  { "custom", N_("More Fields") },
  { NULL, NULL },
};

/* The members of a user that the Administration section edits, in the order of its form. */
static const CrmChoice user_field_labels[] = {
  { "username", N_("User name") },
  { "display_name", N_("Full name") },
  { "email", N_("E-mail") },
  { "mobile", N_("Mobile") },
  { "team_id", N_("Team") },
  { "role_id", N_("Role") },
  { "is_active", N_("Active") },
  { NULL, NULL },
};

/* The members of the other records the Administration section edits (teams, tags,
 * custom fields, level rules, roles), as its forms name them. */
static const CrmChoice admin_field_labels[] = {
  { "name", N_("Name") },
  { "description", N_("Description") },
  { "color", N_("Colour") },
  { "object", N_("Record") },
  { "label", N_("Label") },
  { "key", N_("Field key") },
  { "type", N_("Type") },
  { "choices", N_("Choices") },
  { "required", N_("Required") },
  { "sensitive", N_("Sensitive (encrypted)") },
  { "position", N_("Position") },
  { "level", N_("Level") },
  { "min_amount", N_("Orders of at least") },
  { "currency", N_("Currency") },
  { "months", N_("Within months") },
  { "permissions", N_("Permissions") },
  { "require_mfa", N_("Requires two-factor sign-in") },
  { NULL, NULL },
};

/**
 * crm_customer_field_label:
 * @name: a member of a customer record, such as `registration_no`
 *
 * Returns: (transfer none): its translated label, or @name when it has none
 */
const char *
crm_customer_field_label (const char *name)
{
  return crm_choices_get_label (field_labels, name);
}

/**
 * crm_contact_field_label:
 * @name: a member of a contact, such as `full_name`
 *
 * Returns: (transfer none): its translated label, or @name when it has none
 */
const char *
crm_contact_field_label (const char *name)
{
  return crm_choices_get_label (contact_field_labels, name);
}

/**
 * crm_record_field_label:
 * @object: the API name of a kind of record, such as `customers`
 * @name: a member of such a record
 *
 * A standard field's label wherever a record's fields are named (the audit log).
 *
 * Returns: (transfer none): its translated label, or @name for a field the client has
 *   no label for
 */
const char *
crm_record_field_label (const char *object,
                        const char *name)
{
  if (g_strcmp0 (object, "customers") == 0)
    return crm_customer_field_label (name);
  if (g_strcmp0 (object, "contacts") == 0)
    return crm_contact_field_label (name);
  if (crm_choices_find (user_field_labels, name) >= 0)
    return crm_choices_get_label (user_field_labels, name);
  return crm_choices_get_label (admin_field_labels, name);
}

/**
 * crm_record_fields:
 * @object: the API name of a kind of record: `customers`, `contacts` or `users`
 *
 * The standard fields of such a record, in the order of its form, with their labels:
 * what an administrator can restrict. `custom` (the custom fields as a whole) is among
 * them; each custom field is restricted on its own, as `custom_KEY`.
 *
 * Returns: (transfer none) (nullable): the fields, ending with { NULL, NULL }; %NULL for
 *   another kind of record
 */
const CrmChoice *
crm_record_fields (const char *object)
{
  if (g_strcmp0 (object, "customers") == 0)
    return field_labels;
  if (g_strcmp0 (object, "contacts") == 0)
    return contact_field_labels;
  if (g_strcmp0 (object, "users") == 0)
    return user_field_labels;
  return NULL;
}

static const char *
tag_sort_name (GHashTable *tags,
               gint64      id)
{
  JsonObject *tag = tags != NULL ? g_hash_table_lookup (tags, &id) : NULL;

  return tag != NULL ? json_object_get_string_member_with_default (tag, "name", NULL) : NULL;
}

/**
 * crm_tag_dup_name:
 * @tags: (nullable): tag id (gint64) → JsonObject of `/tags`
 * @id: a tag id
 *
 * The name a tag shows by, wherever it shows (chips, lists, tooltips): "#ID" while the
 * tags have not come or when @id is not among them.
 *
 * Returns: (transfer full): the name
 */
char *
crm_tag_dup_name (GHashTable *tags,
                  gint64      id)
{
  const char *name = tag_sort_name (tags, id);

  return name != NULL ? g_strdup (name) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}

static int
compare_tag_ids (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  gint64 id_a = *(const gint64 *) a;
  gint64 id_b = *(const gint64 *) b;
  const char *name_a = tag_sort_name (user_data, id_a);
  const char *name_b = tag_sort_name (user_data, id_b);
  int order = 0;

  if (name_a != NULL && name_b != NULL)
    order = g_utf8_collate (name_a, name_b);
  else if (name_a != NULL || name_b != NULL)
    order = name_a != NULL ? -1 : 1;   /* tags the client does not know last */
  if (order != 0)
    return order;
  return id_a < id_b ? -1 : id_a > id_b;
}

/**
 * crm_tags_sort_ids:
 * @tags: (nullable): tag id (gint64) → JsonObject of `/tags`
 * @ids: (element-type gint64): tag ids, sorted in place
 *
 * Puts tag ids in the order people read them wherever tags show (chips,
 * filters): by the tags' names in the locale's collation, then by id; ids
 * missing from @tags come last. A customer's `tags` come in the order they
 * were added, so without this two rows with the same tags could differ.
 */
void
crm_tags_sort_ids (GHashTable *tags,
                   GArray     *ids)
{
  g_return_if_fail (ids != NULL);

  g_array_sort_with_data (ids, compare_tag_ids, tags);
}

/*
 * The options of a multiple choice (or a field's list of options) as one text to read.
 * An option may hold a comma ("微信, 短信"), so they are never joined with one: the
 * separator is the locale's list separator ("; " in English, "、" in Chinese), and when
 * an option itself holds that separator (or is empty), every option is quoted, so that
 * where one option ends is always plain. Quoting only then keeps the usual list as
 * people write it.
 */
static char *
options_text (JsonArray *array)
{
  /* Translators: between the options of a multiple choice where they are read (the
   * timeline, a contact's row, a conflict); never a plain comma: an option may hold one */
  const char *separator = _("; ");
  g_autofree char *mark = g_strstrip (g_strdup (separator));
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  gboolean quote = FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      char *text = crm_custom_value_to_text (json_array_get_element (array, i), NULL);

      if (text == NULL)
        text = json_to_string (json_array_get_element (array, i), FALSE);
      if (*text == '\0' || (*mark != '\0' && strstr (text, mark) != NULL))
        quote = TRUE;
      g_ptr_array_add (parts, text);
    }
  for (guint i = 0; quote && i < parts->len; i++)
    {
      /* Translators: one option of a multiple choice, quoted, when an option holds the
       * separator of the list */
      char *quoted = g_strdup_printf (_("“%s”"), (char *) g_ptr_array_index (parts, i));

      g_free (g_ptr_array_index (parts, i));
      g_ptr_array_index (parts, i) = quoted;
    }
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (separator, (char **) parts->pdata);
}

/**
 * crm_custom_value_to_text:
 * @value: (nullable): a field's value as the API has it
 * @currency: (inout) (optional): replaced by a money value's currency (%NULL: CNY); left
 *   as it is for any other value
 *
 * The text a typed editor shows for @value, as crm_custom_value_from_text () reads it
 * back: money formatted with its currency, a number as typed, a boolean as true or false.
 * A multiple choice (an array of options) reads as its options in one text, never joined
 * with a comma (see options_text ()): wherever such a value is read, the timeline, a
 * contact's row, the conflict dialog or the audit log, it reads through here.
 *
 * Returns: (transfer full) (nullable): the text; "" for none (%NULL or a JSON null);
 *   %NULL for a value no editor types and no list (an object that is no money)
 */
char *
crm_custom_value_to_text (JsonNode  *value,
                          char     **currency)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_ARRAY (value))
    return options_text (json_node_get_array (value));
  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *money = json_node_get_object (value);
      const char *code = json_object_get_string_member_with_default (money, "currency", NULL);

      if (currency != NULL)
        {
          g_free (*currency);
          *currency = g_strdup (code);
        }
      return crm_format_money (json_object_get_int_member_with_default (money, "amount", 0),
                               code, NULL);
    }
  if (!JSON_NODE_HOLDS_VALUE (value))
    return NULL;
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (value));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value)));
      }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    default:
      return NULL;
    }
}

/**
 * crm_custom_value_from_text:
 * @type: the custom field's type
 * @text: what the user typed (trimmed)
 * @currency: (nullable): a money field's currency; %NULL means CNY
 *
 * The JSON value of a custom field typed as text: a number, money as
 * `{"amount","currency"}` (read as crm_parse_money () reads it), otherwise the text. A
 * multiple choice is read from its check buttons (crm_choice_checks_dup_value ()). What
 * cannot be read stays text, for the validator (the client's, then the server's) to say
 * why.
 *
 * Returns: (transfer full): the value; a JSON null for empty text
 */
JsonNode *
crm_custom_value_from_text (CrmFieldType  type,
                            const char   *text,
                            const char   *currency)
{
  JsonNode *node;

  if (text == NULL || *text == '\0')
    return json_node_new (JSON_NODE_NULL);
  switch (type)
    {
    case CRM_FIELD_TYPE_NUMBER:
      {
        char *end = NULL;
        double number = g_ascii_strtod (text, &end);

        node = json_node_new (JSON_NODE_VALUE);
        if (end != NULL && *end == '\0')
          {
            if (number == (double) (gint64) number)
              json_node_set_int (node, (gint64) number);
            else
              json_node_set_double (node, number);
          }
        else
          json_node_set_string (node, text);
        return node;
      }
    case CRM_FIELD_TYPE_MONEY:
      {
        g_autoptr(JsonObject) money = json_object_new ();
        gint64 amount = 0;

        if (!crm_parse_money (text, currency, NULL, &amount))
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_string (node, text);
            return node;
          }
        json_object_set_int_member (money, "amount", amount);
        json_object_set_string_member (money, "currency", currency != NULL ? currency : "CNY");
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_set_object (node, money);
        return node;
      }
    case CRM_FIELD_TYPE_BOOLEAN:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, g_str_equal (text, "true"));
      return node;
    case CRM_FIELD_TYPE_TEXT:
    case CRM_FIELD_TYPE_DATE:
    case CRM_FIELD_TYPE_CHOICE:
    default:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, text);
      return node;
    }
}
