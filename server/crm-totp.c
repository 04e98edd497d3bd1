/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-totp"

#include "config.h"

#include <string.h>

#include <sodium.h>

#include "crm-sodium.h"
#include "crm-totp.h"

G_DEFINE_QUARK (crm-totp-error-quark, crm_totp_error)

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* A secret's bytes, wiped when the last GBytes reference goes. */
typedef struct
{
  gsize  len;
  guint8 data[];
} SecretBuffer;

static SecretBuffer *
secret_buffer_new (gsize len)
{
  SecretBuffer *buffer = g_malloc0 (sizeof (SecretBuffer) + len);

  buffer->len = len;
  return buffer;
}

static void
secret_buffer_free (gpointer data)
{
  SecretBuffer *buffer = data;

  sodium_memzero (buffer->data, buffer->len);
  g_free (buffer);
}

static GBytes *
secret_buffer_to_bytes (SecretBuffer *buffer,
                        gsize         len)
{
  g_assert (len <= buffer->len);
  return g_bytes_new_with_free_func (buffer->data, len, secret_buffer_free, buffer);
}

static int
base32_value (char c)
{
  const char *found;

  if (c == '\0')
    return -1;
  found = strchr (base32_alphabet, g_ascii_toupper (c));
  return found != NULL ? (int) (found - base32_alphabet) : -1;
}

/**
 * crm_totp_code:
 * @key: (array length=key_len): the shared secret
 * @key_len: its length in bytes, at least 1
 * @type: the HMAC hash: %G_CHECKSUM_SHA1 (what apps use), SHA256, SHA384 or SHA512
 * @unix_time: seconds since the epoch, not negative
 * @digits: how many decimal digits, 6 to 8 (RFC 4226)
 *
 * Computes the RFC 6238 code for the %CRM_TOTP_PERIOD step holding @unix_time.
 *
 * Returns: the code; print it with leading zeros to @digits places
 */
guint32
crm_totp_code (const guint8  *key,
               gsize          key_len,
               GChecksumType  type,
               gint64         unix_time,
               guint          digits)
{
  g_autoptr(GHmac) hmac = NULL;
  guint64 counter;
  guint8 message[8];
  guint8 digest[64];
  gsize digest_len = sizeof digest;
  guint offset;
  guint32 binary;
  guint32 modulus = 1;

  g_return_val_if_fail (key != NULL && key_len > 0, 0);
  /* Dynamic truncation reads up to byte 18: MD5's 16 are too few. */
  g_return_val_if_fail (type == G_CHECKSUM_SHA1 || type == G_CHECKSUM_SHA256
                        || type == G_CHECKSUM_SHA384 || type == G_CHECKSUM_SHA512, 0);
  g_return_val_if_fail (unix_time >= 0, 0);
  g_return_val_if_fail (digits >= 6 && digits <= 8, 0);

  counter = (guint64) unix_time / CRM_TOTP_PERIOD;
  for (guint i = 0; i < sizeof message; i++)
    message[i] = (guint8) (counter >> (8 * (sizeof message - 1 - i)));

  hmac = g_hmac_new (type, key, key_len);
  g_hmac_update (hmac, message, sizeof message);
  g_hmac_get_digest (hmac, digest, &digest_len);

  offset = digest[digest_len - 1] & 0x0f;
  binary = ((guint32) (digest[offset] & 0x7f) << 24)
           | ((guint32) digest[offset + 1] << 16)
           | ((guint32) digest[offset + 2] << 8)
           | (guint32) digest[offset + 3];
  for (guint i = 0; i < digits; i++)
    modulus *= 10;
  return binary % modulus;
}

/**
 * crm_totp_verify:
 * @key: (array length=key_len): the shared secret
 * @key_len: its length in bytes
 * @code: the code the user typed: exactly %CRM_TOTP_DIGITS ASCII digits
 * @unix_time: the server's time, seconds since the epoch
 * @matched_step: (out) (optional): the time step (@unix_time / %CRM_TOTP_PERIOD, give or
 *   take one) whose code matched
 *
 * Checks a SHA-1, 6-digit, 30-second code, allowing one step of clock drift either way.
 * The comparison takes the same time whichever step matches. Callers must remember the
 * last @matched_step per account and refuse a step that is not newer, so a code cannot be
 * used twice.
 *
 * Returns: %TRUE if @code is the code of step t - 1, t or t + 1
 */
