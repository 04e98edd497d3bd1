/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers-page"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-customer-dialog.h"
#include "crm-customer-fields.h"
#include "crm-format.h"
#include "crm-json.h"
#include "crm-owners.h"
#include "crm-customers-page.h"
#include "crm-tag-chips.h"
#include "crm-value-drop-down.h"
#include "crm-validate.h"

/* Below this width the list leaves out its "Created" column: the names, which then show
 * whole, need the room more (a small laptop's 1024 px wide window leaves the list ~800). */
#define NARROW_WIDTH 1000

/* Typing pauses this long before the list searches. */
#define SEARCH_DELAY_MS 250

#define VIEWS_KEY "customer-views"

/* The date range filters, by the list's filter keys. */
enum
{
  DATE_CREATED_FROM,
  DATE_CREATED_TO,
  DATE_UPDATED_FROM,
  DATE_UPDATED_TO,
  N_DATE_FILTERS
};

static const char * const date_filter_keys[N_DATE_FILTERS] = {
  "created_from", "created_to", "updated_from", "updated_to",
};

/* The region filters, by the list's filter keys (and the customer's fields). */
static const char * const region_filter_keys[] = { "province", "city", "district" };

/* The list's columns. @sort is the `sort=` key of a sortable one. */
typedef enum
{
  COLUMN_NAME,
  COLUMN_LEVEL,
  COLUMN_INDUSTRY,
  COLUMN_OWNER,
  COLUMN_PHONE,
  COLUMN_CITY,
  COLUMN_TAGS,
  COLUMN_UPDATED,
  COLUMN_CREATED,
  COLUMN_DELETED,        /* the recycle bin's: when, by whom, into which customer merged */
  COLUMN_DELETED_BY,
  COLUMN_MERGED_INTO,
  N_COLUMNS
} Column;

/**
 * CrmCustomersPage:
 *
 * The Customers section: a search entry (search-as-you-type), filters, saved
 * views, and the customers in a #GtkColumnView over a #CrmCustomerList that
 * pages from the server as the view scrolls. Rows can be selected for a batch
 * edit; activating one opens its #CrmCustomerPage.
 */
/* What a batch edit's dialog had chosen, to open it again as it was when refused. */
typedef struct
{
  guint  industry;        /* its position: BATCH_INDUSTRY_KEEP, _NEW, or one listed */
  char  *industry_value;  /* the one listed */
  char  *typed;           /* the new one */
  guint  potential;
  guint  add_tag;
  guint  remove_tag;
  guint  owner;
} BatchChoices;

struct _CrmCustomersPage
{
  AdwBin            parent_instance;

  /* Template children */
  AdwToastOverlay  *toast_overlay;
  GtkStack         *stack;
  GtkSearchEntry   *search_entry;
  GtkMenuButton    *filter_button;
  GtkMenuButton    *views_button;
  GtkButton        *batch_button;
  GtkToggleButton  *bin_button;
  GtkButton        *restore_button;
  GtkButton        *purge_button;
  GtkButton        *new_button;
  GtkScrolledWindow *scrolled_window;
  GtkColumnView    *column_view;
  AdwStatusPage    *empty_page;
  GtkButton        *empty_button;
  GtkSpinner       *spinner;
  GtkLabel         *status_label;
  CrmCustomerPage  *customer_page;
  gboolean          load_failed;   /* the list's last load failed: no empty page */

  CrmApiClient     *api_client;
  GSettings        *settings;
  CrmAccount       *account;
  CrmCustomerList  *list;
  GtkMultiSelection *selection;
  GHashTable       *tags;          /* id → JsonObject of /tags */
  GHashTable       *users;         /* id → display name */
  GHashTable       *assignees;     /* id → display name: those the user may give customers
                                    * to (crm_owners_may_assign_to ()) */
  GHashTable       *named_cells;   /* bound GtkListItems of the owner and tags columns */
  int               cell_chars[N_COLUMNS];  /* cell_chars (), once counted */
  int               cell_height;            /* cell_height (), once measured */
  GPtrArray        *toasts;        /* shown since the session started */
  GCancellable     *cancellable;   /* tags, users, batch edits */
  guint             search_source;
  guint             fit_source;    /* the columns to show at the list's new width */
  guint             end_tick;      /* back to the list's end, after it shrank under the view */
  guint             end_frames;
  gboolean          narrow;        /* too narrow for every column */
  gboolean          batch_pending;
  AdwToast         *page_toast;    /* the customer page's last, dismissed when it is stale */
  guint             n_bin_calls;   /* restores or purges in flight */
  guint             n_bin_done;    /* of them, those that succeeded */
  gboolean          bin_purging;   /* whether they are purges */
  GPtrArray        *bin_customers; /* CrmCustomer: those a purge or restore dialog names */
  GHashTable       *merged_names;  /* id → name: the customers the bin's were merged into */

  /* Filters popover */
  GtkDropDown      *kind_filter;
  GtkDropDown      *size_filter;
  GtkDropDown      *potential_filter;
  GtkDropDown      *level_filter;
  GtkDropDown      *industry_filter;
  GtkDropDown      *tag_filter;
  GtkDropDown      *owner_filter;
  GtkEntry         *region_filters[3]; /* by region_filter_keys */
  GtkEntry         *date_filters[N_DATE_FILTERS];
  GtkLabel         *date_message;  /* why a date filter is not a date */
  GtkStringList    *tag_names;
  GArray           *tag_ids;       /* gint64, parallel to tag_names after "Any" */
  GtkStringList    *owner_names;
  GArray           *owner_ids;     /* gint64, parallel to owner_names after "Anyone", "Me" */
  gboolean          syncing;       /* filters being set from a saved view */

  /* Views popover */
  GtkListBox       *views_list;
  GtkEntry         *view_name_entry;

  GtkWindow        *dialog;        /* the batch edit or new-customer dialog */
  GtkDropDown      *batch_industry;  /* "No change", "New Industry…", the industries */
  GtkEntry         *batch_new_industry;
  GtkDropDown      *batch_potential;
  GtkDropDown      *batch_add_tag;
  GtkDropDown      *batch_remove_tag;
  GtkDropDown      *batch_owner;
  GArray           *batch_owner_ids; /* gint64, of batch_owner's items after "No change" */
  AdwMessageDialog *batch_dialog;    /* weak: the batch dialog while it is open */
  BatchChoices      batch_choices;   /* those of the batch edit on its way */
};

G_DEFINE_FINAL_TYPE (CrmCustomersPage, crm_customers_page, ADW_TYPE_BIN)

/* @context: of @title's translation, when it has one
 * @min_chars: how narrow a narrow window may make the column's text (ellipsized below its
 *   width), or 0 for a text that is never cut: a phone number or a date cut short says
 *   nothing. Small minimums leave the width to the name, which uses it best.
 * @sample: the text whose width the column's cells ask for, or NULL for a date with a
 *   two-digit month and day as the interface language writes it; each "中" of it stands for one Chinese character (the
 *   customers' texts are Chinese). The cells are GtkInscriptions: their width does not
 *   follow their text, so a row bound to another customer while scrolling leaves the
 *   view's layout as it was. The name takes the width the others leave. */
static const struct
{
  const char *id;
  const char *title;
  const char *sort;
  gboolean    expand;
  const char *context;
  int         min_chars;
  const char *sample;
} columns[N_COLUMNS] = {
  [COLUMN_NAME] = { "name", N_("Name"), "name", TRUE, NULL, 10, "" },
  [COLUMN_LEVEL] = { "level", N_("Level"), NULL, FALSE, NULL, 3, "中中中" },
  [COLUMN_INDUSTRY] = { "industry", N_("Industry"), NULL, FALSE, NULL, 4, "中中中中" },
  [COLUMN_OWNER] = { "owner", N_("Owner"), NULL, FALSE, NULL, 3, "中中中" },
  /* A landline of a four-digit area code is the widest: digits where a mobile has spaces. */
  [COLUMN_PHONE] = { "phone", N_("Mobile / Phone"), NULL, FALSE, NULL, 0, "0512-88888888" },
  [COLUMN_CITY] = { "city", N_("City"), NULL, FALSE, NULL, 3, "中中中中" },
  [COLUMN_TAGS] = { "tags", N_("Tags"), NULL, FALSE, NULL, 0, "" },
  [COLUMN_UPDATED] = { "updated", N_("Updated"), "updated_at", FALSE, NULL, 0, NULL },
  [COLUMN_CREATED] = { "created", NC_("date", "Created"), "created_at", FALSE, "date", 0, NULL },
  [COLUMN_DELETED] = { "deleted", NC_("date", "Deleted"), NULL, FALSE, "date", 0, NULL },
  /* Users' names as an office gives them, an administrator's account's too ("系统管理员"). */
  [COLUMN_DELETED_BY] = { "deleted-by", N_("Deleted by"), NULL, FALSE, NULL, 3, "中中中中中" },
  /* Shares the width the others leave with the name: it is one too. */
  [COLUMN_MERGED_INTO] = { "merged-into", N_("Merged into"), NULL, TRUE, NULL, 4,
                           "中中中中中中中中" },
};

/* Whether @column is one of the recycle bin's, shown there alone. */
static gboolean
is_bin_column (Column column)
{
  return column == COLUMN_DELETED || column == COLUMN_DELETED_BY
         || column == COLUMN_MERGED_INTO;
}

/* @priority: ADW_TOAST_PRIORITY_HIGH for the outcome of what the user just confirmed, which
 * then shows before older toasts still queued */
static void
toast_full (CrmCustomersPage *self,
            const char       *text,
            AdwToastPriority  priority)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_priority (toast, priority);

  /* Kept until sign-out, which dismisses what the next user should not see. */
  if (self->toasts->len >= 16)
    g_ptr_array_remove_index (self->toasts, 0);
  g_ptr_array_add (self->toasts, g_object_ref (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
toast (CrmCustomersPage *self,
       const char       *text)
{
  toast_full (self, text, ADW_TOAST_PRIORITY_NORMAL);
}

/* A short line for a failed call, for a toast. */
static char *
describe_failure (const char   *what,
                  const GError *error)
{
  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_NOT_FOUND)
      || g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_METHOD_NOT_ALLOWED))
    /* Translators: %s says what failed, such as "Loading tags" */
    return g_strdup_printf (_("%s: the server does not offer this yet."), what);
  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_FORBIDDEN))
    return g_strdup_printf (_("%s: your role does not allow this."), what);
  /* Translators: what failed, then why */
  return g_strdup_printf (_("%s: %s"), what, error->message);
}

/* What the list says when it has nothing to show, once the server said so: why (a search,
 * filters, an empty recycle bin, no customers at all) and the way on, as a button. */
static void
update_empty_page (CrmCustomersPage *self)
{
  g_autofree char *description = NULL;
  const char *q;
  guint n_filters;
  gboolean empty;

  empty = self->list != NULL && !self->load_failed
          && !crm_customer_list_get_loading (self->list)
          && g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), empty);
  if (!empty)
    return;

  q = crm_customer_list_get_q (self->list);
  n_filters = crm_customer_list_get_n_filters (self->list);
  if (crm_customer_list_get_deleted (self->list))
    {
      adw_status_page_set_icon_name (self->empty_page, "user-trash-symbolic");
      adw_status_page_set_title (self->empty_page, _("The Recycle Bin Is Empty"));
      description = g_strdup (_("Deleted customers stay here until an administrator restores "
                                "them or deletes them for good."));
      gtk_button_set_label (self->empty_button, _("_Back to Customers"));
    }
  else if (q != NULL || n_filters > 0)
    {
      adw_status_page_set_icon_name (self->empty_page, "system-search-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Matching Customers"));
      if (q != NULL && n_filters > 0)
        /* Translators: %s is what was typed in the search */
        description = g_strdup_printf (_("Nothing matches “%s” with the filters set. Check the "
                                         "spelling, or clear the search and the filters."), q);
      else if (q != NULL)
        /* Translators: %s is what was typed in the search */
        description = g_strdup_printf (_("Nothing matches “%s”. Check the spelling, or search "
                                         "for part of a name, a phone number or an e-mail "
                                         "address."), q);
      else
        description = g_strdup (_("No customer meets all the filters set. Loosen or clear "
                                  "them."));
      gtk_button_set_label (self->empty_button, q != NULL && n_filters > 0
                                                ? _("_Clear Search and Filters")
                                                : q != NULL ? _("_Clear Search")
                                                : _("_Clear Filters"));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "system-users-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Customers Yet"));
      description = g_strdup (_("Customers you add or are given appear here."));
      gtk_button_set_label (self->empty_button, _("_New Customer"));
    }
  adw_status_page_set_description (self->empty_page, description);
}

/* An estimate to two significant digits (98,734 → 99,000): more would claim a precision
 * it does not have. */
static gint64
round_estimate (gint64 estimate)
{
  gint64 unit = 1;

  while (estimate / unit >= 100)
    unit *= 10;
  return (estimate + unit / 2) / unit * unit;
}

