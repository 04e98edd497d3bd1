/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-db-pool.h"

G_BEGIN_DECLS

#define CRM_TYPE_SERVER (crm_server_get_type ())
G_DECLARE_FINAL_TYPE (CrmServer, crm_server, CRM, SERVER, GObject)

CrmServer *crm_server_new                 (CrmDbPool        *pool,
                                           GTlsCertificate  *certificate,
                                           gint64            schema_expected);
gboolean   crm_server_listen              (CrmServer        *self,
                                           const char       *host,
                                           guint             port,
                                           GError          **error);
char      *crm_server_dup_url             (CrmServer        *self);
CrmDbPool *crm_server_get_db_pool         (CrmServer        *self);
gint64     crm_server_get_schema_expected (CrmServer        *self);
guint      crm_server_get_n_in_flight     (CrmServer        *self);
gboolean   crm_server_is_shutting_down    (CrmServer        *self);
void       crm_server_begin_shutdown      (CrmServer        *self,
                                           guint             timeout_s);

G_END_DECLS
