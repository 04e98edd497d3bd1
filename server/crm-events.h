/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "crm-db-pool.h"
#include "crm-request.h"
#include "crm-server.h"

G_BEGIN_DECLS

#define CRM_TYPE_EVENTS (crm_events_get_type ())
G_DECLARE_FINAL_TYPE (CrmEvents, crm_events, CRM, EVENTS, GObject)

/* The channel every server LISTENs on (see server/sql/0004-events.sql). */
#define CRM_EVENTS_CHANNEL "rapport_events"

CrmEvents *crm_events_new            (CrmDbPool             *pool,
                                      const CrmAuthSettings *auth);
void       crm_events_start          (CrmEvents             *self);
gboolean   crm_events_is_listening   (CrmEvents             *self);
void       crm_events_accept         (CrmEvents             *self,
                                      CrmRequest            *request,
                                      JsonNode              *subscriber);
void       crm_events_close_all      (CrmEvents             *self);
guint      crm_events_get_n_subscribers (CrmEvents          *self);

G_END_DECLS