static void
update_status (CrmCustomersPage *self)
{
  g_autofree char *text = NULL;
  guint loaded;
  gint64 total;
  gboolean loading;

  if (self->list == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      return;
    }
  loaded = crm_customer_list_get_n_loaded (self->list);
  total = crm_customer_list_get_total (self->list);
  loading = crm_customer_list_get_loading (self->list);
  if (loading)
    self->load_failed = FALSE;

  if (total >= 0)
    {
      gboolean estimated = crm_customer_list_get_total_estimated (self->list);
      /* With the locale's digit grouping. */
      g_autofree char *number = crm_format_number (estimated ? round_estimate (total) : total,
                                                   NULL);

      if (estimated)
        {
          /* The server estimated how many match, past the count's cap. */
          if (crm_customer_list_get_deleted (self->list))
            /* Translators: %s is a number, such as 100,000: an estimate */
            text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "About %s customer in the recycle bin",
                                                 "About %s customers in the recycle bin",
                                                 (gulong) MIN (total, G_MAXLONG)), number);
          else
            /* Translators: %s is a number, such as 100,000: an estimate */
            text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %s customer",
                                                 "About %s customers",
                                                 (gulong) MIN (total, G_MAXLONG)), number);
        }
      else if (crm_customer_list_get_total_capped (self->list))
        {
          /* The server stopped counting: more than the number match. */
          if (crm_customer_list_get_deleted (self->list))
            /* Translators: %s is a number, such as 10,000: more than that many */
            text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%s+ customer in the recycle bin",
                                                 "%s+ customers in the recycle bin",
                                                 (gulong) MIN (total, G_MAXLONG)), number);
          else
            /* Translators: %s is a number, such as 10,000: more than that many */
            text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s+ customer",
                                                 "%s+ customers",
                                                 (gulong) MIN (total, G_MAXLONG)), number);
        }
      else if (crm_customer_list_get_deleted (self->list))
        /* Translators: %s is a number, such as 1,234 */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer in the recycle bin",
                                             "%s customers in the recycle bin",
                                             (gulong) MIN (total, G_MAXLONG)), number);
      else
        /* Translators: %s is a number, such as 1,234 */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer", "%s customers",
                                             (gulong) MIN (total, G_MAXLONG)), number);
    }
  else if (loading && loaded == 0)
    text = g_strdup (_("Loading…"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u customer loaded",
                                         "%u customers loaded", loaded), loaded);
  gtk_label_set_text (self->status_label, text);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  update_empty_page (self);
}

/* Whether the signed-in user may read the customers' @field. */
static gboolean
may_read (CrmCustomersPage *self,
          const char       *field)
{
  return crm_account_get_field_access (self->account, CRM_OBJECT_CUSTOMERS, field)
         != CRM_FIELD_ACCESS_NONE;
}

/* Whether the signed-in user may write the customers' @field. */
static gboolean
may_write (CrmCustomersPage *self,
           const char       *field)
{
  return crm_account_get_field_access (self->account, CRM_OBJECT_CUSTOMERS, field)
         == CRM_FIELD_ACCESS_WRITE;
}

/* Whether the batch edit dialog has a field to offer: one the user may write (those of
 * batch_edit_action_cb ()). */
static gboolean
can_batch_edit (CrmCustomersPage *self)
{
  return may_write (self, "industry") || may_write (self, "potential")
         || may_write (self, "tags") || crm_owners_can_assign (self->account);
}

/* Whether the signed-in user may open the recycle bin, restore from it and delete for good:
 * the delete scope `all` (administrators), as the server decides. */
static gboolean
can_purge (CrmCustomersPage *self)
{
  return self->account != NULL && self->account->permissions != NULL
         && crm_permissions_get_scope (self->account->permissions, CRM_OBJECT_CUSTOMERS,
                                       CRM_ACTION_DELETE) == CRM_SCOPE_ALL;
}

static void
update_actions (CrmCustomersPage *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  gboolean any = FALSE;
  gboolean in_bin = self->list != NULL && crm_customer_list_get_deleted (self->list);
  gboolean batch_fields = can_batch_edit (self);

  if (self->selection != NULL)
    {
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      any = !gtk_bitset_is_empty (selected);
    }
  /* How many are selected: rows selected far apart, scrolled out of sight, count too. */
  if (any)
    {
      guint64 n = gtk_bitset_get_size (selected);
      g_autofree char *label = NULL;

      /* Translators: the batch edit button, with how many customers are selected */
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Edit %u Selected…",
                                            "_Edit %u Selected…", (gulong) MIN (n, G_MAXULONG)),
                               (guint) MIN (n, G_MAXUINT));
      gtk_button_set_label (self->batch_button, label);
    }
  else
    gtk_button_set_label (self->batch_button, _("_Edit Selected…"));
  /* Said also while nothing is selected: selecting would not help. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.batch-edit",
                                 any && self->dialog == NULL && !in_bin && batch_fields);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->batch_button),
                               batch_fields ? NULL
                               : _("Your role may change none of the fields a batch edit sets"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.new",
                                 self->api_client != NULL && self->dialog == NULL && !in_bin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.restore",
                                 any && in_bin && self->n_bin_calls == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.purge",
                                 any && in_bin && self->n_bin_calls == 0 && self->dialog == NULL
                                 && can_purge (self));
  gtk_widget_set_visible (GTK_WIDGET (self->restore_button), in_bin);
  gtk_widget_set_visible (GTK_WIDGET (self->purge_button), in_bin && can_purge (self));
  gtk_widget_set_visible (GTK_WIDGET (self->batch_button), !in_bin);
}

/* --- cells --------------------------------------------------------------- */

/* The name cell's tooltip, the whole name (the cell may cut it short), made when the
 * pointer rests on the cell. Setting it on every bind instead made GTK look again for a
 * tooltip to show each time: while scrolling, ten rows a frame, a third of the frame's CPU
 * time (bench/README.md, "Client scroll"). */
static gboolean
name_query_tooltip_cb (GtkWidget  *cell,
                       int         x,
                       int         y,
                       gboolean    keyboard_mode,
                       GtkTooltip *tooltip,
                       gpointer    user_data)
{
  const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (cell));

  if (text == NULL || *text == '\0' || gtk_widget_has_css_class (cell, "skeleton"))
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The width @column's cells ask for, in the characters GtkInscription counts (the font's
 * approximate character width, as it measures them): @sample as the list's font writes
 * it. Counted once. */
static int
cell_chars (CrmCustomersPage *self,
            Column            column)
{
  g_autofree char *date = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontMetrics *metrics;
  const char *sample = columns[column].sample;
  int char_width, width;

  if (self->cell_chars[column] > 0)
    return self->cell_chars[column];
  if (sample == NULL)
    sample = date = crm_format_timestamp ("2026-12-28T12:00:00Z", column == COLUMN_DELETED);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->column_view), sample);
  pango_layout_get_size (layout, &width, NULL);
  metrics = pango_context_get_metrics (pango_layout_get_context (layout), NULL, NULL);
  char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                    pango_font_metrics_get_approximate_digit_width (metrics));
  pango_font_metrics_unref (metrics);
  self->cell_chars[column] = MAX (1, (width + char_width - 1) / MAX (char_width, 1));
  return self->cell_chars[column];
}

/* The height of a line of the list's text, Chinese or not: a GtkInscription asks for the
 * height of its font's line, which a Chinese text, in another font, overflows. As high as
 * a GtkLabel showing the text, so all rows are of a height, with tags or without. */
static int
cell_height (CrmCustomersPage *self)
{
  if (self->cell_height == 0)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (
        GTK_WIDGET (self->column_view), "中Ag");

      pango_layout_get_pixel_size (layout, NULL, &self->cell_height);
    }
  return self->cell_height;
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  CrmCustomersPage *self = g_object_get_data (G_OBJECT (factory), "crm-page");
  GtkWidget *cell = gtk_inscription_new (NULL);
  Column column = GPOINTER_TO_UINT (user_data);
  int min_chars = columns[column].min_chars;
  int nat_chars = column == COLUMN_NAME ? min_chars : cell_chars (self, column);

  /* A text that is never cut asks for its whole width even in a narrow window. */
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), min_chars > 0 ? min_chars : nat_chars);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), nat_chars);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_size_request (cell, -1, cell_height (self));
  g_object_set_data (G_OBJECT (cell), "crm-column", GUINT_TO_POINTER (column));
  if (column == COLUMN_NAME)
    {
      gtk_widget_set_has_tooltip (cell, TRUE);
      g_signal_connect (cell, "query-tooltip", G_CALLBACK (name_query_tooltip_cb), NULL);
    }
  gtk_list_item_set_child (item, cell);
}

static void
setup_tags_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  CrmCustomersPage *self = g_object_get_data (G_OBJECT (factory), "crm-page");
  GtkWidget *chips = crm_tag_chips_new ();

  gtk_widget_set_size_request (chips, -1, cell_height (self));
  gtk_list_item_set_child (item, chips);
}

static char *
owner_name (CrmCustomersPage *self,
            gint64            owner_id)
{
  const char *name;

  if (owner_id <= 0)
    return g_strdup ("");
  name = g_hash_table_lookup (self->users, &owner_id);
  if (name != NULL)
    return g_strdup (name);
  if (self->account != NULL && owner_id == self->account->user_id)
    return g_strdup (self->account->display_name);
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, owner_id);

    /* Translators: a user the client knows by number only */
    return g_strdup_printf (_("User %s"), number);
  }
}

static void refill_named_cells (CrmCustomersPage *self);

/* A name asked for the customer a customer of the bin was merged into. */
typedef struct
{
  CrmCustomersPage *self;
  gint64            id;
} MergedCall;

static void
merged_customer_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autofree MergedCall *call = user_data;
  g_autoptr(CrmCustomersPage) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, call->id);
  const char *name = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    name = json_object_get_string_member_with_default (json_node_get_object (root), "name",
                                                       NULL);
  if (name != NULL)
    g_hash_table_replace (self->merged_names, g_memdup2 (&call->id, sizeof call->id),
                          g_strdup (name));
  else if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_NOT_FOUND))
    /* Translators: a customer known by number only, deleted since (in the recycle bin) */
    g_hash_table_replace (self->merged_names, g_memdup2 (&call->id, sizeof call->id),
                          g_strdup_printf (_("Customer %s (deleted)"), number));
  else
    return;   /* asked again when shown again */
  refill_named_cells (self);
}

/* The name of the customer @id that a customer of the recycle bin was merged into, asked
 * of the server once (`GET /customers/ID`); its number until the answer comes. */
static char *
merged_into_name (CrmCustomersPage *self,
                  gint64            id)
{
  const char *name;

  if (id <= 0)
    return g_strdup ("");
  name = g_hash_table_lookup (self->merged_names, &id);
  if (name == NULL && self->api_client != NULL)
    {
      MergedCall *call = g_new0 (MergedCall, 1);
      g_autofree char *path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, id);

      call->self = g_object_ref (self);
      call->id = id;
      /* Asked: not again while the answer is on its way. */
      g_hash_table_replace (self->merged_names, g_memdup2 (&id, sizeof id), g_strdup (""));
      crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, path, NULL, NULL, 0,
                                 self->cancellable, merged_customer_cb, call);
    }
  if (name == NULL || *name == '\0')
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      /* Translators: a customer known by number only */
      return g_strdup_printf (_("Customer %s"), number);
    }
  return g_strdup (name);
}

/* The text of @customer's cell in @column (a text column). */
static char *
dup_cell_text (CrmCustomersPage *self,
               CrmCustomer      *customer,
               Column            column)
{
  const char *text = NULL;

  switch (column)
    {
    case COLUMN_NAME:
      text = crm_customer_get_string (customer, "name");
      break;
    case COLUMN_LEVEL:
      text = crm_customer_get_string (customer, "level");
      break;
    case COLUMN_INDUSTRY:
      text = crm_customer_get_string (customer, "industry");
      break;
    case COLUMN_OWNER:
      return owner_name (self, crm_customer_get_int (customer, "owner_id"));
    case COLUMN_PHONE:
      text = crm_customer_get_string (customer, "mobile");
      if (text == NULL)
        text = crm_customer_get_string (customer, "phone");
      /* "139 1000 0277", as it is read and dialled. */
      return crm_format_phone (text);
    case COLUMN_CITY:
      text = crm_customer_get_string (customer, "city");
      break;
    case COLUMN_UPDATED:
      return crm_format_timestamp (crm_customer_get_string (customer, "updated_at"), FALSE);
    case COLUMN_CREATED:
      return crm_format_timestamp (crm_customer_get_string (customer, "created_at"), FALSE);
    case COLUMN_DELETED:
      return crm_format_timestamp (crm_customer_get_string (customer, "deleted_at"), TRUE);
    case COLUMN_DELETED_BY:
      /* Nobody for a customer whose deleter was deleted since. */
      return owner_name (self, crm_customer_get_int (customer, "deleted_by"));
    case COLUMN_MERGED_INTO:
      return merged_into_name (self, crm_customer_get_int (customer, "merged_into"));
    case COLUMN_TAGS:
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  return g_strdup (text != NULL ? text : "");
}

static void
fill_label_cell (CrmCustomersPage *self,
                 GtkListItem      *item,
                 Column            column)
{
  CrmCustomer *customer = gtk_list_item_get_item (item);
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  g_autofree char *text = NULL;

  /* A row not loaded yet: a pale bar, until its page is in. The cells are as high
   * whatever their text, so the row is as high as a loaded one and the scroll position
   * still says which rows show. */
  if (crm_customer_is_placeholder (customer))
    {
      gtk_widget_add_css_class (GTK_WIDGET (cell), "skeleton");
      gtk_inscription_set_text (cell, NULL);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (cell), "skeleton");
  text = dup_cell_text (self, customer, column);
  gtk_inscription_set_text (cell, text);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  CrmCustomersPage *self = g_object_get_data (G_OBJECT (factory), "crm-page");
  Column column = GPOINTER_TO_UINT (user_data);

  fill_label_cell (self, item, column);
  if (column == COLUMN_OWNER || column == COLUMN_DELETED_BY || column == COLUMN_MERGED_INTO)
    g_hash_table_add (self->named_cells, item);
}

/* A cell that shows names (of users, of tags) is not bound any more: no need to fill it
 * again when the names come. */
static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  CrmCustomersPage *self = g_object_get_data (G_OBJECT (factory), "crm-page");

  g_hash_table_remove (self->named_cells, item);
}

