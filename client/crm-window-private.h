/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-address-page.h"
#include "crm-admin-page.h"
#include "crm-certificate-changed-page.h"
#include "crm-customers-page.h"
#include "crm-global-search.h"
#include "crm-sign-in-page.h"
#include "crm-trust-page.h"
#include "crm-window.h"

G_BEGIN_DECLS

/* For tests: the status page that shows the connection state. */
AdwStatusPage             *_crm_window_get_status_page              (CrmWindow *self);
GtkLabel                  *_crm_window_get_version_label            (CrmWindow *self);
/* For tests: the page the window shows ("address", "trust", "certificate-changed" or
 * "status"), and the pages. */
const char                *_crm_window_get_page_name                (CrmWindow *self);
CrmAddressPage            *_crm_window_get_address_page             (CrmWindow *self);
CrmTrustPage              *_crm_window_get_trust_page               (CrmWindow *self);
CrmCertificateChangedPage *_crm_window_get_certificate_changed_page (CrmWindow *self);
/* For tests: the sign-in page, the sidebar's sections (a row per section,
 * named by crm_section_get_id ()), the labels with the user's name and role
 * (@role), the Customers section, who is signed in, and whether a stored
 * session is being looked up or tried. */
CrmSignInPage             *_crm_window_get_sign_in_page             (CrmWindow *self);
GtkListBox                *_crm_window_get_sections_list            (CrmWindow *self);
GtkLabel                  *_crm_window_get_account_label            (CrmWindow *self,
                                                                     gboolean   role);
CrmCustomersPage          *_crm_window_get_customers_page           (CrmWindow *self);
const CrmAccount          *_crm_window_get_account                  (CrmWindow *self);
gboolean                   _crm_window_is_checking_session          (CrmWindow *self);
/* For tests: the header bar's search, and the two-factor dialog while it is open. */
CrmGlobalSearch           *_crm_window_get_global_search            (CrmWindow *self);
GtkWindow                 *_crm_window_get_mfa_dialog               (CrmWindow *self);
/* For tests: the Administration section. */
CrmAdminPage              *_crm_window_get_admin_page               (CrmWindow *self);

G_END_DECLS
