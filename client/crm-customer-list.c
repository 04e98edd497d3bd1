/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-list"

#include "config.h"

#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-customer-list.h"
#include "crm-event-stream.h"
#include "crm-json.h"

#define CUSTOMERS_PATH CRM_API_BASE "/customers"
#define COUNT_PATH     CRM_API_BASE "/customers/count"

/* How long a live refresh waits for more events of the same burst. */
#define REFRESH_DELAY_MS 100

/* A flush loads at most this many pages: the latest a view asked for. */
#define MAX_PAGES_PER_FLUSH 4
/* How long a flush waits for the view to settle after it asked for a row. */
#define FLUSH_DELAY_MS 30
/* The rows the list keeps loaded at most, by default: pages far from the screen go
 * (bench/README.md, "Client scroll": ~5 KB of memory a row). */
#define MAX_ROWS_HELD 5000
/* The highest offset= the server takes (server/API.md): an estimated model stops there. */
#define MAX_OFFSET 10000000

/**
 * CrmCustomerList:
 *
 * The customers matching a search (`q`), filters and a sort order, as a
 * #GListModel of #CrmCustomer as long as the whole result (`GET
 * /customers/count`), so that a scroll bar spans all of it: the rows not
 * loaded yet are placeholders (crm_customer_is_placeholder ()).
 *
 * Pages load on demand: the view says which rows it shows
 * (crm_customer_list_want_range (), as it scrolls), and the list loads the
 * pages under them (and the neighbour page they are close to). The
 * page after a loaded one comes with the keyset cursor (`after=`); a page
 * somewhere else (the scroll bar dragged to the middle) with `offset=`, which
 * the server answers as a keyset page from the sort key at that row. Not from
 * get_item () nor from binding rows: GTK's list views bind about 200 rows
 * around what they show, and selections ask for items nobody sees.
 *
 * Memory stays bounded however far one scrolls: past #MAX_ROWS_HELD loaded rows, the
 * loaded pages farthest from those on screen become placeholders again (loaded anew if
 * shown again), except those with a row someone else holds (a bound row, a selected one,
 * a customer opened from the list).
 *
 * The count is a start, not a promise: a page that ends at the model's end but
 * has a `next` cursor grows the model by a page (a count the server capped, or
 * customers created since), and a last page shorter than expected shrinks it.
 * Past the server's cap the count comes with an estimate of the whole length
 * (server/API.md): the model is that long, so that the scroll bar spans about the
 * whole list and a drag to its end jumps (by offset) to about the last rows. The
 * real end corrects it: a page past it answers the exact length (the rows after it
 * go); a page at the model's end with more after it (an estimate too low) asks for
 * a page far past the end, which answers the exact length too, and the model grows
 * to it. Only rows after those on screen come or go, so the rows in view stay where
 * they are; a view that jumped to the end (by offset) is told the end moved
 * (#CrmCustomerList::end-found), so that one drag reaches the real end.
 *
 * Changing the search, a filter or the sort cancels the requests in flight and
 * starts over (once per main-loop turn, however many properties changed).
 *
 * Live: when the server tells (#CrmEventStream) that customers changed, every
 * loaded page becomes stale; the pages on screen are fetched again at once
 * (only the rows that differ are replaced, so the view keeps its scroll and the
 * selection of the others), the others when they are shown again.
 */

typedef enum
{
  PAGE_LOADING = 1,
  PAGE_LOADED,
} PageState;

typedef struct
{
  PageState state;
  guint     generation;   /* of the data, or of the request in flight */
  char     *next;         /* the cursor after this page, NULL after the last */
} Page;

struct _CrmCustomerList
{
  GObject       parent_instance;

  CrmApiClient *api_client;
  GPtrArray    *items;         /* CrmCustomer or NULL (not loaded), n_items long */
  guint         n_loaded;
  GHashTable   *pages;         /* page number → Page */
  GArray       *wanted;        /* page numbers asked for since the last flush, latest last */
  GArray       *shown;         /* the pages of the last flush: what the view shows */
  guint         flush_source;
  char         *q;
  char         *sort;
  GHashTable   *filters;       /* key → value */
  guint         page_size;

  guint         generation;    /* bumped by every live refresh */
  guint         n_in_flight;   /* pages */
  gint64        total;         /* -1 while unknown */
  gboolean      total_capped;  /* more than total match: the server stopped counting */
  gboolean      total_estimated; /* total is the server's estimate past its cap */
  gboolean      end_known;     /* a page said where the list ends (since the restart) */
  gboolean      end_in_flight; /* the length asked for (an estimate too low, fetch_end ()) */
  gboolean      end_follow;    /* and a view that jumped to the end goes on to it */
  guint         end_page;      /* the page at the end that asked */
  gboolean      deleted;       /* the recycle bin instead */
  guint         n_requests;    /* pages asked for, for tests */
  guint         count_cap;     /* for tests: counts above it read as it, as a server caps */
  guint         count_estimate; /* for tests: the estimate such a capped count comes with */
  guint         max_rows_held; /* loaded rows kept at most (whole pages) */
  GCancellable *cancellable;   /* the pages and the count in flight */
  guint         restart_source;
  guint         refresh_source; /* a live refresh, soon */
};

