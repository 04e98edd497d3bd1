/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean crm_tls_ensure_self_signed (const char  *directory,
                                     char       **cert_path,
                                     char       **key_path,
                                     GError     **error);

G_END_DECLS
