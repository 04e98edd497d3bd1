/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-account.h"
#include "crm-api-client.h"

G_BEGIN_DECLS

#define CRM_TYPE_GLOBAL_SEARCH (crm_global_search_get_type ())

G_DECLARE_FINAL_TYPE (CrmGlobalSearch, crm_global_search, CRM, GLOBAL_SEARCH, GtkWidget)

void      crm_global_search_start         (CrmGlobalSearch  *self,
                                           CrmApiClient     *api_client,
                                           const CrmAccount *account);
void      crm_global_search_stop          (CrmGlobalSearch  *self);
void      crm_global_search_focus         (CrmGlobalSearch  *self);

/* For tests. */
GtkSearchEntry *_crm_global_search_get_entry   (CrmGlobalSearch *self);
GtkListBox     *_crm_global_search_get_list    (CrmGlobalSearch *self);
GtkPopover     *_crm_global_search_get_popover (CrmGlobalSearch *self);
gboolean        _crm_global_search_is_busy     (CrmGlobalSearch *self);

G_END_DECLS