static void crm_customer_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmCustomerList, crm_customer_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      crm_customer_list_model_init))

enum {
  PROP_0,
  PROP_API_CLIENT,
  PROP_Q,
  PROP_SORT,
  PROP_LOADING,
  PROP_HAS_MORE,
  PROP_TOTAL,
  PROP_TOTAL_CAPPED,
  PROP_TOTAL_ESTIMATED,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FAILED,
  END_FOUND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char * const crm_customer_list_filter_keys[] = {
  "kind", "size", "potential", "level", "industry", "tag", "owner_id", "province", "city",
  "district", "created_from", "created_to", "updated_from", "updated_to", NULL,
};

typedef struct
{
  CrmCustomerList *self;
  guint            number;
  guint            generation;
  gboolean         by_offset;  /* a jump, not the page after a loaded one */
} PageRequest;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_free (page->next);
  g_free (page);
}

static void
item_free (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

static void
page_request_free (PageRequest *request)
{
  g_object_unref (request->self);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PageRequest, page_request_free)

static Page *
lookup_page (CrmCustomerList *self,
             guint            number)
{
  return g_hash_table_lookup (self->pages, GUINT_TO_POINTER (number));
}

static void
set_total (CrmCustomerList *self,
           gint64           total,
           gboolean         capped,
           gboolean         estimated)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->total_estimated != estimated)
    {
      self->total_estimated = estimated;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_ESTIMATED]);
    }
  if (self->total != total)
    {
      self->total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
    }
  if (self->total_capped != capped)
    {
      self->total_capped = capped;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_CAPPED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_in_flight (CrmCustomerList *self,
               guint            n_in_flight)
{
  gboolean was = self->n_in_flight > 0;

  self->n_in_flight = n_in_flight;
  if (was != (n_in_flight > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* The rows from @n_items on are gone, or placeholders up to it are added. */
static void
set_n_items (CrmCustomerList *self,
             guint            n_items)
{
  guint old = self->items->len;

  if (n_items == old)
    return;
  if (n_items < old)
    {
      GHashTableIter iter;
      gpointer key;

      for (guint i = n_items; i < old; i++)
        if (g_ptr_array_index (self->items, i) != NULL)
          self->n_loaded--;
      /* Pages wholly past the end are forgotten. */
      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if ((guint64) GPOINTER_TO_UINT (key) * self->page_size >= n_items && n_items > 0)
          g_hash_table_iter_remove (&iter);
    }
  g_ptr_array_set_size (self->items, n_items);
  g_list_model_items_changed (G_LIST_MODEL (self), MIN (old, n_items),
                              old > n_items ? old - n_items : 0,
                              n_items > old ? n_items - old : 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

/* The query of the search, filters and sort, without paging. */
static GString *
build_query (CrmCustomerList *self)
{
  GString *query = g_string_new (NULL);

  if (self->q != NULL)
    {
      g_autofree char *q = g_strstrip (g_strdup (self->q));

      crm_api_query_add (query, "q", q);
    }
  for (guint i = 0; crm_customer_list_filter_keys[i] != NULL; i++)
    crm_api_query_add (query, crm_customer_list_filter_keys[i],
                       g_hash_table_lookup (self->filters, crm_customer_list_filter_keys[i]));
  crm_api_query_add (query, "sort", self->sort);
  if (self->deleted)
    crm_api_query_add (query, "deleted", "true");
  return query;
}

static gboolean
same_record (CrmCustomer *a,
             CrmCustomer *b)
{
  return crm_customer_get_id (a) == crm_customer_get_id (b)
         && crm_customer_get_version (a) == crm_customer_get_version (b);
}

/*
 * The rows of a page from @start: each that differs from the one held is replaced, one
 * items-changed per run of them, so the views keep the selection of the others.
 */
static void
store_rows (CrmCustomerList *self,
            guint            start,
            GPtrArray       *rows)
{
  guint run = 0;

  /* Not for no rows: a page past the end (an estimate too high) starts past it. */
  if (rows->len > 0 && start + rows->len > self->items->len)
    set_n_items (self, start + rows->len);
  for (guint i = 0; i <= rows->len; i++)
    {
      CrmCustomer *held = i < rows->len ? g_ptr_array_index (self->items, start + i) : NULL;
      CrmCustomer *fresh = i < rows->len ? g_ptr_array_index (rows, i) : NULL;

      if (fresh != NULL && (held == NULL || !same_record (held, fresh)))
        {
          if (held == NULL)
            self->n_loaded++;
          else
            g_object_unref (held);
          g_ptr_array_index (self->items, start + i) = g_object_ref (fresh);
          run++;
          continue;
        }
      if (run > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), start + i - run, run, run);
      run = 0;
    }
}

static void fetch_page (CrmCustomerList *self,
                        guint            number);
static void fetch_end  (CrmCustomerList *self);
static void want_page  (CrmCustomerList *self,
                        guint            number);

/* How far page @number is from the pages on screen (or from @loaded, when none is). */
static guint
page_distance (CrmCustomerList *self,
               guint            number,
               guint            loaded)
{
  guint distance = number > loaded ? number - loaded : loaded - number;

  for (guint i = 0; i < self->shown->len; i++)
    {
      guint shown = g_array_index (self->shown, guint, i);

      distance = MIN (distance, number > shown ? number - shown : shown - number);
    }
  return distance;
}

/* Whether a row of page @number is held by someone else than the list: a bound row of a
 * view, a selected one (GtkMultiSelection keeps its selected items), an open record. */
static gboolean
page_is_held (CrmCustomerList *self,
              guint            number)
{
  guint end = MIN ((guint64) (number + 1) * self->page_size, self->items->len);

  for (guint i = number * self->page_size; i < end; i++)
    {
      GObject *item = g_ptr_array_index (self->items, i);

      if (item != NULL && g_atomic_int_get ((gint *) &item->ref_count) > 1)
        return TRUE;
    }
  return FALSE;
}

static int
compare_distances (gconstpointer a,
                   gconstpointer b)
{
  const guint *x = a;
  const guint *y = b;

  /* Farthest first. */
  return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0;
}

/*
 * Past the rows the list may hold, the loaded pages farthest from the screen become
 * placeholders again, except the page just @loaded, those on screen and those held.
 */
static void
drop_far_pages (CrmCustomerList *self,
                guint            loaded)
{
  g_autoptr(GArray) candidates = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (self->n_loaded <= self->max_rows_held)
    return;
  candidates = g_array_new (FALSE, FALSE, 2 * sizeof (guint));
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint entry[2] = { GPOINTER_TO_UINT (key), 0 };

      if (((Page *) value)->state != PAGE_LOADED || entry[0] == loaded)
        continue;
      entry[1] = page_distance (self, entry[0], loaded);
      if (entry[1] > 0)
        g_array_append_vals (candidates, entry, 1);
    }
  g_array_sort (candidates, compare_distances);
  for (guint i = 0; i < candidates->len && self->n_loaded > self->max_rows_held; i++)
    {
      guint number = g_array_index (candidates, guint, 2 * i);
      guint start = number * self->page_size;
      guint end = MIN ((guint64) start + self->page_size, self->items->len);

      if (page_is_held (self, number))
        continue;
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (number));
      for (guint j = start; j < end; j++)
        if (g_ptr_array_index (self->items, j) != NULL)
          {
            g_clear_object ((CrmCustomer **) &g_ptr_array_index (self->items, j));
            self->n_loaded--;
          }
      g_debug ("Dropped customers page %u (%u rows held)", number, self->n_loaded);
      if (end > start)
        g_list_model_items_changed (G_LIST_MODEL (self), start, end - start, end - start);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PageRequest) request = user_data;
  CrmCustomerList *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *reply;
  JsonArray *items;
  Page *page;
  guint start = request->number * self->page_size;
  gint64 end;
  gboolean exact;  /* end is where the list ends, if next is NULL */
  const char *next;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_in_flight (self, self->n_in_flight - 1);
  page = lookup_page (self, request->number);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (error == NULL)
        error = g_error_new_literal (CRM_API_REPLY_ERROR, 0, "not an object");
      g_debug ("Loading customers failed: %s", error->message);
      /* Asked for again when the view shows it again. */
      if (page != NULL && page->state == PAGE_LOADING)
        g_hash_table_remove (self->pages, GUINT_TO_POINTER (request->number));
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }

  reply = json_node_get_object (root);
  items = json_object_get_array_member (reply, "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        g_ptr_array_add (rows, crm_customer_new (json_node_get_object (item)));
    }
  end = (gint64) start + rows->len;
  next = json_object_get_string_member_with_default (reply, "next", NULL);
  exact = rows->len > 0;
  /* A page past the end: the server says how long the list is (server/API.md). */
  if (next == NULL && rows->len == 0 && crm_json_get_type (reply, "count") == CRM_JSON_INT)
    {
      end = CLAMP (json_object_get_int_member (reply, "count"), 0, (gint64) start);
      exact = TRUE;
    }

  if (page == NULL)
    {
      page = g_new0 (Page, 1);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (request->number), page);
    }
  page->state = PAGE_LOADED;
  page->generation = request->generation;
  g_free (page->next);
  page->next = g_strdup (next);

  /* Sizes before rows: the view hears of the rows where they belong. */
  if (next == NULL)
    {
      gboolean on_screen = FALSE;

      for (guint i = 0; i < self->shown->len; i++)
        on_screen |= g_array_index (self->shown, guint, i) == request->number;
      self->end_known = TRUE;
      /* A page past the end on screen (a drag to the end of an estimate too high): the
       * view moves to the rows before the new end first, then shows them, which no
       * scroll has asked for. */
      on_screen = on_screen && rows->len == 0 && end > 0 && end < self->items->len;
      if (on_screen)
        g_signal_emit (self, signals[END_FOUND], 0, (guint) end);
      set_n_items (self, (guint) end);
      if (on_screen)
        want_page (self, (guint) ((end - 1) / self->page_size));
    }
  else if (start + rows->len >= self->items->len)
    {
      guint64 n_items = (guint64) start + rows->len + self->page_size;

      /* Past an estimate, more than a page is likely missing: how many, the server
       * says. A view that jumped here (a drag to the end) goes on to the real end. */
      if (self->total_estimated && !self->end_known)
        {
          for (guint i = 0; request->by_offset && i < self->shown->len; i++)
            if (g_array_index (self->shown, guint, i) == request->number)
              {
                self->end_follow = TRUE;
                self->end_page = request->number;
              }
          fetch_end (self);
        }
      set_n_items (self, (guint) MIN (n_items, G_MAXUINT));
    }
  store_rows (self, start, rows);
  drop_far_pages (self, request->number);

  /* Stale already (a live refresh came meanwhile) and still on screen: again. */
  if (request->generation != self->generation)
    for (guint i = 0; i < self->shown->len; i++)
      if (g_array_index (self->shown, guint, i) == request->number)
        fetch_page (self, request->number);

  /* Where the list ends is its total once a page says it: the last page, or a page past
   * the end with the length. A page past the end without it (an older server) says only
   * that the end is before its start: taken where no exact count is (none, capped or
   * estimated). */
  if (next == NULL && (exact || self->total < 0 || self->total_capped || self->total_estimated))
    set_total (self, end, FALSE, FALSE);
}

/* The answer of fetch_end (): no rows and the list's length (server/API.md). */
static void
end_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(CrmCustomerList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *reply = NULL;
  gboolean follow = self->end_follow;
  guint end;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->end_in_flight = FALSE;
  self->end_follow = FALSE;
  set_in_flight (self, self->n_in_flight - 1);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    reply = json_node_get_object (root);
  /* No length: an older server, or a list longer than the farthest offset. The list
   * then grows a page at a time at its end. */
  if (crm_json_get_type (reply, "count") != CRM_JSON_INT)
    {
      g_debug ("Finding the end of the customers failed: %s",
               error != NULL ? error->message : "no count");
      return;
    }
  end = (guint) CLAMP (json_object_get_int_member (reply, "count"), 0, MAX_OFFSET);
  g_debug ("The customers end at %u (%u rows were expected)", end, self->items->len);
  self->end_known = TRUE;
  /* Not if the view went elsewhere meanwhile: only while it shows the end it jumped to. */
  {
    gboolean still = FALSE;

    for (guint i = 0; i < self->shown->len; i++)
      still |= g_array_index (self->shown, guint, i) >= self->end_page;
    follow = follow && still && end > 0;
  }
  if (follow)
    g_signal_emit (self, signals[END_FOUND], 0, end);
  set_n_items (self, end);
  set_total (self, end, FALSE, FALSE);
  if (follow)
    want_page (self, (end - 1) / self->page_size);
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmCustomerList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer key, value;
  JsonNode *node;
  gint64 count;
  gint64 estimate;
  gboolean capped;
  guint64 n_items;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "count")
      || !JSON_NODE_HOLDS_VALUE (json_object_get_member (json_node_get_object (root), "count")))
    {
      g_debug ("Counting customers failed: %s", error != NULL ? error->message : "no count");
      return;
    }
  node = json_object_get_member (json_node_get_object (root), "count");
  if (json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_debug ("Counting customers: the count is not a number");
      return;
    }
  count = json_node_get_int (node);
  /* "capped": the server stopped counting; more than count match, about "estimate". */
  capped = json_object_get_boolean_member_with_default (json_node_get_object (root), "capped",
                                                        FALSE);
  node = json_object_get_member (json_node_get_object (root), "estimate");
  estimate = capped && node != NULL && JSON_NODE_HOLDS_VALUE (node)
             && json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : 0;
  if (self->count_cap > 0 && count > self->count_cap)
    {
      count = self->count_cap;
      capped = TRUE;
      estimate = self->count_estimate;
    }
  /* A page told where the list ends already (a live refresh counts again): the last
   * page, fetched again when shown, corrects that; an estimate would not. */
  if (capped && self->end_known)
    return;
  if (capped && estimate > count)
    {
      set_total (self, estimate, FALSE, TRUE);
      count = MIN (estimate, MAX_OFFSET);
    }
  else
    set_total (self, count, capped, FALSE);
  /* Not shorter than a current page that has more after it (a capped count). */
  n_items = (guint64) CLAMP (count, 0, G_MAXUINT);
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Page *page = value;
      guint64 end = ((guint64) GPOINTER_TO_UINT (key) + 1) * self->page_size;

      if (page->state == PAGE_LOADED && page->generation == self->generation
          && page->next != NULL && end + 1 > n_items)
        n_items = end + self->page_size;
    }
  set_n_items (self, (guint) MIN (n_items, G_MAXUINT));
}

