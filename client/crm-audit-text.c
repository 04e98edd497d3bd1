/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-audit-text"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "crm-account.h"
#include "crm-audit-text.h"
#include "crm-customer-fields.h"
#include "crm-format.h"
#include "crm-permission.h"

/*
 * How the audit log reads for people: an entry as a sentence ("ada edited customer
 * “ACME” (#12)"), the label of its action, and the values it recorded through the
 * same labels and formats the rest of the client shows them with (choices by their
 * labels, owners and tags by their names, money and dates formatted, booleans as
 * Yes/No). No display: shared by the audit log of the Administration section and
 * the timeline of the customer page.
 */

typedef struct
{
  const char *action;
  const char *label;    /* short, for a list column and a filter */
  const char *sentence; /* %1$s: who, %2$s: what */
  const char *failed;   /* the sentence when it failed, or NULL */
} ActionText;

/* In the order of the action filter. The actions of CrmAction take their labels from
 * there (label NULL here), as the permission matrix shows them. */
static const ActionText actions[] = {
  { "create", NULL,
    /* Translators: %1$s is a person, %2$s a record, such as customer “ACME” (#12) */
    N_("%1$s created %2$s"), NULL },
  { "read", NULL,
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s opened %2$s"), NULL },
  { "update", NULL,
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s edited %2$s"), NULL },
  { "batch_update", N_("Batch edit"),
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s edited %2$s in a batch edit"), NULL },
  { "delete", NULL,
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s deleted %2$s"), NULL },
  { "restore", N_("Restore"),
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s restored %2$s from the recycle bin"), NULL },
  { "purge", N_("Delete for good"),
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s deleted %2$s for good"), NULL },
  { "merge", N_("Merge"),
    /* Translators: %1$s is a person, %2$s the customer the duplicates went into */
    N_("%1$s merged duplicates into %2$s"), NULL },
  { "list", N_("List"),
    /* Translators: %1$s is a person, %2$s a kind of records, such as Customers */
    N_("%1$s listed %2$s"), NULL },
  { "count", N_("Count"),
    /* Translators: %1$s is a person, %2$s a kind of records, such as Customers */
    N_("%1$s counted %2$s"), NULL },
  { "export", NULL,
    /* Translators: %1$s is a person, %2$s a kind of records */
    N_("%1$s exported %2$s"), NULL },
  { "assign", NULL,
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s assigned %2$s"), NULL },
  { "approve", NULL,
    /* Translators: %1$s is a person, %2$s a record */
    N_("%1$s approved %2$s"), NULL },
  { "denied", N_("Refused"), NULL, NULL },
  { "session.create", N_("Sign in"),
    /* Translators: %1$s is a person */
    N_("%1$s signed in"),
    /* Translators: %1$s is the user name someone tried */
    N_("%1$s could not sign in") },
  { "session.delete", N_("Sign out"),
    /* Translators: %1$s is a person */
    N_("%1$s signed out"), NULL },
  { "sessions.revoke", N_("Sign out everywhere"),
    /* Translators: %1$s is a person, %2$s the user they signed out */
    N_("%1$s signed %2$s out everywhere"), NULL },
  { "password.set", N_("Set password"),
    /* Translators: %1$s is a person, %2$s a user */
    N_("%1$s set the password of %2$s"), NULL },
  { "mfa.enroll", N_("Two-factor setup"),
    /* Translators: %1$s is a person */
    N_("%1$s began to set up two-factor sign-in"), NULL },
  { "mfa.enable", N_("Two-factor on"),
    /* Translators: %1$s is a person */
    N_("%1$s turned on two-factor sign-in"),
    /* Translators: %1$s is a person */
    N_("%1$s could not turn on two-factor sign-in") },
  { "mfa.reset", N_("Two-factor reset"),
    /* Translators: %1$s is a person, %2$s a user */
    N_("%1$s reset the two-factor sign-in of %2$s"), NULL },
  { "subscribe", N_("Live updates"),
    /* Translators: %1$s is a person */
    N_("%1$s subscribed to live updates"), NULL },
};

/* What one record of a kind is called in a sentence. */
static const CrmChoice record_nouns[] = {
  { "customers", N_("customer") },
  { "contacts", N_("contact") },
  { "leads", N_("lead") },
  { "opportunities", N_("opportunity") },
  { "activities", N_("follow-up") },
  { "orders", N_("order") },
  { "products", N_("product") },
  { "tickets", N_("ticket") },
  { "kb_articles", N_("article") },
  { "campaigns", N_("campaign") },
  { "segments", N_("segment") },
  { "users", N_("user") },
  { "roles", N_("role") },
  { "teams", N_("team") },
  { "fields", N_("field setting") },
  { "audit", N_("the audit log") },
  { "reports", N_("report") },
  { "settings", N_("a setting") },
  { "events", N_("live updates") },
  { NULL, NULL },
};

static const CrmChoice sign_in_reasons[] = {
  { "password", N_("Wrong password") },
  { "unknown_user", N_("No such user") },
  { "disabled", N_("The account is disabled") },
  { "locked", N_("Too many failed sign-ins") },
  { "mfa_required", N_("A two-factor code was needed") },
  { "mfa_code", N_("Wrong two-factor code") },
  { "wrong_code", N_("Wrong two-factor code") },
  { NULL, NULL },
};

static const CrmChoice sign_in_methods[] = {
  { "password", N_("Password") },
  { "totp", N_("Password and authenticator code") },
  { "recovery_code", N_("Password and recovery code") },
  { NULL, NULL },
};

static const CrmChoice settings[] = {
  { "reminders", N_("Reminders") },
  { NULL, NULL },
};

static const CrmChoice outcomes[] = {
  { "ok", N_("Done") },
  { "denied", N_("Denied") },
  { "failed", N_("Failed") },
  { NULL, NULL },
};

/* Members of a detail that are about the request rather than a record: a list's filters
 * and paging, a sign-in's method. The cursor and page size mean nothing to people. */
static const CrmChoice detail_labels[] = {
  { "q", N_("Search") },
  { "sort", N_("Sort by") },
  { "offset", N_("From position") },
  { "deleted", N_("In the recycle bin") },
  { "count", N_("Records") },
  { "reason", N_("Reason") },
  { "method", N_("Signed in with") },
  { "session_id", N_("Session") },
  { "revoked", N_("Sessions ended") },
  { "setting", N_("Setting") },
  { "object", N_("Object") },
  { "field", N_("Field") },
  { "protected", N_("Protected") },
  { "sensitive", N_("Sensitive") },
  { "action", N_("Action") },
  { "user_id", N_("User") },
  { "from", N_("From") },
  { "to", N_("To") },
  { "outcome", N_("Outcome") },
  { "tag", N_("Tags") },
  { "created_from", N_("Created from") },
  { "created_to", N_("Created before") },
  { "updated_from", N_("Changed from") },
  { "updated_to", N_("Changed before") },
  { NULL, NULL },
};

/* What every record carries, which says nothing about a change. */
static const char * const housekeeping[] = { "id", "version", "created_at", "updated_at", NULL };

static const char * const skipped_details[] = { "before", "after", "limit", "capped", "merged",
                                                 "moved", "timeline", NULL };

static const ActionText *
find_action (const char *action)
{
  for (guint i = 0; action != NULL && i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].action, action))
      return &actions[i];
  return NULL;
}

/**
 * crm_audit_get_actions:
 *
 * Returns: (transfer none): the actions the audit log records, in the order a
 *   filter lists them; %NULL-terminated
 */
const char * const *
crm_audit_get_actions (void)
{
  static const char *names[G_N_ELEMENTS (actions) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
      names[i] = actions[i].action;
  return names;
}

/**
 * crm_audit_action_label:
 * @action: an audited action, such as `batch_update` or `session.create`
 *
 * Returns: (transfer none): its translated label, or @action when unknown
 */
const char *
crm_audit_action_label (const char *action)
{
  const ActionText *text = find_action (action);
  CrmAction verb;

  if (text != NULL && text->label != NULL)
    return _(text->label);
  if (action != NULL && crm_action_from_string (action, &verb))
    return _(crm_action_get_label (verb));
  return action != NULL ? action : "";
}

static const char *
object_label (const char *object)
{
  CrmObject value;

  if (object != NULL && crm_object_from_string (object, &value))
    return _(crm_object_get_label (value));
  if (g_strcmp0 (object, "settings") == 0)
    return _("Settings");
  return object != NULL ? object : "";
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* An id of the JSON, also when it came as text (a list's filters). */
static gboolean
node_get_id (JsonNode *node,
             gint64   *id)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *id = json_node_get_int (node);
      return TRUE;
    }
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      *id = g_ascii_strtoll (text, &end, 10);
      return *text != '\0' && end != NULL && *end == '\0';
    }
  return FALSE;
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}

/* The name @table gives @id, or "#ID". */
static char *
name_by_id (GHashTable *table,
            gint64      id,
            gboolean    tags)
{
  gpointer found = table != NULL ? g_hash_table_lookup (table, &id) : NULL;

  if (found != NULL && tags)
    found = (gpointer) string_member (found, "name");
  if (found != NULL)
    return g_strdup (found);
  return id_text (id);
}

/* The custom field definition @name ("custom.KEY", or "custom_KEY" as field
 * restrictions name it) of @object, or NULL. */
static JsonObject *
custom_definition (const CrmAuditNames *names,
                   const char          *object,
                   const char          *name)
{
  g_autofree char *qualified = NULL;

  if (names == NULL || names->fields == NULL || name == NULL
      || !(g_str_has_prefix (name, "custom.") || g_str_has_prefix (name, "custom_")))
    return NULL;
  qualified = g_strdup_printf ("%s.%s", object != NULL ? object : "", name + strlen ("custom."));
  return g_hash_table_lookup (names->fields, qualified);
}

/**
 * crm_audit_field_label:
 * @names: (nullable): what ids and keys name
 * @object: the API name of a kind of record, such as `customers`
 * @name: a member of such a record, or "custom.KEY" for a custom field
 *
 * Returns: (transfer none): the field's label as its forms show it (a custom field's
 *   of /fields), else @name
 */
const char *
crm_audit_field_label (const CrmAuditNames *names,
                       const char          *object,
                       const char          *name)
{
  JsonObject *definition = custom_definition (names, object, name);

  if (definition != NULL && string_member (definition, "label") != NULL)
    return string_member (definition, "label");
  if (name != NULL && g_str_has_prefix (name, "custom."))
    return name + strlen ("custom.");
  return crm_record_field_label (object, name);
}

/* A day or a time as the client writes them; NULL when @text is neither. */
static char *
date_text (const char *text)
{
  if (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text, 0, 0))
    {
      g_autoptr(GDateTime) noon = g_date_time_new_local (atoi (text), atoi (text + 5),
                                                         atoi (text + 8), 12, 0, 0);

      return noon != NULL ? crm_format_date_time (noon, NULL, CRM_DATE_STYLE_DATE) : NULL;
    }
  if (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T", text, 0, 0))
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

      return time != NULL ? crm_format_date_time (time, NULL, CRM_DATE_STYLE_DATE_TIME) : NULL;
    }
  return NULL;
}

/* A string value: choices by their labels, dates formatted. */
static char *
string_text (const CrmAuditNames *names,
             const char          *object,
             const char          *name,
             const char          *text)
{
  gboolean customers = g_strcmp0 (object, "customers") == 0;
  char *date;

  if (customers && g_str_equal (name, "kind"))
    return g_strdup (crm_choices_get_label (crm_customer_kinds, text));
  if (customers && g_str_equal (name, "size"))
    return g_strdup (crm_choices_get_label (crm_customer_sizes, text));
  if (customers && g_str_equal (name, "potential"))
    return g_strdup (crm_choices_get_label (crm_customer_potentials, text));
  if (g_strcmp0 (object, "activities") == 0 && g_str_equal (name, "kind"))
    return g_strdup (crm_choices_get_label (crm_activity_kinds, text));
  if (g_strcmp0 (object, "fields") == 0 && g_str_equal (name, "type"))
    return g_strdup (crm_choices_get_label (crm_custom_field_types, text));
  if (g_str_equal (name, "object"))
    return g_strdup (object_label (text));
  if (g_str_equal (name, "action"))
    return g_strdup (crm_audit_action_label (text));
  if (g_str_equal (name, "outcome"))
    return g_strdup (crm_choices_get_label (outcomes, text));
  if (g_str_equal (name, "reason"))
    return g_strdup (crm_choices_get_label (sign_in_reasons, text));
  if (g_str_equal (name, "method"))
    return g_strdup (crm_choices_get_label (sign_in_methods, text));
  if (g_str_equal (name, "setting"))
    return g_strdup (crm_choices_get_label (settings, text));
  if (g_str_equal (name, "sort"))
    {
      gboolean descending = *text == '-';
      const char *field = crm_audit_field_label (names, object, text + (descending ? 1 : 0));

      /* Translators: sorted by a field, the largest or latest first */
      return descending ? g_strdup_printf (_("%s, descending"), field) : g_strdup (field);
    }
  if (g_str_equal (name, "q"))
    return g_strdup_printf ("“%s”", text);
  date = date_text (text);
  return date != NULL ? date : g_strdup (text);
}

static char *
join_parts (GPtrArray *parts)
{
  g_ptr_array_add (parts, NULL);
  /* Translators: the separator of a list, such as tags */
  return g_strjoinv (_(", "), (char **) parts->pdata);
}

/* The members of a list of tag ids, "1,4" as a filter has them. */
static char *
tag_list_text (const CrmAuditNames *names,
               const char          *ids)
{
  g_auto(GStrv) parts = g_strsplit (ids, ",", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i] != NULL; i++)
    g_ptr_array_add (out, name_by_id (names != NULL ? names->tags : NULL,
                                      g_ascii_strtoll (parts[i], NULL, 10), TRUE));
  return join_parts (out);
}

/**
 * crm_audit_value_text:
 * @names: (nullable): what ids and keys name
 * @object: the API name of the kind of record the value is of, such as `customers`
 * @name: the member it is the value of, or "custom.KEY" for a custom field
 * @value: (nullable): the value; %NULL when the record lacks the member
 *
 * Returns: (transfer full): the value as people read it: owners and tags by name,
 *   choices by label, money and dates formatted, Yes or No, "(empty)"
 */
char *
crm_audit_value_text (const CrmAuditNames *names,
                      const char          *object,
                      const char          *name,
                      JsonNode            *value)
{
  JsonObject *definition = custom_definition (names, object, name);
  gint64 id;

  if (value == NULL)
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_NULL (value)
      || (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
          && *json_node_get_string (value) == '\0')
      || (JSON_NODE_HOLDS_ARRAY (value)
          && json_array_get_length (json_node_get_array (value)) == 0))
    return g_strdup (_("(empty)"));

  if (g_strcmp0 (name, "owner_id") == 0 || g_strcmp0 (name, "user_id") == 0)
    {
      if (node_get_id (value, &id))
        {
          gpointer found = names != NULL && names->users != NULL
                           ? g_hash_table_lookup (names->users, &id) : NULL;
          g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

          if (found != NULL)
            return g_strdup (found);
          /* Translators: a user the client has no name for; %s is the user's id */
          return g_strdup_printf (_("user #%s"), number);
        }
    }
  if (g_strcmp0 (name, "team_id") == 0 && node_get_id (value, &id))
    return name_by_id (names != NULL ? names->teams : NULL, id, FALSE);
  if (g_strcmp0 (name, "role_id") == 0 && node_get_id (value, &id))
    return name_by_id (names != NULL ? names->roles : NULL, id, FALSE);
  if (g_strcmp0 (name, "tag") == 0 && JSON_NODE_HOLDS_VALUE (value)
      && json_node_get_value_type (value) == G_TYPE_STRING)
    return tag_list_text (names, json_node_get_string (value));

  if (JSON_NODE_HOLDS_ARRAY (value) && g_strcmp0 (name, "tags") == 0)
    {
      JsonArray *array = json_node_get_array (value);
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      /* By name, as the chips show them: the order they were added in says nothing. */
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (node_get_id (json_array_get_element (array, i), &id))
          g_array_append_val (ids, id);
      crm_tags_sort_ids (names != NULL ? names->tags : NULL, ids);
      for (guint i = 0; i < ids->len; i++)
        g_ptr_array_add (parts, name_by_id (names != NULL ? names->tags : NULL,
                                            g_array_index (ids, gint64, i), TRUE));
      return join_parts (parts);
    }
  /* A multiple choice's options, or a field's list of them, as one text that says where
   * an option holding a comma ends. */
  if (JSON_NODE_HOLDS_ARRAY (value) && name != NULL
      && (g_str_has_prefix (name, "custom.")
          || (g_strcmp0 (object, "fields") == 0 && g_str_equal (name, "choices"))))
    return crm_custom_value_to_text (value, NULL);
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (node_get_id (element, &id) && JSON_NODE_HOLDS_VALUE (element)
                   && json_node_get_value_type (element) == G_TYPE_INT64)
            g_ptr_array_add (parts, id_text (id));
          else
            g_ptr_array_add (parts, crm_audit_value_text (names, object, NULL, element));
        }
      return join_parts (parts);
    }
  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *money = json_node_get_object (value);

      if (json_object_has_member (money, "amount"))
        return crm_format_money (json_object_get_int_member_with_default (money, "amount", 0),
                                 string_member (money, "currency"), NULL);
      return json_to_string (value, FALSE);
    }
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (value) ? _("Yes") : _("No"));
    case G_TYPE_INT64:
      id = json_node_get_int (value);
      if (name != NULL && (g_str_equal (name, "id") || g_str_has_suffix (name, "_id")
                           || g_str_equal (name, "merged_into")
                           || g_str_equal (name, "deleted_by")))
        return id_text (id);
      if (definition != NULL && g_strcmp0 (string_member (definition, "type"), "money") == 0)
        return crm_format_money (id, NULL, NULL);
      return crm_format_number (id, NULL);
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g", json_node_get_double (value));
    case G_TYPE_STRING:
      return string_text (names, object, name != NULL ? name : "", json_node_get_string (value));
    default:
      return json_to_string (value, FALSE);
    }
}

