/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-audit"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-account.h"
#include "crm-admin-audit.h"
#include "crm-api-paths.h"
#include "crm-audit-text.h"

/**
 * CrmAdminAudit:
 *
 * The audit log, newest first: filters (user, object, action, dates), a page
 * at a time (keyset: "Load More" asks for the entries after the last one), and
 * the selected entry's details: a sentence saying who did what, then the before
 * and after of changed fields as crm-audit-text writes them, by the labels and
 * names people know (users, tags, teams, roles and custom fields of the server).
 */

#define PAGE_SIZE 100

struct _CrmAdminAudit
{
  CrmAdminView        parent_instance;

  GtkDropDown        *user_filter;
  GtkStringList      *user_names;
  GArray             *user_ids;      /* gint64, parallel to user_names after "Anyone" */
  GtkDropDown        *object_filter;
  GtkDropDown        *action_filter;
  GtkEditable        *from_filter;
  GtkEditable        *to_filter;
  GtkColumnView      *column_view;
  GtkStack           *list_stack;    /* "list" or "empty" */
  GtkSingleSelection *selection;
  GListStore         *entries;
  GtkButton          *more_button;
  GtkLabel           *details;
  GtkLabel           *status_label;
  CrmAuditNames       names;         /* each table owned */
  GHashTable         *display_names; /* user id → display name, for the User column */
  char               *next;          /* the cursor of the next page, or NULL */
  char               *query;         /* the filters of the entries shown */
  GCancellable       *page_cancellable; /* of the page being loaded */
};

G_DEFINE_FINAL_TYPE (CrmAdminAudit, crm_admin_audit, CRM_TYPE_ADMIN_VIEW)

/* The objects the log names besides CrmObject's. */
static const char * const extra_objects[] = { "session", NULL };

static char *
time_cell (CrmAdminView *view,
           JsonObject   *entry,
           const char   *member)
{
  return crm_admin_format_time (json_object_get_string_member_with_default (entry, "at", NULL));
}

static char *
object_cell (CrmAdminView *view,
             JsonObject   *entry,
             const char   *member)
{
  const char *object = json_object_get_string_member_with_default (entry, "object", NULL);

  /* What the log names besides records: sign-ins, live updates, and settings such as
   * the reminders. */
  if (g_strcmp0 (object, "session") == 0)
    return g_strdup (_("Sign-in"));
  if (g_strcmp0 (object, "events") == 0)
    return g_strdup (_("Live updates"));
  if (g_strcmp0 (object, "settings") == 0)
    return g_strdup (_("Settings"));
  return g_strdup (crm_admin_object_label_for_name (object));
}

static char *
action_cell (CrmAdminView *view,
             JsonObject   *entry,
             const char   *member)
{
  return g_strdup (crm_audit_action_label (
    json_object_get_string_member_with_default (entry, "action", NULL)));
}

static char *
outcome_cell (CrmAdminView *view,
              JsonObject   *entry,
              const char   *member)
{
  const char *outcome = json_object_get_string_member_with_default (entry, "outcome", "");

  if (g_str_equal (outcome, "ok"))
    return g_strdup (_("Done"));
  if (g_str_equal (outcome, "denied"))
    return g_strdup (_("Denied"));
  if (g_str_equal (outcome, "failed"))
    return g_strdup (_("Failed"));
  return g_strdup (outcome);
}

/* Who did it: the user's name as people know it; the user name it was done under when the
 * client knows no user of that id (a failed sign-in with an unknown name, a deleted user). */
static char *
user_cell (CrmAdminView *view,
           JsonObject   *entry,
           const char   *member)
{
  CrmAdminAudit *self = CRM_ADMIN_AUDIT (view);
  gint64 id = json_object_get_int_member_with_default (entry, "user_id", 0);
  const char *name = id > 0 ? g_hash_table_lookup (self->display_names, &id) : NULL;

  if (name != NULL && *name != '\0')
    return g_strdup (name);
  return g_strdup (json_object_get_string_member_with_default (entry, "username", ""));
}

/* The user name beside the name, for telling apart two people of one name. */
static char *
user_tooltip (CrmAdminView *view,
              JsonObject   *entry,
              const char   *member)
{
  const char *username = json_object_get_string_member_with_default (entry, "username", NULL);

  if (username == NULL || *username == '\0')
    return NULL;
  /* Translators: the tooltip of the audit log's User column; %s is a user name */
  return g_strdup_printf (_("User name: %s"), username);
}