static void
fetch_count (CrmCustomerList *self)
{
  g_autoptr(GString) query = build_query (self);

  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, COUNT_PATH, query->str, NULL, 0,
                             self->cancellable, count_cb, g_object_ref (self));
}

/*
 * Where the list ends, when a page at the end of a list sized by an estimate has more
 * after it (an estimate too low): a page far past the end answers the exact length
 * (server/API.md) in one request, as long as counting the list. end_cb () sizes the list.
 */
static void
fetch_end (CrmCustomerList *self)
{
  g_autoptr(GString) query = build_query (self);
  g_autofree char *offset = g_strdup_printf ("%u", MAX_OFFSET);

  if (self->end_in_flight)
    return;
  self->end_in_flight = TRUE;
  crm_api_query_add (query, "limit", "1");
  crm_api_query_add (query, "offset", offset);
  g_debug ("Asking where the customers end");
  self->n_requests++;
  set_in_flight (self, self->n_in_flight + 1);
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, CUSTOMERS_PATH, query->str, NULL,
                             0, self->cancellable, end_cb, g_object_ref (self));
}

/*
 * Page @number: after the cursor of the page before it when that one is current, else
 * from its offset (a jump, or a page to refresh).
 */
static void
fetch_page (CrmCustomerList *self,
            guint            number)
{
  g_autoptr(GString) query = build_query (self);
  g_autofree char *limit = g_strdup_printf ("%u", self->page_size);
  g_autofree char *offset = NULL;
  Page *previous = number > 0 ? lookup_page (self, number - 1) : NULL;
  Page *page = lookup_page (self, number);
  PageRequest *request;

  crm_api_query_add (query, "limit", limit);
  if (previous != NULL && previous->state == PAGE_LOADED
      && previous->generation == self->generation && previous->next != NULL)
    crm_api_query_add (query, "after", previous->next);
  else if (number > 0)
    {
      offset = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) number * self->page_size);
      crm_api_query_add (query, "offset", offset);
    }
  g_debug ("Loading customers page %u%s", number, offset != NULL ? " by offset" : "");
  if (page == NULL)
    {
      page = g_new0 (Page, 1);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (number), page);
    }
  page->state = PAGE_LOADING;
  page->generation = self->generation;
  request = g_new0 (PageRequest, 1);
  request->self = g_object_ref (self);
  request->number = number;
  request->generation = self->generation;
  request->by_offset = offset != NULL;
  self->n_requests++;
  set_in_flight (self, self->n_in_flight + 1);
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, CUSTOMERS_PATH, query->str, NULL,
                             0, self->cancellable, page_cb, request);
}

