/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Field-level encryption of sensitive values (ID numbers, bank accounts…) with
 * AES-256-GCM, plus blind indexes for exact-match lookups on them.
 *
 * The key file is GKeyFile syntax, mode 0600, and is written only by this module:
 *
 *   # comment lines start with '#'
 *   [keys]
 *   current=2
 *   index=<base64 of 32 bytes>
 *   k1=<base64 of 32 bytes>
 *   k2=<base64 of 32 bytes>
 *
 * "kN" is the encryption key with id N (1 to %CRM_SECRET_BOX_MAX_KEY_ID, no leading
 * zeros); "current" names the one new values are encrypted with, the newest after a
 * rotation. Old keys stay so that old values still decrypt. "index" is the blind-index
 * key: it is not an encryption key and is never rotated, since a new one would change
 * every stored index and so require re-indexing every row at once. Base64 is the
 * standard alphabet with padding. Nothing else may appear in the file.
 *
 * A token is "v1:<key id>:<base64 (12-byte nonce || ciphertext || 16-byte tag)>", with
 * the field's context string (e.g. "customers.id_number") as associated data.
 */

#define CRM_SECRET_BOX_ERROR (crm_secret_box_error_quark ())

/* The largest key id; crm_secret_box_rotate () fails past it. */
#define CRM_SECRET_BOX_MAX_KEY_ID 65535

/**
 * CrmSecretBoxError:
 * @CRM_SECRET_BOX_ERROR_NOT_FOUND: the key file does not exist (and was not to be created)
 * @CRM_SECRET_BOX_ERROR_IO: the key file cannot be read or written
 * @CRM_SECRET_BOX_ERROR_INSECURE: the key file is not a regular file, or its mode grants
 *   group or others any access
 * @CRM_SECRET_BOX_ERROR_INVALID_KEY_FILE: the key file is malformed: unknown or repeated
 *   entry, bad base64, key not 32 bytes, "current" or "index" missing…
 * @CRM_SECRET_BOX_ERROR_CHANGED: crm_secret_box_rotate () found a key file that is not the
 *   one loaded (another process rotated): load it again first
 * @CRM_SECRET_BOX_ERROR_INVALID_TOKEN: a token is malformed or of an unknown version
 * @CRM_SECRET_BOX_ERROR_UNKNOWN_KEY: a token's key id is not in the key ring (a newer key
 *   file may need loading)
 * @CRM_SECRET_BOX_ERROR_AUTHENTICATION: a token does not authenticate: it was altered, or
 *   belongs to another context or another key file
 * @CRM_SECRET_BOX_ERROR_FAILED: the cipher failed, or the key ring is full
 */
typedef enum
{
  CRM_SECRET_BOX_ERROR_NOT_FOUND,
  CRM_SECRET_BOX_ERROR_IO,
  CRM_SECRET_BOX_ERROR_INSECURE,
  CRM_SECRET_BOX_ERROR_INVALID_KEY_FILE,
  CRM_SECRET_BOX_ERROR_CHANGED,
  CRM_SECRET_BOX_ERROR_INVALID_TOKEN,
  CRM_SECRET_BOX_ERROR_UNKNOWN_KEY,
  CRM_SECRET_BOX_ERROR_AUTHENTICATION,
  CRM_SECRET_BOX_ERROR_FAILED,
} CrmSecretBoxError;

typedef struct _CrmSecretBox CrmSecretBox;

GQuark        crm_secret_box_error_quark          (void);
CrmSecretBox *crm_secret_box_load                 (const char    *path,
                                                   gboolean       create,
                                                   GError       **error);
void          crm_secret_box_free                 (CrmSecretBox  *self);
char         *crm_secret_box_encrypt              (CrmSecretBox  *self,
                                                   const char    *plaintext,
                                                   const char    *context,
                                                   GError       **error);
char         *crm_secret_box_decrypt              (CrmSecretBox  *self,
                                                   const char    *token,
                                                   const char    *context,
                                                   GError       **error);
guint         crm_secret_box_get_current_key_id   (CrmSecretBox  *self);
guint         crm_secret_box_token_get_key_id     (const char    *token);
gboolean      crm_secret_box_rotate               (CrmSecretBox  *self,
                                                   const char    *path,
                                                   GError       **error);
char         *crm_secret_box_blind_index          (CrmSecretBox  *self,
                                                   const char    *normalized_value,
                                                   const char    *context);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmSecretBox, crm_secret_box_free)

G_END_DECLS
