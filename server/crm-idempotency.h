/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "crm-pq.h"
#include "crm-secret-box.h"

G_BEGIN_DECLS

/* The longest Idempotency-Key the server keeps. */
#define CRM_IDEMPOTENCY_KEY_MAX 255

/**
 * CrmIdempotencyClaim:
 * @CRM_IDEMPOTENCY_CLAIMED: the key is new: run the request, then store its reply
 * @CRM_IDEMPOTENCY_REPLAY: the same request ran before: answer its stored reply
 * @CRM_IDEMPOTENCY_MISMATCH: the key was used for another request
 */
typedef enum
{
  CRM_IDEMPOTENCY_CLAIMED,
  CRM_IDEMPOTENCY_REPLAY,
  CRM_IDEMPOTENCY_MISMATCH,
} CrmIdempotencyClaim;

/**
 * CrmIdempotentReply:
 * @status: the stored HTTP status, 0 if none was stored
 * @body: (nullable): the stored JSON text, %NULL for a reply without a body
 * @headers: name, value, name, value… of the reply's own headers
 */
typedef struct
{
  guint      status;
  char      *body;
  GPtrArray *headers;
} CrmIdempotentReply;

gboolean  crm_idempotency_key_is_valid  (const char          *key);
char     *crm_idempotency_hash_request  (const char          *method,
                                         const char          *path,
                                         const char          *query,
                                         const char          *if_match,
                                         GBytes              *body);
gboolean  crm_idempotency_claim         (PGconn              *conn,
                                         CrmSecretBox        *box,
                                         gint64               user_id,
                                         const char          *key,
                                         const char          *request_hash,
                                         CrmIdempotencyClaim *claim,
                                         CrmIdempotentReply  *stored,
                                         GError             **error);
gboolean  crm_idempotency_store         (PGconn              *conn,
                                         CrmSecretBox        *box,
                                         gint64               user_id,
                                         const char          *key,
                                         guint                status,
                                         const char          *body,
                                         GPtrArray           *headers,
                                         GError             **error);
void      crm_idempotent_reply_clear    (CrmIdempotentReply  *reply);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrmIdempotentReply, crm_idempotent_reply_clear)

G_END_DECLS
