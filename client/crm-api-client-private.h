/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-api-client.h"

G_BEGIN_DECLS

SoupSession *_crm_api_client_get_session (CrmApiClient *self);

G_END_DECLS
