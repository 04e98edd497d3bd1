/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-list"

#include "config.h"

#include <libsoup/soup.h>

#include "crm-api-paths.h"
#include "crm-customer-list.h"
#include "crm-event-stream.h"

#define CUSTOMERS_PATH CRM_API_BASE "/customers"
#define COUNT_PATH     CRM_API_BASE "/customers/count"

/* How long a live refresh waits for more events of the same burst. */
#define REFRESH_DELAY_MS 100

/**
 * CrmCustomerList:
 *
 * The customers matching a search (`q`), filters and a sort order, as a
 * #GListModel of #CrmCustomer that pages from `GET /api/v1/customers` on
 * demand with the keyset cursor: it holds the pages loaded so far, and
 * crm_customer_list_load_more() (called by the view when it scrolls near the
 * end) appends the next one. `GET /customers/count` gives #CrmCustomerList:total.
 * (Not from get_item (): GTK's list views ask for every new item when a page
 * arrives, which would load everything.)
 *
 * Changing the search, a filter or the sort cancels the requests in flight and
 * starts over (once per main-loop turn, however many properties changed).
 *
 * Live: when the server tells (#CrmEventStream) that customers changed, the
 * loaded rows are fetched again and only those that differ are replaced.
 */
struct _CrmCustomerList
{
  GObject       parent_instance;

  CrmApiClient *api_client;
  GPtrArray    *items;
  char         *q;
  char         *sort;
  GHashTable   *filters;       /* key → value */
  guint         page_size;

  char         *next;          /* the cursor of the next page */
  gboolean      has_more;
  gboolean      loading;
  gint64        total;         /* -1 while unknown */
  gboolean      deleted;       /* the recycle bin instead */
  guint         n_requests;    /* pages asked for, for tests */
  GCancellable *cancellable;   /* the pages and the count in flight */
  guint         restart_source;
  guint         refresh_source; /* a live refresh, soon */
  gboolean      refreshing;     /* the page in flight replaces the items */
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
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char * const crm_customer_list_filter_keys[] = {
  "kind", "size", "potential", "level", "industry", "tag", "owner_id", NULL,
};

static void
set_loading (CrmCustomerList *self,
             gboolean         loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_has_more (CrmCustomerList *self,
              gboolean         has_more)
{
  if (self->has_more == has_more)
    return;
  self->has_more = has_more;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

static void
set_total (CrmCustomerList *self,
           gint64           total)
{
  if (self->total == total)
    return;
  self->total = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
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
 * A live refresh: the loaded window as the server has it now. Only the rows between the
 * unchanged head and tail are replaced, so the views keep their scroll and the selection
 * of the rows that did not change.
 */
static void
replace_items (CrmCustomerList *self,
               JsonArray       *items)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint head = 0, tail = 0, n_old = self->items->len, n_new;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        g_ptr_array_add (fresh, crm_customer_new (json_node_get_object (item)));
    }
  n_new = fresh->len;
  while (head < n_old && head < n_new
         && same_record (g_ptr_array_index (self->items, head), g_ptr_array_index (fresh, head)))
    head++;
  while (tail < n_old - head && tail < n_new - head
         && same_record (g_ptr_array_index (self->items, n_old - 1 - tail),
                         g_ptr_array_index (fresh, n_new - 1 - tail)))
    tail++;
  if (head + tail == n_old && n_old == n_new)
    return;
  g_ptr_array_remove_range (self->items, head, n_old - head - tail);
  for (guint i = head; i < n_new - tail; i++)
    g_ptr_array_insert (self->items, i, g_object_ref (g_ptr_array_index (fresh, i)));
  g_list_model_items_changed (G_LIST_MODEL (self), head, n_old - head - tail,
                              n_new - head - tail);
  if (n_old != n_new)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CrmCustomerList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *reply;
  JsonArray *items;
  guint before;
  guint added = 0;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (error == NULL)
        error = g_error_new_literal (CRM_API_REPLY_ERROR, 0, "not an object");
      g_debug ("Loading customers failed: %s", error->message);
      set_has_more (self, FALSE);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }

  reply = json_node_get_object (root);
  items = json_object_get_array_member (reply, "items");
  if (self->refreshing)
    {
      self->refreshing = FALSE;
      replace_items (self, items);
      g_free (self->next);
      self->next = g_strdup (json_object_get_string_member_with_default (reply, "next", NULL));
      set_has_more (self, self->next != NULL);
      return;
    }
  before = self->items->len;
  if (items != NULL)
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonNode *item = json_array_get_element (items, i);

        if (JSON_NODE_HOLDS_OBJECT (item))
          {
            g_ptr_array_add (self->items, crm_customer_new (json_node_get_object (item)));
            added++;
          }
      }