static void
append_line (GString    *lines,
             const char *text)
{
  if (lines->len > 0)
    g_string_append_c (lines, '\n');
  g_string_append (lines, text);
}

/* "Label: before → after", or "Label: value" when only one side has it. */
static void
append_change (GString    *lines,
               const char *label,
               const char *old_text,
               const char *new_text)
{
  g_autofree char *line = NULL;

  if (old_text != NULL && new_text != NULL)
    /* Translators: a changed field: its name, the value before, the value after */
    line = g_strdup_printf (_("%s: %s → %s"), label, old_text, new_text);
  else
    /* Translators: a field and its value */
    line = g_strdup_printf (_("%s: %s"), label, old_text != NULL ? old_text : new_text);
  append_line (lines, line);
}

/* Per object and action, the scopes that changed; only those given, when one side. */
static void
append_permissions (const CrmAuditNames *names,
                    GString             *lines,
                    JsonNode            *before,
                    JsonNode            *after)
{
  g_autoptr(CrmPermissions) old = before != NULL ? crm_permissions_from_json (before, NULL)
                                                 : NULL;
  g_autoptr(CrmPermissions) new = after != NULL ? crm_permissions_from_json (after, NULL) : NULL;

  if (old == NULL && new == NULL)
    return;
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    {
      for (guint a = 0; a < CRM_N_ACTIONS; a++)
        {
          CrmScope was = old != NULL ? crm_permissions_get_scope (old, o, a) : CRM_SCOPE_NONE;
          CrmScope is = new != NULL ? crm_permissions_get_scope (new, o, a) : CRM_SCOPE_NONE;
          g_autofree char *label = NULL;

          if ((old != NULL && new != NULL && was == is)
              || ((old == NULL || new == NULL) && was == CRM_SCOPE_NONE && is == CRM_SCOPE_NONE))
            continue;
          /* Translators: a permission: the kind of records, then what people do to them */
          label = g_strdup_printf (_("%s · %s"), _(crm_object_get_label (o)),
                                   _(crm_action_get_label (a)));
          append_change (lines, label, old != NULL ? _(crm_scope_get_label (was)) : NULL,
                         new != NULL ? _(crm_scope_get_label (is)) : NULL);
        }
      for (guint side = 0; side < 2; side++)
        {
          CrmPermissions *permissions = side == 0 ? new : old;
          GHashTable *table = permissions != NULL
                              ? crm_permissions_get_field_table (permissions, o) : NULL;
          g_autoptr(GList) fields = table != NULL ? g_hash_table_get_keys (table) : NULL;

          for (GList *l = fields; l != NULL; l = l->next)
            {
              CrmFieldAccess was = old != NULL
                                   ? crm_permissions_get_field_access (old, o, l->data, TRUE)
                                   : CRM_FIELD_ACCESS_NONE;
              CrmFieldAccess is = new != NULL
                                  ? crm_permissions_get_field_access (new, o, l->data, TRUE)
                                  : CRM_FIELD_ACCESS_NONE;
              g_autofree char *label = NULL;

              /* Each field once: from the new side, or the old one when the new lacks it. */
              if ((side == 1 && new != NULL && crm_permissions_get_field_table (new, o) != NULL
                   && g_hash_table_contains (crm_permissions_get_field_table (new, o), l->data))
                  || (old != NULL && new != NULL && was == is))
                continue;
              label = g_strdup_printf (_("%s · %s"), _(crm_object_get_label (o)),
                                       crm_audit_field_label (names, crm_object_to_string (o),
                                                              l->data));
              append_change (lines, label,
                             old != NULL ? _(crm_field_access_get_label (was)) : NULL,
                             new != NULL ? _(crm_field_access_get_label (is)) : NULL);
            }
        }
    }
}