static gboolean
needs_fetch (CrmCustomerList *self,
             guint            number)
{
  Page *page = lookup_page (self, number);

  if ((guint64) number * self->page_size >= self->items->len)
    return FALSE;
  return page == NULL
         || (page->state == PAGE_LOADED && page->generation != self->generation);
}

/* Loads the latest pages the view asked for. */
static gboolean
flush_cb (gpointer user_data)
{
  CrmCustomerList *self = user_data;
  guint n = 0;

  self->flush_source = 0;
  g_array_set_size (self->shown, 0);
  for (guint i = self->wanted->len; i > 0 && n < MAX_PAGES_PER_FLUSH; i--)
    {
      guint number = g_array_index (self->wanted, guint, i - 1);
      gboolean seen = FALSE;

      for (guint j = 0; j < self->shown->len && !seen; j++)
        seen = g_array_index (self->shown, guint, j) == number;
      if (seen)
        continue;
      g_array_append_val (self->shown, number);
      n++;
    }
  g_array_set_size (self->wanted, 0);
  if (self->restart_source != 0 || self->api_client == NULL)
    return G_SOURCE_REMOVE;
  /* In order, so that a page's cursor may serve the next one. */
  for (guint i = self->shown->len; i > 0; i--)
    {
      guint number = g_array_index (self->shown, guint, i - 1);

      if (needs_fetch (self, number))
        fetch_page (self, number);
    }
  return G_SOURCE_REMOVE;
}

