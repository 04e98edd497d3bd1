/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-cluster.h"
#include "crm-config.h"

G_BEGIN_DECLS

char *crm_startup_open_database (const CrmConfig  *config,
                                 CrmCluster      **cluster,
                                 GError          **error);

G_END_DECLS
