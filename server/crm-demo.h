/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "crm-pq.h"

G_BEGIN_DECLS

#define CRM_DEMO_N_CUSTOMERS 60
/* Every demo account's password (admin, and the sales staff by their pinyin names). */
#define CRM_DEMO_PASSWORD "Rapport-Demo-2026"

gboolean crm_demo_seed (PGconn  *conn,
                        guint   *n_customers,
                        GError **error);

G_END_DECLS