static void
want_page (CrmCustomerList *self,
           guint            number)
{
  g_array_append_val (self->wanted, number);
  if (self->flush_source == 0)
    self->flush_source = g_timeout_add (FLUSH_DELAY_MS, flush_cb, self);
}

static void schedule_restart (CrmCustomerList *self);

static gboolean
refresh_cb (gpointer user_data)
{
  CrmCustomerList *self = user_data;

  self->refresh_source = 0;
  if (self->restart_source != 0 || self->api_client == NULL
      || crm_api_client_get_token (self->api_client) == NULL)
    return G_SOURCE_REMOVE;
  /* Every loaded page is stale now: those on screen are fetched again at once. */
  self->generation++;
  fetch_count (self);
  for (guint i = self->shown->len; i > 0; i--)
    {
      guint number = g_array_index (self->shown, guint, i - 1);
      Page *page = lookup_page (self, number);

      if (page == NULL || page->state == PAGE_LOADED)
        fetch_page (self, number);
    }
  if (self->shown->len == 0)
    fetch_page (self, 0);
  return G_SOURCE_REMOVE;
}

/* Someone changed customers: refresh once the burst of events is over. */
static void
stream_event_cb (CrmCustomerList *self,
                 JsonObject      *event,
                 CrmEventStream  *stream)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
}