  g_free (self->next);
  self->next = g_strdup (json_object_get_string_member_with_default (reply, "next", NULL));
  /* Before the views hear of the items: asking for the last ones loads more. */
  set_has_more (self, self->next != NULL);
  if (added > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), before, 0, added);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  /* Without a count endpoint, the total is known once the last page is in. */
  if (!self->has_more && self->total < 0)
    set_total (self, self->items->len);
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmCustomerList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "count"))
    {
      g_debug ("Counting customers failed: %s", error != NULL ? error->message : "no count");
      return;
    }
  set_total (self, json_object_get_int_member (json_node_get_object (root), "count"));
}

static void
fetch_page (CrmCustomerList *self)
{
  g_autoptr(GString) query = build_query (self);
  g_autofree char *limit = g_strdup_printf ("%u", self->page_size);

  crm_api_query_add (query, "limit", limit);
  crm_api_query_add (query, "after", self->next);
  g_debug ("Loading customers after %u", self->items->len);
  set_loading (self, TRUE);
  self->n_requests++;
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, CUSTOMERS_PATH, query->str, NULL,
                             0, self->cancellable, page_cb, g_object_ref (self));
}

static void schedule_restart (CrmCustomerList *self);

static gboolean
refresh_cb (gpointer user_data)
{
  CrmCustomerList *self = user_data;
  g_autoptr(GString) query = NULL;
  g_autoptr(GString) count_query = NULL;
  g_autofree char *limit = NULL;

  self->refresh_source = 0;
  if (self->restart_source != 0 || self->api_client == NULL
      || crm_api_client_get_token (self->api_client) == NULL)
    return G_SOURCE_REMOVE;
  if (self->loading)
    {
      /* A page is on its way: its cursor may be stale by now, start over. */
      schedule_restart (self);
      return G_SOURCE_REMOVE;
    }
  query = build_query (self);
  limit = g_strdup_printf ("%u", CLAMP (MAX (self->items->len, self->page_size), 1, 500));
  crm_api_query_add (query, "limit", limit);
  self->refreshing = TRUE;
  set_loading (self, TRUE);
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, CUSTOMERS_PATH, query->str, NULL,
                             0, self->cancellable, page_cb, g_object_ref (self));
  count_query = build_query (self);
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, COUNT_PATH, count_query->str,
                             NULL, 0, self->cancellable, count_cb, g_object_ref (self));
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
  g_autoptr(GString) query = NULL;
  guint removed = self->items->len;

  self->restart_source = 0;
  self->refreshing = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_pointer (&self->next, g_free);
  g_ptr_array_set_size (self->items, 0);
  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  set_total (self, -1);
  set_has_more (self, FALSE);
  set_loading (self, FALSE);
  if (self->api_client == NULL || crm_api_client_get_token (self->api_client) == NULL)
    return G_SOURCE_REMOVE;

  fetch_page (self);
  query = build_query (self);
  crm_api_client_call_async (self->api_client, SOUP_METHOD_GET, COUNT_PATH, query->str, NULL, 0,
                             self->cancellable, count_cb, g_object_ref (self));
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

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
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
  g_hash_table_unref (self->filters);
  g_free (self->q);
  g_free (self->sort);
  g_free (self->next);

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
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_HAS_MORE:
      g_value_set_boolean (value, self->has_more);
      break;
    case PROP_TOTAL:
      g_value_set_int64 (value, self->total);
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
}

static void
crm_customer_list_init (CrmCustomerList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->page_size = 100;
  self->total = -1;
}

/**
 * crm_customer_list_new:
 * @api_client: the client to page through
 *
 * Returns: (transfer full): an empty list; crm_customer_list_reload() fills it
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
  return self->loading || self->restart_source != 0;
}

gboolean
crm_customer_list_get_has_more (CrmCustomerList *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST (self), FALSE);
  return self->has_more;
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
 * crm_customer_list_load_more:
 * @self: a #CrmCustomerList
 *
 * Loads the next page, unless one is loading or the last is in.
 */
void
crm_customer_list_load_more (CrmCustomerList *self)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST (self));

  if (!self->has_more || self->loading || self->restart_source != 0 || self->next == NULL)
    return;
  fetch_page (self);
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
    if (crm_customer_get_id (g_ptr_array_index (self->items, i)) == id)
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
