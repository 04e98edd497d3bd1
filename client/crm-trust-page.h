/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CRM_TYPE_TRUST_PAGE (crm_trust_page_get_type ())

G_DECLARE_FINAL_TYPE (CrmTrustPage, crm_trust_page, CRM, TRUST_PAGE, AdwBin)

GtkWidget       *crm_trust_page_new             (void);
const char      *crm_trust_page_get_url         (CrmTrustPage    *self);
void             crm_trust_page_set_url         (CrmTrustPage    *self,
                                                 const char      *url);
GTlsCertificate *crm_trust_page_get_certificate (CrmTrustPage    *self);
void             crm_trust_page_set_certificate (CrmTrustPage    *self,
                                                 GTlsCertificate *certificate);

G_END_DECLS