static char *
record_cell (CrmAdminView *view,
             JsonObject   *entry,
             const char   *member)
{
  gint64 id = json_object_get_int_member_with_default (entry, "record_id", 0);

  return id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : g_strdup ("");
}

/* @text's lines, each indented under a heading. */
static void
append_indented (GString    *text,
                 const char *heading,
                 GString    *lines)
{
  g_auto(GStrv) split = NULL;

  if (lines->len == 0)
    return;
  g_string_append_printf (text, "\n\n%s", heading);
  split = g_strsplit (lines->str, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    g_string_append_printf (text, "\n  %s", split[i]);
}

/* The selected entry, for people: when, who did what, then each changed field's
 * before and after, then anything else the entry holds. */
static void
show_details (CrmAdminAudit *self)
{
  CrmCustomer *entry = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autoptr(GString) others = g_string_new (NULL);
  g_autofree char *when = NULL;
  g_autofree char *sentence = NULL;
  JsonNode *detail;
  JsonObject *object;
  JsonObject *before = NULL;
  JsonObject *after = NULL;
  const char *record_object;

  if (entry == NULL)
    {
      gtk_label_set_text (self->details, _("Select an entry to see what changed."));
      return;
    }
  when = crm_admin_format_time (crm_customer_get_string (entry, "at"));
  sentence = crm_audit_describe_entry (&self->names, crm_customer_get_object (entry));
  g_string_append_printf (text, "%s\n%s", when, sentence);
  if (crm_customer_get_string (entry, "source") != NULL)
    {
      g_string_append_c (text, '\n');
      /* Translators: where a request came from, such as an IP address */
      g_string_append_printf (text, _("From: %s"), crm_customer_get_string (entry, "source"));
    }

  detail = json_object_get_member (crm_customer_get_object (entry), "detail");
  if (detail == NULL || !JSON_NODE_HOLDS_OBJECT (detail))
    {
      gtk_label_set_text (self->details, text->str);
      return;
    }
  object = json_node_get_object (detail);
  record_object = crm_customer_get_string (entry, "object") != NULL
                  ? crm_customer_get_string (entry, "object") : "";
  if (json_object_get_member (object, "before") != NULL
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "before")))
    before = json_object_get_object_member (object, "before");
  if (json_object_get_member (object, "after") != NULL
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "after")))
    after = json_object_get_object_member (object, "after");

  crm_audit_append_changes (&self->names, record_object, before, after, changes);
  append_indented (text, before != NULL && after != NULL
                         ? _("Changed fields (before → after):") : _("Fields:"), changes);
  crm_audit_append_merge (object, others);
  crm_audit_append_details (&self->names, record_object, object, others);
  append_indented (text, _("Details:"), others);
  gtk_label_set_text (self->details, text->str);
}

static void
update_status (CrmAdminAudit *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  g_autofree char *text = NULL;

  gtk_stack_set_visible_child_name (self->list_stack,
                                    n == 0 && self->page_cancellable == NULL ? "empty" : "list");
  if (n == 0)
    text = g_strdup (_("No entries match the filters."));
  else if (self->next != NULL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry shown; there are more",
                                         "%u entries shown; there are more", n), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", n), n);
  gtk_label_set_text (self->status_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.more", self->next != NULL);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CrmAdminAudit) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) page = NULL;
  JsonNode *next;

  reply = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || crm_admin_view_get_api_client (CRM_ADMIN_VIEW (self)) == NULL)
    return;
  g_clear_object (&self->page_cancellable);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Loading the audit log"), error);
      update_status (self);
      return;
    }
  page = crm_admin_records_from_reply (reply);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (page)); i++)
    {
      g_autoptr(CrmCustomer) entry = g_list_model_get_item (G_LIST_MODEL (page), i);

      g_list_store_append (self->entries, entry);
    }
  g_clear_pointer (&self->next, g_free);
  next = JSON_NODE_HOLDS_OBJECT (reply)
         ? json_object_get_member (json_node_get_object (reply), "next") : NULL;
  if (next != NULL && JSON_NODE_HOLDS_VALUE (next))
    self->next = g_strdup (json_node_get_string (next));
  update_status (self);
}

