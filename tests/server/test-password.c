/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "crm-password.h"

static void
test_hash_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = crm_password_hash ("我的密码很安全2026", &error);

  g_assert_no_error (error);
  g_assert_nonnull (hash);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_true (crm_password_verify (hash, "我的密码很安全2026"));
  g_assert_false (crm_password_verify (hash, "我的密码很安全2025"));
  g_assert_false (crm_password_verify (hash, ""));
  g_assert_false (crm_password_verify ("not a hash", "我的密码很安全2026"));
}

/* A fresh salt each time. */
static void
test_hash_salted (void)
{
  g_autofree char *first = crm_password_hash ("correct horse 7", NULL);
  g_autofree char *second = crm_password_hash ("correct horse 7", NULL);

  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_cmpstr (first, !=, second);
  g_assert_true (crm_password_verify (first, "correct horse 7"));
  g_assert_true (crm_password_verify (second, "correct horse 7"));
}

static void
test_needs_rehash (void)
{
  g_autofree char *fresh = crm_password_hash ("correct horse 7", NULL);
  char weak[crypto_pwhash_STRBYTES];
  char argon2i[crypto_pwhash_STRBYTES];

  g_assert_nonnull (fresh);
  g_assert_false (crm_password_needs_rehash (fresh));

  if (crypto_pwhash_str_alg (weak, "correct horse 7", strlen ("correct horse 7"),
                             crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    g_error ("crypto_pwhash_str_alg failed");
  g_assert_true (g_str_has_prefix (weak, "$argon2id$"));
  g_assert_true (crm_password_verify (weak, "correct horse 7"));
  g_assert_true (crm_password_needs_rehash (weak));

  /* Argon2i at the same limits still gets upgraded to Argon2id. */
  if (crypto_pwhash_str_alg (argon2i, "correct horse 7", strlen ("correct horse 7"),
                             crypto_pwhash_argon2i_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
                             crypto_pwhash_ALG_ARGON2I13) != 0)
    g_error ("crypto_pwhash_str_alg failed");
  g_assert_true (crm_password_verify (argon2i, "correct horse 7"));
  g_assert_true (crm_password_needs_rehash (argon2i));

  g_assert_true (crm_password_needs_rehash ("garbage"));
}

static void
assert_policy (const char *password,
               const char *username,
               int         code)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = crm_password_check_policy (password, username, &error);

  if (code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_error (error, CRM_PASSWORD_ERROR, code);
      g_assert_false (ok);
    }
}

static void
test_policy_accepts (void)
{
  assert_policy ("correct horse 7", "zhangwei", -1);
  assert_policy ("我的密码很安全2026", "zhangwei", -1);
  assert_policy ("我的密码非常安全！！", NULL, -1); /* letters, fullwidth punctuation */
  assert_policy ("2026-05-01 12:00", NULL, -1);        /* digits + other */
  assert_policy ("abcdefghij1", NULL, -1);             /* exactly 11 characters */
  assert_policy ("ab-1234567890", "ab", -1);           /* user names under 3 are not checked */
}

static void
test_policy_length (void)
{
  g_autofree char *max = g_strnfill (CRM_PASSWORD_MAX_BYTES, 'a');
  g_autofree char *over = g_strnfill (CRM_PASSWORD_MAX_BYTES + 1, 'a');

  assert_policy ("short1!", NULL, CRM_PASSWORD_ERROR_TOO_SHORT);
  assert_policy ("abcdefgh1", NULL, CRM_PASSWORD_ERROR_TOO_SHORT);  /* 9 */
  assert_policy ("abcdefgh12", NULL, -1);                           /* 10 */
  /* 9 characters, 25 bytes: counted in characters. */
  assert_policy ("密码很安全2026", NULL, CRM_PASSWORD_ERROR_TOO_SHORT);
  assert_policy ("", NULL, CRM_PASSWORD_ERROR_TOO_SHORT);

  max[0] = '1';
  over[0] = '1';
  assert_policy (max, NULL, -1);
  assert_policy (over, NULL, CRM_PASSWORD_ERROR_TOO_LONG);
  /* 86 CJK characters: 258 bytes. */
  {
    g_autoptr(GString) cjk = g_string_new ("1");

    for (guint i = 0; i < 85; i++)
      g_string_append (cjk, "密");
    g_assert_cmpuint (cjk->len, ==, 256);
    assert_policy (cjk->str, NULL, -1);
    g_string_append (cjk, "密");
    assert_policy (cjk->str, NULL, CRM_PASSWORD_ERROR_TOO_LONG);
  }
}

static void
test_policy_simple (void)
{
  assert_policy ("密码密码密码密码密码", NULL, CRM_PASSWORD_ERROR_TOO_SIMPLE);
  assert_policy ("12345678901234", NULL, CRM_PASSWORD_ERROR_TOO_SIMPLE);
  assert_policy ("abcdefghijklmn", NULL, CRM_PASSWORD_ERROR_TOO_SIMPLE);
  assert_policy ("AbCdEfGhIjKlMn", NULL, CRM_PASSWORD_ERROR_TOO_SIMPLE);
  assert_policy ("Passwörterbuch", NULL, CRM_PASSWORD_ERROR_TOO_SIMPLE);
  assert_policy ("!!!!!!!!!!!!", NULL, CRM_PASSWORD_ERROR_TOO_SIMPLE);
  /* Fullwidth digits are digits. */
  assert_policy ("１２３４５６７８９０", NULL, CRM_PASSWORD_ERROR_TOO_SIMPLE);
}

static void
test_policy_username (void)
{
  assert_policy ("zhangwei2026!", "zhangwei", CRM_PASSWORD_ERROR_CONTAINS_USERNAME);
  assert_policy ("My-ZhangWei-2026", "zhangwei", CRM_PASSWORD_ERROR_CONTAINS_USERNAME);
  assert_policy ("ZHANGWEI2026!", "ZhangWei", CRM_PASSWORD_ERROR_CONTAINS_USERNAME);
  assert_policy ("我是张伟丽2026年", "张伟丽", CRM_PASSWORD_ERROR_CONTAINS_USERNAME);
  assert_policy ("zhangwe1-2026", "zhangwei", -1);
  assert_policy ("我是张伟2026年春天", "张伟", -1);
}

static void
test_policy_invalid (void)
{
  assert_policy ("abcdefgh12\xff\xfe", NULL, CRM_PASSWORD_ERROR_INVALID);
  assert_policy ("\xe5\xaf abcdefgh12", NULL, CRM_PASSWORD_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");
  g_test_add_func ("/crm/password/hash-verify", test_hash_verify);
  g_test_add_func ("/crm/password/hash-salted", test_hash_salted);
  g_test_add_func ("/crm/password/needs-rehash", test_needs_rehash);
  g_test_add_func ("/crm/password/policy-accepts", test_policy_accepts);
  g_test_add_func ("/crm/password/policy-length", test_policy_length);
  g_test_add_func ("/crm/password/policy-simple", test_policy_simple);
  g_test_add_func ("/crm/password/policy-username", test_policy_username);
  g_test_add_func ("/crm/password/policy-invalid", test_policy_invalid);
  return g_test_run ();
}
