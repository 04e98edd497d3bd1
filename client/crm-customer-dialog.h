/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-account.h"
#include "crm-api-client.h"
#include "crm-customer.h"

G_BEGIN_DECLS

#define CRM_TYPE_CUSTOMER_DIALOG (crm_customer_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CrmCustomerDialog, crm_customer_dialog, CRM, CUSTOMER_DIALOG, AdwWindow)

CrmCustomerDialog *crm_customer_dialog_new (GtkWindow        *parent,
                                            CrmApiClient     *api_client,
                                            const CrmAccount *account);

/* For tests: the entry rows ("name", "registration_no", "mobile", "phone", "email"),
 * the credit code's message, the message beside a row, the duplicates listed, the "N more" line, and whether a
 * duplicate check is pending. */
AdwEntryRow *_crm_customer_dialog_get_row            (CrmCustomerDialog *self,
                                                      const char        *field);
const char  *_crm_customer_dialog_get_registration_message (CrmCustomerDialog *self);
const char  *_crm_customer_dialog_get_message        (CrmCustomerDialog *self,
                                                      const char        *field);
guint        _crm_customer_dialog_get_n_duplicates   (CrmCustomerDialog *self);
void         _crm_customer_dialog_activate_duplicate (CrmCustomerDialog *self,
                                                      guint              index);
const char  *_crm_customer_dialog_get_hidden_text    (CrmCustomerDialog *self);
gboolean     _crm_customer_dialog_is_checking        (CrmCustomerDialog *self);
void         _crm_customer_dialog_create             (CrmCustomerDialog *self);
gboolean     _crm_customer_dialog_has_fields         (CrmCustomerDialog *self);
GtkWidget   *_crm_customer_dialog_get_custom_row     (CrmCustomerDialog *self,
                                                      const char        *key);

G_END_DECLS
