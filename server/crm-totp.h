/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRM_TOTP_ERROR (crm_totp_error_quark ())

/* What crm_totp_verify () and crm_totp_dup_uri () use; authenticator apps assume them. */
#define CRM_TOTP_PERIOD      30
#define CRM_TOTP_DIGITS      6
#define CRM_TOTP_SECRET_SIZE 20

/**
 * CrmTotpError:
 * @CRM_TOTP_ERROR_INVALID: a secret is not valid base32
 */
typedef enum
{
  CRM_TOTP_ERROR_INVALID,
} CrmTotpError;

GQuark   crm_totp_error_quark      (void);
guint32  crm_totp_code             (const guint8  *key,
                                    gsize          key_len,
                                    GChecksumType  type,
                                    gint64         unix_time,
                                    guint          digits);
gboolean crm_totp_verify           (const guint8  *key,
                                    gsize          key_len,
                                    const char    *code,
                                    gint64         unix_time,
                                    gint64        *matched_step);
GBytes  *crm_totp_generate_secret  (void);
char    *crm_totp_dup_uri          (GBytes        *secret,
                                    const char    *issuer,
                                    const char    *account);
char    *crm_base32_encode         (const guint8  *data,
                                    gsize          len);
GBytes  *crm_base32_decode         (const char    *text,
                                    GError       **error);

G_END_DECLS