static void
load_page (CrmAdminAudit *self)
{
  g_autoptr(GString) query = g_string_new (self->query);

  /* A page of other filters is of no use any more. */
  if (self->page_cancellable != NULL)
    g_cancellable_cancel (self->page_cancellable);
  g_clear_object (&self->page_cancellable);
  if (self->next != NULL)
    crm_api_query_add (query, "after", self->next);
  self->page_cancellable = g_cancellable_new ();
  crm_api_client_call_async (crm_admin_view_get_api_client (CRM_ADMIN_VIEW (self)),
                             SOUP_METHOD_GET, CRM_API_BASE "/audit", query->str, NULL, 0,
                             self->page_cancellable, page_cb, g_object_ref (self));
}

/* A YYYY-MM-DD in the local time zone, @days_later, as an RFC 3339 UTC time; NULL
 * for an empty @text; FALSE when @text is not a date. */
static gboolean
parse_day (const char  *text,
           int          days_later,
           char       **out)
{
  int year, month, day;
  char end;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) later = NULL;
  g_autoptr(GDateTime) utc = NULL;

  *out = NULL;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3)
    return FALSE;
  local = g_date_time_new_local (year, month, day, 0, 0, 0);
  if (local == NULL)
    return FALSE;
  later = g_date_time_add_days (local, days_later);
  utc = g_date_time_to_utc (later);
  *out = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  return TRUE;
}

static void
apply_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  CrmAdminAudit *self = CRM_ADMIN_AUDIT (widget);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  guint user = gtk_drop_down_get_selected (self->user_filter);
  guint action = gtk_drop_down_get_selected (self->action_filter);
  guint object = gtk_drop_down_get_selected (self->object_filter);

  if (crm_admin_view_get_api_client (CRM_ADMIN_VIEW (self)) == NULL)
    return;
  if (!parse_day (gtk_editable_get_text (self->from_filter), 0, &from)
      || !parse_day (gtk_editable_get_text (self->to_filter), 1, &to))
    {
      crm_admin_view_toast (CRM_ADMIN_VIEW (self), _("Enter dates as YYYY-MM-DD, such as "
                                                     "2026-12-01."));
      return;
    }
  g_string_append_printf (query, "limit=%d", PAGE_SIZE);
  if (user != GTK_INVALID_LIST_POSITION && user > 0 && user - 1 < self->user_ids->len)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             g_array_index (self->user_ids, gint64, user - 1));

      crm_api_query_add (query, "user_id", id);
    }
  if (object != GTK_INVALID_LIST_POSITION && object > 0)
    {
      guint index = object - 1;

      crm_api_query_add (query, "object",
                         index < CRM_N_OBJECTS ? crm_object_to_string (index)
                         : extra_objects[index - CRM_N_OBJECTS]);
    }
  if (action != GTK_INVALID_LIST_POSITION && action > 0
      && action <= g_strv_length ((char **) crm_audit_get_actions ()))
    crm_api_query_add (query, "action", crm_audit_get_actions ()[action - 1]);
  if (from != NULL)
    crm_api_query_add (query, "from", from);
  if (to != NULL)
    crm_api_query_add (query, "to", to);

  g_free (self->query);
  self->query = g_string_free (g_steal_pointer (&query), FALSE);
  g_clear_pointer (&self->next, g_free);
  g_list_store_remove_all (self->entries);
  show_details (self);
  load_page (self);
}

static void
more_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  CrmAdminAudit *self = CRM_ADMIN_AUDIT (widget);

  if (self->next != NULL && self->page_cancellable == NULL)
    load_page (self);
}

