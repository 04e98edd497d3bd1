/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "crm-totp.h"

/* RFC 6238 appendix B seeds (per the errata: 20, 32 and 64 bytes). */
static const char sha1_key[] = "12345678901234567890";
static const char sha256_key[] = "12345678901234567890123456789012";
static const char sha512_key[] =
  "1234567890123456789012345678901234567890123456789012345678901234";

static char *
code_string (const char *key,
             gint64      unix_time)
{
  return g_strdup_printf ("%06" G_GUINT32_FORMAT,
                          crm_totp_code ((const guint8 *) key, strlen (key), G_CHECKSUM_SHA1,
                                         unix_time, 6));
}

static void
test_rfc6238_vectors (void)
{
  static const struct
  {
    gint64  time;
    guint32 sha1;
    guint32 sha256;
    guint32 sha512;
  } vectors[] = {
    { 59LL,          94287082, 46119246, 90693936 },
    { 1111111109LL,   7081804, 68084774, 25091201 },
    { 1111111111LL,  14050471, 67062674, 99943326 },
    { 1234567890LL,  89005924, 91819424, 93441116 },
    { 2000000000LL,  69279037, 90698825, 38618901 },
    { 20000000000LL, 65353130, 77737706, 47863826 },
  };

  g_assert_cmpuint (strlen (sha1_key), ==, 20);
  g_assert_cmpuint (strlen (sha256_key), ==, 32);
  g_assert_cmpuint (strlen (sha512_key), ==, 64);
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_assert_cmpuint (crm_totp_code ((const guint8 *) sha1_key, 20, G_CHECKSUM_SHA1,
                                       vectors[i].time, 8), ==, vectors[i].sha1);
      g_assert_cmpuint (crm_totp_code ((const guint8 *) sha256_key, 32, G_CHECKSUM_SHA256,
                                       vectors[i].time, 8), ==, vectors[i].sha256);
      g_assert_cmpuint (crm_totp_code ((const guint8 *) sha512_key, 64, G_CHECKSUM_SHA512,
                                       vectors[i].time, 8), ==, vectors[i].sha512);
    }
  /* 6 digits are the last 6 of 8. */
  g_assert_cmpuint (crm_totp_code ((const guint8 *) sha1_key, 20, G_CHECKSUM_SHA1, 59, 6),
                    ==, 287082);
  g_assert_cmpuint (crm_totp_code ((const guint8 *) sha1_key, 20, G_CHECKSUM_SHA1,
                                   1111111109, 6), ==, 81804);
}

static void
test_verify_window (void)
{
  const guint8 *key = (const guint8 *) sha1_key;
  const gint64 now = 1234567890;            /* step 41152263, 0 s into it */
  const gint64 step = now / 30;
  g_autofree char *code = code_string (sha1_key, now);
  gint64 matched = 0;

  g_assert_cmpstr (code, ==, "005924");     /* leading zeros are kept */

  g_assert_true (crm_totp_verify (key, 20, code, now, &matched));
  g_assert_cmpint (matched, ==, step);
  g_assert_true (crm_totp_verify (key, 20, code, now + 29, &matched));
  g_assert_cmpint (matched, ==, step);

  /* Typed one step early or late by the clock. */
  g_assert_true (crm_totp_verify (key, 20, code, now + 30, &matched));
  g_assert_cmpint (matched, ==, step);
  g_assert_true (crm_totp_verify (key, 20, code, now - 1, &matched));
  g_assert_cmpint (matched, ==, step);
  g_assert_true (crm_totp_verify (key, 20, code, now + 59, NULL));

  /* Two steps off: refused, and matched_step left alone. */
  matched = -42;
  g_assert_false (crm_totp_verify (key, 20, code, now + 60, &matched));
  g_assert_false (crm_totp_verify (key, 20, code, now - 31, &matched));
  g_assert_false (crm_totp_verify (key, 20, code, now - 60, &matched));
  g_assert_cmpint (matched, ==, -42);

  /* The neighbours' own codes match with their own step. */
  {
    g_autofree char *next = code_string (sha1_key, now + 30);

    g_assert_true (crm_totp_verify (key, 20, next, now, &matched));
    g_assert_cmpint (matched, ==, step + 1);
  }

  /* Near the epoch there is no step -1. */
  {
    g_autofree char *first = code_string (sha1_key, 0);

    g_assert_true (crm_totp_verify (key, 20, first, 5, &matched));
    g_assert_cmpint (matched, ==, 0);
  }
}

static void
test_verify_malformed (void)
{
  const guint8 *key = (const guint8 *) sha1_key;
  const gint64 now = 1234567890;

  g_assert_false (crm_totp_verify (key, 20, "", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "05924", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "0005924", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "89005924", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "00592a", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, " 05924", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "005 924", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "+05924", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "００５９２４", now, NULL));
  g_assert_false (crm_totp_verify (key, 20, "005925", now, NULL));
  /* Another key. */
  g_assert_false (crm_totp_verify ((const guint8 *) sha256_key, 32, "005924", now, NULL));
}

