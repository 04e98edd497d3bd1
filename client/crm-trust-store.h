/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GTlsCertificate *crm_trust_store_dup_pin            (GSettings       *settings,
                                                     const char      *url);
void             crm_trust_store_set_pin            (GSettings       *settings,
                                                     const char      *url,
                                                     GTlsCertificate *certificate);
char            *crm_trust_store_format_fingerprint (GTlsCertificate *certificate);

G_END_DECLS
