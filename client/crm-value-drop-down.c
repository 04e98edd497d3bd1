/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-value-drop-down"

#include "config.h"

#include <libsoup/soup.h>

#include "crm-value-drop-down.h"

/*
 * A drop-down of free values the server lists (the levels of /level-rules, the industries
 * of /customers/industries), wherever one is chosen (the list's filters, batch edit):
 * fixed items first ("Any industry", "No level", "No change"…), each standing for a value
 * of its own or none, then the values, each once, found by typing when searching is on.
 * A value that is not (or not any more) among them is added at the end when it is set, so
 * that the drop-down still shows it (a saved view's).
 */

typedef struct
{
  guint   n_fixed;
  GStrv   fixed_values;  /* n_fixed, "" for none */
} ValueDropDown;

static void
value_drop_down_free (gpointer data)
{
  ValueDropDown *state = data;

  g_strfreev (state->fixed_values);
  g_free (state);
}

static ValueDropDown *
get_state (GtkDropDown *drop_down)
{
  ValueDropDown *state = g_object_get_data (G_OBJECT (drop_down), "crm-value-drop-down");

  g_assert (state != NULL);
  return state;
}

static GtkStringList *
get_names (GtkDropDown *drop_down)
{
  return GTK_STRING_LIST (gtk_drop_down_get_model (drop_down));
}

/**
 * crm_value_drop_down_new:
 * @labels: the fixed items' labels, %NULL-terminated
 * @values: (nullable): the value each fixed item stands for, "" or a %NULL array for none
 *
 * Returns: (transfer floating): a drop-down of the fixed items, the first one chosen;
 *   searching (gtk_drop_down_set_enable_search()) matches the items' text
 */
GtkDropDown *
crm_value_drop_down_new (const char * const *labels,
                         const char * const *values)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (labels);
  ValueDropDown *state = g_new0 (ValueDropDown, 1);
  GtkDropDown *drop_down;

  g_return_val_if_fail (labels != NULL && labels[0] != NULL, NULL);

  state->n_fixed = g_strv_length ((char **) labels);
  state->fixed_values = g_new0 (char *, state->n_fixed + 1);
  for (guint i = 0; i < state->n_fixed; i++)
    state->fixed_values[i] = g_strdup (values != NULL && values[i] != NULL ? values[i] : "");
  drop_down = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL));
  gtk_drop_down_set_expression (drop_down, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT,
                                                                        NULL, "string"));
  g_object_set_data_full (G_OBJECT (drop_down), "crm-value-drop-down", state,
                          value_drop_down_free);
  return drop_down;
}

/**
 * crm_value_drop_down_get_value:
 *
 * Returns: (nullable): the value chosen: a fixed item's (%NULL when it stands for none),
 *   or the item's text
 */
const char *
crm_value_drop_down_get_value (GtkDropDown *drop_down)
{
  ValueDropDown *state = get_state (drop_down);
  guint selected = gtk_drop_down_get_selected (drop_down);
  GtkStringObject *item;

  if (selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  if (selected < state->n_fixed)
    return *state->fixed_values[selected] != '\0' ? state->fixed_values[selected] : NULL;
  item = gtk_drop_down_get_selected_item (drop_down);
  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

/**
 * crm_value_drop_down_set_value:
 * @value: (nullable): a value; %NULL or "" chooses the first item
 *
 * Chooses the item of @value: the fixed item standing for it, or the value, added at the
 * end when it is not among them.
 */
void
crm_value_drop_down_set_value (GtkDropDown *drop_down,
                               const char  *value)
{
  ValueDropDown *state = get_state (drop_down);
  GtkStringList *names = get_names (drop_down);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (names));

  if (value == NULL || *value == '\0')
    {
      gtk_drop_down_set_selected (drop_down, 0);
      return;
    }
  for (guint i = 0; i < state->n_fixed; i++)
    if (g_str_equal (state->fixed_values[i], value))
      {
        gtk_drop_down_set_selected (drop_down, i);
        return;
      }
  for (guint i = state->n_fixed; i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (names, i), value))
      {
        gtk_drop_down_set_selected (drop_down, i);
        return;
      }
  gtk_string_list_append (names, value);
  gtk_drop_down_set_selected (drop_down, n);
}

/* The values after the fixed items become @values, the item chosen staying chosen; the
 * drop-down notifies its selection once, at the end, if at all. */
static void
fill (GtkDropDown        *drop_down,
      const char * const *values)
{
  ValueDropDown *state = get_state (drop_down);
  GtkStringList *names = get_names (drop_down);
  guint selected = gtk_drop_down_get_selected (drop_down);
  g_autofree char *chosen = NULL;

  if (selected != GTK_INVALID_LIST_POSITION && selected >= state->n_fixed)
    chosen = g_strdup (crm_value_drop_down_get_value (drop_down));
  g_object_freeze_notify (G_OBJECT (drop_down));
  gtk_string_list_splice (names, state->n_fixed,
                          g_list_model_get_n_items (G_LIST_MODEL (names)) - state->n_fixed,
                          values);
  if (chosen != NULL)
    crm_value_drop_down_set_value (drop_down, chosen);
  else
    gtk_drop_down_set_selected (drop_down, selected != GTK_INVALID_LIST_POSITION ? selected : 0);
  g_object_thaw_notify (G_OBJECT (drop_down));
}

/* A load in flight: the drop-down, and the member of each item that holds a value. */
typedef struct
{
  GtkDropDown *drop_down;
  char        *member;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->drop_down);
  g_free (load->member);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
values_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  JsonArray *items;

  root = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;   /* Then the fixed items (and a saved view's value) alone: not worth a toast. */
  items = json_object_get_array_member (json_node_get_object (root), "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *value = item != NULL ? json_object_get_string_member_with_default (
                                           item, load->member, NULL) : NULL;

      if (value != NULL && !g_ptr_array_find_with_equal_func (values, value, g_str_equal, NULL))
        g_ptr_array_add (values, (gpointer) value);
    }
  g_ptr_array_add (values, NULL);
  fill (load->drop_down, (const char * const *) values->pdata);
}

/**
 * crm_value_drop_down_load:
 * @path: what lists the values: `{"items":[{@member: "value", …}, …]}`, in the order
 *   to offer them (the level rules' order, the most common industries first)
 * @member: the member of each item that holds its value
 *
 * Loads the values (up to 500) after the fixed items, again at each call: others change
 * them meanwhile.
 */
void
crm_value_drop_down_load (GtkDropDown  *drop_down,
                          CrmApiClient *api_client,
                          const char   *path,
                          const char   *member,
                          GCancellable *cancellable)
{
  Load *load;

  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));
  g_return_if_fail (CRM_IS_API_CLIENT (api_client));

  load = g_new0 (Load, 1);
  load->drop_down = g_object_ref (drop_down);
  load->member = g_strdup (member);
  crm_api_client_call_async (api_client, SOUP_METHOD_GET, path, "limit=500", NULL, 0,
                             cancellable, values_cb, load);
}
