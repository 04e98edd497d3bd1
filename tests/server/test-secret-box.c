/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "crm-secret-box.h"

#define CONTEXT "customers.id_number"

typedef struct
{
  char         *dir;
  char         *path;
  CrmSecretBox *box;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-secret-box-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "keys", NULL);
  fixture->box = crm_secret_box_load (fixture->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->box);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_clear_pointer (&fixture->box, crm_secret_box_free);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static char *
encrypt (CrmSecretBox *box,
         const char   *plaintext,
         const char   *context)
{
  g_autoptr(GError) error = NULL;
  char *token = crm_secret_box_encrypt (box, plaintext, context, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

static void
assert_decrypts (CrmSecretBox *box,
                 const char   *token,
                 const char   *context,
                 const char   *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plaintext = crm_secret_box_decrypt (box, token, context, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (plaintext, ==, expected);
}

static void
assert_decrypt_fails (CrmSecretBox *box,
                      const char   *token,
                      const char   *context,
                      int           code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plaintext = crm_secret_box_decrypt (box, token, context, &error);

  g_assert_error (error, CRM_SECRET_BOX_ERROR, code);
  g_assert_null (plaintext);
}

static void
write_private_file (const char *path,
                    const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* @token with byte @offset of its decoded nonce || ciphertext || tag flipped. */
static char *
flip_byte (const char *token,
           gsize       offset)
{
  const char *data = strrchr (token, ':') + 1;
  g_autofree char *prefix = g_strndup (token, (gsize) (data - token));
  g_autofree guchar *blob = NULL;
  g_autofree char *encoded = NULL;
  gsize len;

  blob = g_base64_decode (data, &len);
  g_assert_cmpuint (offset, <, len);
  blob[offset] ^= 0x01;
  encoded = g_base64_encode (blob, len);
  return g_strconcat (prefix, encoded, NULL);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *values[] = {
    "110101199003077777",
    "张伟，北京市朝阳区建国路 88 号",
    "",
    "a",
  };

  g_assert_cmpuint (crm_secret_box_get_current_key_id (fixture->box), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *token = encrypt (fixture->box, values[i], CONTEXT);

      g_assert_true (g_str_has_prefix (token, "v1:1:"));
      if (strlen (values[i]) >= 8)
        g_assert_null (strstr (token, values[i]));
      g_assert_cmpuint (crm_secret_box_token_get_key_id (token), ==, 1);
      assert_decrypts (fixture->box, token, CONTEXT, values[i]);
    }
}

static void
test_create_reload (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmSecretBox) reloaded = NULL;
  g_autoptr(CrmSecretBox) created_again = NULL;
  g_autofree char *token = encrypt (fixture->box, "身份证 110101199003077777", CONTEXT);
  g_autofree char *contents = NULL;
  g_autofree char *index = crm_secret_box_blind_index (fixture->box, "110101199003077777",
                                                       CONTEXT);
  g_autofree char *reloaded_index = NULL;

  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\n[keys]\ncurrent=1\nindex="));
  g_assert_nonnull (strstr (contents, "\nk1="));

  reloaded = crm_secret_box_load (fixture->path, FALSE, &error);
  g_assert_no_error (error);
  assert_decrypts (reloaded, token, CONTEXT, "身份证 110101199003077777");
  reloaded_index = crm_secret_box_blind_index (reloaded, "110101199003077777", CONTEXT);
  g_assert_cmpstr (reloaded_index, ==, index);

  /* create on an existing file loads it, and leaves it alone. */
  created_again = crm_secret_box_load (fixture->path, TRUE, &error);
  g_assert_no_error (error);
  assert_decrypts (created_again, token, CONTEXT, "身份证 110101199003077777");
}

static void
test_missing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", NULL);
  g_autofree char *no_dir = g_build_filename (fixture->dir, "no-dir", "keys", NULL);
  CrmSecretBox *box;

  box = crm_secret_box_load (missing, FALSE, &error);
  g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_NOT_FOUND);
  g_assert_null (box);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  box = crm_secret_box_load (no_dir, TRUE, &error);
  g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_IO);
  g_assert_null (box);
}