static void
append_custom_changes (const CrmAuditNames *names,
                       const char          *object,
                       JsonNode            *before,
                       JsonNode            *after,
                       GString             *lines)
{
  JsonObject *old = before != NULL && JSON_NODE_HOLDS_OBJECT (before)
                    ? json_node_get_object (before) : NULL;
  JsonObject *new = after != NULL && JSON_NODE_HOLDS_OBJECT (after)
                    ? json_node_get_object (after) : NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) keys = NULL;

  if (old != NULL)
    keys = json_object_get_members (old);
  if (new != NULL)
    keys = g_list_concat (keys, json_object_get_members (new));
  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_autofree char *name = g_strconcat ("custom.", l->data, NULL);
      JsonNode *a = old != NULL ? json_object_get_member (old, l->data) : NULL;
      JsonNode *b = new != NULL ? json_object_get_member (new, l->data) : NULL;
      g_autofree char *old_text = NULL;
      g_autofree char *new_text = NULL;

      if (!g_hash_table_add (seen, l->data) || (a != NULL && b != NULL && json_node_equal (a, b)))
        continue;
      /* Within a change both sides count: a value that appears was empty before. */
      if (old != NULL)
        old_text = a != NULL ? crm_audit_value_text (names, object, name, a)
                             : g_strdup (_("(empty)"));
      if (new != NULL)
        new_text = b != NULL ? crm_audit_value_text (names, object, name, b)
                             : g_strdup (_("(empty)"));
      append_change (lines, crm_audit_field_label (names, object, name), old_text, new_text);
    }
}