/* A row's tag ids in the order its chips show them: by name, the same on every row. */
static GArray *
dup_row_tag_ids (CrmCustomersPage *self,
                 CrmCustomer      *customer)
{
  JsonNode *tags = json_object_get_member (crm_customer_get_object (customer), "tags");
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (tags == NULL || !JSON_NODE_HOLDS_ARRAY (tags))
    return ids;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (tags)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (tags), i);
      gint64 id;

      if (!JSON_NODE_HOLDS_VALUE (element))
        continue;
      id = json_node_get_int (element);
      g_array_append_val (ids, id);
    }
  crm_tags_sort_ids (self->tags, ids);
  return ids;
}

/* The row's tags as chips in their colours, "+N" for those the cell has no room for. */
static void
fill_tags_cell (CrmCustomersPage *self,
                GtkListItem      *item)
{
  CrmCustomer *customer = gtk_list_item_get_item (item);
  g_autoptr(GArray) ids = dup_row_tag_ids (self, customer);

  crm_tag_chips_set_tags (CRM_TAG_CHIPS (gtk_list_item_get_child (item)), self->tags, ids);
}

static void
bind_tags_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  CrmCustomersPage *self = g_object_get_data (G_OBJECT (factory), "crm-page");

  fill_tags_cell (self, item);
  g_hash_table_add (self->named_cells, item);
}

/* The names of users or tags came (or changed): the cells on screen that show them again. */
static void
refill_named_cells (CrmCustomersPage *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->named_cells);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      GtkWidget *cell = gtk_list_item_get_child (item);

      if (CRM_IS_TAG_CHIPS (cell))
        fill_tags_cell (self, item);
      else
        fill_label_cell (self, item,
                         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "crm-column")));
    }
}

/* --- sorting ------------------------------------------------------------- */

/* The column view does not sort: the server does. Each sortable column has a
 * sorter that only says which column it is; comparing two items with the view's
 * sorter asks the primary column's sorter first, and its answer comes back
 * inverted when the order is descending. */
static int
probe_sort_cb (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Column *probed = g_object_get_data (G_OBJECT (a), "crm-probe");

  if (probed != NULL)
    *probed = GPOINTER_TO_UINT (user_data);
  return GTK_ORDERING_LARGER;
}

/* The `sort=` the column headers show, NULL for none (the server's default). */
static char *
dup_header_sort (CrmCustomersPage *self)
{
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  Column probed = N_COLUMNS;
  GtkOrdering order;

  g_object_set_data (a, "crm-probe", &probed);
  order = gtk_sorter_compare (gtk_column_view_get_sorter (self->column_view), a, b);
  if (probed < N_COLUMNS && columns[probed].sort != NULL && order != GTK_ORDERING_EQUAL)
    return g_strconcat (order == GTK_ORDERING_SMALLER ? "-" : "", columns[probed].sort, NULL);
  return NULL;
}

/* The column that sorts by @sort (`sort=`, with "-" for descending), or N_COLUMNS. */
static Column
find_sort_column (const char *sort)
{
  const char *key = sort + (*sort == '-');

  for (Column i = 0; i < N_COLUMNS; i++)
    if (columns[i].sort != NULL && g_str_equal (columns[i].sort, key))
      return i;
  return N_COLUMNS;
}

static const char *
column_title (Column column)
{
  if (column >= N_COLUMNS)
    return "";
  return columns[column].context != NULL
         ? g_dpgettext2 (NULL, columns[column].context, columns[column].title)
         : _(columns[column].title);
}

/* Whether the user may sort by @sort (`sort=`): the server refuses an order by a field the
 * user may not read (its cursor would carry the values). Its keys are the fields. */
static gboolean
may_sort (CrmCustomersPage *self,
          const char       *sort)
{
  return may_read (self, sort + (*sort == '-'));
}

/* Only the columns of fields the user may read sort the list; when the one it was sorted
 * by is no longer, it goes back to the default order (view_sorter_changed_cb ()). */
static void
show_readable_sorts (CrmCustomersPage *self)
{
  GListModel *shown = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (shown, i);
      Column which = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), "crm-column"));

      if (columns[which].sort != NULL)
        gtk_column_view_column_set_sorter (column, may_sort (self, columns[which].sort)
                                                   ? g_object_get_data (G_OBJECT (column),
                                                                        "crm-sorter")
                                                   : NULL);
    }
}

/* Shows @sort (a saved view's, NULL for the default) in the column headers, which then
 * sort the list by it: clicking a header goes on from the order the list has. */
static void
show_sort (CrmCustomersPage *self,
           const char       *sort)
{
  gboolean descending = sort != NULL && *sort == '-';
  const char *key = sort != NULL ? sort + descending : NULL;
  GListModel *shown = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GtkColumnViewColumn) found = NULL;

  for (guint i = 0; key != NULL && found == NULL && i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (shown, i);
      Column which = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), "crm-column"));

      if (columns[which].sort != NULL && g_str_equal (columns[which].sort, key))
        found = g_steal_pointer (&column);
    }
  gtk_column_view_sort_by_column (self->column_view, found,
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

static void
view_sorter_changed_cb (CrmCustomersPage *self,
                        GtkSorterChange   change,
                        GtkSorter        *sorter)
{
  g_autofree char *sort = NULL;

  /* Stopped (signed out, or the page is going away: its columns are being removed,
   * which changes the sorter as well), there is no list to sort. */
  if (self->list == NULL)
    return;
  sort = dup_header_sort (self);
  g_debug ("Sorting by %s", sort != NULL ? sort : "the default");
  crm_customer_list_set_sort (self->list, sort);
}

static void
add_columns (CrmCustomersPage *self)
{
  for (Column i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_object_set_data (G_OBJECT (factory), "crm-page", self);
      if (i == COLUMN_TAGS)
        {
          g_signal_connect (factory, "setup", G_CALLBACK (setup_tags_cb), NULL);
          g_signal_connect (factory, "bind", G_CALLBACK (bind_tags_cb), NULL);
          g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), NULL);
          g_signal_connect (factory, "teardown", G_CALLBACK (unbind_cell_cb), NULL);
        }
      else
        {
          g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), GUINT_TO_POINTER (i));
          g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cb), GUINT_TO_POINTER (i));
          if (i == COLUMN_OWNER || i == COLUMN_DELETED_BY || i == COLUMN_MERGED_INTO)
            {
              g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), NULL);
              g_signal_connect (factory, "teardown", G_CALLBACK (unbind_cell_cb), NULL);
            }
        }
      column = gtk_column_view_column_new (column_title (i), g_steal_pointer (&factory));
      /* Columns can be dragged into another order: each knows which it is. */
      g_object_set_data (G_OBJECT (column), "crm-column", GUINT_TO_POINTER (i));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_visible (column, !is_bin_column (i));
      if (columns[i].sort != NULL)
        {
          g_autoptr(GtkSorter) sorter =
            GTK_SORTER (gtk_custom_sorter_new (probe_sort_cb, GUINT_TO_POINTER (i), NULL));

          gtk_column_view_column_set_sorter (column, sorter);
          /* Kept to give back once the user may read the field again. */
          g_object_set_data_full (G_OBJECT (column), "crm-sorter", g_object_ref (sorter),
                                  g_object_unref);
        }
      gtk_column_view_append_column (self->column_view, column);
    }
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (view_sorter_changed_cb), self, G_CONNECT_SWAPPED);
}

/* --- tags and users ------------------------------------------------------ */

static void
fill_tag_filter (CrmCustomersPage *self)
{
  GHashTableIter iter;
  gpointer key;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tag_names));

  gtk_string_list_splice (self->tag_names, 1, n - 1, NULL);
  g_array_set_size (self->tag_ids, 0);
  g_hash_table_iter_init (&iter, self->tags);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (self->tag_ids, *(gint64 *) key);
  crm_tags_sort_ids (self->tags, self->tag_ids);
  for (guint i = 0; i < self->tag_ids->len; i++)
    {
      JsonObject *tag = g_hash_table_lookup (self->tags, &g_array_index (self->tag_ids, gint64, i));

      gtk_string_list_append (self->tag_names,
                              json_object_get_string_member_with_default (tag, "name", "?"));
    }
}

static void
tags_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CrmCustomersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *items;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *text = describe_failure (_("Loading tags"), error);

      if (error != NULL)
        toast (self, text);
      return;
    }
  items = json_object_get_array_member (json_node_get_object (root), "items");
  g_hash_table_remove_all (self->tags);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *tag = json_array_get_object_element (items, i);
      gint64 *id;

      if (tag == NULL)
        continue;
      id = g_new (gint64, 1);
      *id = json_object_get_int_member_with_default (tag, "id", 0);
      g_hash_table_replace (self->tags, id, json_object_ref (tag));
    }
  fill_tag_filter (self);
  refill_named_cells (self);
  crm_customer_page_set_tags (self->customer_page, self->tags);
}

static void sync_filters_from_list (CrmCustomersPage *self);

/* "Anyone", "Me", then the other users the role lets one see (a manager's team), by name. */
static void
fill_owner_filter (CrmCustomersPage *self)
{
  self->syncing = TRUE;
  crm_owners_fill (self->owner_names, 1, self->owner_ids, self->users,
                   self->account != NULL ? self->account->user_id : 0);
  self->syncing = FALSE;
  if (self->list != NULL)
    sync_filters_from_list (self);
}

static void
users_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmCustomersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *items;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;   /* Owners then show as numbers: not worth a toast. */
  items = json_object_get_array_member (json_node_get_object (root), "items");
  g_hash_table_remove_all (self->assignees);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *user = json_array_get_object_element (items, i);
      const char *name;
      gint64 id, team_id = 0;

      if (user == NULL)
        continue;
      id = json_object_get_int_member_with_default (user, "id", 0);
      name = json_object_get_string_member_with_default (user, "display_name", "");
      g_hash_table_replace (self->users, g_memdup2 (&id, sizeof id), g_strdup (name));
      if (crm_json_get_type (user, "team_id") == CRM_JSON_INT)
        team_id = json_object_get_int_member (user, "team_id");
      /* A disabled account takes no customers; the server refuses those outside the scope. */
      if (json_object_get_boolean_member_with_default (user, "is_active", TRUE)
          && crm_owners_may_assign_to (self->account, id, team_id))
        g_hash_table_replace (self->assignees, g_memdup2 (&id, sizeof id), g_strdup (name));
    }
  fill_owner_filter (self);
  refill_named_cells (self);
  crm_customer_page_set_users (self->customer_page, self->users, self->assignees);
}

/* --- filters and search -------------------------------------------------- */

static GtkDropDown *
new_choice_drop_down (const CrmChoice *choices)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_string_list_append (labels, _("Any"));
  for (guint i = 0; choices[i].value != NULL; i++)
    gtk_string_list_append (labels, _(choices[i].label));
  return GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL));
}

static const char *
choice_value (GtkDropDown     *drop_down,
              const CrmChoice *choices)
{
  guint selected = drop_down != NULL ? gtk_drop_down_get_selected (drop_down) : 0;

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return choices[selected - 1].value;
}

/* The industries of the customers the user may see, most common first, for a drop-down
 * of crm_value_drop_down_new (): the list's filter and batch edit offer the same. */
static void
load_industries (CrmCustomersPage *self,
                 GtkDropDown      *drop_down)
{
  crm_value_drop_down_load (drop_down, self->api_client, CRM_API_BASE "/customers/industries",
                            "value", self->cancellable);
}

/* The levels and industries the filters offer, again each time the filters open: others
 * change them meanwhile. */
static void
load_filter_values (CrmCustomersPage *self)
{
  if (self->api_client == NULL)
    return;
  crm_value_drop_down_load (self->level_filter, self->api_client, CRM_API_BASE "/level-rules",
                            "level", self->cancellable);
  load_industries (self, self->industry_filter);
}

static void
update_filter_button (CrmCustomersPage *self)
{
  guint n = self->list != NULL ? crm_customer_list_get_n_filters (self->list) : 0;
  g_autofree char *label = NULL;

  if (n == 0)
    label = g_strdup (_("_Filters"));
  else
    /* Translators: the filter button, with how many filters are set */
    label = g_strdup_printf (_("_Filters (%u)"), n);
  gtk_menu_button_set_label (self->filter_button, label);
  gtk_menu_button_set_use_underline (self->filter_button, TRUE);
}

/* The date typed into a date filter, as the server reads it (the validator both share);
 * NULL when empty or not a date. */
static char *
dup_date_filter (GtkEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  char *date = NULL;

  if (*text == '\0' || !crm_validate_date (text, &date, NULL))
    return NULL;
  return date;
}

/* Marks a date filter that is not a date, and says why under the dates; an empty one is
 * fine (no bound). */
static void
date_filter_changed_cb (CrmCustomersPage *self)
{
  const char *problem = NULL;

  for (guint i = 0; i < N_DATE_FILTERS; i++)
    {
      GtkWidget *entry = GTK_WIDGET (self->date_filters[i]);
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
      const char *wrong = NULL;

      if (*text != '\0' && !crm_validate_date (text, NULL, &wrong))
        {
          gtk_widget_add_css_class (entry, "error");
          if (problem == NULL)
            problem = wrong;
        }
      else
        gtk_widget_remove_css_class (entry, "error");
    }
  gtk_label_set_text (self->date_message, problem != NULL ? _(problem) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->date_message), problem != NULL);
}

