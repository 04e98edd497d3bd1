/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "crm-permission.h"

G_BEGIN_DECLS

/**
 * CrmAccount:
 * @token: (nullable): the session token
 * @user_id: the user's id
 * @team_id: the user's team, 0 for none
 * @username: the user name, as the server spells it
 * @display_name: the user's name for people
 * @role_name: the name of the user's role
 * @require_mfa: whether the role requires two-factor sign-in
 * @mfa_enabled: whether the user has set up two-factor sign-in
 * @mfa_enrollment_required: the role requires two-factor sign-in and the user has
 *   not set it up: the server allows only enrollment and sign-out
 * @permissions: what the user's role may do
 * @protected_fields: the fields an admin marked protected, as "OBJECT.FIELD" (a set);
 *   read their access with crm_account_get_field_access ()
 *
 * Who is signed in: the answer of `POST` and `GET /api/v1/session`.
 */
typedef struct
{
  char           *token;
  gint64          user_id;
  gint64          team_id;
  char           *username;
  char           *display_name;
  char           *role_name;
  gboolean        require_mfa;
  gboolean        mfa_enabled;
  gboolean        mfa_enrollment_required;
  CrmPermissions *permissions;
  GHashTable     *protected_fields;
} CrmAccount;

CrmAccount *crm_account_from_json (JsonNode          *node,
                                   GError           **error);
CrmAccount *crm_account_copy      (const CrmAccount  *self);
void        crm_account_free      (CrmAccount        *self);
CrmFieldAccess crm_account_get_field_access (const CrmAccount *self,
                                             CrmObject         object,
                                             const char       *field);
const char *crm_role_get_display_name (const char    *builtin,
                                       const char    *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmAccount, crm_account_free)

G_END_DECLS
