/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRM_PASSWORD_ERROR (crm_password_error_quark ())

/* Bounds of crm_password_check_policy (). */
#define CRM_PASSWORD_MIN_CHARS 10
#define CRM_PASSWORD_MAX_BYTES 256

/**
 * CrmPasswordError:
 * @CRM_PASSWORD_ERROR_INVALID: the password is not valid UTF-8
 * @CRM_PASSWORD_ERROR_TOO_SHORT: fewer than %CRM_PASSWORD_MIN_CHARS characters
 * @CRM_PASSWORD_ERROR_TOO_LONG: more than %CRM_PASSWORD_MAX_BYTES bytes
 * @CRM_PASSWORD_ERROR_TOO_SIMPLE: fewer than two of the classes letters, digits and other
 *   characters
 * @CRM_PASSWORD_ERROR_CONTAINS_USERNAME: the password contains the user name (ignoring case)
 * @CRM_PASSWORD_ERROR_FAILED: hashing failed (out of memory for Argon2id)
 */
typedef enum
{
  CRM_PASSWORD_ERROR_INVALID,
  CRM_PASSWORD_ERROR_TOO_SHORT,
  CRM_PASSWORD_ERROR_TOO_LONG,
  CRM_PASSWORD_ERROR_TOO_SIMPLE,
  CRM_PASSWORD_ERROR_CONTAINS_USERNAME,
  CRM_PASSWORD_ERROR_FAILED,
} CrmPasswordError;

GQuark    crm_password_error_quark   (void);
char     *crm_password_hash          (const char  *password,
                                      GError     **error);
gboolean  crm_password_verify        (const char  *hash,
                                      const char  *password);
gboolean  crm_password_needs_rehash  (const char  *hash);
const char *crm_password_problem_format (CrmPasswordError  code,
                                        int              *limit);
gboolean  crm_password_check_policy  (const char  *password,
                                      const char  *username,
                                      GError     **error);

G_END_DECLS