static void
test_insecure (Fixture       *fixture,
               gconstpointer  data)
{
  const guint modes[] = { 0640, 0604, 0620, 0602, 0610 };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CrmSecretBox) box = NULL;

      g_assert_cmpint (g_chmod (fixture->path, modes[i]), ==, 0);
      box = crm_secret_box_load (fixture->path, FALSE, &error);
      g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INSECURE);
      g_assert_null (box);
      /* Nor does create replace it. */
      g_clear_error (&error);
      box = crm_secret_box_load (fixture->path, TRUE, &error);
      g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INSECURE);
      g_assert_null (box);
    }

  /* Rotation checks too. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (crm_secret_box_rotate (fixture->box, fixture->path, &error));
    g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INSECURE);
    g_assert_cmpuint (crm_secret_box_get_current_key_id (fixture->box), ==, 1);
  }

  g_assert_cmpint (g_chmod (fixture->path, 0400), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CrmSecretBox) box = crm_secret_box_load (fixture->path, FALSE, &error);

    g_assert_no_error (error);
  }
}

#define KEY_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  /* bytes 0 to 31 */
#define KEY_B "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="  /* bytes 32 to 63 */

static void
test_key_file_format (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *invalid[] = {
    "",
    "garbage\n",
    "[keys]\n",
    "current=1\nindex=" KEY_A "\nk1=" KEY_B "\n",                    /* no group */
    "[keys]\nindex=" KEY_A "\nk1=" KEY_B "\n",                       /* no current */
    "[keys]\ncurrent=1\nk1=" KEY_B "\n",                             /* no index */
    "[keys]\ncurrent=2\nindex=" KEY_A "\nk1=" KEY_B "\n",            /* no key 2 */
    "[keys]\ncurrent=1\nindex=" KEY_A "\n",                          /* no keys */
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=AAECAwQFBgcICQoLDA0ODw==\n", /* 16 bytes */
    "[keys]\ncurrent=1\nindex=AAECAwQFBgcICQoLDA0ODw==\nk1=" KEY_B "\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=" KEY_B "AAAA\n",         /* 35 bytes */
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9=\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=ICEiIyQl*icoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=" KEY_B "\nk1=" KEY_A "\n", /* twice */
    "[keys]\ncurrent=1\ncurrent=1\nindex=" KEY_A "\nk1=" KEY_B "\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nindex=" KEY_A "\nk1=" KEY_B "\n",
    "[keys]\ncurrent=01\nindex=" KEY_A "\nk1=" KEY_B "\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk01=" KEY_B "\n",
    "[keys]\ncurrent=0\nindex=" KEY_A "\nk0=" KEY_B "\n",
    "[keys]\ncurrent=65536\nindex=" KEY_A "\nk65536=" KEY_B "\n",
    "[keys]\ncurrent=-1\nindex=" KEY_A "\nk-1=" KEY_B "\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=" KEY_B "\nextra=1\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=" KEY_B "\nk1\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=" KEY_B "\n[other]\n",
    "[keys]\ncurrent=1\nindex=" KEY_A "\nk1=" KEY_B "\n[keys]\n",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmSecretBox) box = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("key file %u", i);
      write_private_file (fixture->path, invalid[i]);
      box = crm_secret_box_load (fixture->path, FALSE, &error);
      g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_KEY_FILE);
      g_assert_null (box);
      /* The message names no key. */
      g_assert_null (strstr (error->message, "ICEiIyQl"));
      g_assert_null (strstr (error->message, "AAECAwQF"));
      g_clear_error (&error);
    }

  /* A NUL byte. */
  {
    static const char with_nul[] = "[keys]\ncurrent=1\nindex=" KEY_A "\n\0k1=" KEY_B "\n";

    g_file_set_contents_full (fixture->path, with_nul, sizeof with_nul - 1,
                              G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
    g_assert_no_error (error);
    box = crm_secret_box_load (fixture->path, FALSE, &error);
    g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_KEY_FILE);
    g_clear_error (&error);
  }

  /* Written by hand: comments, blank lines, spaces, CRLF, any order, current not the
   * newest. */
  write_private_file (fixture->path,
                      "# keys\r\n\r\n  [keys]\r\nk7 = " KEY_A "\r\n# old\r\nk1=" KEY_B "\r\n"
                      "current = 1\r\nindex=" KEY_A "\r\n");
  box = crm_secret_box_load (fixture->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crm_secret_box_get_current_key_id (box), ==, 1);
  {
    g_autofree char *token = encrypt (box, "hello", CONTEXT);

    g_assert_true (g_str_has_prefix (token, "v1:1:"));
    assert_decrypts (box, token, CONTEXT, "hello");
  }
  /* Rotation goes past the largest id. */
  g_assert_true (crm_secret_box_rotate (box, fixture->path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crm_secret_box_get_current_key_id (box), ==, 8);
}