/* The user chosen in a drop-down of owner_names' order ("Me", then the others after
 * the first item); 0 for the first item. */
static gint64
owner_choice (CrmCustomersPage *self,
              GtkDropDown      *drop_down)
{
  return crm_owners_get_id (self->owner_ids, 1, gtk_drop_down_get_selected (drop_down));
}

/* How a filter's widget holds its value. */
typedef enum
{
  FILTER_CHOICE,  /* a drop-down of new_choice_drop_down (): "Any", then the choices */
  FILTER_VALUE,   /* a drop-down of crm_value_drop_down_new () */
  FILTER_TAG,     /* "Any", then the tags of tag_ids */
  FILTER_OWNER,   /* "Anyone", "Me", then the users of owner_ids */
  FILTER_TEXT,    /* an entry (new_filter_entry ()) */
} FilterKind;

/* A filter of the popover on one field: the list's filter key, the field, its widget, how
 * the widget holds the value (@choices: those of a FILTER_CHOICE). */
typedef struct
{
  const char      *key;
  const char      *field;
  GtkWidget       *widget;
  FilterKind       kind;
  const CrmChoice *choices;
} FieldFilter;

#define N_FIELD_FILTERS (7 + G_N_ELEMENTS (region_filter_keys))

static void
get_field_filters (CrmCustomersPage *self,
                   FieldFilter       filters[N_FIELD_FILTERS])
{
  const FieldFilter fixed[] = {
    { "kind", "kind", GTK_WIDGET (self->kind_filter), FILTER_CHOICE, crm_customer_kinds },
    { "size", "size", GTK_WIDGET (self->size_filter), FILTER_CHOICE, crm_customer_sizes },
    { "potential", "potential", GTK_WIDGET (self->potential_filter), FILTER_CHOICE,
      crm_customer_potentials },
    { "level", "level", GTK_WIDGET (self->level_filter), FILTER_VALUE, NULL },
    { "industry", "industry", GTK_WIDGET (self->industry_filter), FILTER_VALUE, NULL },
    /* ?tag= filters the tags */
    { "tag", "tags", GTK_WIDGET (self->tag_filter), FILTER_TAG, NULL },
    { "owner_id", "owner_id", GTK_WIDGET (self->owner_filter), FILTER_OWNER, NULL },
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    filters[n++] = fixed[i];
  for (guint i = 0; i < G_N_ELEMENTS (region_filter_keys); i++)
    filters[n++] = (FieldFilter) { region_filter_keys[i], region_filter_keys[i],
                                   GTK_WIDGET (self->region_filters[i]), FILTER_TEXT, NULL };
  g_assert (n == N_FIELD_FILTERS);
}

static gint64
tag_choice (CrmCustomersPage *self,
            GtkDropDown      *drop_down)
{
  guint selected = drop_down != NULL ? gtk_drop_down_get_selected (drop_down) : 0;

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > self->tag_ids->len)
    return 0;
  return g_array_index (self->tag_ids, gint64, selected - 1);
}

/* The value of the list's filter @filter, as the popover shows it; NULL for any. */
static char *
dup_filter_value (CrmCustomersPage  *self,
                  const FieldFilter *filter)
{
  gint64 id = 0;

  switch (filter->kind)
    {
    case FILTER_CHOICE:
      return g_strdup (choice_value (GTK_DROP_DOWN (filter->widget), filter->choices));
    case FILTER_VALUE:
      return g_strdup (crm_value_drop_down_get_value (GTK_DROP_DOWN (filter->widget)));
    case FILTER_TAG:
      id = tag_choice (self, GTK_DROP_DOWN (filter->widget));
      break;
    case FILTER_OWNER:
      id = owner_choice (self, GTK_DROP_DOWN (filter->widget));
      break;
    case FILTER_TEXT:
    default:
      return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (filter->widget))));
    }
  return id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : NULL;
}

static void
filters_changed_cb (CrmCustomersPage *self)
{
  FieldFilter filters[N_FIELD_FILTERS];

  if (self->list == NULL || self->syncing)
    return;

  get_field_filters (self, filters);
  for (guint i = 0; i < N_FIELD_FILTERS; i++)
    {
      g_autofree char *value = dup_filter_value (self, &filters[i]);

      crm_customer_list_set_filter (self->list, filters[i].key, value);
    }
  for (guint i = 0; i < N_DATE_FILTERS; i++)
    {
      g_autofree char *date = dup_date_filter (self->date_filters[i]);

      crm_customer_list_set_filter (self->list, date_filter_keys[i], date);
    }
  update_filter_button (self);
}

static void
clear_filters_cb (CrmCustomersPage *self)
{
  FieldFilter filters[N_FIELD_FILTERS];

  get_field_filters (self, filters);
  self->syncing = TRUE;
  for (guint i = 0; i < N_FIELD_FILTERS; i++)
    if (filters[i].kind == FILTER_TEXT)
      gtk_editable_set_text (GTK_EDITABLE (filters[i].widget), "");
    else
      gtk_drop_down_set_selected (GTK_DROP_DOWN (filters[i].widget), 0);
  for (guint i = 0; i < N_DATE_FILTERS; i++)
    gtk_editable_set_text (GTK_EDITABLE (self->date_filters[i]), "");
  self->syncing = FALSE;
  filters_changed_cb (self);
}

/* Shows the list's filters in the popover (after a saved view was applied). */
static void
sync_filters_from_list (CrmCustomersPage *self)
{
  const char *tag = crm_customer_list_get_filter (self->list, "tag");
  const char *owner = crm_customer_list_get_filter (self->list, "owner_id");
  gint64 owner_id = owner != NULL ? g_ascii_strtoll (owner, NULL, 10) : 0;
  guint tag_index = 0;
  guint owner_index = 0;

  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->kind_filter,
                              crm_choices_find (crm_customer_kinds,
                                                crm_customer_list_get_filter (self->list,
                                                                              "kind")) + 1);
  gtk_drop_down_set_selected (self->size_filter,
                              crm_choices_find (crm_customer_sizes,
                                                crm_customer_list_get_filter (self->list,
                                                                              "size")) + 1);
  gtk_drop_down_set_selected (self->potential_filter,
                              crm_choices_find (crm_customer_potentials,
                                                crm_customer_list_get_filter (self->list,
                                                                              "potential")) + 1);
  crm_value_drop_down_set_value (self->level_filter,
                                 crm_customer_list_get_filter (self->list, "level"));
  crm_value_drop_down_set_value (self->industry_filter,
                                 crm_customer_list_get_filter (self->list, "industry"));
  for (guint i = 0; i < G_N_ELEMENTS (region_filter_keys); i++)
    gtk_editable_set_text (GTK_EDITABLE (self->region_filters[i]),
                           crm_customer_list_get_filter (self->list, region_filter_keys[i]) ?: "");
  for (guint i = 0; i < N_DATE_FILTERS; i++)
    gtk_editable_set_text (GTK_EDITABLE (self->date_filters[i]),
                           crm_customer_list_get_filter (self->list, date_filter_keys[i]) ?: "");
  for (guint i = 0; tag != NULL && i < self->tag_ids->len; i++)
    if (g_ascii_strtoll (tag, NULL, 10) == g_array_index (self->tag_ids, gint64, i))
      tag_index = i + 1;
  gtk_drop_down_set_selected (self->tag_filter, tag_index);
  owner_index = crm_owners_find (self->owner_ids, 1, owner_id);
  gtk_drop_down_set_selected (self->owner_filter,
                              owner_index != GTK_INVALID_LIST_POSITION ? owner_index : 0);
  self->syncing = FALSE;
  update_filter_button (self);
}

static void
attach_filter (GtkGrid    *grid,
               int         row,
               const char *title,
               GtkWidget  *widget)
{
  GtkWidget *label = gtk_label_new (title);

  g_object_set_data (G_OBJECT (widget), "crm-filter-label", label);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (grid, widget, 1, row, 1, 1);
}

/* A text filter: applied on Enter, and when the popover closes. */
static GtkEntry *
new_filter_entry (CrmCustomersPage *self)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());

  g_signal_connect_swapped (entry, "activate", G_CALLBACK (filters_changed_cb), self);
  return entry;
}

/* A date range: from and to, each a date filter. */
static GtkWidget *
new_date_range (CrmCustomersPage *self,
                guint             from)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  for (guint i = from; i <= from + 1; i++)
    {
      GtkEntry *entry = new_filter_entry (self);

      gtk_entry_set_placeholder_text (entry, i == from ? _("From YYYY-MM-DD")
                                                       : _("To YYYY-MM-DD"));
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 14);
      gtk_widget_set_hexpand (GTK_WIDGET (entry), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      i == from ? _("From date") : _("To date"), -1);
      g_signal_connect_swapped (entry, "changed", G_CALLBACK (date_filter_changed_cb), self);
      self->date_filters[i] = entry;
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (entry));
    }
  return box;
}

static void
build_filter_popover (CrmCustomersPage *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *clear = gtk_button_new_with_mnemonic (_("_Clear Filters"));
  int row = 0;

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_size_request (grid, 360, -1);

  self->kind_filter = new_choice_drop_down (crm_customer_kinds);
  self->size_filter = new_choice_drop_down (crm_customer_sizes);
  self->potential_filter = new_choice_drop_down (crm_customer_potentials);
  {
    const char *level_labels[] = { _("Any level"), _("No level"), NULL };
    const char *level_values[] = { NULL, CRM_API_FILTER_NONE };
    const char *industry_labels[] = { _("Any industry"), NULL };

    self->level_filter = crm_value_drop_down_new (level_labels, level_values);
    self->industry_filter = crm_value_drop_down_new (industry_labels, NULL);
  }
  /* Industries are many and typed by users: found by typing. */
  gtk_drop_down_set_enable_search (self->industry_filter, TRUE);
  self->tag_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->tag_names, _("Any"));
  self->tag_filter = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->tag_names)),
                                                       NULL));
  self->owner_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->owner_names, _("Anyone"));
  gtk_string_list_append (self->owner_names, _("Me"));
  self->owner_filter = GTK_DROP_DOWN (gtk_drop_down_new (
    G_LIST_MODEL (g_object_ref (self->owner_names)), NULL));
  for (guint i = 0; i < G_N_ELEMENTS (region_filter_keys); i++)
    self->region_filters[i] = new_filter_entry (self);
  self->date_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->date_message, 0);
  gtk_label_set_wrap (self->date_message, TRUE);
  gtk_label_set_max_width_chars (self->date_message, 36);
  gtk_widget_add_css_class (GTK_WIDGET (self->date_message), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->date_message), FALSE);

  attach_filter (GTK_GRID (grid), row++, _("Kind"), GTK_WIDGET (self->kind_filter));
  attach_filter (GTK_GRID (grid), row++, _("Size"), GTK_WIDGET (self->size_filter));
  attach_filter (GTK_GRID (grid), row++, _("Potential"), GTK_WIDGET (self->potential_filter));
  attach_filter (GTK_GRID (grid), row++, _("Level"), GTK_WIDGET (self->level_filter));
  attach_filter (GTK_GRID (grid), row++, _("Industry"), GTK_WIDGET (self->industry_filter));
  attach_filter (GTK_GRID (grid), row++, _("Tag"), GTK_WIDGET (self->tag_filter));
  attach_filter (GTK_GRID (grid), row++, _("Owner"), GTK_WIDGET (self->owner_filter));
  for (guint i = 0; i < G_N_ELEMENTS (region_filter_keys); i++)
    attach_filter (GTK_GRID (grid), row++, crm_customer_field_label (region_filter_keys[i]),
                   GTK_WIDGET (self->region_filters[i]));
  attach_filter (GTK_GRID (grid), row++, C_("date", "Created"), new_date_range (self, DATE_CREATED_FROM));
  attach_filter (GTK_GRID (grid), row++, _("Updated"), new_date_range (self, DATE_UPDATED_FROM));
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->date_message), 1, row++, 1, 1);
  gtk_widget_set_halign (clear, GTK_ALIGN_END);
  gtk_grid_attach (GTK_GRID (grid), clear, 0, row, 2, 1);

  /* The drop-downs apply at once; the entries on Enter (new_filter_entry ()). */
  {
    FieldFilter filters[N_FIELD_FILTERS];

    get_field_filters (self, filters);
    for (guint i = 0; i < N_FIELD_FILTERS; i++)
      if (filters[i].kind != FILTER_TEXT)
        g_signal_connect_swapped (filters[i].widget, "notify::selected",
                                  G_CALLBACK (filters_changed_cb), self);
  }
  g_signal_connect_swapped (popover, "closed", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (popover, "show", G_CALLBACK (load_filter_values), self);
  g_signal_connect_swapped (clear, "clicked", G_CALLBACK (clear_filters_cb), self);

  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  gtk_menu_button_set_popover (self->filter_button, popover);
}

static gboolean
search_timeout_cb (gpointer user_data)
{
  CrmCustomersPage *self = user_data;

  self->search_source = 0;
  if (self->list != NULL)
    crm_customer_list_set_q (self->list,
                             gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  return G_SOURCE_REMOVE;
}

static void
search_entry_changed_cb (CrmCustomersPage *self,
                         GtkSearchEntry   *entry)
{
  g_clear_handle_id (&self->search_source, g_source_remove);
  self->search_source = g_timeout_add (SEARCH_DELAY_MS, search_timeout_cb, self);
}

/* Escape in the search clears it: all the customers again, at once. */
static void
search_entry_stop_search_cb (CrmCustomersPage *self,
                             GtkSearchEntry   *entry)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (entry)) == '\0')
    return;
  g_signal_handlers_block_by_func (entry, search_entry_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_signal_handlers_unblock_by_func (entry, search_entry_changed_cb, self);
  g_clear_handle_id (&self->search_source, g_source_remove);
  search_timeout_cb (self);
}

