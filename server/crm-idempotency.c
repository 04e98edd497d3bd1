/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-idempotency"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "crm-db.h"
#include "crm-idempotency.h"
#include "crm-json.h"

/*
 * Idempotency-Key (issues 4 and 6): a write carrying a key the same user already sent
 * with the same request answers the first one's reply instead of running again; the
 * key with another request is refused. The key's row (migration 0011) is claimed at the
 * start of the request's transaction and its reply stored at the end of it, so the two
 * commit together or not at all. A reply is sealed with the field key before it is
 * stored: it may hold sensitive fields the database otherwise only keeps encrypted.
 */

static const char claim_sql[] =
  "SELECT claimed, same_request, status, reply, headers::text\n"
  "FROM rapport_claim_idempotency_key ($1, $2::bytea)";

static const char store_sql[] =
  "UPDATE idempotency_keys SET status = $2::integer, reply = $3, headers = $4::jsonb\n"
  "WHERE user_id = rapport_user_id () AND key = $1";

/* A reply that is no answer (a 5xx): the key goes, so that sending it again runs again. */
static const char forget_sql[] =
  "DELETE FROM idempotency_keys WHERE user_id = rapport_user_id () AND key = $1";

/**
 * crm_idempotency_key_is_valid:
 *
 * Whether @key is 1 to %CRM_IDEMPOTENCY_KEY_MAX printable ASCII characters without
 * spaces (a UUID, a ULID, base64…).
 */
gboolean
crm_idempotency_key_is_valid (const char *key)
{
  gsize length = 0;

  if (key == NULL)
    return FALSE;
  for (const char *p = key; *p != '\0'; p++, length++)
    if (*p < '!' || *p > '~' || length >= CRM_IDEMPOTENCY_KEY_MAX)
      return FALSE;
  return length > 0;
}

static void
update_field (GChecksum  *checksum,
              const char *text)
{
  guint32 length = text != NULL ? (guint32) strlen (text) : G_MAXUINT32;

  /* Length first, so that no two field lists hash alike. */
  g_checksum_update (checksum, (const guchar *) &length, sizeof length);
  if (text != NULL)
    g_checksum_update (checksum, (const guchar *) text, length);
}

/**
 * crm_idempotency_hash_request:
 * @query: (nullable): the query string
 * @if_match: (nullable): the If-Match header
 * @body: (nullable): the body as sent
 *
 * Returns: (transfer full): the SHA-256 of what makes a request this request, as the
 *   text of a bytea parameter
 */
char *
crm_idempotency_hash_request (const char *method,
                              const char *path,
                              const char *query,
                              const char *if_match,
                              GBytes     *body)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length = 0;
  const guchar *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;

  update_field (checksum, method);
  update_field (checksum, path);
  update_field (checksum, query);
  update_field (checksum, if_match);
  g_checksum_update (checksum, data != NULL ? data : (const guchar *) "", length);
  return g_strconcat ("\\x", g_checksum_get_string (checksum), NULL);
}

/* Associated data of a sealed reply: it answers this user's key and no other's. */
static char *
seal_context (gint64      user_id,
              const char *key)
{
  return g_strdup_printf ("idempotency_keys.reply:%" G_GINT64_FORMAT ":%s", user_id, key);
}

static GPtrArray *
headers_from_json (const char  *text,
                   GError     **error)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = json_from_string (text, error);
  JsonArray *array;

  if (node == NULL)
    return NULL;
  array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      const char *item = json_array_get_string_element (array, i);

      g_ptr_array_add (headers, g_strdup (item != NULL ? item : ""));
    }
  return g_steal_pointer (&headers);
}

static char *
headers_to_json (GPtrArray *headers)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; headers != NULL && i < headers->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (headers, i));
  json_node_set_array (node, array);
  return crm_json_to_string (node);
}

