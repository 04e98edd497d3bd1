/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-account.h"
#include "crm-api-client.h"
#include "crm-customer-list.h"
#include "crm-customer-page.h"

G_BEGIN_DECLS

#define CRM_TYPE_CUSTOMERS_PAGE (crm_customers_page_get_type ())

G_DECLARE_FINAL_TYPE (CrmCustomersPage, crm_customers_page, CRM, CUSTOMERS_PAGE, AdwBin)

void             crm_customers_page_start         (CrmCustomersPage *self,
                                                   CrmApiClient     *api_client,
                                                   GSettings        *settings,
                                                   const CrmAccount *account);
void             crm_customers_page_stop          (CrmCustomersPage *self);
void             crm_customers_page_set_account   (CrmCustomersPage *self,
                                                   const CrmAccount *account);
CrmCustomerList *crm_customers_page_get_list      (CrmCustomersPage *self);
void             crm_customers_page_open_customer (CrmCustomersPage *self,
                                                   gint64            id);
void             crm_customers_page_show_recycle_bin (CrmCustomersPage *self,
                                                      gboolean          show);

/* For tests. */
GtkSearchEntry   *_crm_customers_page_get_search_entry (CrmCustomersPage *self);
GtkColumnView    *_crm_customers_page_get_column_view  (CrmCustomersPage *self);
CrmCustomerPage  *_crm_customers_page_get_customer_page (CrmCustomersPage *self);
const char       *_crm_customers_page_get_visible      (CrmCustomersPage *self);
const char       *_crm_customers_page_get_status       (CrmCustomersPage *self);
const char       *_crm_customers_page_get_last_toast   (CrmCustomersPage *self);
gboolean          _crm_customers_page_is_searching     (CrmCustomersPage *self);
GtkWindow        *_crm_customers_page_get_dialog       (CrmCustomersPage *self);
GtkWidget        *_crm_customers_page_get_filter_widget (CrmCustomersPage *self,
                                                        const char       *key);
const char       *_crm_customers_page_get_date_message (CrmCustomersPage *self);
char             *_crm_customers_page_dup_header_sort (CrmCustomersPage *self);
GtkWidget        *_crm_customers_page_get_batch_widget (CrmCustomersPage *self,
                                                       const char       *key);
char             *_crm_customers_page_dup_cell_text   (CrmCustomersPage *self,
                                                       CrmCustomer      *customer,
                                                       const char       *column);
gboolean          _crm_customers_page_column_is_shown (CrmCustomersPage *self,
                                                       const char       *column);
GtkWidget        *_crm_customers_page_get_tags_cell   (CrmCustomersPage *self,
                                                       gint64            id);

G_END_DECLS