/* Amounts of money in minor units beside the member that names their currency: a level
 * rule's, a customer's registered capital (a currency left out of a change is CNY). */
static const struct
{
  const char *amount;
  const char *currency;
} money_members[] = {
  { "min_amount", "currency" },
  { "registered_capital", "registered_capital_currency" },
};

/* A member of @record as text: money in its currency. */
static char *
member_text (const CrmAuditNames *names,
             const char          *object,
             JsonObject          *record,
             const char          *name)
{
  JsonNode *value = json_object_get_member (record, name);

  for (guint i = 0; i < G_N_ELEMENTS (money_members); i++)
    if (g_str_equal (name, money_members[i].amount) && value != NULL
        && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64)
      return crm_format_money (json_node_get_int (value),
                               string_member (record, money_members[i].currency), NULL);
  return crm_audit_value_text (names, object, name, value);
}

/**
 * crm_audit_append_changes:
 * @names: (nullable): what ids and keys name
 * @object: the API name of the kind of record changed, such as `customers`
 * @before: (nullable): the fields before the change
 * @after: (nullable): the fields after it
 * @lines: where to add a line per field: "Label: before → after" for what changed;
 *   "Label: value" for each field of a record created (only @after) or deleted (only
 *   @before)
 */
void
crm_audit_append_changes (const CrmAuditNames *names,
                          const char          *object,
                          JsonObject          *before,
                          JsonObject          *after,
                          GString             *lines)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) members = NULL;

  if (before != NULL)
    members = json_object_get_members (before);
  if (after != NULL)
    members = g_list_concat (members, json_object_get_members (after));
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *old = before != NULL ? json_object_get_member (before, name) : NULL;
      JsonNode *new = after != NULL ? json_object_get_member (after, name) : NULL;
      g_autofree char *old_text = NULL;
      g_autofree char *new_text = NULL;

      if (!g_hash_table_add (seen, (gpointer) name) || g_strv_contains (housekeeping, name))
        continue;
      if (g_str_equal (name, "custom"))
        {
          append_custom_changes (names, object, old, new, lines);
          continue;
        }
      if (g_str_equal (name, "permissions"))
        {
          append_permissions (names, lines, old, new);
          continue;
        }
      if (old != NULL && new != NULL && json_node_equal (old, new))
        continue;
      if (before != NULL)
        old_text = member_text (names, object, before, name);
      if (after != NULL)
        new_text = member_text (names, object, after, name);
      append_change (lines, crm_audit_field_label (names, object, name), old_text, new_text);
    }
}