static void
test_tampered (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *token = encrypt (fixture->box, "6222 0202 0000 1234 567", CONTEXT);
  gsize blob_len;
  g_autofree guchar *blob = g_base64_decode (strrchr (token, ':') + 1, &blob_len);

  /* 12-byte nonce, 23-byte ciphertext, 16-byte tag. */
  g_assert_cmpuint (blob_len, ==, 12 + 23 + 16);
  for (gsize offset = 0; offset < blob_len; offset++)
    {
      g_autofree char *tampered = flip_byte (token, offset);

      assert_decrypt_fails (fixture->box, tampered, CONTEXT,
                            CRM_SECRET_BOX_ERROR_AUTHENTICATION);
    }

  /* Truncated to the nonce and tag only. */
  {
    g_autofree char *encoded = g_base64_encode (blob, 12 + 16);
    g_autofree char *truncated = g_strconcat ("v1:1:", encoded, NULL);

    assert_decrypt_fails (fixture->box, truncated, CONTEXT, CRM_SECRET_BOX_ERROR_AUTHENTICATION);
  }
  assert_decrypts (fixture->box, token, CONTEXT, "6222 0202 0000 1234 567");
}

static void
test_wrong_context (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = encrypt (fixture->box, "110101199003077777", CONTEXT);

  assert_decrypt_fails (fixture->box, token, "customers.passport_number",
                        CRM_SECRET_BOX_ERROR_AUTHENTICATION);
  assert_decrypt_fails (fixture->box, token, "customers.id_numbe",
                        CRM_SECRET_BOX_ERROR_AUTHENTICATION);
  assert_decrypts (fixture->box, token, CONTEXT, "110101199003077777");
}

static void
test_other_key_file (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (fixture->dir, "other-keys", NULL);
  g_autoptr(CrmSecretBox) other = crm_secret_box_load (other_path, TRUE, &error);
  g_autofree char *token = encrypt (fixture->box, "110101199003077777", CONTEXT);
  g_autofree char *index = crm_secret_box_blind_index (fixture->box, "x", CONTEXT);
  g_autofree char *other_index = NULL;

  g_assert_no_error (error);
  /* Also key 1, but another key 1. */
  assert_decrypt_fails (other, token, CONTEXT, CRM_SECRET_BOX_ERROR_AUTHENTICATION);
  other_index = crm_secret_box_blind_index (other, "x", CONTEXT);
  g_assert_cmpstr (index, !=, other_index);
}

static void
test_unknown_key (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *token = encrypt (fixture->box, "110101199003077777", CONTEXT);
  g_autofree char *other = g_strconcat ("v1:7:", token + strlen ("v1:1:"), NULL);

  g_assert_cmpuint (crm_secret_box_token_get_key_id (other), ==, 7);
  assert_decrypt_fails (fixture->box, other, CONTEXT, CRM_SECRET_BOX_ERROR_UNKNOWN_KEY);
}

