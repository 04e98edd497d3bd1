/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CRM_TYPE_QR_CODE (crm_qr_code_get_type ())

G_DECLARE_FINAL_TYPE (CrmQrCode, crm_qr_code, CRM, QR_CODE, GtkWidget)

GtkWidget  *crm_qr_code_new         (void);
const char *crm_qr_code_get_text    (CrmQrCode  *self);
void        crm_qr_code_set_text    (CrmQrCode  *self,
                                     const char *text);
int         crm_qr_code_get_modules (CrmQrCode  *self);
gboolean    crm_qr_code_is_dark     (CrmQrCode  *self,
                                     int         x,
                                     int         y);

G_END_DECLS