static GHashTable *
new_id_table (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static void
users_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminAudit) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) users = NULL;
  guint n;

  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    {
      crm_admin_view_toast_failure (CRM_ADMIN_VIEW (self), _("Loading users"), error);
      return;
    }
  users = crm_admin_records_from_reply (reply);
  n = g_list_model_get_n_items (G_LIST_MODEL (users));
  gtk_string_list_splice (self->user_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->user_names)) - 1, NULL);
  g_array_set_size (self->user_ids, 0);
  g_hash_table_remove_all (self->names.users);
  g_hash_table_remove_all (self->display_names);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CrmCustomer) user = g_list_model_get_item (G_LIST_MODEL (users), i);
      gint64 id = crm_customer_get_id (user);
      const char *name = crm_customer_get_string (user, "display_name");
      g_autofree char *label = NULL;

      /* Translators: a person's name, then their user name */
      label = g_strdup_printf (_("%s (%s)"), name != NULL ? name : "",
                               crm_customer_get_string (user, "username"));
      g_array_append_val (self->user_ids, id);
      gtk_string_list_append (self->user_names, label);
      g_hash_table_insert (self->names.users, dup_id (id), g_strdup (label));
      if (name != NULL && *name != '\0')
        g_hash_table_insert (self->display_names, dup_id (id), g_strdup (name));
    }
  /* Entries shown before the names came: their User cells again, with the names. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self->entries), 0, n, n);
  show_details (self);
}

/* Teams and roles by name, tags as records: what a user's or a customer's ids name. */
static void
fill_names (CrmAdminAudit *self,
            GAsyncResult  *result,
            GHashTable    *table)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) records = NULL;

  /* Without them ids show as numbers: no need to trouble anyone. */
  reply = crm_admin_view_call_finish (CRM_ADMIN_VIEW (self), result, &error);
  if (reply == NULL)
    return;
  records = crm_admin_records_from_reply (reply);
  g_hash_table_remove_all (table);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (records)); i++)
    {
      g_autoptr(CrmCustomer) record = g_list_model_get_item (G_LIST_MODEL (records), i);
      const char *name = crm_customer_get_string (record, "name");

      if (table == self->names.tags)
        g_hash_table_insert (table, dup_id (crm_customer_get_id (record)),
                             json_object_ref (crm_customer_get_object (record)));
      else if (table == self->names.roles)
        g_hash_table_insert (table, dup_id (crm_customer_get_id (record)), g_strdup (
          crm_role_get_display_name (crm_customer_get_string (record, "builtin"), name)));
      else if (name != NULL)
        g_hash_table_insert (table, dup_id (crm_customer_get_id (record)), g_strdup (name));
    }
  show_details (self);
}

static void
tags_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CrmAdminAudit) self = user_data;

  fill_names (self, result, self->names.tags);
}

static void
teams_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminAudit) self = user_data;

  fill_names (self, result, self->names.teams);
}

static void
roles_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmAdminAudit) self = user_data;

  fill_names (self, result, self->names.roles);
}

static void
fields_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmAdminAudit) self = user_data;
  GHashTable *fields = crm_admin_view_custom_fields_finish (CRM_ADMIN_VIEW (self), result);

  if (fields == NULL)
    return;
  g_clear_pointer (&self->names.fields, g_hash_table_unref);
  self->names.fields = fields;
  show_details (self);
}

static void
crm_admin_audit_reload (CrmAdminView *view)
{
  CrmAdminAudit *self = CRM_ADMIN_AUDIT (view);

  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/users", "limit=500", NULL, 0,
                       users_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/fields", "limit=500", NULL, 0,
                       fields_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/tags", "limit=500", NULL, 0,
                       tags_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/teams", "limit=500", NULL, 0,
                       teams_cb);
  crm_admin_view_call (view, SOUP_METHOD_GET, CRM_API_BASE "/roles", NULL, NULL, 0, roles_cb);
  apply_cb (GTK_WIDGET (self), NULL, NULL);
}

/* --- the widget -------------------------------------------------------------- */

static void
filter_changed_cb (CrmAdminAudit *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "audit.apply", NULL);
}