static void
test_rotate (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmSecretBox) reloaded = NULL;
  g_autofree char *old_token = encrypt (fixture->box, "旧的值", CONTEXT);
  g_autofree char *new_token = NULL;
  g_autofree char *newest_token = NULL;
  g_autofree char *index_before = crm_secret_box_blind_index (fixture->box, "旧的值", CONTEXT);
  g_autofree char *index_after = NULL;
  g_autofree char *index_reloaded = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (crm_secret_box_rotate (fixture->box, fixture->path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crm_secret_box_get_current_key_id (fixture->box), ==, 2);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\ncurrent=2\n"));
  g_assert_nonnull (strstr (contents, "\nk1="));
  g_assert_nonnull (strstr (contents, "\nk2="));

  new_token = encrypt (fixture->box, "新的值", CONTEXT);
  g_assert_true (g_str_has_prefix (new_token, "v1:2:"));
  g_assert_cmpuint (crm_secret_box_token_get_key_id (old_token), ==, 1);
  g_assert_cmpuint (crm_secret_box_token_get_key_id (new_token), ==, 2);
  assert_decrypts (fixture->box, old_token, CONTEXT, "旧的值");
  assert_decrypts (fixture->box, new_token, CONTEXT, "新的值");

  index_after = crm_secret_box_blind_index (fixture->box, "旧的值", CONTEXT);
  g_assert_cmpstr (index_after, ==, index_before);

  reloaded = crm_secret_box_load (fixture->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crm_secret_box_get_current_key_id (reloaded), ==, 2);
  assert_decrypts (reloaded, old_token, CONTEXT, "旧的值");
  assert_decrypts (reloaded, new_token, CONTEXT, "新的值");
  index_reloaded = crm_secret_box_blind_index (reloaded, "旧的值", CONTEXT);
  g_assert_cmpstr (index_reloaded, ==, index_before);

  /* And again, from the reloaded ring. */
  g_assert_true (crm_secret_box_rotate (reloaded, fixture->path, &error));
  g_assert_no_error (error);
  newest_token = encrypt (reloaded, "最新", CONTEXT);
  g_assert_cmpuint (crm_secret_box_token_get_key_id (newest_token), ==, 3);
  assert_decrypts (reloaded, old_token, CONTEXT, "旧的值");
}

/* Two rings loaded from one file: the second rotation must not drop the first's key. */
static void
test_rotate_changed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmSecretBox) second = crm_secret_box_load (fixture->path, FALSE, &error);
  g_autoptr(CrmSecretBox) reloaded = NULL;
  g_autofree char *token = NULL;

  g_assert_no_error (error);
  g_assert_true (crm_secret_box_rotate (fixture->box, fixture->path, &error));
  g_assert_no_error (error);
  token = encrypt (fixture->box, "value", CONTEXT);

  g_assert_false (crm_secret_box_rotate (second, fixture->path, &error));
  g_assert_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_CHANGED);
  g_clear_error (&error);
  g_assert_cmpuint (crm_secret_box_get_current_key_id (second), ==, 1);
  assert_decrypt_fails (second, token, CONTEXT, CRM_SECRET_BOX_ERROR_UNKNOWN_KEY);

  reloaded = crm_secret_box_load (fixture->path, FALSE, &error);
  g_assert_no_error (error);
  assert_decrypts (reloaded, token, CONTEXT, "value");
}

static void
test_random_nonce (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *first = encrypt (fixture->box, "110101199003077777", CONTEXT);
  g_autofree char *second = encrypt (fixture->box, "110101199003077777", CONTEXT);
  g_autofree char *empty_first = encrypt (fixture->box, "", CONTEXT);
  g_autofree char *empty_second = encrypt (fixture->box, "", CONTEXT);

  g_assert_cmpstr (first, !=, second);
  g_assert_cmpstr (empty_first, !=, empty_second);
  assert_decrypts (fixture->box, first, CONTEXT, "110101199003077777");
  assert_decrypts (fixture->box, second, CONTEXT, "110101199003077777");
}

