/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-request.h"

G_BEGIN_DECLS

void crm_router_dispatch (CrmRequest *request);

G_END_DECLS
