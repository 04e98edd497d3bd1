/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-request.h"

G_BEGIN_DECLS

/* One crm-api-<resource>.c per resource; the router's table names these. */
void crm_api_health_get (CrmRequest *request);

G_END_DECLS
