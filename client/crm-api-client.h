/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crm-account.h"
#include "crm-error.h"
#include "crm-health.h"

G_BEGIN_DECLS

/**
 * CrmApiClientError:
 * @CRM_API_CLIENT_ERROR_UNTRUSTED_CERTIFICATE: no certificate is pinned and the
 *   system does not trust the one the server presented (self-signed, unknown
 *   issuer, expired or for another name). The user may choose to trust it.
 * @CRM_API_CLIENT_ERROR_CERTIFICATE_CHANGED: the server presented a certificate
 *   other than the pinned one. Nothing was sent to it.
 *
 * Why the client did not talk to a server it reached. With either error the
 * request's finish function hands out the certificate the server presented.
 */
typedef enum
{
  CRM_API_CLIENT_ERROR_UNTRUSTED_CERTIFICATE,
  CRM_API_CLIENT_ERROR_CERTIFICATE_CHANGED,
} CrmApiClientError;

#define CRM_API_CLIENT_ERROR (crm_api_client_error_quark ())
GQuark crm_api_client_error_quark (void);

/**
 * CRM_API_REPLY_ERROR:
 *
 * The domain of the errors crm_api_client_call_finish() returns for a reply
 * with an unsuccessful status. Its codes are the #CrmApiError values of the
 * reply's `error.code` (or of its HTTP status when the body has none); the
 * message is the server's (in the language sent as `Accept-Language`). An
 * error of this domain also carries the HTTP status, the per-field messages of
 * a 422 (crm_api_reply_error_get_fields()) and, with a 409, the record as it is
 * now on the server (crm_api_reply_error_get_current()).
 */
#define CRM_API_REPLY_ERROR (crm_api_reply_error_quark ())
GQuark      crm_api_reply_error_quark       (void);
guint       crm_api_reply_error_get_status  (const GError *error);
JsonObject *crm_api_reply_error_get_fields  (const GError *error);
JsonNode   *crm_api_reply_error_get_current (const GError *error);
JsonNode   *crm_api_reply_error_get_body    (const GError *error);

char       *crm_api_client_dup_accept_language (void);
void        crm_api_query_add               (GString      *query,
                                             const char   *key,
                                             const char   *value);

#define CRM_TYPE_API_CLIENT (crm_api_client_get_type ())

G_DECLARE_FINAL_TYPE (CrmApiClient, crm_api_client, CRM, API_CLIENT, GObject)

CrmApiClient    *crm_api_client_new                    (const char           *base_url);
const char      *crm_api_client_get_base_url           (CrmApiClient         *self);
void             crm_api_client_set_base_url           (CrmApiClient         *self,
                                                        const char           *base_url);
GTlsCertificate *crm_api_client_get_pinned_certificate (CrmApiClient         *self);
void             crm_api_client_set_pinned_certificate (CrmApiClient         *self,
                                                        GTlsCertificate      *certificate);
void             crm_api_client_get_health_async       (CrmApiClient         *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
CrmHealth       *crm_api_client_get_health_finish      (CrmApiClient         *self,
                                                        GAsyncResult         *result,
                                                        GTlsCertificate     **peer_certificate,
                                                        GError              **error);
const char      *crm_api_client_get_token              (CrmApiClient         *self);
void             crm_api_client_set_token              (CrmApiClient         *self,
                                                        const char           *token);
void             crm_api_client_sign_in_async          (CrmApiClient         *self,
                                                        const char           *username,
                                                        const char           *password,
                                                        const char           *totp,
                                                        const char           *recovery_code,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
CrmAccount      *crm_api_client_sign_in_finish         (CrmApiClient         *self,
                                                        GAsyncResult         *result,
                                                        guint                *retry_after,
                                                        GError              **error);
void             crm_api_client_get_session_async      (CrmApiClient         *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
CrmAccount      *crm_api_client_get_session_finish     (CrmApiClient         *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void             crm_api_client_sign_out_async         (CrmApiClient         *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean         crm_api_client_sign_out_finish        (CrmApiClient         *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void             crm_api_client_call_async             (CrmApiClient         *self,
                                                        const char           *method,
                                                        const char           *path,
                                                        const char           *query,
                                                        JsonNode             *body,
                                                        gint64                if_match,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
JsonNode        *crm_api_client_call_finish            (CrmApiClient         *self,
                                                        GAsyncResult         *result,
                                                        guint                *status,
                                                        GError              **error);
void             crm_api_client_open_events_async      (CrmApiClient         *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
SoupWebsocketConnection *crm_api_client_open_events_finish (CrmApiClient     *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

G_END_DECLS