static gboolean
restart_cb (gpointer user_data)
{
  CrmCustomerList *self = user_data;

  self->restart_source = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_array_set_size (self->wanted, 0);
  g_array_set_size (self->shown, 0);
  g_hash_table_remove_all (self->pages);
  self->generation++;

  set_n_items (self, 0);
  self->n_loaded = 0;
  set_total (self, -1, FALSE, FALSE);
  self->end_known = FALSE;
  self->end_in_flight = FALSE;
  self->end_follow = FALSE;
  set_in_flight (self, 0);
  if (self->api_client == NULL || crm_api_client_get_token (self->api_client) == NULL)
    return G_SOURCE_REMOVE;

  fetch_page (self, 0);
  fetch_count (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_restart (CrmCustomerList *self)
{
  /* Stale answers are dropped at once, even before the new request starts. */
  g_cancellable_cancel (self->cancellable);
  if (self->restart_source == 0)
    self->restart_source = g_idle_add (restart_cb, self);
}

static GType
crm_customer_list_get_item_type (GListModel *model)
{
  return CRM_TYPE_CUSTOMER;
}

static guint
crm_customer_list_get_n_items (GListModel *model)
{
  return CRM_CUSTOMER_LIST (model)->items->len;
}

static gpointer
crm_customer_list_get_item (GListModel *model,
                            guint       position)
{
  CrmCustomerList *self = CRM_CUSTOMER_LIST (model);
  CrmCustomer *customer;

  if (position >= self->items->len)
    return NULL;
  customer = g_ptr_array_index (self->items, position);
  return customer != NULL ? g_object_ref (customer) : crm_customer_new_placeholder ();
}

static void
crm_customer_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = crm_customer_list_get_item_type;
  iface->get_n_items = crm_customer_list_get_n_items;
  iface->get_item = crm_customer_list_get_item;
}

static void
crm_customer_list_dispose (GObject *object)
{
  CrmCustomerList *self = CRM_CUSTOMER_LIST (object);

  g_clear_handle_id (&self->restart_source, g_source_remove);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->api_client);

  G_OBJECT_CLASS (crm_customer_list_parent_class)->dispose (object);
}

static void
crm_customer_list_finalize (GObject *object)
{
  CrmCustomerList *self = CRM_CUSTOMER_LIST (object);

  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->pages);
  g_array_unref (self->wanted);
  g_array_unref (self->shown);
  g_hash_table_unref (self->filters);
  g_free (self->q);
  g_free (self->sort);

  G_OBJECT_CLASS (crm_customer_list_parent_class)->finalize (object);
}

static void
crm_customer_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CrmCustomerList *self = CRM_CUSTOMER_LIST (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      g_value_set_object (value, self->api_client);
      break;
    case PROP_Q:
      g_value_set_string (value, self->q);
      break;
    case PROP_SORT:
      g_value_set_string (value, self->sort);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, crm_customer_list_get_loading (self));
      break;
    case PROP_HAS_MORE:
      g_value_set_boolean (value, crm_customer_list_get_has_more (self));
      break;
    case PROP_TOTAL:
      g_value_set_int64 (value, self->total);
      break;
    case PROP_TOTAL_CAPPED:
      g_value_set_boolean (value, self->total_capped);
      break;
    case PROP_TOTAL_ESTIMATED:
      g_value_set_boolean (value, self->total_estimated);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_customer_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CrmCustomerList *self = CRM_CUSTOMER_LIST (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      self->api_client = g_value_dup_object (value);
      if (self->api_client != NULL)
        {
          CrmEventStream *stream = crm_event_stream_get_for_client (self->api_client);

          g_signal_connect_object (stream, "event::customers", G_CALLBACK (stream_event_cb),
                                   self, G_CONNECT_SWAPPED);
          g_signal_connect_object (stream, "event::resync", G_CALLBACK (stream_event_cb), self,
                                   G_CONNECT_SWAPPED);
        }
      break;
    case PROP_Q:
      crm_customer_list_set_q (self, g_value_get_string (value));
      break;
    case PROP_SORT:
      crm_customer_list_set_sort (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_customer_list_class_init (CrmCustomerListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_customer_list_dispose;
  object_class->finalize = crm_customer_list_finalize;
  object_class->get_property = crm_customer_list_get_property;
  object_class->set_property = crm_customer_list_set_property;

  properties[PROP_API_CLIENT] =
    g_param_spec_object ("api-client", NULL, NULL, CRM_TYPE_API_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Q] =
    g_param_spec_string ("q", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT] =
    g_param_spec_string ("sort", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOTAL] =
    g_param_spec_int64 ("total", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrmCustomerList:total-capped:
   *
   * Whether more customers than #CrmCustomerList:total match: the server counts up to
   * a cap (server/API.md), and the total is then that cap, until the last page is in.
   * Not with #CrmCustomerList:total-estimated (a server that estimates past its cap).
   */
  properties[PROP_TOTAL_CAPPED] =
    g_param_spec_boolean ("total-capped", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrmCustomerList:total-estimated:
   *
   * Whether #CrmCustomerList:total is an estimate: more customers match than the server
   * counts (server/API.md) and it estimated how many, until the last page is in.
   */
  properties[PROP_TOTAL_ESTIMATED] =
    g_param_spec_boolean ("total-estimated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmCustomerList::failed:
   * @self: the list
   * @error: why a page could not be loaded
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  /**
   * CrmCustomerList::end-found:
   * @self: the list
   * @n_items: the list's length from now on
   *
   * The list is about to end where the server says, not where a view that jumped to
   * its end shows it: before the rows on screen (a page on screen was past the end: the
   * list was sized by an estimate too high), or after them (a page the view jumped to at
   * the end had more after it: an estimate too low). A view that keeps its place by its
   * first row on screen moves before it loses it, and goes on to the new end, where it
   * was dragged.
   */
  signals[END_FOUND] =
    g_signal_new ("end-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
crm_customer_list_init (CrmCustomerList *self)
{
  self->items = g_ptr_array_new_with_free_func (item_free);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  self->wanted = g_array_new (FALSE, FALSE, sizeof (guint));
  self->shown = g_array_new (FALSE, FALSE, sizeof (guint));
  self->filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->page_size = 100;
  self->max_rows_held = MAX_ROWS_HELD;
  self->total = -1;
}

/**
 * crm_customer_list_new:
 * @api_client: the client to page through
 *
 * Returns: (transfer full): an empty list; crm_customer_list_reload () fills it
 */
CrmCustomerList *
crm_customer_list_new (CrmApiClient *api_client)
{
  g_return_val_if_fail (CRM_IS_API_CLIENT (api_client), NULL);

  return g_object_new (CRM_TYPE_CUSTOMER_LIST, "api-client", api_client, NULL);
}

const char *
crm_customer_list_get_q (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), NULL);
  return self->q;
}

void
crm_customer_list_set_q (CrmCustomerList *self,
                         const char      *q)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));

  if (q != NULL && *q == '\0')
    q = NULL;
  if (g_strcmp0 (self->q, q) == 0)
    return;
  g_free (self->q);
  self->q = g_strdup (q);
  schedule_restart (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Q]);
}

const char *
crm_customer_list_get_sort (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), NULL);
  return self->sort;
}