/**
 * crm_audit_append_merge:
 * @detail: the detail of a `merge` entry: `merged` (ids), `moved` (counts)
 * @lines: where to add how many customers were merged, and what moved
 */
void
crm_audit_append_merge (JsonObject *detail,
                        GString    *lines)
{
  JsonObject *moved = object_member (detail, "moved");
  JsonNode *merged = json_object_get_member (detail, "merged");

  if (merged != NULL && JSON_NODE_HOLDS_ARRAY (merged))
    {
      guint n = json_array_get_length (json_node_get_array (merged));
      g_autofree char *line = NULL;

      /* Translators: how many customers were merged into this one */
      line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u customer merged",
                                           "%u customers merged", n), n);
      append_line (lines, line);
    }
  if (moved != NULL)
    {
      g_autofree char *line = NULL;

      /* Translators: what moved to this customer in a merge */
      line = g_strdup_printf (_("Moved: %d contacts, %d follow-ups, %d orders, %d tickets"),
                              (int) json_object_get_int_member_with_default (moved, "contacts", 0),
                              (int) json_object_get_int_member_with_default (moved, "activities",
                                                                             0),
                              (int) json_object_get_int_member_with_default (moved, "orders", 0),
                              (int) json_object_get_int_member_with_default (moved, "tickets", 0));
      append_line (lines, line);
    }
}

