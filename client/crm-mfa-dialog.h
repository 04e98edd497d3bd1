/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-api-client.h"

G_BEGIN_DECLS

#define CRM_TYPE_MFA_DIALOG (crm_mfa_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CrmMfaDialog, crm_mfa_dialog, CRM, MFA_DIALOG, AdwWindow)

CrmMfaDialog *crm_mfa_dialog_new          (GtkWindow    *parent,
                                           CrmApiClient *api_client);
const char   *crm_mfa_dialog_get_stage    (CrmMfaDialog *self);
const char   *crm_mfa_dialog_get_secret   (CrmMfaDialog *self);
const char   *crm_mfa_dialog_get_uri      (CrmMfaDialog *self);
GStrv         crm_mfa_dialog_get_recovery_codes (CrmMfaDialog *self);
gboolean      crm_mfa_dialog_get_busy     (CrmMfaDialog *self);

G_END_DECLS
