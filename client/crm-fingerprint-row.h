/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CRM_TYPE_FINGERPRINT_ROW (crm_fingerprint_row_get_type ())

G_DECLARE_FINAL_TYPE (CrmFingerprintRow, crm_fingerprint_row, CRM, FINGERPRINT_ROW,
                      AdwPreferencesRow)

GtkWidget       *crm_fingerprint_row_new             (void);
GTlsCertificate *crm_fingerprint_row_get_certificate (CrmFingerprintRow *self);
void             crm_fingerprint_row_set_certificate (CrmFingerprintRow *self,
                                                      GTlsCertificate   *certificate);

G_END_DECLS