/**
 * crm_audit_append_details:
 * @names: (nullable): what ids and keys name
 * @object: the API name of the entry's kind of record
 * @detail: an entry's detail
 * @lines: where to add a "Label: value" line per member of @detail besides the
 *   before and after of a change and a merge's counts: a list's filters, a sign-in's
 *   method or reason, the field a denial was about…
 */
void
crm_audit_append_details (const CrmAuditNames *names,
                          const char          *object,
                          JsonObject          *detail,
                          GString             *lines)
{
  g_autoptr(GList) members = json_object_get_members (detail);
  const char *field_object = string_member (detail, "object");

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (detail, name);
      const char *label;
      g_autofree char *text = NULL;

      if (g_strv_contains (skipped_details, name))
        continue;
      if (g_str_equal (name, "field") && JSON_NODE_HOLDS_VALUE (value)
          && json_node_get_value_type (value) == G_TYPE_STRING)
        /* A field restriction names the object apart; a denial's is the entry's. */
        text = g_strdup (crm_audit_field_label (names, field_object != NULL
                                                       && !g_str_equal (object, "audit")
                                                       ? field_object : object,
                                                json_node_get_string (value)));
      else if (g_str_equal (name, "count") && json_object_get_boolean_member_with_default (
                 detail, "capped", FALSE))
        {
          g_autofree char *count = crm_audit_value_text (names, object, name, value);

          /* Translators: a count that stopped at its limit, such as 10,000+ */
          text = g_strdup_printf (_("%s+"), count);
        }
      else
        text = crm_audit_value_text (names, object, name, value);
      label = crm_choices_find (detail_labels, name) >= 0
              ? crm_choices_get_label (detail_labels, name)
              : crm_audit_field_label (names, object, name);
      append_change (lines, label, text, NULL);
    }
  if (json_object_get_boolean_member_with_default (detail, "timeline", FALSE))
    append_line (lines, _("Read the timeline"));
}

