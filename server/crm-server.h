/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "crm-db-pool.h"

G_BEGIN_DECLS

#define CRM_TYPE_SERVER (crm_server_get_type ())
G_DECLARE_FINAL_TYPE (CrmServer, crm_server, CRM, SERVER, GObject)

typedef struct _CrmSecretBox CrmSecretBox;
typedef struct _CrmEvents CrmEvents;

/**
 * CrmAuthSettings:
 *
 * Sign-in policy: session lifetimes and the lockout that grows with failed sign-ins
 * (base × 2^(failures − threshold), at most max), and how many denials or failures
 * within ten minutes raise an alert.
 */
typedef struct
{
  int session_idle_s;
  int session_max_s;
  int lockout_threshold;
  int lockout_base_s;
  int lockout_max_s;
  int alert_threshold;
} CrmAuthSettings;

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
void       crm_server_set_idle_timeout    (CrmServer        *self,
                                           guint             seconds);
void       crm_server_set_request_timeout (CrmServer        *self,
                                           guint             seconds);
void       crm_server_begin_shutdown      (CrmServer        *self,
                                           guint             timeout_s);
const CrmAuthSettings *crm_server_get_auth_settings (CrmServer             *self);
void                   crm_server_set_auth_settings (CrmServer             *self,
                                                     const CrmAuthSettings *settings);
CrmSecretBox          *crm_server_get_secret_box    (CrmServer             *self);
void                   crm_server_set_secret_box    (CrmServer             *self,
                                                     CrmSecretBox          *box);
CrmEvents             *crm_server_get_events        (CrmServer             *self);
void                   _crm_server_request_upgraded (CrmServer             *self,
                                                     SoupServerMessage     *message);

G_END_DECLS