/**
 * crm_customer_list_set_sort:
 * @self: a #CrmCustomerList
 * @sort: (nullable): `name`, `created_at` or `updated_at`, `-` first for
 *   descending; %NULL for the server's default (`-updated_at`)
 */
void
crm_customer_list_set_sort (CrmCustomerList *self,
                            const char      *sort)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));

  if (sort != NULL && *sort == '\0')
    sort = NULL;
  if (g_strcmp0 (self->sort, sort) == 0)
    return;
  g_free (self->sort);
  self->sort = g_strdup (sort);
  schedule_restart (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

const char *
crm_customer_list_get_filter (CrmCustomerList *self,
                              const char      *key)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), NULL);
  return g_hash_table_lookup (self->filters, key);
}

/**
 * crm_customer_list_set_filter:
 * @self: a #CrmCustomerList
 * @key: one of crm_customer_list_filter_keys
 * @value: (nullable): the value to match, %NULL or empty for any
 */
void
crm_customer_list_set_filter (CrmCustomerList *self,
                              const char      *key,
                              const char      *value)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));
  g_return_if_fail (g_strv_contains (crm_customer_list_filter_keys, key));

  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (g_hash_table_lookup (self->filters, key), value) == 0)
    return;
  if (value == NULL)
    g_hash_table_remove (self->filters, key);
  else
    g_hash_table_replace (self->filters, g_strdup (key), g_strdup (value));
  schedule_restart (self);
}

void
crm_customer_list_clear_filters (CrmCustomerList *self)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));

  if (g_hash_table_size (self->filters) == 0)
    return;
  g_hash_table_remove_all (self->filters);
  schedule_restart (self);
}

guint
crm_customer_list_get_n_filters (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), 0);
  return g_hash_table_size (self->filters);
}

/**
 * crm_customer_list_dup_query:
 * @self: a #CrmCustomerList
 *
 * Returns: (transfer full): the search, filters and sort as a query string
 */
char *
crm_customer_list_dup_query (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), NULL);
  return g_string_free (build_query (self), FALSE);
}

gboolean
crm_customer_list_get_loading (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), FALSE);
  if (self->n_in_flight > 0 || self->restart_source != 0)
    return TRUE;
  /* A page asked for, about to load. */
  for (guint i = 0; self->flush_source != 0 && i < self->wanted->len; i++)
    if (needs_fetch (self, g_array_index (self->wanted, guint, i)))
      return TRUE;
  return FALSE;
}

/**
 * crm_customer_list_get_has_more:
 * @self: a #CrmCustomerList
 *
 * Returns: whether some rows of the list are not loaded (placeholders)
 */
gboolean
crm_customer_list_get_has_more (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), FALSE);
  return self->n_loaded < self->items->len;
}

/**
 * crm_customer_list_get_n_loaded:
 * @self: a #CrmCustomerList
 *
 * Returns: how many rows are loaded (not placeholders)
 */
guint
crm_customer_list_get_n_loaded (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), 0);
  return self->n_loaded;
}