/* --- saved views --------------------------------------------------------- */

static void fill_views     (CrmCustomersPage *self);
static void present_dialog (CrmCustomersPage *self,
                            GtkWindow        *dialog);

/* The field of the list's filter @key that the user must be able to read, or NULL for
 * one on no such field (the dates a record was created and updated). */
static const char *
filter_field (CrmCustomersPage *self,
              const char       *key,
              const char      **label)
{
  FieldFilter filters[N_FIELD_FILTERS];

  get_field_filters (self, filters);
  for (guint i = 0; i < N_FIELD_FILTERS; i++)
    if (g_str_equal (filters[i].key, key))
      {
        *label = gtk_label_get_text (g_object_get_data (G_OBJECT (filters[i].widget),
                                                        "crm-filter-label"));
        return filters[i].field;
      }
  return NULL;
}

/* Says which parts of a saved view were left out (@left_out: what each was, in words). */
static void
toast_left_out (CrmCustomersPage *self,
                GPtrArray        *left_out)
{
  g_autoptr(GString) parts = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (guint i = 0; i < left_out->len; i++)
    {
      if (i > 0)
        g_string_append (parts, _(", "));
      g_string_append (parts, g_ptr_array_index (left_out, i));
    }
  /* Translators: %s lists what was left out, such as "filter by Industry, sort by Name" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Left out of the view, as your role may no longer read "
                                       "its field: %s",
                                       "Left out of the view, as your role may no longer read "
                                       "their fields: %s", left_out->len), parts->str);
  /* What the user just asked for: before older toasts still queued. */
  toast_full (self, text, ADW_TOAST_PRIORITY_HIGH);
}

/*
 * Applies the saved view @query. A filter or the order on a field the user may not read
 * (an admin's change since the view was saved) is left out, and a toast says which: the
 * server would refuse the whole list (400), and the popover does not offer them either.
 */
static void
apply_view (CrmCustomersPage *self,
            const char       *query)
{
  g_autoptr(GHashTable) params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  g_autoptr(GPtrArray) left_out = g_ptr_array_new_with_free_func (g_free);
  const char *sort;
  const char *q;

  if (params == NULL || self->list == NULL)
    return;
  crm_customer_list_clear_filters (self->list);
  for (guint i = 0; crm_customer_list_filter_keys[i] != NULL; i++)
    {
      const char *key = crm_customer_list_filter_keys[i];
      const char *value = g_hash_table_lookup (params, key);
      const char *label = NULL;
      const char *field = filter_field (self, key, &label);

      if (value != NULL && *value != '\0' && field != NULL && !may_read (self, field))
        {
          /* Translators: a filter left out of a saved view; %s is its field, such as
           * "Industry" */
          g_ptr_array_add (left_out, g_strdup_printf (_("filter by %s"), label));
          continue;
        }
      crm_customer_list_set_filter (self->list, key, value);
    }
  sort = g_hash_table_lookup (params, "sort");
  if (sort != NULL && !may_sort (self, sort))
    {
      /* Translators: the order of a saved view left out; %s is a column, such as "Name" */
      g_ptr_array_add (left_out, g_strdup_printf (_("sort by %s"),
                                                  column_title (find_sort_column (sort))));
      sort = NULL;
    }
  show_sort (self, sort);
  crm_customer_list_set_sort (self->list, sort);
  q = g_hash_table_lookup (params, "q");
  crm_customer_list_set_q (self->list, q);
  g_signal_handlers_block_by_func (self->search_entry, search_entry_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), q != NULL ? q : "");
  g_signal_handlers_unblock_by_func (self->search_entry, search_entry_changed_cb, self);
  sync_filters_from_list (self);
  if (left_out->len > 0)
    toast_left_out (self, left_out);
}

static void
view_row_activated_cb (CrmCustomersPage *self,
                       GtkListBoxRow    *row,
                       GtkListBox       *box)
{
  const char *query = g_object_get_data (G_OBJECT (row), "crm-query");

  if (query != NULL)
    apply_view (self, query);
  gtk_menu_button_popdown (self->views_button);
}

/* Stores the saved views less the one named @name, plus @name with @query when it is not
 * NULL. The key is an a{ss}: a GVariantDict would make an a{sv}, which GSettings refuses. */
static void
store_view (CrmCustomersPage *self,
            const char       *name,
            const char       *query)
{
  g_autoptr(GVariant) views = g_settings_get_value (self->settings, VIEWS_KEY);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  GVariantIter iter;
  const char *key;
  const char *value;

  g_variant_iter_init (&iter, views);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (!g_str_equal (key, name))
      g_variant_builder_add (&builder, "{ss}", key, value);
  if (query != NULL)
    g_variant_builder_add (&builder, "{ss}", name, query);
  g_settings_set_value (self->settings, VIEWS_KEY, g_variant_builder_end (&builder));
}

static void
delete_view_cb (CrmCustomersPage *self,
                GtkButton        *button)
{
  store_view (self, g_object_get_data (G_OBJECT (button), "crm-name"), NULL);
  fill_views (self);
}

static void
fill_views (CrmCustomersPage *self)
{
  g_autoptr(GVariant) views = NULL;
  GtkListBoxRow *old;
  GVariantIter iter;
  const char *name;
  const char *query;

  /* The rows only: the list's first child may be its placeholder, which removing would
   * drop for good. */
  while ((old = gtk_list_box_get_row_at_index (self->views_list, 0)) != NULL)
    gtk_list_box_remove (self->views_list, GTK_WIDGET (old));
  if (self->settings == NULL)
    return;

  views = g_settings_get_value (self->settings, VIEWS_KEY);
  g_variant_iter_init (&iter, views);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &query))
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (name);
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Delete View"));
      g_object_set_data_full (G_OBJECT (remove), "crm-name", g_strdup (name), g_free);
      g_signal_connect_swapped (remove, "clicked", G_CALLBACK (delete_view_cb), self);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), remove);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data_full (G_OBJECT (row), "crm-query", g_strdup (query), g_free);
      gtk_list_box_append (self->views_list, row);
    }
}

/* Whether a view is saved under @name. */
static gboolean
has_view (CrmCustomersPage *self,
          const char       *name)
{
  g_autoptr(GVariant) views = g_settings_get_value (self->settings, VIEWS_KEY);
  GVariantIter iter;
  const char *key;
  const char *value;

  g_variant_iter_init (&iter, views);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (g_str_equal (key, name))
      return TRUE;
  return FALSE;
}

/* Saves the list's search, filters and order as the view @name. */
static void
store_current_view (CrmCustomersPage *self,
                    const char       *name)
{
  g_autofree char *query = NULL;
  g_autofree char *text = NULL;

  if (self->settings == NULL || self->list == NULL)
    return;
  query = crm_customer_list_dup_query (self->list);
  store_view (self, name, query);
  gtk_editable_set_text (GTK_EDITABLE (self->view_name_entry), "");
  fill_views (self);
  /* Translators: %s is the name of a saved view */
  text = g_strdup_printf (_("View “%s” saved"), name);
  toast (self, text);
}

static void
replace_view_response_cb (CrmCustomersPage *self,
                          const char       *response,
                          AdwMessageDialog *dialog)
{
  if (g_str_equal (response, "replace"))
    store_current_view (self, g_object_get_data (G_OBJECT (dialog), "crm-name"));
}

/* A name already saved is asked about first: saving over it would lose that view. */
static void
save_view_cb (CrmCustomersPage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->view_name_entry))));
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (*name == '\0' || self->settings == NULL || self->list == NULL || self->dialog != NULL)
    return;
  if (!has_view (self, name))
    {
      store_current_view (self, name);
      return;
    }
  /* Translators: %s is the name of a saved view */
  heading = g_strdup_printf (_("Replace View “%s”?"), name);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   _("A view of this name is saved already. Replaced, it "
                                     "shows the current search, filters and order instead."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "crm-name", g_steal_pointer (&name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (replace_view_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_menu_button_popdown (self->views_button);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
build_views_popover (CrmCustomersPage *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *save_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));
  GtkWidget *title = gtk_label_new (_("Saved Views"));
  GtkWidget *placeholder;

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  self->views_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->views_list), "boxed-list");
  gtk_list_box_set_selection_mode (self->views_list, GTK_SELECTION_NONE);
  placeholder = gtk_label_new (_("No saved views"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->views_list, placeholder);
  g_signal_connect_swapped (self->views_list, "row-activated",
                            G_CALLBACK (view_row_activated_cb), self);
  self->view_name_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->view_name_entry, _("Name of the current view"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->view_name_entry), TRUE);
  g_signal_connect_swapped (self->view_name_entry, "activate", G_CALLBACK (save_view_cb), self);
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (save_view_cb), self);
  gtk_box_append (GTK_BOX (save_box), GTK_WIDGET (self->view_name_entry));
  gtk_box_append (GTK_BOX (save_box), save);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->views_list));
  gtk_box_append (GTK_BOX (box), save_box);
  gtk_widget_set_size_request (box, 280, -1);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (self->views_button, popover);
}

/* --- batch edit ---------------------------------------------------------- */

/*
 * The filter popover offers only the fields the user may read (the server refuses a
 * filter on another with 400); a filter set on a field that is no longer readable (an
 * admin's change heard live) is cleared.
 */
static void
show_readable_filters (CrmCustomersPage *self)
{
  FieldFilter filters[N_FIELD_FILTERS];
  gboolean cleared = FALSE;

  get_field_filters (self, filters);
  self->syncing = TRUE;
  for (guint i = 0; i < N_FIELD_FILTERS; i++)
    {
      GtkWidget *widget = filters[i].widget;
      gboolean readable = may_read (self, filters[i].field);

      gtk_widget_set_visible (widget, readable);
      gtk_widget_set_visible (g_object_get_data (G_OBJECT (widget), "crm-filter-label"), readable);
      if (readable)
        continue;
      if (GTK_IS_DROP_DOWN (widget) && gtk_drop_down_get_selected (GTK_DROP_DOWN (widget)) != 0)
        {
          gtk_drop_down_set_selected (GTK_DROP_DOWN (widget), 0);
          cleared = TRUE;
        }
      else if (GTK_IS_EDITABLE (widget) && *gtk_editable_get_text (GTK_EDITABLE (widget)) != '\0')
        {
          gtk_editable_set_text (GTK_EDITABLE (widget), "");
          cleared = TRUE;
        }
    }
  self->syncing = FALSE;
  if (cleared)
    filters_changed_cb (self);
}

static void
dialog_destroyed_cb (CrmCustomersPage *self,
                     GtkWidget        *dialog)
{
  if (self->dialog == GTK_WINDOW (dialog))
    self->dialog = NULL;
  update_actions (self);
}

/* Shows @dialog as the page's one open dialog, until it is destroyed. */
static void
present_dialog (CrmCustomersPage *self,
                GtkWindow        *dialog)
{
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  self->dialog = dialog;
  update_actions (self);
  gtk_window_present (dialog);
}

/*
 * Why a batch edit changed nothing (server/API.md): the server's word, then the first
 * reason it gives, a field's (422: "Industry: …") or a record's (403, 404), in the
 * user's language; else as any failure.
 */
static char *
describe_batch_failure (const GError *error)
{
  JsonObject *fields = NULL;
  JsonNode *body = NULL;
  JsonArray *results = NULL;
  g_autofree char *reason = NULL;

  if (error->domain == CRM_API_REPLY_ERROR)
    {
      fields = crm_api_reply_error_get_fields (error);
      body = crm_api_reply_error_get_body (error);
    }
  if (fields != NULL && json_object_get_size (fields) > 0)
    {
      g_autoptr(GList) names = json_object_get_members (fields);
      const char *name = names->data;

      /* Translators: a field's label, then what is wrong with its value */
      reason = g_strdup_printf (_("%s: %s"), crm_customer_field_label (name),
                                json_object_get_string_member_with_default (fields, name, ""));
    }
  else if (body != NULL && JSON_NODE_HOLDS_OBJECT (body)
           && crm_json_get_type (json_node_get_object (body), "results") == CRM_JSON_ARRAY)
    results = json_object_get_array_member (json_node_get_object (body), "results");
  for (guint i = 0; reason == NULL && results != NULL && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      JsonObject *refusal = result != NULL && crm_json_get_type (result, "error") == CRM_JSON_OBJECT
                            ? json_object_get_object_member (result, "error") : NULL;

      if (refusal != NULL)
        reason = g_strdup (json_object_get_string_member_with_default (refusal, "message", NULL));
    }
  if (reason == NULL)
    return describe_failure (_("Editing the selected customers"), error);
  return g_strdup_printf (_("%s: %s"), error->message, reason);
}

/* The items of the batch's industry before the industries. */
enum { BATCH_INDUSTRY_KEEP, BATCH_INDUSTRY_NEW, N_BATCH_INDUSTRY_FIXED };

static void batch_edit_action_cb (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter);

/* The choice of @drop_down (nullable), or 0. */
static guint
batch_choice (GtkDropDown *drop_down)
{
  return drop_down != NULL ? gtk_drop_down_get_selected (drop_down) : 0;
}

static void
set_batch_choice (GtkDropDown *drop_down,
                  guint        position)
{
  if (drop_down != NULL && position < g_list_model_get_n_items (gtk_drop_down_get_model (drop_down)))
    gtk_drop_down_set_selected (drop_down, position);
}

static void
batch_choices_clear (BatchChoices *choices)
{
  g_clear_pointer (&choices->industry_value, g_free);
  g_clear_pointer (&choices->typed, g_free);
}