static GtkWidget *
new_filter_entry (CrmAdminAudit *self,
                  const char    *placeholder,
                  const char    *accessible_name,
                  int            width_chars)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width_chars);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  gtk_widget_set_tooltip_text (entry, accessible_name);
  g_signal_connect_object (entry, "activate", G_CALLBACK (filter_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return entry;
}

static void
crm_admin_audit_dispose (GObject *object)
{
  CrmAdminAudit *self = CRM_ADMIN_AUDIT (object);

  if (self->page_cancellable != NULL)
    g_cancellable_cancel (self->page_cancellable);
  g_clear_object (&self->page_cancellable);
  G_OBJECT_CLASS (crm_admin_audit_parent_class)->dispose (object);
  g_clear_object (&self->selection);
  g_clear_object (&self->entries);
  g_clear_object (&self->user_names);
}

static void
crm_admin_audit_finalize (GObject *object)
{
  CrmAdminAudit *self = CRM_ADMIN_AUDIT (object);

  g_clear_pointer (&self->user_ids, g_array_unref);
  g_clear_pointer (&self->names.users, g_hash_table_unref);
  g_clear_pointer (&self->display_names, g_hash_table_unref);
  g_clear_pointer (&self->names.tags, g_hash_table_unref);
  g_clear_pointer (&self->names.teams, g_hash_table_unref);
  g_clear_pointer (&self->names.roles, g_hash_table_unref);
  g_clear_pointer (&self->names.fields, g_hash_table_unref);
  g_free (self->next);
  g_free (self->query);
  G_OBJECT_CLASS (crm_admin_audit_parent_class)->finalize (object);
}

static void
crm_admin_audit_class_init (CrmAdminAuditClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = crm_admin_audit_dispose;
  G_OBJECT_CLASS (klass)->finalize = crm_admin_audit_finalize;
  CRM_ADMIN_VIEW_CLASS (klass)->reload = crm_admin_audit_reload;

  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "audit.apply", NULL, apply_cb);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "audit.more", NULL, more_cb);
}

static void
crm_admin_audit_init (CrmAdminAudit *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *details_scrolled = gtk_scrolled_window_new ();
  GtkWidget *footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autoptr(GtkStringList) objects = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) actions = gtk_string_list_new (NULL);
  GtkWidget *apply;
  GtkWidget *empty;

  self->entries = g_list_store_new (CRM_TYPE_CUSTOMER);
  self->user_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->names.users = new_id_table ();
  self->display_names = new_id_table ();
  self->names.teams = new_id_table ();
  self->names.roles = new_id_table ();
  self->names.tags = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify) json_object_unref);
  self->names.fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) json_object_unref);

  /* Filters */
  self->user_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->user_names, _("Anyone"));
  self->user_filter = GTK_DROP_DOWN (gtk_drop_down_new (
    G_LIST_MODEL (g_object_ref (self->user_names)), NULL));
  gtk_drop_down_set_enable_search (self->user_filter, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->user_filter),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("User"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->user_filter), _("User"));
  gtk_string_list_append (objects, _("Any object"));
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    gtk_string_list_append (objects, crm_admin_object_label (o));
  gtk_string_list_append (objects, _("Sign-in"));
  self->object_filter = GTK_DROP_DOWN (gtk_drop_down_new (
    G_LIST_MODEL (g_steal_pointer (&objects)), NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->object_filter),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Object"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->object_filter), _("Object"));
  g_signal_connect_object (self->user_filter, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->object_filter, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_string_list_append (actions, _("Any action"));
  for (guint i = 0; crm_audit_get_actions ()[i] != NULL; i++)
    gtk_string_list_append (actions, crm_audit_action_label (crm_audit_get_actions ()[i]));
  self->action_filter = GTK_DROP_DOWN (gtk_drop_down_new (
    G_LIST_MODEL (g_steal_pointer (&actions)), NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->action_filter),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Action"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->action_filter), _("Action"));
  g_signal_connect_object (self->action_filter, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  self->from_filter = GTK_EDITABLE (new_filter_entry (self, _("From YYYY-MM-DD"),
                                                      _("From date"), 14));
  self->to_filter = GTK_EDITABLE (new_filter_entry (self, _("To YYYY-MM-DD"), _("To date"), 14));
  apply = crm_admin_view_new_button (_("_Apply"), "audit.apply", TRUE);
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->user_filter));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->object_filter));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->action_filter));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->from_filter));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->to_filter));
  gtk_box_append (GTK_BOX (filters), apply);
  gtk_box_append (GTK_BOX (box), crm_admin_view_new_toolbar (filters, NULL));
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  /* The entries */
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->entries)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (show_details), self,
                           G_CONNECT_SWAPPED);
  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (
    GTK_SELECTION_MODEL (g_object_ref (self->selection))));
  gtk_column_view_set_show_row_separators (self->column_view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Audit log"), -1);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Time"), "at", FALSE,
                             time_cell);
  crm_admin_view_add_column_full (CRM_ADMIN_VIEW (self), self->column_view, _("User"),
                                  "username", TRUE, user_cell, user_tooltip);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Action"), "action",
                             TRUE, action_cell);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Object"), "object",
                             TRUE, object_cell);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Record"), "record_id",
                             FALSE, record_cell);
  crm_admin_view_add_column (CRM_ADMIN_VIEW (self), self->column_view, _("Outcome"), "outcome",
                             FALSE, outcome_cell);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_widget_set_size_request (scrolled, -1, 200);
  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "edit-find-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Matching Entries"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty), _("Change the filters to see "
                                                              "more of the log."));
  self->list_stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->list_stack, scrolled, "list");
  gtk_stack_add_named (self->list_stack, empty, "empty");

  self->details = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->details, 0);
  gtk_label_set_yalign (self->details, 0);
  gtk_label_set_wrap (self->details, TRUE);
  gtk_label_set_wrap_mode (self->details, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->details, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->details), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->details), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->details), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->details), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->details),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Entry details"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (details_scrolled),
                                 GTK_WIDGET (self->details));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (details_scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (details_scrolled, -1, 220);
  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (self->list_stack));
  gtk_paned_set_end_child (GTK_PANED (paned), details_scrolled);
  gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (box), paned);

  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  self->more_button = GTK_BUTTON (crm_admin_view_new_button (_("Load _More"), "audit.more",
                                                              FALSE));
  gtk_box_append (GTK_BOX (footer), GTK_WIDGET (self->status_label));
  gtk_box_append (GTK_BOX (footer), GTK_WIDGET (self->more_button));
  gtk_widget_set_margin_start (footer, 12);
  gtk_widget_set_margin_end (footer, 12);
  gtk_widget_set_margin_top (footer, 6);
  gtk_widget_set_margin_bottom (footer, 6);
  gtk_box_append (GTK_BOX (box), footer);
  adw_bin_set_child (ADW_BIN (self), box);
  show_details (self);
  update_status (self);
}