/* What a field setting is: a tag, a custom field, a level rule or a restriction. */
static const char *
field_setting_noun (JsonObject *record,
                    JsonObject *detail)
{
  if (record != NULL && json_object_has_member (record, "color"))
    return _("tag");
  if (record != NULL && json_object_has_member (record, "key"))
    return _("custom field");
  if (record != NULL && json_object_has_member (record, "min_amount"))
    return _("level rule");
  if (json_object_has_member (detail, "protected"))
    return _("field restriction");
  return _("field setting");
}

/* "customer “ACME” (#12)", "customer #12", "user 李伟 (li)", or the kind alone. */
static char *
record_phrase (const CrmAuditNames *names,
               const char          *object,
               gint64               record_id,
               JsonObject          *detail,
               gboolean             plural)
{
  JsonObject *record = object_member (detail, "after") != NULL ? object_member (detail, "after")
                                                                : object_member (detail, "before");
  static const char * const name_members[] = { "name", "full_name", "display_name", "username",
                                               "label", "level", NULL };
  const char *noun;
  const char *name = NULL;
  g_autofree char *user = NULL;
  g_autofree char *number = NULL;

  if (plural)
    return g_strdup (object_label (object));
  noun = g_strcmp0 (object, "fields") == 0 ? field_setting_noun (record, detail)
                                           : crm_choices_get_label (record_nouns, object);
  for (guint i = 0; record != NULL && name_members[i] != NULL && name == NULL; i++)
    name = string_member (record, name_members[i]);
  if (g_strcmp0 (object, "roles") == 0 && record != NULL)
    name = crm_role_get_display_name (string_member (record, "builtin"), name);
  if (g_strcmp0 (object, "users") == 0 && record_id > 0 && names != NULL && names->users != NULL
      && g_hash_table_lookup (names->users, &record_id) != NULL)
    name = g_hash_table_lookup (names->users, &record_id);
  if (name == NULL && json_object_has_member (detail, "protected")
      && string_member (detail, "field") != NULL)
    name = crm_audit_field_label (names, string_member (detail, "object"),
                                  string_member (detail, "field"));
  if (record_id > 0)
    number = g_strdup_printf ("%" G_GINT64_FORMAT, record_id);
  if (name != NULL && number != NULL)
    /* Translators: a kind of record, its name and its number, such as customer “ACME” (#12) */
    return g_strdup_printf (_("%s “%s” (#%s)"), noun, name, number);
  if (name != NULL)
    /* Translators: a kind of record and its name, such as tag “VIP” */
    return g_strdup_printf (_("%s “%s”"), noun, name);
  if (number != NULL)
    /* Translators: a kind of record and its number, such as customer #12 */
    return g_strdup_printf (_("%s #%s"), noun, number);
  return g_strdup (noun);
}

