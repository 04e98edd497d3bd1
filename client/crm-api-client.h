/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-health.h"

G_BEGIN_DECLS

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
                                                        GError              **error);

G_END_DECLS
