/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-account.h"
#include "crm-api-client.h"
#include "crm-customer.h"
#include "crm-permission.h"

G_BEGIN_DECLS

#define CRM_TYPE_CUSTOMER_PAGE (crm_customer_page_get_type ())

G_DECLARE_FINAL_TYPE (CrmCustomerPage, crm_customer_page, CRM, CUSTOMER_PAGE, AdwBin)

void         crm_customer_page_set_api_client (CrmCustomerPage *self,
                                               CrmApiClient    *api_client);
void         crm_customer_page_set_tags       (CrmCustomerPage *self,
                                               GHashTable      *tags);
void         crm_customer_page_set_users      (CrmCustomerPage *self,
                                               GHashTable      *users,
                                               GHashTable      *assignees);
void         crm_customer_page_set_account    (CrmCustomerPage  *self,
                                               const CrmAccount *account);
void         crm_customer_page_load           (CrmCustomerPage *self,
                                               gint64           id);
CrmCustomer *crm_customer_page_get_customer   (CrmCustomerPage *self);
gboolean     crm_customer_page_get_busy       (CrmCustomerPage *self);
void         crm_customer_page_save           (CrmCustomerPage *self);

/* For tests: the editor of a standard field (an AdwEntryRow or AdwComboRow), the
 * message shown beside it, and the conflict dialog while it is open. */
GtkWidget   *_crm_customer_page_get_row            (CrmCustomerPage *self,
                                                    const char      *field);
const char  *_crm_customer_page_get_field_message  (CrmCustomerPage *self,
                                                    const char      *field);
AdwMessageDialog *_crm_customer_page_get_conflict_dialog (CrmCustomerPage *self);
guint        _crm_customer_page_get_n_contacts     (CrmCustomerPage *self);
guint        _crm_customer_page_get_n_events       (CrmCustomerPage *self);
GtkWidget   *_crm_customer_page_get_changed_bar    (CrmCustomerPage *self);
AdwMessageDialog *_crm_customer_page_get_dialog    (CrmCustomerPage *self);
guint        _crm_customer_page_get_n_duplicates   (CrmCustomerPage *self);
char        *_crm_customer_page_dup_timeline_text  (CrmCustomerPage *self);
char        *_crm_customer_page_dup_contacts_text  (CrmCustomerPage *self);
gboolean     _crm_customer_page_show_older_events  (CrmCustomerPage *self);
gboolean     _crm_customer_page_has_unsaved_changes (CrmCustomerPage *self);

G_END_DECLS
