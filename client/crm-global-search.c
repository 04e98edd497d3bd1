/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-global-search"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-api-paths.h"
#include "crm-global-search.h"

/* Results per kind: a glance, not a list (the sections have the lists). */
#define RESULTS_PER_KIND 6

/**
 * CrmGlobalSearch:
 *
 * The header bar's search: one entry that asks every kind of record the
 * user may read (#SearchKind, one table entry per kind) with `?q=`, and lists
 * what they answer in a popover, grouped by kind. The keyboard stays in the
 * entry: Down and Up move through the results, Enter opens the selected one
 * (or the first), Escape closes the list. Each result opens a customer:
 * #CrmGlobalSearch::open-customer.
 */

typedef struct
{
  const char *id;
  const char *title;             /* plural, translated with _() */
  CrmObject   object;            /* the permission to read it */
  const char *path;
  const char *icon_name;
  const char *title_member;
  const char *subtitle_members[3];
  const char *customer_member;   /* the customer the result opens */
} SearchKind;

/* Opportunities and tickets come here when the server has them. */
static const SearchKind kinds[] = {
  { "customers", N_("Customers"), CRM_OBJECT_CUSTOMERS, CRM_API_BASE "/customers",
    "system-users-symbolic", "name", { "city", "mobile", "phone" }, "id" },
  { "contacts", N_("Contacts"), CRM_OBJECT_CONTACTS, CRM_API_BASE "/contacts",
    "avatar-default-symbolic", "full_name", { "title", "mobile", "email" }, "customer_id" },
};

struct _CrmGlobalSearch
{
  GtkWidget       parent_instance;

  GtkSearchEntry *entry;
  GtkPopover     *popover;
  GtkListBox     *list;
  GtkLabel       *status_label;

  CrmApiClient   *api_client;
  CrmPermissions *permissions;
  GCancellable   *cancellable;          /* the searches in flight */
  char           *query;                /* what the results are for, or NULL */
  JsonArray      *results[G_N_ELEMENTS (kinds)];
  guint           pending;              /* searches in flight */
  gboolean        failed;
};

G_DEFINE_FINAL_TYPE (CrmGlobalSearch, crm_global_search, GTK_TYPE_WIDGET)

enum {
  OPEN_CUSTOMER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
can_search (CrmGlobalSearch *self,
            guint            kind)
{
  return self->permissions != NULL
         && crm_permissions_can (self->permissions, kinds[kind].object, CRM_ACTION_READ);
}

/* The string or number @member of @record as text, or NULL. */
static char *
member_text (JsonObject *record,
             const char *member)
{
  JsonNode *node = member != NULL ? json_object_get_member (record, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return *json_node_get_string (node) != '\0' ? g_strdup (json_node_get_string (node)) : NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

/* The name of customer @id among the customer results, for a contact's row. */
static const char *
customer_name (CrmGlobalSearch *self,
               gint64           id)
{
  JsonArray *customers = self->results[0];

  for (guint i = 0; customers != NULL && i < json_array_get_length (customers); i++)
    {
      JsonObject *customer = json_array_get_object_element (customers, i);

      if (customer != NULL && json_object_get_int_member_with_default (customer, "id", 0) == id)
        return json_object_get_string_member_with_default (customer, "name", NULL);
    }
  return NULL;
}

static GtkWidget *
new_row (CrmGlobalSearch *self,
         guint            kind,
         JsonObject      *record)
{
  g_autofree char *title = member_text (record, kinds[kind].title_member);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  gint64 customer_id = json_object_get_int_member_with_default (record,
                                                                kinds[kind].customer_member, 0);
  const char *of_customer = NULL;
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *labels;
  GtkWidget *image;
  GtkWidget *label;

  if (g_strcmp0 (kinds[kind].customer_member, "id") != 0)
    of_customer = customer_name (self, customer_id);
  if (of_customer != NULL)
    g_ptr_array_add (parts, g_strdup (of_customer));
  for (guint i = 0; i < G_N_ELEMENTS (kinds[kind].subtitle_members); i++)
    {
      char *text = member_text (record, kinds[kind].subtitle_members[i]);

      if (text != NULL)
        g_ptr_array_add (parts, text);
    }
  g_ptr_array_add (parts, NULL);
  subtitle = g_strjoinv (" · ", (char **) parts->pdata);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  image = gtk_image_new_from_icon_name (kinds[kind].icon_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(kinds[kind].title), -1);
  gtk_box_append (GTK_BOX (box), image);
  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), labels);
  label = gtk_label_new (title != NULL ? title : "");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (labels), label);
  if (*subtitle != '\0')
    {
      label = gtk_label_new (subtitle);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (labels), label);
    }

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, kinds[kind].id);
  g_object_set_data (G_OBJECT (row), "crm-kind", GUINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (row), "crm-customer-id",
                          g_memdup2 (&customer_id, sizeof customer_id), g_free);
  /* Translators: a search result's kind, its name, then details, for screen readers */
  accessible = g_strdup_printf (_("%s: %s, %s"), _(kinds[kind].title),
                                title != NULL ? title : "", subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return row;
}

