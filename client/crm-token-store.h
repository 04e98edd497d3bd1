/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      crm_token_store_lookup_async (const char           *server_url,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *crm_token_store_lookup_finish (GAsyncResult        *result,
                                         GError             **error);
void      crm_token_store_save_async   (const char           *server_url,
                                        const char           *username,
                                        const char           *token,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  crm_token_store_save_finish  (GAsyncResult         *result,
                                        GError              **error);
void      crm_token_store_clear_async  (const char           *server_url,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  crm_token_store_clear_finish (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