gboolean
crm_totp_verify (const guint8 *key,
                 gsize         key_len,
                 const char   *code,
                 gint64        unix_time,
                 gint64       *matched_step)
{
  gint64 step;
  gint64 found = -1;

  g_return_val_if_fail (key != NULL && key_len > 0, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (unix_time >= 0, FALSE);

  if (strlen (code) != CRM_TOTP_DIGITS)
    return FALSE;
  for (guint i = 0; i < CRM_TOTP_DIGITS; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;

  step = unix_time / CRM_TOTP_PERIOD;
  /* No early exit: every candidate is computed and compared. */
  for (gint64 candidate = step - 1; candidate <= step + 1; candidate++)
    {
      char expected[CRM_TOTP_DIGITS + 1];

      if (candidate < 0)
        continue;
      g_snprintf (expected, sizeof expected, "%0*" G_GUINT32_FORMAT, CRM_TOTP_DIGITS,
                  crm_totp_code (key, key_len, G_CHECKSUM_SHA1, candidate * CRM_TOTP_PERIOD,
                                 CRM_TOTP_DIGITS));
      if (sodium_memcmp (expected, code, CRM_TOTP_DIGITS) == 0)
        found = candidate;
      sodium_memzero (expected, sizeof expected);
    }

  if (found < 0)
    return FALSE;
  if (matched_step != NULL)
    *matched_step = found;
  return TRUE;
}

/**
 * crm_totp_generate_secret:
 *
 * Makes a new %CRM_TOTP_SECRET_SIZE-byte secret (160 bits, as RFC 4226 recommends) from
 * the system's random source. Its memory is wiped when it is freed.
 *
 * Returns: (transfer full): the secret
 */
GBytes *
crm_totp_generate_secret (void)
{
  SecretBuffer *buffer = secret_buffer_new (CRM_TOTP_SECRET_SIZE);

  crm_sodium_init ();
  randombytes_buf (buffer->data, buffer->len);
  return secret_buffer_to_bytes (buffer, buffer->len);
}

/**
 * crm_totp_dup_uri:
 * @secret: the shared secret
 * @issuer: who issues the code, shown by the app, e.g. "Rapport"; any UTF-8
 * @account: the account name, any UTF-8
 *
 * Builds the otpauth:// URI (Key URI Format) that authenticator apps read from a QR code,
 * for SHA-1, %CRM_TOTP_DIGITS digits and %CRM_TOTP_PERIOD seconds. @issuer and @account
 * are percent-encoded as UTF-8.
 *
 * Returns: (transfer full): the URI; it holds the secret, so treat it as one
 */
char *
crm_totp_dup_uri (GBytes     *secret,
                  const char *issuer,
                  const char *account)
{
  g_autofree char *encoded_secret = NULL;
  g_autofree char *escaped_issuer = NULL;
  g_autofree char *escaped_account = NULL;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (issuer != NULL && g_utf8_validate (issuer, -1, NULL), NULL);
  g_return_val_if_fail (account != NULL && g_utf8_validate (account, -1, NULL), NULL);

  data = g_bytes_get_data (secret, &len);
  encoded_secret = crm_base32_encode (data, len);
  escaped_issuer = g_uri_escape_string (issuer, NULL, FALSE);
  escaped_account = g_uri_escape_string (account, NULL, FALSE);
  return g_strdup_printf ("otpauth://totp/%s:%s?secret=%s&issuer=%s"
                          "&algorithm=SHA1&digits=%d&period=%d",
                          escaped_issuer, escaped_account, encoded_secret, escaped_issuer,
                          CRM_TOTP_DIGITS, CRM_TOTP_PERIOD);
}

/**
 * crm_base32_encode:
 * @data: (array length=len) (nullable): bytes to encode
 * @len: how many
 *
 * Encodes in RFC 4648 base32 (upper case), without "=" padding as authenticator apps
 * expect.
 *
 * Returns: (transfer full): the text, "" for no bytes
 */
char *
crm_base32_encode (const guint8 *data,
                   gsize         len)
{
  GString *text;
  guint32 bits = 0;
  guint n_bits = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  text = g_string_sized_new ((len * 8 + 4) / 5 + 1);
  for (gsize i = 0; i < len; i++)
    {
      bits = (bits << 8) | data[i];
      n_bits += 8;
      while (n_bits >= 5)
        {
          n_bits -= 5;
          g_string_append_c (text, base32_alphabet[(bits >> n_bits) & 0x1f]);
        }
    }
  if (n_bits > 0)
    g_string_append_c (text, base32_alphabet[(bits << (5 - n_bits)) & 0x1f]);
  return g_string_free (text, FALSE);
}

/**
 * crm_base32_decode:
 * @text: RFC 4648 base32, as a user may type it: either case, spaces anywhere, with or
 *   without trailing "=" padding
 * @error: return location for a #GError
 *
 * Decodes base32. The result's memory is wiped when it is freed, as it is usually a
 * secret.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL with @error set
 *   (%CRM_TOTP_ERROR_INVALID) for a character outside the alphabet, data after padding or
 *   a length that no encoding produces
 */
GBytes *
crm_base32_decode (const char  *text,
                   GError     **error)
{
  SecretBuffer *buffer;
  gsize out = 0;
  gsize n_chars = 0;
  guint32 bits = 0;
  guint n_bits = 0;
  gboolean padding = FALSE;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  buffer = secret_buffer_new (strlen (text) * 5 / 8 + 1);
  for (const char *p = text; *p != '\0'; p++)
    {
      int value;

      if (g_ascii_isspace (*p))
        continue;
      if (*p == '=')
        {
          padding = TRUE;
          continue;
        }
      value = base32_value (*p);
      if (value < 0 || padding)
        {
          secret_buffer_free (buffer);
          g_set_error_literal (error, CRM_TOTP_ERROR, CRM_TOTP_ERROR_INVALID,
                               value < 0 ? "Not a base32 character in the secret"
                                         : "Base32 data after padding in the secret");
          return NULL;
        }
      n_chars++;
      bits = (bits << 5) | (guint32) value;
      n_bits += 5;
      if (n_bits >= 8)
        {
          n_bits -= 8;
          buffer->data[out++] = (guint8) (bits >> n_bits);
        }
    }
  sodium_memzero (&bits, sizeof bits);

  /* 1, 3 or 6 characters past a multiple of 8 encode no whole number of bytes. */
  switch (n_chars % 8)
    {
    case 1:
    case 3:
    case 6:
      secret_buffer_free (buffer);
      g_set_error_literal (error, CRM_TOTP_ERROR, CRM_TOTP_ERROR_INVALID,
                           "The base32 secret has an impossible length");
      return NULL;
    default:
      break;
    }
  return secret_buffer_to_bytes (buffer, out);
}