/* Each kind's first row carries the kind's name as its header. */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  guint kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "crm-kind"));
  GtkWidget *header;

  if (before != NULL
      && GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (before), "crm-kind")) == kind)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (_(kinds[kind].title));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_set_margin_start (header, 8);
  gtk_widget_set_margin_top (header, 8);
  gtk_widget_set_margin_bottom (header, 2);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_list_box_row_set_header (row, header);
}

static void
fill_list (CrmGlobalSearch *self)
{
  GtkWidget *child;
  GtkListBoxRow *first;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    for (guint i = 0; self->results[kind] != NULL
                      && i < json_array_get_length (self->results[kind]); i++)
      {
        JsonObject *record = json_array_get_object_element (self->results[kind], i);

        if (record == NULL)
          continue;
        gtk_list_box_append (self->list, new_row (self, kind, record));
        n++;
      }

  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
  if (n == 0)
    gtk_label_set_text (self->status_label,
                        self->pending > 0 ? _("Searching…")
                        : self->failed ? _("The search failed. Try again in a moment.")
                        : _("No customers or contacts found"));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), n == 0);
  first = gtk_list_box_get_row_at_index (self->list, 0);
  if (first != NULL)
    gtk_list_box_select_row (self->list, first);
}

/* One kind's search in flight. */
typedef struct
{
  CrmGlobalSearch *self;
  guint            kind;
} Search;

static void
search_free (Search *search)
{
  g_object_unref (search->self);
  g_free (search);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Search, search_free)

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Search) search = user_data;
  CrmGlobalSearch *self = search->self;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items = NULL;

  reply = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_assert (self->pending > 0);
  self->pending--;
  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    items = json_object_get_array_member (json_node_get_object (reply), "items");
  if (error != NULL)
    {
      g_debug ("Searching %s failed: %s", kinds[search->kind].id, error->message);
      self->failed = TRUE;
    }
  g_clear_pointer (&self->results[search->kind], json_array_unref);
  if (items != NULL)
    self->results[search->kind] = json_array_ref (items);
  fill_list (self);
}

static void
clear_results (CrmGlobalSearch *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->pending = 0;
  self->failed = FALSE;
  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    g_clear_pointer (&self->results[kind], json_array_unref);
}

static void
entry_search_changed_cb (CrmGlobalSearch *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *query_text = g_strstrip (g_strdup (text));

  /* The entry says "search-changed" again for the text it already said (after
   * Enter, or when the delay ends): nothing new to ask. */
  if (g_strcmp0 (query_text, self->query) == 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query_text);
  clear_results (self);
  if (self->api_client == NULL || *query_text == '\0')
    {
      fill_list (self);
      gtk_popover_popdown (self->popover);
      return;
    }

  self->cancellable = g_cancellable_new ();
  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    {
      g_autoptr(GString) query = g_string_new (NULL);
      g_autofree char *limit = g_strdup_printf ("%d", RESULTS_PER_KIND);
      Search *search;

      if (!can_search (self, kind))
        continue;
      crm_api_query_add (query, "q", query_text);
      crm_api_query_add (query, "limit", limit);
      search = g_new0 (Search, 1);
      search->self = g_object_ref (self);
      search->kind = kind;
      self->pending++;
      crm_api_client_call_async (self->api_client, "GET", kinds[kind].path, query->str, NULL, 0,
                                 self->cancellable, search_cb, search);
    }
  fill_list (self);
  gtk_popover_popup (self->popover);
}

