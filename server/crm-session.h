/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-call.h"

G_BEGIN_DECLS

/* Sessions and sign-in: bearer tokens are 256 random bits, stored only as SHA-256. */

char     *crm_session_new_token        (void);
char     *crm_session_hash_token_hex   (const char   *token);
char     *crm_session_new_recovery_code (void);
char     *crm_session_normalize_recovery_code (const char *code);
JsonNode *crm_session_principal_to_json (const CrmPrincipal *principal);

G_END_DECLS
