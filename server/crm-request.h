/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crm-error.h"

G_BEGIN_DECLS

typedef struct _CrmServer CrmServer;
typedef struct _CrmRequest CrmRequest;

CrmRequest        *crm_request_new            (CrmServer         *server,
                                               SoupServerMessage *message);
CrmRequest        *crm_request_ref            (CrmRequest        *self);
void               crm_request_unref          (CrmRequest        *self);
CrmServer         *crm_request_get_server     (CrmRequest        *self);
SoupServerMessage *crm_request_get_message    (CrmRequest        *self);
GCancellable      *crm_request_get_cancellable (CrmRequest       *self);
const char        *crm_request_get_id         (CrmRequest        *self);
const char        *crm_request_get_language   (CrmRequest        *self);
const char        *crm_request_translate      (CrmRequest        *self,
                                               const char        *msgid);
const char        *crm_request_get_param      (CrmRequest        *self,
                                               const char        *name);
GHashTable        *crm_request_get_params     (CrmRequest        *self);
void               crm_request_set_param      (CrmRequest        *self,
                                               const char        *name,
                                               const char        *value);
gboolean           crm_request_is_finished    (CrmRequest        *self);
void               crm_request_pause          (CrmRequest        *self);
void               crm_request_reply_json     (CrmRequest        *self,
                                               guint              status,
                                               JsonNode          *node);
void               crm_request_reply_bytes    (CrmRequest        *self,
                                               guint              status,
                                               GBytes            *body);
void               crm_request_reply_empty    (CrmRequest        *self,
                                               guint              status);
void               crm_request_reply_upgrade  (CrmRequest        *self);
void               crm_request_reply_error    (CrmRequest        *self,
                                               CrmApiError        code,
                                               const char        *message);
void               crm_request_reply_gerror   (CrmRequest        *self,
                                               const GError      *error);
guint              crm_request_get_n_alive    (void);
JsonNode          *crm_api_error_body_new     (CrmApiError        code,
                                               const char        *message,
                                               JsonObject        *fields);
void               _crm_request_headers_read (CrmRequest      *self);
void               _crm_request_read          (CrmRequest        *self);
void               _crm_request_finish        (CrmRequest        *self,
                                               gboolean           aborted);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmRequest, crm_request_unref)

G_END_DECLS