/* The choices of the batch dialog, as Apply sends them. */
static void
save_batch_choices (CrmCustomersPage *self)
{
  BatchChoices *choices = &self->batch_choices;

  batch_choices_clear (choices);
  choices->industry = batch_choice (self->batch_industry);
  if (self->batch_industry != NULL)
    choices->industry_value = g_strdup (crm_value_drop_down_get_value (self->batch_industry));
  if (self->batch_new_industry != NULL)
    choices->typed = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->batch_new_industry)));
  choices->potential = batch_choice (self->batch_potential);
  choices->add_tag = batch_choice (self->batch_add_tag);
  choices->remove_tag = batch_choice (self->batch_remove_tag);
  choices->owner = batch_choice (self->batch_owner);
}

/*
 * A refused batch edit's dialog again, with the choices it was applied with, to mend
 * one. A new dialog: AdwMessageDialog closes itself on Apply, and a GtkWindow hidden and
 * shown again comes back smaller by its shadow, here without its buttons' row.
 */
static void
reopen_batch_dialog (CrmCustomersPage *self)
{
  const BatchChoices *choices = &self->batch_choices;

  batch_edit_action_cb (GTK_WIDGET (self), NULL, NULL);
  if (self->batch_dialog == NULL)
    return;
  if (choices->industry == BATCH_INDUSTRY_NEW)
    {
      gtk_drop_down_set_selected (self->batch_industry, BATCH_INDUSTRY_NEW);
      gtk_editable_set_text (GTK_EDITABLE (self->batch_new_industry), choices->typed);
    }
  else if (choices->industry != BATCH_INDUSTRY_KEEP)
    crm_value_drop_down_set_value (self->batch_industry, choices->industry_value);
  set_batch_choice (self->batch_potential, choices->potential);
  set_batch_choice (self->batch_add_tag, choices->add_tag);
  set_batch_choice (self->batch_remove_tag, choices->remove_tag);
  set_batch_choice (self->batch_owner, choices->owner);
}

static void
batch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmCustomersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->batch_pending = FALSE;
  if (root == NULL)
    {
      g_autofree char *text = describe_batch_failure (error);

      toast_full (self, text, ADW_TOAST_PRIORITY_HIGH);
      /* A record gone meanwhile: the list shows what is there now, and the selection
       * may not be what the dialog was for. Else nothing changed: the dialog comes back
       * with the choices made, to mend one (unless another dialog opened meanwhile). */
      if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_NOT_FOUND))
        crm_customer_list_reload (self->list);
      else if (self->dialog == NULL)
        reopen_batch_dialog (self);
      return;
    }
  toast_full (self, _("The selected customers were updated"), ADW_TOAST_PRIORITY_HIGH);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  crm_customer_list_reload (self->list);
}

/* The industry a batch edit sets: one of the list, or a new one typed; NULL for none. */
static char *
batch_industry (CrmCustomersPage *self)
{
  g_autofree char *typed = NULL;

  if (self->batch_industry == NULL)
    return NULL;
  if (gtk_drop_down_get_selected (self->batch_industry) != BATCH_INDUSTRY_NEW)
    return g_strdup (crm_value_drop_down_get_value (self->batch_industry));
  typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->batch_new_industry))));
  return *typed != '\0' ? g_steal_pointer (&typed) : NULL;
}

/* "New Industry…" shows the entry to type it in. */
static void
batch_industry_selected_cb (CrmCustomersPage *self)
{
  gboolean typing = gtk_drop_down_get_selected (self->batch_industry) == BATCH_INDUSTRY_NEW;

  gtk_widget_set_visible (GTK_WIDGET (self->batch_new_industry), typing);
  if (typing)
    gtk_widget_grab_focus (GTK_WIDGET (self->batch_new_industry));
}

/* The batch dialog's changes as members of the object @builder is in; how many. */
static guint
add_batch_changes (CrmCustomersPage *self,
                   JsonBuilder      *builder)
{
  g_autofree char *industry = batch_industry (self);
  const char *potential = choice_value (self->batch_potential, crm_customer_potentials);
  gint64 add_tag = tag_choice (self, self->batch_add_tag);
  gint64 remove_tag = tag_choice (self, self->batch_remove_tag);
  gint64 owner = self->batch_owner != NULL
                 ? crm_owners_get_id (self->batch_owner_ids, 1,
                                      gtk_drop_down_get_selected (self->batch_owner))
                 : 0;
  guint n = 0;

  if (industry != NULL)
    {
      json_builder_set_member_name (builder, "industry");
      json_builder_add_string_value (builder, industry);
      n++;
    }
  if (potential != NULL)
    {
      json_builder_set_member_name (builder, "potential");
      json_builder_add_string_value (builder, potential);
      n++;
    }
  if (add_tag > 0)
    {
      json_builder_set_member_name (builder, "add_tags");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, add_tag);
      json_builder_end_array (builder);
      n++;
    }
  if (owner > 0)
    {
      json_builder_set_member_name (builder, "owner_id");
      json_builder_add_int_value (builder, owner);
      n++;
    }
  if (remove_tag > 0)
    {
      json_builder_set_member_name (builder, "remove_tags");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, remove_tag);
      json_builder_end_array (builder);
      n++;
    }
  return n;
}

/* Apply only once something is chosen: with nothing, the server could only refuse. */
static void
batch_choice_changed_cb (CrmCustomersPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n;

  if (self->batch_dialog == NULL)
    return;
  json_builder_begin_object (builder);
  n = add_batch_changes (self, builder);
  json_builder_end_object (builder);
  adw_message_dialog_set_response_enabled (self->batch_dialog, "apply", n > 0);
}

static void
batch_dialog_response_cb (CrmCustomersPage *self,
                          const char       *response,
                          AdwMessageDialog *dialog)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(JsonNode) body = NULL;
  GtkBitsetIter iter;
  guint position;

  if (!g_str_equal (response, "apply"))
    return;

  save_batch_choices (self);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ids");
  json_builder_begin_array (builder);
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      CrmCustomer *customer = crm_customer_list_peek (self->list, position);

      if (customer != NULL)
        json_builder_add_int_value (builder, crm_customer_get_id (customer));
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_object (builder);
  add_batch_changes (self, builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  self->batch_pending = TRUE;
  crm_api_client_call_async (self->api_client, "PATCH", CRM_API_BASE "/customers", NULL, body, 0,
                             self->cancellable, batch_cb, g_object_ref (self));
}

static GtkDropDown *
new_tag_drop_down (CrmCustomersPage *self,
                   const char       *none)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_string_list_append (names, none);
  for (guint i = 1; i < g_list_model_get_n_items (G_LIST_MODEL (self->tag_names)); i++)
    gtk_string_list_append (names, gtk_string_list_get_string (self->tag_names, i));
  return GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL));
}

/* The selected rows that are loaded: those a batch edit changes. */
static guint64
count_loaded (CrmCustomersPage *self,
              GtkBitset        *selected)
{
  GtkBitsetIter iter;
  guint position;
  guint64 n = 0;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    if (crm_customer_list_peek (self->list, position) != NULL)
      n++;
  return n;
}

static void
batch_edit_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CrmCustomersPage *self = CRM_CUSTOMERS_PAGE (widget);
  g_autoptr(GtkBitset) selected = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *grid;
  int row = 0;
  guint64 n;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n = count_loaded (self, selected);
  if (n == 0)
    return;

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Edit %u Customer",
                                          "Edit %u Customers", (gulong) n), (guint) n);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   _("Only what you choose here changes; the rest of each "
                                     "customer stays as it is."));
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);

  /* Only the fields the user may write (crm_account_get_field_access ()): the server
   * refuses the others. */
  self->batch_industry = NULL;
  self->batch_new_industry = NULL;
  self->batch_potential = NULL;
  self->batch_add_tag = NULL;
  self->batch_remove_tag = NULL;
  self->batch_owner = NULL;
  if (may_write (self, "industry"))
    {
      const char *labels[N_BATCH_INDUSTRY_FIXED + 1] = {
        [BATCH_INDUSTRY_KEEP] = _("No change"), [BATCH_INDUSTRY_NEW] = _("New Industry…"),
      };

      /* The industries of the list's filter, and one typed in when it is new. */
      self->batch_industry = crm_value_drop_down_new (labels, NULL);
      gtk_drop_down_set_enable_search (self->batch_industry, TRUE);
      load_industries (self, self->batch_industry);
      self->batch_new_industry = GTK_ENTRY (gtk_entry_new ());
      gtk_entry_set_placeholder_text (self->batch_new_industry, _("The new industry"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->batch_new_industry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("New industry"), -1);
      gtk_widget_set_visible (GTK_WIDGET (self->batch_new_industry), FALSE);
      g_signal_connect_object (self->batch_industry, "notify::selected",
                               G_CALLBACK (batch_industry_selected_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->batch_new_industry, "changed",
                               G_CALLBACK (batch_choice_changed_cb), self, G_CONNECT_SWAPPED);
      attach_filter (GTK_GRID (grid), row++, _("Industry"), GTK_WIDGET (self->batch_industry));
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->batch_new_industry), 1, row++, 1, 1);
    }
  if (may_write (self, "potential"))
    {
      g_autoptr(GtkStringList) potentials = gtk_string_list_new (NULL);

      gtk_string_list_append (potentials, _("No change"));
      for (guint i = 0; crm_customer_potentials[i].value != NULL; i++)
        gtk_string_list_append (potentials, _(crm_customer_potentials[i].label));
      self->batch_potential = GTK_DROP_DOWN (gtk_drop_down_new (
        G_LIST_MODEL (g_steal_pointer (&potentials)), NULL));
      attach_filter (GTK_GRID (grid), row++, _("Potential"), GTK_WIDGET (self->batch_potential));
    }
  if (may_write (self, "tags"))
    {
      self->batch_add_tag = new_tag_drop_down (self, _("None"));
      self->batch_remove_tag = new_tag_drop_down (self, _("None"));
      attach_filter (GTK_GRID (grid), row++, _("Add tag"), GTK_WIDGET (self->batch_add_tag));
      attach_filter (GTK_GRID (grid), row++, _("Remove tag"),
                     GTK_WIDGET (self->batch_remove_tag));
    }
  if (crm_owners_can_assign (self->account))
    {
      g_autoptr(GtkStringList) owners = gtk_string_list_new (NULL);

      /* "No change", then "Me" and those the user may give customers to (a manager: the
       * team), as on a customer's page. */
      gtk_string_list_append (owners, _("No change"));
      crm_owners_fill (owners, 1, self->batch_owner_ids, self->assignees,
                       self->account != NULL ? self->account->user_id : 0);
      self->batch_owner = GTK_DROP_DOWN (gtk_drop_down_new (
        G_LIST_MODEL (g_steal_pointer (&owners)), NULL));
      attach_filter (GTK_GRID (grid), row++, _("Owner"), GTK_WIDGET (self->batch_owner));
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (batch_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->batch_dialog, ADW_MESSAGE_DIALOG (dialog));
  {
    GtkDropDown *choices[] = { self->batch_industry, self->batch_potential, self->batch_add_tag,
                               self->batch_remove_tag, self->batch_owner };

    for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
      if (choices[i] != NULL)
        g_signal_connect_object (choices[i], "notify::selected",
                                 G_CALLBACK (batch_choice_changed_cb), self, G_CONNECT_SWAPPED);
  }
  batch_choice_changed_cb (self);
  present_dialog (self, GTK_WINDOW (dialog));
}

/* --- new customer -------------------------------------------------------- */

static void
customer_dialog_created_cb (CrmCustomersPage  *self,
                            CrmCustomer       *customer,
                            CrmCustomerDialog *dialog)
{
  g_autofree char *text = NULL;

  /* Translators: %s is a customer's name */
  text = g_strdup_printf (_("Customer “%s” created"), crm_customer_get_string (customer, "name"));
  toast (self, text);
  crm_customer_list_reload (self->list);
  crm_customers_page_open_customer (self, crm_customer_get_id (customer));
}

static void
customer_dialog_open_customer_cb (CrmCustomersPage  *self,
                                  gint64             id,
                                  CrmCustomerDialog *dialog)
{
  crm_customers_page_open_customer (self, id);
}

