/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-api-client.h"

G_BEGIN_DECLS

/**
 * CrmConnectionState:
 * @CRM_CONNECTION_STATE_CONNECTING: the first answer from the server is awaited
 * @CRM_CONNECTION_STATE_CONNECTED: the server and its database answer
 * @CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE: the server answers, its database does not
 * @CRM_CONNECTION_STATE_UNREACHABLE: the server could not be reached, or failed
 * @CRM_CONNECTION_STATE_NO_SERVER: no server address is set; the window asks for one
 * @CRM_CONNECTION_STATE_UNTRUSTED_CERTIFICATE: the server's certificate is neither
 *   trusted by the system nor pinned; the window asks whether to trust it
 * @CRM_CONNECTION_STATE_CERTIFICATE_CHANGED: the server presented a certificate other
 *   than the pinned one; the window refuses it
 *
 * What the window last learnt about the server.
 */
typedef enum
{
  CRM_CONNECTION_STATE_CONNECTING,
  CRM_CONNECTION_STATE_CONNECTED,
  CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE,
  CRM_CONNECTION_STATE_UNREACHABLE,
  CRM_CONNECTION_STATE_NO_SERVER,
  CRM_CONNECTION_STATE_UNTRUSTED_CERTIFICATE,
  CRM_CONNECTION_STATE_CERTIFICATE_CHANGED,
} CrmConnectionState;

#define CRM_TYPE_CONNECTION_STATE (crm_connection_state_get_type ())
GType crm_connection_state_get_type (void);

#define CRM_TYPE_WINDOW (crm_window_get_type ())

G_DECLARE_FINAL_TYPE (CrmWindow, crm_window, CRM, WINDOW, AdwApplicationWindow)

CrmWindow          *crm_window_new                  (GtkApplication  *application,
                                                     CrmApiClient    *api_client,
                                                     GSettings       *settings);
CrmApiClient       *crm_window_get_api_client       (CrmWindow       *self);
GSettings          *crm_window_get_settings         (CrmWindow       *self);
CrmConnectionState  crm_window_get_connection_state (CrmWindow       *self);
void                crm_window_refresh              (CrmWindow       *self);
gboolean            crm_window_open_customer        (CrmWindow       *self,
                                                     gint64           id);
gboolean            crm_window_save_png             (CrmWindow       *self,
                                                     const char      *path,
                                                     GError         **error);

G_END_DECLS
