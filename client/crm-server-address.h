/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The port rapport-server listens on unless told otherwise. */
#define CRM_SERVER_ADDRESS_DEFAULT_PORT 8443

char *crm_server_address_normalize (const char  *text,
                                    GError     **error);

G_END_DECLS
