/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-api-client.h"

G_BEGIN_DECLS

GtkDropDown *crm_value_drop_down_new       (const char * const *labels,
                                            const char * const *values);
void         crm_value_drop_down_load      (GtkDropDown        *drop_down,
                                            CrmApiClient       *api_client,
                                            const char         *path,
                                            const char         *member,
                                            GCancellable       *cancellable);
const char  *crm_value_drop_down_get_value (GtkDropDown        *drop_down);
void         crm_value_drop_down_set_value (GtkDropDown        *drop_down,
                                            const char         *value);

G_END_DECLS