/**
 * crm_customer_list_peek:
 * @self: a #CrmCustomerList
 * @position: a row
 *
 * Unlike g_list_model_get_item (), no placeholder: for what acts on records
 * (a batch edit of the selected rows).
 *
 * Returns: (transfer none) (nullable): the row at @position if it is loaded
 */
CrmCustomer *
crm_customer_list_peek (CrmCustomerList *self,
                        guint            position)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), NULL);
  if (position >= self->items->len)
    return NULL;
  return g_ptr_array_index (self->items, position);
}

/**
 * crm_customer_list_get_total:
 * @self: a #CrmCustomerList
 *
 * Returns: how many customers match on the server, or -1 while unknown
 */
gint64
crm_customer_list_get_total (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), -1);
  return self->total;
}

/**
 * crm_customer_list_get_total_estimated:
 * @self: a #CrmCustomerList
 *
 * Returns: whether crm_customer_list_get_total() is the server's estimate
 */
gboolean
crm_customer_list_get_total_estimated (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), FALSE);
  return self->total_estimated;
}

/**
 * crm_customer_list_get_total_capped:
 * @self: a #CrmCustomerList
 *
 * Returns: whether more customers than crm_customer_list_get_total() match
 */
gboolean
crm_customer_list_get_total_capped (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), FALSE);
  return self->total_capped;
}

guint
crm_customer_list_get_page_size (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), 0);
  return self->page_size;
}

void
crm_customer_list_set_page_size (CrmCustomerList *self,
                                 guint            page_size)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));
  g_return_if_fail (page_size >= 1 && page_size <= 500);
  self->page_size = page_size;
}

/**
 * crm_customer_list_reload:
 * @self: a #CrmCustomerList
 *
 * Starts over from the first page (on the next main-loop turn).
 */
void
crm_customer_list_reload (CrmCustomerList *self)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));
  schedule_restart (self);
}

/**
 * crm_customer_list_want_range:
 * @self: a #CrmCustomerList
 * @first: the first row a view shows
 * @last: the last row it shows
 *
 * Loads the pages under these rows soon, if they are not loaded (or stale),
 * and the page after (before) them when @last (@first) is in the half of its
 * page next to it. Calls within a few milliseconds are taken together: the
 * latest pages asked for load, those scrolled past on the way do not.
 */
void
crm_customer_list_want_range (CrmCustomerList *self,
                              guint            first,
                              guint            last)
{
  guint half;

  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));

  if (self->items->len == 0)
    return;
  last = MIN (last, self->items->len - 1);
  first = MIN (first, last);
  half = self->page_size / 2;
  if (first % self->page_size < half && first >= self->page_size)
    want_page (self, first / self->page_size - 1);
  if (last % self->page_size >= half)
    want_page (self, last / self->page_size + 1);
  for (guint number = last / self->page_size + 1; number > first / self->page_size; number--)
    want_page (self, number - 1);
}

/**
 * crm_customer_list_replace:
 * @self: a #CrmCustomerList
 * @customer: a record as saved
 *
 * Puts @customer in place of the loaded item with its id, if any.
 */
void
crm_customer_list_replace (CrmCustomerList *self,
                           CrmCustomer     *customer)
{
  gint64 id;

  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));
  g_return_if_fail (CRM_IS_CUSTOMER (customer));

  id = crm_customer_get_id (customer);
  for (guint i = 0; i < self->items->len; i++)
    if (g_ptr_array_index (self->items, i) != NULL
        && crm_customer_get_id (g_ptr_array_index (self->items, i)) == id)
      {
        g_object_unref (g_ptr_array_index (self->items, i));
        g_ptr_array_index (self->items, i) = g_object_ref (customer);
        g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
        return;
      }
}

/**
 * crm_customer_list_set_deleted:
 * @self: a #CrmCustomerList
 * @deleted: whether to list the recycle bin (`deleted=true`) instead
 */
void
crm_customer_list_set_deleted (CrmCustomerList *self,
                               gboolean         deleted)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));

  if (self->deleted == !!deleted)
    return;
  self->deleted = !!deleted;
  schedule_restart (self);
}

gboolean
crm_customer_list_get_deleted (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), FALSE);
  return self->deleted;
}

/* For tests: how many pages the list asked the server for. */
guint
_crm_customer_list_get_n_requests (CrmCustomerList *self)
{
  return self->n_requests;
}

/* For tests: the list keeps at most @max_rows loaded rows (whole pages; the pages on
 * screen and those with a row held elsewhere stay beyond it). */
void
_crm_customer_list_set_max_rows_held (CrmCustomerList *self,
                                      guint            max_rows)
{
  self->max_rows_held = max_rows;
}

/* For tests: counts above @cap read as @cap (0: none), as a server that caps its
 * counts answers, so that the list must grow as it is scrolled. */
void
_crm_customer_list_set_count_cap (CrmCustomerList *self,
                                  guint            cap)
{
  self->count_cap = cap;
}

/* For tests: the estimate such a capped count comes with (0: none, as from a server
 * that does not estimate). */
void
_crm_customer_list_set_count_estimate (CrmCustomerList *self,
                                       guint            estimate)
{
  self->count_estimate = estimate;
}