static void
open_row (CrmGlobalSearch *self,
          GtkListBoxRow   *row)
{
  const gint64 *id = g_object_get_data (G_OBJECT (row), "crm-customer-id");

  if (id == NULL || *id <= 0)
    return;
  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[OPEN_CUSTOMER], 0, *id);
}

static void
list_row_activated_cb (CrmGlobalSearch *self,
                       GtkListBoxRow   *row)
{
  open_row (self, row);
}

/* Enter: the selected result, else the first. */
static void
entry_activate_cb (CrmGlobalSearch *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->list, 0);
  if (row != NULL)
    open_row (self, row);
}

static void
entry_stop_search_cb (CrmGlobalSearch *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    gtk_popover_popdown (self->popover);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
}

/* Down and Up move through the results while typing goes on in the entry. */
static gboolean
entry_key_pressed_cb (CrmGlobalSearch       *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;
  int index;
  int step;

  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    step = 1;
  else if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    step = -1;
  else
    return GDK_EVENT_PROPAGATE;

  if (!gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    {
      if (gtk_list_box_get_row_at_index (self->list, 0) != NULL)
        gtk_popover_popup (self->popover);
      return GDK_EVENT_STOP;
    }
  row = gtk_list_box_get_selected_row (self->list);
  index = row != NULL ? gtk_list_box_row_get_index (row) + step : 0;
  row = gtk_list_box_get_row_at_index (self->list, MAX (index, 0));
  if (row != NULL)
    {
      GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->list),
                                                     GTK_TYPE_SCROLLED_WINDOW);
      graphene_rect_t bounds;

      gtk_list_box_select_row (self->list, row);
      /* Keep the selected result in view. */
      if (scrolled != NULL
          && gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (self->list), &bounds))
        {
          GtkAdjustment *adjustment =
            gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

          gtk_adjustment_clamp_page (adjustment, bounds.origin.y,
                                     bounds.origin.y + bounds.size.height);
        }
    }
  return GDK_EVENT_STOP;
}

static void
entry_focus_leave_cb (CrmGlobalSearch *self)
{
  gtk_popover_popdown (self->popover);
}

static void
crm_global_search_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  CrmGlobalSearch *self = CRM_GLOBAL_SEARCH (widget);

  gtk_widget_measure (GTK_WIDGET (self->entry), orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
crm_global_search_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  CrmGlobalSearch *self = CRM_GLOBAL_SEARCH (widget);

  gtk_widget_size_allocate (GTK_WIDGET (self->entry),
                            &(GtkAllocation) { 0, 0, width, height }, baseline);
  gtk_widget_set_size_request (GTK_WIDGET (self->popover), MAX (width, 360), -1);
  gtk_popover_present (self->popover);
}

static gboolean
crm_global_search_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (CRM_GLOBAL_SEARCH (widget)->entry));
}

static void
crm_global_search_dispose (GObject *object)
{
  CrmGlobalSearch *self = CRM_GLOBAL_SEARCH (object);

  clear_results (self);
  g_clear_pointer ((GtkWidget **) &self->entry, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->popover, gtk_widget_unparent);
  g_clear_object (&self->api_client);
  g_clear_pointer (&self->permissions, crm_permissions_free);
  g_clear_pointer (&self->query, g_free);

  G_OBJECT_CLASS (crm_global_search_parent_class)->dispose (object);
}

