/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-api-client.h"

G_BEGIN_DECLS

#define CRM_TYPE_SIGN_IN_PAGE (crm_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (CrmSignInPage, crm_sign_in_page, CRM, SIGN_IN_PAGE, AdwBin)

GtkWidget    *crm_sign_in_page_new                (void);
CrmApiClient *crm_sign_in_page_get_api_client     (CrmSignInPage *self);
void          crm_sign_in_page_set_api_client     (CrmSignInPage *self,
                                                   CrmApiClient  *api_client);
gboolean      crm_sign_in_page_get_busy           (CrmSignInPage *self);
gboolean      crm_sign_in_page_get_stay_signed_in (CrmSignInPage *self);
gboolean      crm_sign_in_page_is_asking_code     (CrmSignInPage *self);
void          crm_sign_in_page_reset              (CrmSignInPage *self);
void          crm_sign_in_page_set_message        (CrmSignInPage *self,
                                                   const char    *message);

G_END_DECLS
