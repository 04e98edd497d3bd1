/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-db-pool.h"

G_BEGIN_DECLS

guint crm_scheduler_start (CrmDbPool *pool,
                           guint      interval_s);

G_END_DECLS