static void
new_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CrmCustomersPage *self = CRM_CUSTOMERS_PAGE (widget);
  CrmCustomerDialog *dialog;

  dialog = crm_customer_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->api_client,
                                    self->account);
  g_signal_connect_object (dialog, "created", G_CALLBACK (customer_dialog_created_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "open-customer",
                           G_CALLBACK (customer_dialog_open_customer_cb), self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

/* --- the customer page --------------------------------------------------- */

static void
column_view_activate_cb (CrmCustomersPage *self,
                         guint             position,
                         GtkColumnView    *view)
{
  g_autoptr(CrmCustomer) customer = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  /* The recycle bin's customers open nowhere: they can only be restored. */
  if (customer != NULL && !crm_customer_is_placeholder (customer)
      && !crm_customer_list_get_deleted (self->list))
    crm_customers_page_open_customer (self, crm_customer_get_id (customer));
}

static void
dismiss_page_toast (CrmCustomersPage *self)
{
  if (self->page_toast != NULL)
    adw_toast_dismiss (self->page_toast);
  g_clear_object (&self->page_toast);
}

static void
customer_page_back_cb (CrmCustomersPage *self,
                       CrmCustomerPage  *page)
{
  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
customer_page_saved_cb (CrmCustomersPage *self,
                        CrmCustomer      *customer,
                        CrmCustomerPage  *page)
{
  crm_customer_list_replace (self->list, customer);
}

/* A toast of the customer page replaces the one before it: "Saved" is old
 * news once the next save or error is there. */
static void
page_toast_cb (CrmCustomersPage *self,
               const char       *text,
               GtkWidget        *page)
{
  dismiss_page_toast (self);
  toast (self, text);
  self->page_toast = g_object_ref (g_ptr_array_index (self->toasts, self->toasts->len - 1));
}

static void
customer_page_list_changed_cb (CrmCustomersPage *self,
                               CrmCustomerPage  *page)
{
  crm_customer_list_reload (self->list);
}

/* --- the recycle bin ----------------------------------------------------- */

static void
bin_button_toggled_cb (CrmCustomersPage *self,
                       GtkToggleButton  *button)
{
  crm_customers_page_show_recycle_bin (self, gtk_toggle_button_get_active (button));
}

/* The empty list's way on: out of the recycle bin, the search and filters cleared, or a
 * new customer. */
static void
empty_button_clicked_cb (CrmCustomersPage *self,
                         GtkButton        *button)
{
  if (self->list == NULL)
    return;
  if (crm_customer_list_get_deleted (self->list))
    gtk_toggle_button_set_active (self->bin_button, FALSE);
  else if (crm_customer_list_get_q (self->list) != NULL
           || crm_customer_list_get_n_filters (self->list) > 0)
    {
      g_signal_handlers_block_by_func (self->search_entry, search_entry_changed_cb, self);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      g_signal_handlers_unblock_by_func (self->search_entry, search_entry_changed_cb, self);
      g_clear_handle_id (&self->search_source, g_source_remove);
      crm_customer_list_set_q (self->list, NULL);
      clear_filters_cb (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
    }
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "customers.new", NULL);
}

/* One restore or purge in flight: its page, and the customer's name for a failure. */
typedef struct
{
  CrmCustomersPage *self;
  char             *name;
} BinCall;

static void
bin_call_free (BinCall *bin_call)
{
  g_object_unref (bin_call->self);
  g_free (bin_call->name);
  g_free (bin_call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BinCall, bin_call_free)

static void
bin_call_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BinCall) bin_call = user_data;
  CrmCustomersPage *self = bin_call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error == NULL)
    self->n_bin_done++;
  else
    {
      /* The server's own words: gone already (404), not allowed (403), still referred
       * to by orders (409). */
      g_autofree char *what = g_strdup_printf (self->bin_purging
                                               /* Translators: %s is a customer's name */
                                               ? _("Deleting “%s” for good")
                                               /* Translators: %s is a customer's name */
                                               : _("Restoring “%s”"), bin_call->name);

      /* Translators: what failed, then why */
      text = g_strdup_printf (_("%s: %s"), what, error->message);
      toast_full (self, text, ADW_TOAST_PRIORITY_HIGH);
    }
  if (--self->n_bin_calls > 0)
    return;
  if (self->n_bin_done > 0)
    {
      g_clear_pointer (&text, g_free);
      if (self->bin_purging)
        /* Translators: %u is a number of customers */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u customer deleted for good",
                                             "%u customers deleted for good", self->n_bin_done),
                                self->n_bin_done);
      else
        /* Translators: %u is a number of customers */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u customer restored",
                                             "%u customers restored", self->n_bin_done),
                                self->n_bin_done);
      toast_full (self, text, ADW_TOAST_PRIORITY_HIGH);
    }
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  crm_customer_list_reload (self->list);
  update_actions (self);
}

/* Restores (POST …/restore) or deletes for good (DELETE …?purge=true) @customers. */
static void
call_bin (CrmCustomersPage *self,
          gboolean          purging,
          GPtrArray        *customers)
{
  self->n_bin_done = 0;
  self->bin_purging = purging;
  for (guint i = 0; i < customers->len; i++)
    {
      CrmCustomer *customer = g_ptr_array_index (customers, i);
      BinCall *bin_call = g_new0 (BinCall, 1);
      g_autofree char *path = NULL;

      bin_call->self = g_object_ref (self);
      bin_call->name = g_strdup (crm_customer_get_string (customer, "name"));
      path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT "%s",
                              crm_customer_get_id (customer), purging ? "" : "/restore");
      self->n_bin_calls++;
      crm_api_client_call_async (self->api_client,
                                 purging ? SOUP_METHOD_DELETE : SOUP_METHOD_POST, path,
                                 purging ? "purge=true" : NULL, NULL, 0, self->cancellable,
                                 bin_call_done_cb, bin_call);
    }
  update_actions (self);
}

/* The selected rows that are loaded (CrmCustomer refs) into @customers. */
static void
add_selected_customers (CrmCustomersPage *self,
                        GPtrArray        *customers)
{
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      CrmCustomer *customer = crm_customer_list_peek (self->list, position);

      if (customer != NULL)
        g_ptr_array_add (customers, g_object_ref (customer));
    }
}

/* Asks whether to @response (its button @label) the customers of bin_customers, or
 * cancel; @callback gets the answer. */
static void
present_bin_dialog (CrmCustomersPage      *self,
                    const char            *heading,
                    const char            *body,
                    const char            *response,
                    const char            *label,
                    AdwResponseAppearance  appearance,
                    GCallback              callback)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    response, label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response,
                                              appearance);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", callback, self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
restore_dialog_response_cb (CrmCustomersPage *self,
                            const char       *response,
                            AdwMessageDialog *dialog)
{
  if (g_str_equal (response, "restore") && self->list != NULL && self->n_bin_calls == 0)
    call_bin (self, FALSE, self->bin_customers);
  g_ptr_array_set_size (self->bin_customers, 0);
}

/* Restores the selected customers; a merged one not before saying what that means: it
 * comes back on its own, and what the merge moved stays with the survivor. */
static void
restore_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CrmCustomersPage *self = CRM_CUSTOMERS_PAGE (widget);
  GPtrArray *customers = self->bin_customers;
  CrmCustomer *merged = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  guint n_merged = 0;

  if (self->selection == NULL || self->n_bin_calls > 0 || self->dialog != NULL)
    return;
  g_ptr_array_set_size (customers, 0);
  add_selected_customers (self, customers);
  for (guint i = 0; i < customers->len; i++)
    if (crm_customer_get_int (g_ptr_array_index (customers, i), "merged_into") > 0)
      {
        merged = g_ptr_array_index (customers, i);
        n_merged++;
      }
  if (n_merged == 0)
    {
      call_bin (self, FALSE, customers);
      g_ptr_array_set_size (customers, 0);
      return;
    }
  heading = g_strdup (g_dngettext (GETTEXT_PACKAGE, "Restore a Merged Customer?",
                                   "Restore Merged Customers?", n_merged));
  if (n_merged == 1)
    {
      g_autofree char *survivor = merged_into_name (self,
                                                    crm_customer_get_int (merged, "merged_into"));

      /* Translators: %1$s is the customer to restore, %2$s the one it was merged into */
      body = g_strdup_printf (_("“%1$s” was merged into “%2$s”. Restored, it is a customer of "
                                "its own again, with the details it had then; the contacts, "
                                "follow-ups, orders and tickets the merge moved stay with "
                                "“%2$s”."),
                              crm_customer_get_string (merged, "name"), survivor);
    }
  else
    /* Translators: %u is a number of customers */
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u of them was merged into another customer. "
                                         "Restored, it is a customer of its own again, with the "
                                         "details it had then; the contacts, follow-ups, orders "
                                         "and tickets the merge moved stay where they went.",
                                         "%u of them were merged into other customers. "
                                         "Restored, each is a customer of its own again, with "
                                         "the details it had then; the contacts, follow-ups, "
                                         "orders and tickets the merge moved stay where they "
                                         "went.", n_merged), n_merged);
  present_bin_dialog (self, heading, body, "restore", _("_Restore"), ADW_RESPONSE_SUGGESTED,
                      G_CALLBACK (restore_dialog_response_cb));
}

static void
purge_dialog_response_cb (CrmCustomersPage *self,
                          const char       *response,
                          AdwMessageDialog *dialog)
{
  if (g_str_equal (response, "purge") && self->list != NULL && self->n_bin_calls == 0)
    call_bin (self, TRUE, self->bin_customers);
  g_ptr_array_set_size (self->bin_customers, 0);
}

static void
purge_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CrmCustomersPage *self = CRM_CUSTOMERS_PAGE (widget);
  GPtrArray *customers = self->bin_customers;
  g_autofree char *heading = NULL;
  guint n;

  if (self->selection == NULL || self->n_bin_calls > 0 || self->dialog != NULL)
    return;
  g_ptr_array_set_size (customers, 0);
  add_selected_customers (self, customers);
  n = customers->len;
  if (n == 0)
    return;
  if (n == 1)
    /* Translators: %s is a customer's name */
    heading = g_strdup_printf (_("Delete “%s” for Good?"),
                               crm_customer_get_string (g_ptr_array_index (customers, 0),
                                                        "name"));
  else
    /* Translators: %u is a number of customers */
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Customer for Good?",
                                            "Delete %u Customers for Good?", n), n);
  present_bin_dialog (self, heading,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "The customer and its contacts are deleted "
                                   "from the recycle bin and cannot be restored.",
                                   "The customers and their contacts are deleted "
                                   "from the recycle bin and cannot be restored.",
                                   n),
                      "purge", _("_Delete for Good"), ADW_RESPONSE_DESTRUCTIVE,
                      G_CALLBACK (purge_dialog_response_cb));
}

static void
list_failed_cb (CrmCustomersPage *self,
                const GError     *error,
                CrmCustomerList  *list)
{
  g_autofree char *text = describe_failure (_("Loading customers"), error);

  toast (self, text);
  /* Not "no customers": the list could not say. */
  self->load_failed = TRUE;
  update_empty_page (self);
}

/*
 * The rows on screen, for the list to load their pages: rows are all of a
 * height, so the scroll position says which they are, also after a jump (the
 * scroll bar dragged) far from anything loaded.
 */
static void
vadjustment_changed_cb (CrmCustomersPage *self,
                        GtkAdjustment    *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);
  guint n;

  if (self->list == NULL || upper <= 0)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  if (n == 0)
    return;
  crm_customer_list_want_range (self->list, (guint) (value / upper * n),
                                (guint) MIN ((value + page) / upper * n, n - 1));
}

/* Each frame after the list shrank: at its end, until its last rows are in and laid
 * out (placeholder rows are not as tall as customers: the scroll bar's length changes
 * as they come), two seconds at most. */
static gboolean
scroll_to_end_tick_cb (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  CrmCustomersPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  guint n = self->list != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->list)) : 0;

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                        - gtk_adjustment_get_page_size (adjustment));
  self->end_frames++;
  if (n > 0 && self->end_frames < 120
      && (crm_customer_list_get_loading (self->list)
          || crm_customer_list_peek (self->list, n - 1) == NULL || self->end_frames < 3))
    return G_SOURCE_CONTINUE;
  self->end_tick = 0;
  return G_SOURCE_REMOVE;
}

/*
 * The list ends elsewhere than the view, dragged to its end, shows: before the rows on
 * screen (an estimate too high, which a page past the end corrected; GTK's view keeps its
 * place by its first row on screen, and loses it) or after them (an estimate too low,
 * which the list asked the server about). To the end, on the next frames.
 */
static void
list_end_found_cb (CrmCustomersPage *self,
                   guint             n_items,
                   CrmCustomerList  *list)
{
  self->end_frames = 0;
  if (self->end_tick == 0)
    self->end_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view),
                                                   scroll_to_end_tick_cb, self, NULL);
}

static void
selection_changed_cb (CrmCustomersPage *self)
{
  update_actions (self);
}

/* --- GObject ------------------------------------------------------------- */

/* The columns for the width and the list: "Created" not in a narrow window; the recycle
 * bin's own only there, in place of "Created", "Updated" and "Tags". */
static void
show_columns (CrmCustomersPage *self)
{
  GListModel *shown = gtk_column_view_get_columns (self->column_view);
  gboolean in_bin = self->list != NULL && crm_customer_list_get_deleted (self->list);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (shown, i);
      Column which = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), "crm-column"));

      if (which == COLUMN_CREATED)
        gtk_column_view_column_set_visible (column, !self->narrow && !in_bin);
      /* In the bin, the last change is the deletion, and tags are no matter: room for
       * the names and what they were merged into. */
      else if (which == COLUMN_UPDATED || which == COLUMN_TAGS)
        gtk_column_view_column_set_visible (column, !in_bin);
      else if (is_bin_column (which))
        gtk_column_view_column_set_visible (column, in_bin);
    }
}

static gboolean
fit_columns_cb (gpointer user_data)
{
  CrmCustomersPage *self = user_data;

  self->fit_source = 0;
  show_columns (self);
  return G_SOURCE_REMOVE;
}

/* The list's width known (again): whether it is too narrow for every column. */
static void
hadjustment_changed_cb (CrmCustomersPage *self,
                        GtkAdjustment    *adjustment)
{
  double width = gtk_adjustment_get_page_size (adjustment);
  gboolean narrow = width > 0 && width < NARROW_WIDTH;

  /* Not while the list is being allocated: the columns change at the next turn of the
   * loop. */
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      if (self->fit_source == 0)
        self->fit_source = g_idle_add (fit_columns_cb, self);
    }
}

static void
crm_customers_page_dispose (GObject *object)
{
  CrmCustomersPage *self = CRM_CUSTOMERS_PAGE (object);

  g_clear_handle_id (&self->fit_source, g_source_remove);
  if (self->end_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->column_view), self->end_tick);
  self->end_tick = 0;
  crm_customers_page_stop (self);
  adw_bin_set_child (ADW_BIN (self), NULL);
  g_clear_weak_pointer (&self->batch_dialog);
  batch_choices_clear (&self->batch_choices);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CUSTOMERS_PAGE);
  g_clear_object (&self->tag_names);
  g_clear_object (&self->owner_names);

  G_OBJECT_CLASS (crm_customers_page_parent_class)->dispose (object);
}

