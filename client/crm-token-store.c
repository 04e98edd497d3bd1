/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-token-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "crm-token-store.h"

/*
 * Session tokens of users who chose "Stay signed in", in the keyring (the
 * Secret Service, through libsecret), one per server URL and user name.
 * Every call is asynchronous: the keyring may be slow, or ask to be unlocked.
 */

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.rapportcrm.Rapport.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

/**
 * crm_token_store_lookup_async:
 * @server_url: the server's address
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the token, or none
 * @user_data: data for @callback
 *
 * Looks up a token stored for @server_url, for whichever user.
 */
void
crm_token_store_lookup_async (const char          *server_url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (server_url != NULL);

  secret_password_lookup (get_schema (), cancellable, callback, user_data,
                          "server", server_url,
                          NULL);
}

/**
 * crm_token_store_lookup_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the token, or %NULL when none is stored
 *   (@error unset) or the keyring failed (@error set)
 */
char *
crm_token_store_lookup_finish (GAsyncResult  *result,
                               GError       **error)
{
  return secret_password_lookup_finish (result, error);
}

/**
 * crm_token_store_save_async:
 * @server_url: the server's address
 * @username: the user the token belongs to
 * @token: the session token
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when stored
 * @user_data: data for @callback
 *
 * Stores @token in the default keyring, replacing the one for @server_url and
 * @username.
 */
void
crm_token_store_save_async (const char          *server_url,
                            const char          *username,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (username != NULL);
  g_return_if_fail (token != NULL);

  /* Translators: the keyring item's name; %s are the user name and the server's address. */
  label = g_strdup_printf (_("Rapport sign-in of %s at %s"), username, server_url);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, callback, user_data,
                         "server", server_url,
                         "user", username,
                         NULL);
}

gboolean
crm_token_store_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  return secret_password_store_finish (result, error);
}

/**
 * crm_token_store_clear_async:
 * @server_url: the server's address
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called when done
 * @user_data: data for @callback
 *
 * Deletes the tokens stored for @server_url.
 */
void
crm_token_store_clear_async (const char          *server_url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (server_url != NULL);

  secret_password_clear (get_schema (), cancellable, callback, user_data,
                         "server", server_url,
                         NULL);
}

/**
 * crm_token_store_clear_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when a token was deleted
 */
gboolean
crm_token_store_clear_finish (GAsyncResult  *result,
                              GError       **error)
{
  return secret_password_clear_finish (result, error);
}