static void
assert_base32 (const char *plain,
               const char *encoded)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = crm_base32_encode ((const guint8 *) plain, strlen (plain));
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpstr (text, ==, encoded);
  bytes = crm_base32_decode (encoded, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   plain, strlen (plain));
}

/* RFC 4648 §10, without padding. */
static void
test_base32_vectors (void)
{
  assert_base32 ("", "");
  assert_base32 ("f", "MY");
  assert_base32 ("fo", "MZXQ");
  assert_base32 ("foo", "MZXW6");
  assert_base32 ("foob", "MZXW6YQ");
  assert_base32 ("fooba", "MZXW6YTB");
  assert_base32 ("foobar", "MZXW6YTBOI");
  assert_base32 ("12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void
test_base32_lenient (void)
{
  static const char *const forms[] = {
    "MZXW6YTBOI======",
    "mzxw6ytboi",
    "mzxw 6ytb oi",
    "  MzXw6YtBoI==\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = crm_base32_decode (forms[i], &error);

      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "foobar", 6);
    }
}

static void
test_base32_round_trip (void)
{
  for (gsize len = 0; len <= 64; len++)
    {
      g_autofree guint8 *data = g_malloc (len + 1);
      g_autofree char *text = NULL;
      g_autofree char *lower = NULL;
      g_autoptr(GBytes) decoded = NULL;
      g_autoptr(GBytes) decoded_lower = NULL;
      g_autoptr(GError) error = NULL;

      for (gsize i = 0; i < len; i++)
        data[i] = (guint8) g_test_rand_int_range (0, 256);
      text = crm_base32_encode (data, len);
      g_assert_cmpuint (strlen (text), ==, (len * 8 + 4) / 5);
      g_assert_null (strchr (text, '='));
      decoded = crm_base32_decode (text, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), data, len);
      lower = g_ascii_strdown (text, -1);
      decoded_lower = crm_base32_decode (lower, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (decoded, decoded_lower));
    }
}

static void
test_base32_invalid (void)
{
  static const char *const bad[] = {
    "MZXW6YTBO1",      /* 1 is not in the alphabet */
    "MZXW6YTBO8",
    "MZXW0YTB",
    "MZXW6YTB!I",
    "MZXW-6YTB-OI",
    "MZ=XW",           /* data after padding */
    "MZXW6YTBOI==A",
    "M",               /* lengths no encoder makes */
    "MZX",
    "MZXW6Y",
    "MZXW6YTBO",
    "密码",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = crm_base32_decode (bad[i], &error);

      g_assert_error (error, CRM_TOTP_ERROR, CRM_TOTP_ERROR_INVALID);
      g_assert_null (bytes);
    }
}

static void
test_generate_secret (void)
{
  g_autoptr(GBytes) first = crm_totp_generate_secret ();
  g_autoptr(GBytes) second = crm_totp_generate_secret ();

  g_assert_cmpuint (g_bytes_get_size (first), ==, CRM_TOTP_SECRET_SIZE);
  g_assert_cmpuint (g_bytes_get_size (second), ==, CRM_TOTP_SECRET_SIZE);
  g_assert_false (g_bytes_equal (first, second));
}

static void
test_uri (void)
{
  g_autoptr(GBytes) secret = g_bytes_new_static (sha1_key, 20);
  g_autofree char *uri = crm_totp_dup_uri (secret, "Rapport 客户管理", "zhangwei");
  g_autofree char *chinese = crm_totp_dup_uri (secret, "Rapport", "张伟@example.com");
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = NULL;

  g_assert_cmpstr (uri, ==,
                   "otpauth://totp/Rapport%20%E5%AE%A2%E6%88%B7%E7%AE%A1%E7%90%86:zhangwei"
                   "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                   "&issuer=Rapport%20%E5%AE%A2%E6%88%B7%E7%AE%A1%E7%90%86"
                   "&algorithm=SHA1&digits=6&period=30");

  /* What an app's URI parser makes of it. */
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (parsed), ==, "otpauth");
  g_assert_cmpstr (g_uri_get_host (parsed), ==, "totp");
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "issuer"), ==, "Rapport 客户管理");
  g_assert_cmpstr (g_hash_table_lookup (params, "digits"), ==, "6");
  decoded = crm_base32_decode (g_hash_table_lookup (params, "secret"), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (decoded, secret));

  g_assert_true (g_str_has_prefix (chinese, "otpauth://totp/Rapport:"
                                   "%E5%BC%A0%E4%BC%9F%40example.com?secret="));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/crm/totp/rfc6238-vectors", test_rfc6238_vectors);
  g_test_add_func ("/crm/totp/verify-window", test_verify_window);
  g_test_add_func ("/crm/totp/verify-malformed", test_verify_malformed);
  g_test_add_func ("/crm/totp/base32-vectors", test_base32_vectors);
  g_test_add_func ("/crm/totp/base32-lenient", test_base32_lenient);
  g_test_add_func ("/crm/totp/base32-round-trip", test_base32_round_trip);
  g_test_add_func ("/crm/totp/base32-invalid", test_base32_invalid);
  g_test_add_func ("/crm/totp/generate-secret", test_generate_secret);
  g_test_add_func ("/crm/totp/uri", test_uri);
  return g_test_run ();
}
