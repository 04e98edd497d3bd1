/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "crm-api-client.h"

G_BEGIN_DECLS

#define CRM_TYPE_EVENT_STREAM (crm_event_stream_get_type ())

G_DECLARE_FINAL_TYPE (CrmEventStream, crm_event_stream, CRM, EVENT_STREAM, GObject)

CrmEventStream *crm_event_stream_get_for_client (CrmApiClient   *api_client);
gboolean        crm_event_stream_get_connected  (CrmEventStream *self);
gint64          crm_event_stream_get_event_id   (JsonObject     *event,
                                                 const char     *member);

G_END_DECLS