static void
crm_global_search_class_init (CrmGlobalSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_global_search_dispose;

  widget_class->measure = crm_global_search_measure;
  widget_class->size_allocate = crm_global_search_size_allocate;
  widget_class->grab_focus = crm_global_search_grab_focus;

  /**
   * CrmGlobalSearch::open-customer:
   * @id: the customer's id
   *
   * A result was chosen: open the customer it belongs to.
   */
  signals[OPEN_CUSTOMER] = g_signal_new ("open-customer", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_css_name (widget_class, "globalsearch");
}

static void
crm_global_search_init (CrmGlobalSearch *self)
{
  GtkEventController *controller;
  GtkWidget *box;
  GtkWidget *scrolled;

  self->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->entry,
                /* Translators: the header bar's search; Ctrl+K is its shortcut */
                "placeholder-text", _("Search customers and contacts (Ctrl+K)"),
                NULL);
  /* Narrow windows shrink it; wide ones show the whole placeholder. */
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 8);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->entry), 32);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search customers and contacts"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->entry), GTK_WIDGET (self));
  g_signal_connect_swapped (self->entry, "search-changed",
                            G_CALLBACK (entry_search_changed_cb), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (entry_activate_cb), self);
  g_signal_connect_swapped (self->entry, "stop-search", G_CALLBACK (entry_stop_search_cb), self);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (entry_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), controller);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_BROWSE);
  gtk_list_box_set_header_func (self->list, update_header, NULL, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search results"), -1);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (list_row_activated_cb),
                            self);
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->status_label), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->status_label), 12);
  gtk_label_set_wrap (self->status_label, TRUE);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 480);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));

  /* The keyboard stays in the entry: the popover neither hides on its own nor takes focus. */
  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, box);
  gtk_popover_set_autohide (self->popover, FALSE);
  gtk_popover_set_has_arrow (self->popover, FALSE);
  gtk_popover_set_position (self->popover, GTK_POS_BOTTOM);
  gtk_widget_set_halign (GTK_WIDGET (self->popover), GTK_ALIGN_END);
  gtk_widget_set_can_focus (GTK_WIDGET (self->popover), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->popover), "global-search");
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));
  fill_list (self);
}

/**
 * crm_global_search_start:
 * @self: a #CrmGlobalSearch
 * @api_client: the client of the signed-in user
 * @account: who is signed in: the kinds searched are those the role may read
 *
 * Makes the search usable, empty.
 */
void
crm_global_search_start (CrmGlobalSearch  *self,
                         CrmApiClient     *api_client,
                         const CrmAccount *account)
{
  g_return_if_fail (CRM_IS_GLOBAL_SEARCH (self));
  g_return_if_fail (CRM_IS_API_CLIENT (api_client));
  g_return_if_fail (account != NULL);

  crm_global_search_stop (self);
  g_set_object (&self->api_client, api_client);
  self->permissions = account->permissions != NULL
                      ? crm_permissions_copy (account->permissions) : NULL;
}

/**
 * crm_global_search_stop:
 * @self: a #CrmGlobalSearch
 *
 * Forgets the user, the text and the results (signing out).
 */
void
crm_global_search_stop (CrmGlobalSearch *self)
{
  g_return_if_fail (CRM_IS_GLOBAL_SEARCH (self));

  g_clear_object (&self->api_client);
  g_clear_pointer (&self->permissions, crm_permissions_free);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  g_clear_pointer (&self->query, g_free);
  clear_results (self);
  fill_list (self);
  gtk_popover_popdown (self->popover);
}

/**
 * crm_global_search_focus:
 * @self: a #CrmGlobalSearch
 *
 * Moves the keyboard to the entry, its text selected (Ctrl+K).
 */
void
crm_global_search_focus (CrmGlobalSearch *self)
{
  g_return_if_fail (CRM_IS_GLOBAL_SEARCH (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

GtkSearchEntry *
_crm_global_search_get_entry (CrmGlobalSearch *self)
{
  g_return_val_if_fail (CRM_IS_GLOBAL_SEARCH (self), NULL);

  return self->entry;
}

GtkListBox *
_crm_global_search_get_list (CrmGlobalSearch *self)
{
  g_return_val_if_fail (CRM_IS_GLOBAL_SEARCH (self), NULL);

  return self->list;
}

GtkPopover *
_crm_global_search_get_popover (CrmGlobalSearch *self)
{
  g_return_val_if_fail (CRM_IS_GLOBAL_SEARCH (self), NULL);

  return self->popover;
}

gboolean
_crm_global_search_is_busy (CrmGlobalSearch *self)
{
  g_return_val_if_fail (CRM_IS_GLOBAL_SEARCH (self), FALSE);

  return self->pending > 0;
}
