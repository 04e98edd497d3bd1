/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CRM_TYPE_ADDRESS_PAGE (crm_address_page_get_type ())

G_DECLARE_FINAL_TYPE (CrmAddressPage, crm_address_page, CRM, ADDRESS_PAGE, AdwBin)

GtkWidget  *crm_address_page_new       (void);
const char *crm_address_page_get_text  (CrmAddressPage *self);
void        crm_address_page_set_text  (CrmAddressPage *self,
                                        const char     *text);
char       *crm_address_page_dup_url   (CrmAddressPage *self);
gboolean    crm_address_page_get_busy  (CrmAddressPage *self);
void        crm_address_page_set_busy  (CrmAddressPage *self,
                                        gboolean        busy);
void        crm_address_page_set_error (CrmAddressPage *self,
                                        const char     *message);

G_END_DECLS
