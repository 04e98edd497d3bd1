/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-owners"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-owners.h"

/*
 * A customer's owner, wherever one is chosen (the list's owner filter, batch edit, the
 * customer page): who may give customers to others, and the users to choose from, "Me"
 * first, then the others the role lets one see, by name. A drop-down of owners keeps
 * its own first items ("Anyone", "No change"), then one item per id of an array.
 */

/* Whether the user may write the owner field (crm_account_get_field_access ()). */
static gboolean
may_write_owner (const CrmAccount *account)
{
  return crm_account_get_field_access (account, CRM_OBJECT_CUSTOMERS, "owner_id")
         == CRM_FIELD_ACCESS_WRITE;
}

/**
 * crm_owners_can_assign:
 * @account: (nullable): who is signed in
 *
 * Whether the signed-in user may give customers to others, as the server decides: a role
 * that updates customers and has the customers' assign scope, or may write their owner
 * (a field protected by default, which admins — those who may change field rules — write).
 */
gboolean
crm_owners_can_assign (const CrmAccount *account)
{
  if (account == NULL || account->permissions == NULL
      || !crm_permissions_can (account->permissions, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE))
    return FALSE;
  return crm_permissions_get_scope (account->permissions, CRM_OBJECT_CUSTOMERS,
                                    CRM_ACTION_ASSIGN) != CRM_SCOPE_NONE
         || may_write_owner (account);
}

/* Whether @scope covers a user in @team_id, for @account (as the server's scopes read). */
static gboolean
scope_covers (const CrmAccount *account,
              CrmScope          scope,
              gint64            user_id,
              gint64            team_id)
{
  switch (scope)
    {
    case CRM_SCOPE_ALL:
      return TRUE;
    case CRM_SCOPE_TEAM:
      return user_id == account->user_id || (account->team_id > 0 && team_id == account->team_id);
    case CRM_SCOPE_OWN:
      return user_id == account->user_id;
    case CRM_SCOPE_NONE:
    default:
      return FALSE;
    }
}

/**
 * crm_owners_may_assign_to:
 * @account: (nullable): who is signed in
 * @user_id: a user
 * @team_id: that user's team, 0 for none
 *
 * Whether the signed-in user may give customers to that user, as the server decides
 * (crm-resource.c may_assign ()): within the customers' assign scope (a manager, their
 * team), or, for a role granted the owner field, within its update scope.
 */
gboolean
crm_owners_may_assign_to (const CrmAccount *account,
                          gint64            user_id,
                          gint64            team_id)
{
  const CrmPermissions *permissions = account != NULL ? account->permissions : NULL;

  if (!crm_owners_can_assign (account))
    return FALSE;
  if (scope_covers (account, crm_permissions_get_scope (permissions, CRM_OBJECT_CUSTOMERS,
                                                        CRM_ACTION_ASSIGN), user_id, team_id))
    return TRUE;
  return may_write_owner (account)
         && scope_covers (account, crm_permissions_get_scope (permissions, CRM_OBJECT_CUSTOMERS,
                                                              CRM_ACTION_UPDATE),
                          user_id, team_id);
}

static int
compare_user_names (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  GHashTable *users = user_data;
  int order = g_utf8_collate (g_hash_table_lookup (users, a), g_hash_table_lookup (users, b));

  if (order != 0)
    return order;
  return *(const gint64 *) a < *(const gint64 *) b ? -1 : *(const gint64 *) a > *(const gint64 *) b;
}

/**
 * crm_owners_fill:
 * @names: a drop-down's items; the first @n_fixed stay
 * @ids: (element-type gint64): set to the user of each item after the first @n_fixed
 * @users: user names by id (`gint64 *` → `char *`)
 * @me: the signed-in user, 0 when none
 *
 * Replaces the items after the first @n_fixed by "Me", then the other @users by name.
 */
void
crm_owners_fill (GtkStringList *names,
                 guint          n_fixed,
                 GArray        *ids,
                 GHashTable    *users,
                 gint64         me)
{
  GHashTableIter iter;
  gpointer key;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (names));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_return_if_fail (n >= n_fixed);

  g_array_set_size (ids, 0);
  g_hash_table_iter_init (&iter, users);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (*(gint64 *) key != me)
      g_array_append_val (ids, *(gint64 *) key);
  g_array_sort_with_data (ids, compare_user_names, users);
  g_array_prepend_val (ids, me);
  g_ptr_array_add (labels, (gpointer) _("Me"));
  for (guint i = 1; i < ids->len; i++)
    g_ptr_array_add (labels, g_hash_table_lookup (users, &g_array_index (ids, gint64, i)));
  g_ptr_array_add (labels, NULL);
  gtk_string_list_splice (names, n_fixed, n - n_fixed, (const char * const *) labels->pdata);
}

/**
 * crm_owners_get_id:
 *
 * Returns: the user of the item at @position; 0 for one of the first @n_fixed, or none
 */
gint64
crm_owners_get_id (GArray *ids,
                   guint   n_fixed,
                   guint   position)
{
  if (position == GTK_INVALID_LIST_POSITION || position < n_fixed
      || position - n_fixed >= ids->len)
    return 0;
  return g_array_index (ids, gint64, position - n_fixed);
}

/**
 * crm_owners_find:
 *
 * Returns: the position of the item of user @id, or %GTK_INVALID_LIST_POSITION
 */
guint
crm_owners_find (GArray *ids,
                 guint   n_fixed,
                 gint64  id)
{
  for (guint i = 0; id > 0 && i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return n_fixed + i;
  return GTK_INVALID_LIST_POSITION;
}
