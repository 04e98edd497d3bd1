/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CRM_TYPE_CERTIFICATE_CHANGED_PAGE (crm_certificate_changed_page_get_type ())

G_DECLARE_FINAL_TYPE (CrmCertificateChangedPage, crm_certificate_changed_page,
                      CRM, CERTIFICATE_CHANGED_PAGE, AdwBin)

GtkWidget       *crm_certificate_changed_page_new
                   (void);
const char      *crm_certificate_changed_page_get_url
                   (CrmCertificateChangedPage *self);
void             crm_certificate_changed_page_set_url
                   (CrmCertificateChangedPage *self,
                    const char                *url);
GTlsCertificate *crm_certificate_changed_page_get_pinned_certificate
                   (CrmCertificateChangedPage *self);
void             crm_certificate_changed_page_set_pinned_certificate
                   (CrmCertificateChangedPage *self,
                    GTlsCertificate           *certificate);
GTlsCertificate *crm_certificate_changed_page_get_presented_certificate
                   (CrmCertificateChangedPage *self);
void             crm_certificate_changed_page_set_presented_certificate
                   (CrmCertificateChangedPage *self,
                    GTlsCertificate           *certificate);

G_END_DECLS