GListModel *
_crm_admin_audit_get_entries (CrmAdminAudit *self)
{
  return G_LIST_MODEL (self->entries);
}

GtkDropDown *
_crm_admin_audit_get_user_filter (CrmAdminAudit *self)
{
  return self->user_filter;
}

GtkDropDown *
_crm_admin_audit_get_object_filter (CrmAdminAudit *self)
{
  return self->object_filter;
}

/* Filters by @action, such as "update"; all actions for NULL. */
void
_crm_admin_audit_set_action_filter (CrmAdminAudit *self,
                                    const char    *action)
{
  guint position = 0;

  for (guint i = 0; action != NULL && crm_audit_get_actions ()[i] != NULL; i++)
    if (g_str_equal (crm_audit_get_actions ()[i], action))
      position = i + 1;
  g_assert (action == NULL || position > 0);
  gtk_drop_down_set_selected (self->action_filter, position);
}

GtkEditable *
_crm_admin_audit_get_date_filter (CrmAdminAudit *self,
                                  gboolean       to)
{
  return to ? self->to_filter : self->from_filter;
}

GtkLabel *
_crm_admin_audit_get_details (CrmAdminAudit *self)
{
  return self->details;
}

gboolean
_crm_admin_audit_is_loading (CrmAdminAudit *self)
{
  return self->page_cancellable != NULL;
}

gboolean
_crm_admin_audit_has_more (CrmAdminAudit *self)
{
  return self->next != NULL;
}

void
_crm_admin_audit_select (CrmAdminAudit *self,
                         guint          position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

/* The User cell of the entry at @position, as the column shows it, and its tooltip. */
char *
_crm_admin_audit_dup_user_cell (CrmAdminAudit *self,
                                guint          position,
                                char         **tooltip)
{
  g_autoptr(CrmCustomer) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), position);

  g_assert (entry != NULL);
  *tooltip = user_tooltip (CRM_ADMIN_VIEW (self), crm_customer_get_object (entry), NULL);
  return user_cell (CRM_ADMIN_VIEW (self), crm_customer_get_object (entry), NULL);
}

/* The Object cell of the entry at @position, as the column shows it. */
char *
_crm_admin_audit_dup_object_cell (CrmAdminAudit *self,
                                  guint          position)
{
  g_autoptr(CrmCustomer) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), position);

  g_assert (entry != NULL);
  return object_cell (CRM_ADMIN_VIEW (self), crm_customer_get_object (entry), NULL);
}
