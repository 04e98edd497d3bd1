/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-api-client.h"
#include "crm-customer.h"

G_BEGIN_DECLS

#define CRM_TYPE_CUSTOMER_LIST (crm_customer_list_get_type ())

G_DECLARE_FINAL_TYPE (CrmCustomerList, crm_customer_list, CRM, CUSTOMER_LIST, GObject)

/* The filters of GET /customers the list knows, in the order of the query. */
extern const char * const crm_customer_list_filter_keys[];

CrmCustomerList *crm_customer_list_new            (CrmApiClient    *api_client);
const char      *crm_customer_list_get_q          (CrmCustomerList *self);
void             crm_customer_list_set_q          (CrmCustomerList *self,
                                                   const char      *q);
const char      *crm_customer_list_get_sort       (CrmCustomerList *self);
void             crm_customer_list_set_sort       (CrmCustomerList *self,
                                                   const char      *sort);
const char      *crm_customer_list_get_filter     (CrmCustomerList *self,
                                                   const char      *key);
void             crm_customer_list_set_filter     (CrmCustomerList *self,
                                                   const char      *key,
                                                   const char      *value);
void             crm_customer_list_clear_filters  (CrmCustomerList *self);
guint            crm_customer_list_get_n_filters  (CrmCustomerList *self);
char            *crm_customer_list_dup_query      (CrmCustomerList *self);
gboolean         crm_customer_list_get_loading    (CrmCustomerList *self);
gboolean         crm_customer_list_get_has_more   (CrmCustomerList *self);
gint64           crm_customer_list_get_total      (CrmCustomerList *self);
gboolean         crm_customer_list_get_total_capped (CrmCustomerList *self);
gboolean         crm_customer_list_get_total_estimated (CrmCustomerList *self);
guint            crm_customer_list_get_page_size  (CrmCustomerList *self);
void             crm_customer_list_set_page_size  (CrmCustomerList *self,
                                                   guint            page_size);
void             crm_customer_list_set_deleted    (CrmCustomerList *self,
                                                   gboolean         deleted);
gboolean         crm_customer_list_get_deleted    (CrmCustomerList *self);
guint            _crm_customer_list_get_n_requests (CrmCustomerList *self);
void             _crm_customer_list_set_count_cap (CrmCustomerList *self,
                                                   guint            cap);
void             _crm_customer_list_set_count_estimate (CrmCustomerList *self,
                                                        guint            estimate);
void             _crm_customer_list_set_max_rows_held (CrmCustomerList *self,
                                                       guint            max_rows);
void             crm_customer_list_reload         (CrmCustomerList *self);
void             crm_customer_list_want_range     (CrmCustomerList *self,
                                                   guint            first,
                                                   guint            last);
guint            crm_customer_list_get_n_loaded   (CrmCustomerList *self);
CrmCustomer     *crm_customer_list_peek           (CrmCustomerList *self,
                                                   guint            position);
void             crm_customer_list_replace        (CrmCustomerList *self,
                                                   CrmCustomer     *customer);

G_END_DECLS