/**
 * crm_idempotency_claim:
 * @box: (nullable): the field key, to open a sealed reply
 * @user_id: the caller (rapport.user_id is set to it in this transaction)
 * @request_hash: crm_idempotency_hash_request ()
 * @claim: (out): what to do
 * @stored: (out caller-allocates): with %CRM_IDEMPOTENCY_REPLAY, the reply to answer
 *
 * Claims @key for this transaction. Waits while a transaction with the same key runs,
 * then sees its row. Fails on a database error, or when a stored reply cannot be opened.
 */
gboolean
crm_idempotency_claim (PGconn               *conn,
                       CrmSecretBox         *box,
                       gint64                user_id,
                       const char           *key,
                       const char           *request_hash,
                       CrmIdempotencyClaim  *claim,
                       CrmIdempotentReply   *stored,
                       GError              **error)
{
  const char *params[] = { key, request_hash };
  g_autoptr(PGresult) result = crm_db_exec (conn, claim_sql, 2, params, error);
  const char *reply;

  memset (stored, 0, sizeof *stored);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INTERNAL,
                   "Claiming an idempotency key answered %d rows", PQntuples (result));
      return FALSE;
    }
  if (g_str_equal (PQgetvalue (result, 0, 0), "t"))
    {
      *claim = CRM_IDEMPOTENCY_CLAIMED;
      return TRUE;
    }
  if (!g_str_equal (PQgetvalue (result, 0, 1), "t"))
    {
      *claim = CRM_IDEMPOTENCY_MISMATCH;
      return TRUE;
    }

  *claim = CRM_IDEMPOTENCY_REPLAY;
  stored->status = PQgetisnull (result, 0, 2)
                     ? 0 : (guint) g_ascii_strtoull (PQgetvalue (result, 0, 2), NULL, 10);
  reply = PQgetisnull (result, 0, 3) ? NULL : PQgetvalue (result, 0, 3);
  if (reply != NULL && g_str_has_prefix (reply, "v1:"))
    {
      g_autofree char *context = seal_context (user_id, key);

      if (box == NULL)
        {
          g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_NOT_FOUND,
                               "No key file to open a stored reply");
          return FALSE;
        }
      stored->body = crm_secret_box_decrypt (box, reply, context, error);
      if (stored->body == NULL)
        return FALSE;
    }
  else
    stored->body = g_strdup (reply);
  stored->headers = headers_from_json (PQgetisnull (result, 0, 4) ? "[]"
                                                                 : PQgetvalue (result, 0, 4),
                                       error);
  return stored->headers != NULL;
}

/**
 * crm_idempotency_store:
 * @box: (nullable): the field key; without one the reply is stored as it is
 * @status: the reply's status; a 5xx forgets the key instead
 * @body: (nullable): the reply's JSON text
 * @headers: (nullable): name, value… of the reply's own headers
 *
 * Stores the reply of the request that claimed @key, with the transaction's COMMIT
 * (crm_db_defer ()): a failure fails the commit, and with it the request.
 */
gboolean
crm_idempotency_store (PGconn        *conn,
                       CrmSecretBox  *box,
                       gint64         user_id,
                       const char    *key,
                       guint          status,
                       const char    *body,
                       GPtrArray     *headers,
                       GError       **error)
{
  g_autofree char *status_text = NULL;
  g_autofree char *sealed = NULL;
  g_autofree char *headers_text = NULL;
  const char *params[4];

  if (status >= 500)
    {
      params[0] = key;
      return crm_db_defer (conn, forget_sql, 1, params, error);
    }
  if (body != NULL && box != NULL)
    {
      g_autofree char *context = seal_context (user_id, key);

      sealed = crm_secret_box_encrypt (box, body, context, error);
      if (sealed == NULL)
        return FALSE;
    }
  status_text = g_strdup_printf ("%u", status);
  headers_text = headers_to_json (headers);
  params[0] = key;
  params[1] = status_text;
  params[2] = sealed != NULL ? sealed : body;
  params[3] = headers_text;
  return crm_db_defer (conn, store_sql, 4, params, error);
}

void
crm_idempotent_reply_clear (CrmIdempotentReply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->headers, g_ptr_array_unref);
  reply->status = 0;
}