static void
test_blind_index (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *index = crm_secret_box_blind_index (fixture->box, "110101199003077777",
                                                       CONTEXT);
  g_autofree char *again = crm_secret_box_blind_index (fixture->box, "110101199003077777",
                                                       CONTEXT);
  g_autofree char *other_context = crm_secret_box_blind_index (fixture->box,
                                                               "110101199003077777",
                                                               "customers.passport_number");
  g_autofree char *other_value = crm_secret_box_blind_index (fixture->box,
                                                             "110101199003077778", CONTEXT);
  g_autofree char *empty = crm_secret_box_blind_index (fixture->box, "", CONTEXT);
  g_autofree char *split_a = crm_secret_box_blind_index (fixture->box, "c", "a.b");
  g_autofree char *split_b = crm_secret_box_blind_index (fixture->box, "b.c", "a");
  g_autofree char *after_rotate = NULL;

  g_assert_cmpuint (strlen (index), ==, 64);
  for (const char *p = index; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
  g_assert_cmpstr (index, ==, again);
  g_assert_cmpstr (index, !=, other_context);
  g_assert_cmpstr (index, !=, other_value);
  g_assert_cmpstr (index, !=, empty);
  g_assert_cmpstr (split_a, !=, split_b);

  g_assert_true (crm_secret_box_rotate (fixture->box, fixture->path, &error));
  g_assert_no_error (error);
  after_rotate = crm_secret_box_blind_index (fixture->box, "110101199003077777", CONTEXT);
  g_assert_cmpstr (index, ==, after_rotate);
}

static void
test_malformed_tokens (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *token = encrypt (fixture->box, "value", CONTEXT);
  const char *data_part = token + strlen ("v1:1:");
  g_autofree char *no_version = g_strdup (data_part);
  g_autofree char *v2 = g_strconcat ("v2:1:", data_part, NULL);
  g_autofree char *id_zero = g_strconcat ("v1:0:", data_part, NULL);
  g_autofree char *id_leading_zero = g_strconcat ("v1:01:", data_part, NULL);
  g_autofree char *id_too_big = g_strconcat ("v1:65536:", data_part, NULL);
  g_autofree char *id_negative = g_strconcat ("v1:-1:", data_part, NULL);
  g_autofree char *id_plus = g_strconcat ("v1:+1:", data_part, NULL);
  g_autofree char *extra_colon = g_strconcat ("v1:1::", data_part, NULL);
  g_autofree char *upper = g_ascii_strup (token, -1);
  g_autofree char *space = g_strconcat (token, " ", NULL);
  g_autofree char *newline = g_strconcat ("v1:1:", data_part, "\n", NULL);
  g_autofree char *no_padding = g_strndup (token, strlen (token) - 1);
  g_autofree char *dash = g_strdup (token);
  g_autofree char *underscore = g_strdup (token);
  g_autofree char *non_canonical = encrypt (fixture->box, "value12", CONTEXT);
  const char *fixed[] = {
    "", "v1", "v1:", "v1:1", "v1:1:", "v9:1:abc", "v1:1:abc", "v1:x:AAAA",
    "v1:1:!!!!", "v1:1:AAAA", "v1:1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 26 bytes */
    "V1:1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  };
  const char *built[] = {
    no_version, v2, id_zero, id_leading_zero, id_too_big, id_negative, id_plus, extra_colon,
    upper, space, newline, no_padding, dash, underscore, non_canonical,
  };
  gsize len = strlen (non_canonical);

  dash[strlen ("v1:1:")] = '-';
  underscore[strlen ("v1:1:")] = '_';
  /* "value12": 35 bytes in 48 characters, the last one "=" and the one before it carrying
   * 2 unused bits; setting one changes the text but not the bytes. */
  assert_decrypts (fixture->box, non_canonical, CONTEXT, "value12");
  g_assert_cmpint (non_canonical[len - 1], ==, '=');
  g_assert_cmpint (non_canonical[len - 2], !=, '=');
  {
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int value = (int) (strchr (alphabet, non_canonical[len - 2]) - alphabet);

    g_assert_cmpint (value & 3, ==, 0);
    non_canonical[len - 2] = alphabet[value | 1];
  }

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    {
      g_test_message ("token \"%s\"", fixed[i]);
      g_assert_cmpuint (crm_secret_box_token_get_key_id (fixed[i]), ==, 0);
      assert_decrypt_fails (fixture->box, fixed[i], CONTEXT, CRM_SECRET_BOX_ERROR_INVALID_TOKEN);
    }
  for (guint i = 0; i < G_N_ELEMENTS (built); i++)
    {
      g_test_message ("token %u \"%s\"", i, built[i]);
      g_assert_cmpuint (crm_secret_box_token_get_key_id (built[i]), ==, 0);
      assert_decrypt_fails (fixture->box, built[i], CONTEXT, CRM_SECRET_BOX_ERROR_INVALID_TOKEN);
    }
  assert_decrypts (fixture->box, token, CONTEXT, "value");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(name, func) \
  g_test_add ("/crm/secret-box/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("round-trip", test_round_trip);
  ADD ("create-reload", test_create_reload);
  ADD ("missing", test_missing);
  ADD ("insecure", test_insecure);
  ADD ("key-file-format", test_key_file_format);
  ADD ("tampered", test_tampered);
  ADD ("wrong-context", test_wrong_context);
  ADD ("other-key-file", test_other_key_file);
  ADD ("unknown-key", test_unknown_key);
  ADD ("rotate", test_rotate);
  ADD ("rotate-changed", test_rotate_changed);
  ADD ("random-nonce", test_random_nonce);
  ADD ("blind-index", test_blind_index);
  ADD ("malformed-tokens", test_malformed_tokens);
#undef ADD
  return g_test_run ();
}