/**
 * crm_audit_describe_entry:
 * @names: (nullable): what ids and keys name
 * @entry: an entry of /audit
 *
 * Returns: (transfer full): the entry as a sentence, such as "李伟 (li) edited customer
 *   “ACME” (#12)"
 */
char *
crm_audit_describe_entry (const CrmAuditNames *names,
                          JsonObject          *entry)
{
  const char *action = string_member (entry, "action");
  const char *object = string_member (entry, "object");
  const char *outcome = string_member (entry, "outcome");
  JsonObject *detail = object_member (entry, "detail");
  g_autoptr(JsonObject) empty = json_object_new ();
  const ActionText *text = find_action (action);
  JsonNode *user_node = json_object_get_member (entry, "user_id");
  gint64 record_id = json_object_get_int_member_with_default (entry, "record_id", 0);
  const char *who = string_member (entry, "username");
  gint64 user_id;
  g_autofree char *what = NULL;
  char *sentence;

  if (detail == NULL)
    detail = empty;
  if (user_node != NULL && node_get_id (user_node, &user_id) && names != NULL
      && names->users != NULL && g_hash_table_lookup (names->users, &user_id) != NULL)
    who = g_hash_table_lookup (names->users, &user_id);
  if (who == NULL || *who == '\0')
    who = _("Someone");

  if (g_strcmp0 (action, "denied") == 0)
    {
      what = record_phrase (names, object, record_id, detail, record_id == 0);
      /* Translators: %1$s is a person, %2$s an action (such as Update), %3$s a record or
       * a kind of records */
      return g_strdup_printf (_("%1$s was refused “%2$s” on %3$s"), who,
                              crm_audit_action_label (string_member (detail, "action")), what);
    }
  what = record_phrase (names, object, record_id, detail,
                        g_strcmp0 (action, "list") == 0 || g_strcmp0 (action, "count") == 0
                        || g_strcmp0 (action, "export") == 0);
  if (text == NULL || text->sentence == NULL)
    /* Translators: an action the client has no sentence for: who, the action, what */
    return g_strdup_printf (_("%1$s: %2$s, %3$s"), who, crm_audit_action_label (action), what);
  if (g_strcmp0 (outcome, "failed") == 0 && text->failed != NULL)
    return g_strdup_printf (_(text->failed), who, what);
  if (g_str_equal (text->action, "delete") && g_strcmp0 (object, "customers") == 0)
    /* Translators: %1$s is a person, %2$s a customer; an administrator can restore it */
    sentence = g_strdup_printf (_("%1$s moved %2$s to the recycle bin"), who, what);
  else
    sentence = g_strdup_printf (_(text->sentence), who, what);
  if (g_strcmp0 (outcome, "failed") == 0 || g_strcmp0 (outcome, "denied") == 0)
    {
      g_autofree char *plain = sentence;

      /* Translators: something someone tried, then how it ended, such as Failed */
      sentence = g_strdup_printf (_("%s (%s)"), plain, crm_choices_get_label (outcomes, outcome));
    }
  return sentence;
}