static void
crm_customers_page_finalize (GObject *object)
{
  CrmCustomersPage *self = CRM_CUSTOMERS_PAGE (object);

  g_hash_table_unref (self->tags);
  g_hash_table_unref (self->users);
  g_hash_table_unref (self->assignees);
  g_hash_table_unref (self->named_cells);
  g_array_unref (self->tag_ids);
  g_array_unref (self->owner_ids);
  g_array_unref (self->batch_owner_ids);
  g_ptr_array_unref (self->bin_customers);
  g_hash_table_unref (self->merged_names);
  g_ptr_array_unref (self->toasts);

  G_OBJECT_CLASS (crm_customers_page_parent_class)->finalize (object);
}

static void
crm_customers_page_class_init (CrmCustomersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_customers_page_dispose;
  object_class->finalize = crm_customers_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-customers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, views_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, batch_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, bin_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, restore_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, purge_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, empty_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomersPage, customer_page);
  gtk_widget_class_bind_template_callback (widget_class, search_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, customer_page_back_cb);
  gtk_widget_class_bind_template_callback (widget_class, customer_page_saved_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_toast_cb);
  gtk_widget_class_bind_template_callback (widget_class, customer_page_list_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, bin_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, empty_button_clicked_cb);

  gtk_widget_class_install_action (widget_class, "customers.batch-edit", NULL,
                                   batch_edit_action_cb);
  gtk_widget_class_install_action (widget_class, "customers.new", NULL, new_action_cb);
  gtk_widget_class_install_action (widget_class, "customers.restore", NULL, restore_action_cb);
  gtk_widget_class_install_action (widget_class, "customers.purge", NULL, purge_action_cb);
}

static void
crm_customers_page_init (CrmCustomersPage *self)
{
  g_type_ensure (CRM_TYPE_CUSTOMER_PAGE);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->tags = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                      (GDestroyNotify) json_object_unref);
  self->users = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->assignees = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->named_cells = g_hash_table_new (NULL, NULL);
  self->tag_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->owner_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->batch_owner_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->bin_customers = g_ptr_array_new_with_free_func (g_object_unref);
  self->merged_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);
  add_columns (self);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                           "value-changed", G_CALLBACK (vadjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                           "changed", G_CALLBACK (vadjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (self->scrolled_window),
                           "changed", G_CALLBACK (hadjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  build_filter_popover (self);
  build_views_popover (self);
  update_actions (self);
}

/**
 * crm_customers_page_start:
 * @self: a #CrmCustomersPage
 * @api_client: the client to reach the server through
 * @settings: (nullable): where saved views are kept
 * @account: who is signed in
 *
 * Loads the first page of customers, the tags and the users.
 */
void
crm_customers_page_start (CrmCustomersPage *self,
                          CrmApiClient     *api_client,
                          GSettings        *settings,
                          const CrmAccount *account)
{
  g_return_if_fail (CRM_IS_CUSTOMERS_PAGE (self));
  g_return_if_fail (CRM_IS_API_CLIENT (api_client));
  g_return_if_fail (account != NULL);

  crm_customers_page_stop (self);
  self->api_client = g_object_ref (api_client);
  g_set_object (&self->settings, settings);
  self->account = crm_account_copy (account);
  /* "Me" in the owner filter is this user from now on, before the others' names are in. */
  fill_owner_filter (self);
  self->cancellable = g_cancellable_new ();

  self->list = crm_customer_list_new (api_client);
  g_signal_connect_object (self->list, "end-found", G_CALLBACK (list_end_found_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::total", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::total-estimated", G_CALLBACK (update_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::total-capped", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::loading", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "failed", G_CALLBACK (list_failed_cb), self,
                           G_CONNECT_SWAPPED);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->list)));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  /* Rows replaced (a search, a filter, a reload) lose their selection without a
   * selection-changed: "Edit Selected…" must not stay on for rows no longer there. */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  /* A new list starts in the default order: no header shows one of the last session. */
  show_sort (self, NULL);
  crm_customer_page_set_api_client (self->customer_page, api_client);
  crm_customer_page_set_users (self->customer_page, self->users, self->assignees);
  crm_customer_page_set_account (self->customer_page, self->account);
  /* The recycle bin is for those who may delete every customer: administrators. */
  gtk_widget_set_visible (GTK_WIDGET (self->bin_button), can_purge (self));
  g_signal_handlers_block_by_func (self->bin_button, bin_button_toggled_cb, self);
  gtk_toggle_button_set_active (self->bin_button, FALSE);
  g_signal_handlers_unblock_by_func (self->bin_button, bin_button_toggled_cb, self);
  show_columns (self);

  g_signal_handlers_block_by_func (self->search_entry, search_entry_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_signal_handlers_unblock_by_func (self->search_entry, search_entry_changed_cb, self);
  gtk_stack_set_visible_child_name (self->stack, "list");
  sync_filters_from_list (self);
  show_readable_filters (self);
  show_readable_sorts (self);
  fill_views (self);
  crm_customer_list_reload (self->list);
  update_status (self);
  update_actions (self);

  crm_api_client_call_async (api_client, SOUP_METHOD_GET, CRM_API_BASE "/tags", "limit=500",
                             NULL, 0, self->cancellable, tags_cb, g_object_ref (self));
  crm_api_client_call_async (api_client, SOUP_METHOD_GET, CRM_API_BASE "/users", "limit=500",
                             NULL, 0, self->cancellable, users_cb, g_object_ref (self));
  load_filter_values (self);
}

/**
 * crm_customers_page_set_account:
 * @self: a #CrmCustomersPage
 * @account: who is signed in, as the server now tells (their role or the protected
 *   fields changed)
 *
 * Offers from now on what @account may do, on the list and the customer's page.
 */
void
crm_customers_page_set_account (CrmCustomersPage *self,
                                const CrmAccount *account)
{
  g_return_if_fail (CRM_IS_CUSTOMERS_PAGE (self));
  g_return_if_fail (account != NULL);

  if (self->account == NULL)
    return;
  g_clear_pointer (&self->account, crm_account_free);
  self->account = crm_account_copy (account);
  crm_customer_page_set_account (self->customer_page, self->account);
  update_actions (self);
  show_readable_filters (self);
  show_readable_sorts (self);
}

/**
 * crm_customers_page_stop:
 * @self: a #CrmCustomersPage
 *
 * Forgets the customers (on sign-out), cancelling what is in flight.
 */
void
crm_customers_page_stop (CrmCustomersPage *self)
{
  g_return_if_fail (CRM_IS_CUSTOMERS_PAGE (self));

  g_clear_handle_id (&self->search_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->batch_pending = FALSE;
  self->n_bin_calls = 0;
  g_clear_object (&self->page_toast);
  for (guint i = 0; self->toasts != NULL && i < self->toasts->len; i++)
    adw_toast_dismiss (g_ptr_array_index (self->toasts, i));
  if (self->toasts != NULL)
    g_ptr_array_set_size (self->toasts, 0);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->api_client);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->account, crm_account_free);
  g_hash_table_remove_all (self->users);
  g_hash_table_remove_all (self->merged_names);
  g_hash_table_remove_all (self->assignees);
  fill_owner_filter (self);
}

CrmCustomerList *
crm_customers_page_get_list (CrmCustomersPage *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMERS_PAGE (self), NULL);
  return self->list;
}

/**
 * crm_customers_page_open_customer:
 * @self: a #CrmCustomersPage
 * @id: a customer's id
 *
 * Shows the customer's page.
 */
void
crm_customers_page_open_customer (CrmCustomersPage *self,
                                  gint64            id)
{
  g_return_if_fail (CRM_IS_CUSTOMERS_PAGE (self));

  dismiss_page_toast (self);
  crm_customer_page_load (self->customer_page, id);
  gtk_stack_set_visible_child_name (self->stack, "customer");
}

/**
 * crm_customers_page_show_recycle_bin:
 * @self: a #CrmCustomersPage
 * @show: whether to list the deleted customers
 *
 * Lists the recycle bin (deleted customers, to restore) instead of the customers.
 */
void
crm_customers_page_show_recycle_bin (CrmCustomersPage *self,
                                     gboolean          show)
{
  g_return_if_fail (CRM_IS_CUSTOMERS_PAGE (self));

  if (gtk_toggle_button_get_active (self->bin_button) != show)
    {
      gtk_toggle_button_set_active (self->bin_button, show);   /* comes back here */
      return;
    }
  if (self->list == NULL)
    return;
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  crm_customer_list_set_deleted (self->list, show);
  gtk_stack_set_visible_child_name (self->stack, "list");
  /* The bin's columns say when, by whom and into which customer. */
  show_columns (self);
  update_actions (self);
}

GtkSearchEntry *
_crm_customers_page_get_search_entry (CrmCustomersPage *self)
{
  return self->search_entry;
}

GtkColumnView *
_crm_customers_page_get_column_view (CrmCustomersPage *self)
{
  return self->column_view;
}

CrmCustomerPage *
_crm_customers_page_get_customer_page (CrmCustomersPage *self)
{
  return self->customer_page;
}

const char *
_crm_customers_page_get_visible (CrmCustomersPage *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

/* The text of the latest toast, or NULL. */
const char *
_crm_customers_page_get_last_toast (CrmCustomersPage *self)
{
  if (self->toasts->len == 0)
    return NULL;
  return adw_toast_get_title (g_ptr_array_index (self->toasts, self->toasts->len - 1));
}

const char *
_crm_customers_page_get_status (CrmCustomersPage *self)
{
  return gtk_label_get_text (self->status_label);
}

gboolean
_crm_customers_page_is_searching (CrmCustomersPage *self)
{
  return self->search_source != 0 || self->batch_pending || self->n_bin_calls > 0
         || (self->list != NULL && crm_customer_list_get_loading (self->list));
}

GtkWindow *
_crm_customers_page_get_dialog (CrmCustomersPage *self)
{
  return self->dialog;
}

/* The popover's widget of the filter @key (one of crm_customer_list_filter_keys), or NULL. */
GtkWidget *
_crm_customers_page_get_filter_widget (CrmCustomersPage *self,
                                       const char       *key)
{
  FieldFilter filters[N_FIELD_FILTERS];

  get_field_filters (self, filters);
  for (guint i = 0; i < N_FIELD_FILTERS; i++)
    if (g_str_equal (filters[i].key, key))
      return filters[i].widget;
  for (guint i = 0; i < N_DATE_FILTERS; i++)
    if (g_str_equal (date_filter_keys[i], key))
      return GTK_WIDGET (self->date_filters[i]);
  return NULL;
}

/* The batch edit dialog's "industry", "new-industry" (typed) or "owner", or NULL. */
GtkWidget *
_crm_customers_page_get_batch_widget (CrmCustomersPage *self,
                                      const char       *key)
{
  if (self->dialog == NULL)
    return NULL;
  if (g_str_equal (key, "industry"))
    return GTK_WIDGET (self->batch_industry);
  if (g_str_equal (key, "new-industry"))
    return GTK_WIDGET (self->batch_new_industry);
  if (g_str_equal (key, "owner"))
    return GTK_WIDGET (self->batch_owner);
  if (g_str_equal (key, "potential"))
    return GTK_WIDGET (self->batch_potential);
  if (g_str_equal (key, "add-tag"))
    return GTK_WIDGET (self->batch_add_tag);
  if (g_str_equal (key, "remove-tag"))
    return GTK_WIDGET (self->batch_remove_tag);
  return NULL;
}

/* The order the column headers show, as `sort=`. */
char *
_crm_customers_page_dup_header_sort (CrmCustomersPage *self)
{
  return dup_header_sort (self);
}

/* The message under the date filters, or NULL when there is none. */
const char *
_crm_customers_page_get_date_message (CrmCustomersPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->date_message))
         ? gtk_label_get_text (self->date_message) : NULL;
}

static Column
find_column (const char *id)
{
  for (Column i = 0; i < N_COLUMNS; i++)
    if (g_str_equal (columns[i].id, id))
      return i;
  g_return_val_if_reached (N_COLUMNS);
}

/* For tests: the text of @customer's cell in the column @column ("deleted-by"). */
char *
_crm_customers_page_dup_cell_text (CrmCustomersPage *self,
                                   CrmCustomer      *customer,
                                   const char       *column)
{
  return dup_cell_text (self, customer, find_column (column));
}

/* For tests: whether the column @column ("deleted") is shown. */
gboolean
_crm_customers_page_column_is_shown (CrmCustomersPage *self,
                                     const char       *column)
{
  GListModel *shown = gtk_column_view_get_columns (self->column_view);
  Column which = find_column (column);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(GtkColumnViewColumn) item = g_list_model_get_item (shown, i);

      if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "crm-column")) == which)
        return gtk_column_view_column_get_visible (item);
    }
  return FALSE;
}

/* For tests: the tags cell (a #CrmTagChips) of the row of customer @id on screen, or NULL. */
GtkWidget *
_crm_customers_page_get_tags_cell (CrmCustomersPage *self,
                                   gint64            id)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->named_cells);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      CrmCustomer *customer = gtk_list_item_get_item (item);
      GtkWidget *cell = gtk_list_item_get_child (item);

      if (CRM_IS_TAG_CHIPS (cell) && customer != NULL && crm_customer_get_id (customer) == id)
        return cell;
    }
  return NULL;
}
