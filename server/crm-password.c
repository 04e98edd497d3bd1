/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-password"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "crm-password.h"
#include "crm-sodium.h"

G_DEFINE_QUARK (crm-password-error-quark, crm_password_error)

/* The one place that says how passwords are hashed; crm_password_needs_rehash ()
 * compares stored hashes against these. */
#define HASH_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define HASH_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#define HASH_ALG      crypto_pwhash_ALG_ARGON2ID13

enum
{
  CLASS_LETTER = 1 << 0,
  CLASS_DIGIT  = 1 << 1,
  CLASS_OTHER  = 1 << 2,
};

static guint
char_class (gunichar c)
{
  /* g_unichar_isalpha () covers every letter category, so CJK ideographs (Lo), which have
   * no case, count as letters like Latin ones. */
  if (g_unichar_isdigit (c))
    return CLASS_DIGIT;
  if (g_unichar_isalpha (c))
    return CLASS_LETTER;
  return CLASS_OTHER;
}

/* Whether @needle occurs in @haystack, comparing lower-cased characters. Both are valid
 * UTF-8. Works in place so that no copy of the password is made. */
static gboolean
contains_ignoring_case (const char *haystack,
                        const char *needle)
{
  for (const char *start = haystack; *start != '\0'; start = g_utf8_next_char (start))
    {
      const char *h = start;
      const char *n = needle;

      while (*h != '\0' && *n != '\0'
             && g_unichar_tolower (g_utf8_get_char (h)) == g_unichar_tolower (g_utf8_get_char (n)))
        {
          h = g_utf8_next_char (h);
          n = g_utf8_next_char (n);
        }
      if (*n == '\0')
        return TRUE;
    }
  return FALSE;
}

/**
 * crm_password_hash:
 * @password: the password, as typed
 * @error: return location for a #GError
 *
 * Hashes @password with Argon2id at libsodium's interactive limits (about 85 ms and
 * 64 MiB). Does not apply the policy: see crm_password_check_policy ().
 *
 * Returns: (transfer full) (nullable): the encoded hash ("$argon2id$v=19$…") to store, or
 *   %NULL with @error set (%CRM_PASSWORD_ERROR_FAILED) when the memory cannot be had
 */
char *
crm_password_hash (const char  *password,
                   GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  crm_sodium_init ();
  if (crypto_pwhash_str_alg (hash, password, strlen (password),
                             HASH_OPSLIMIT, HASH_MEMLIMIT, HASH_ALG) != 0)
    {
      g_set_error_literal (error, CRM_PASSWORD_ERROR, CRM_PASSWORD_ERROR_FAILED,
                           "Cannot hash the password: out of memory");
      return NULL;
    }
  return g_strdup (hash);
}

/**
 * crm_password_verify:
 * @hash: an encoded hash from crm_password_hash ()
 * @password: the password to check
 *
 * Checks @password against @hash in time that does not depend on where they differ.
 * A malformed @hash never matches.
 *
 * Returns: %TRUE if @password is the one @hash was made from
 */
gboolean
crm_password_verify (const char *hash,
                     const char *password)
{
  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  crm_sodium_init ();
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

/**
 * crm_password_needs_rehash:
 * @hash: an encoded hash, as stored
 *
 * Tells whether @hash should be replaced, after a successful sign-in, by a new
 * crm_password_hash () of the same password: it was made with another algorithm or other
 * limits, or it does not parse.
 *
 * Returns: %TRUE if @hash is not what crm_password_hash () makes today
 */
gboolean
crm_password_needs_rehash (const char *hash)
{
  g_return_val_if_fail (hash != NULL, TRUE);

  crm_sodium_init ();
  /* The generic crypto_pwhash_str_needs_rehash () accepts Argon2i hashes too. */
  if (!g_str_has_prefix (hash, crypto_pwhash_argon2id_STRPREFIX))
    return TRUE;
  return crypto_pwhash_argon2id_str_needs_rehash (hash, HASH_OPSLIMIT, HASH_MEMLIMIT) != 0;
}

/**
 * crm_password_problem_format:
 * @code: a policy error
 * @limit: (out): the number the format takes (%d), or 0 when it takes none
 *
 * The one wording of each policy rule, for the server's log and, translated, for the
 * caller: a printf format marked with N_().
 *
 * Returns: (transfer none): the untranslated format
 */
const char *
crm_password_problem_format (CrmPasswordError  code,
                             int              *limit)
{
  *limit = 0;
  switch (code)
    {
    case CRM_PASSWORD_ERROR_INVALID:
      return N_("The password is not valid UTF-8");
    case CRM_PASSWORD_ERROR_TOO_SHORT:
      *limit = CRM_PASSWORD_MIN_CHARS;
      return N_("The password has fewer than %d characters");
    case CRM_PASSWORD_ERROR_TOO_LONG:
      *limit = CRM_PASSWORD_MAX_BYTES;
      return N_("The password is longer than %d bytes");
    case CRM_PASSWORD_ERROR_TOO_SIMPLE:
      return N_("The password needs at least two of: letters, digits, other characters");
    case CRM_PASSWORD_ERROR_CONTAINS_USERNAME:
      return N_("The password contains the user name");
    case CRM_PASSWORD_ERROR_FAILED:
    default:
      return N_("The password could not be stored");
    }
}

static gboolean
policy_error (GError           **error,
              CrmPasswordError   code)
{
  int limit;
  const char *format = crm_password_problem_format (code, &limit);

  g_set_error (error, CRM_PASSWORD_ERROR, code, format, limit);
  return FALSE;
}

/**
 * crm_password_check_policy:
 * @password: the proposed password
 * @username: (nullable): the account's user name, checked when it has 3 or more characters
 * @error: return location for a #GError
 *
 * Checks a new password against the policy: valid UTF-8, at least
 * %CRM_PASSWORD_MIN_CHARS characters, at most %CRM_PASSWORD_MAX_BYTES bytes, at least two
 * of the classes letters (any script), digits and other characters, and not containing
 * @username, ignoring case. The #CrmPasswordError code says which rule failed, for the
 * client to explain in the user's language.
 *
 * Returns: %TRUE if @password is acceptable, else %FALSE with @error set
 */
gboolean
crm_password_check_policy (const char  *password,
                           const char  *username,
                           GError     **error)
{
  guint classes = 0;

  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (username == NULL || g_utf8_validate (username, -1, NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_utf8_validate (password, -1, NULL))
    return policy_error (error, CRM_PASSWORD_ERROR_INVALID);
  if (strlen (password) > CRM_PASSWORD_MAX_BYTES)
    return policy_error (error, CRM_PASSWORD_ERROR_TOO_LONG);
  if (g_utf8_strlen (password, -1) < CRM_PASSWORD_MIN_CHARS)
    return policy_error (error, CRM_PASSWORD_ERROR_TOO_SHORT);

  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    classes |= char_class (g_utf8_get_char (p));
  /* At most one bit set: a single class. */
  if ((classes & (classes - 1)) == 0)
    return policy_error (error, CRM_PASSWORD_ERROR_TOO_SIMPLE);

  if (username != NULL && g_utf8_strlen (username, -1) >= 3
      && contains_ignoring_case (password, username))
    return policy_error (error, CRM_PASSWORD_ERROR_CONTAINS_USERNAME);
  return TRUE;
}
