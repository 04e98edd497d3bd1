/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "crm-catalog.h"
#include "crm-validate.h"

#define N_THREADS 8
#define N_ROUNDS 20000

static const char mobile_msgid[] = "Enter a mobile number";
static const char mobile_zh[] = "请输入手机号码";

/* --- helpers --------------------------------------------------------------------------- */

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

static void
write_catalog (const char *localedir,
               const char *language,
               const void *data,
               gsize       size)
{
  g_autofree char *dir = g_build_filename (localedir, language, "LC_MESSAGES", NULL);
  g_autofree char *path = g_build_filename (dir, GETTEXT_PACKAGE ".mo", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);
}

typedef struct
{
  const char *id;
  gsize       id_len;
  const char *str;
  gsize       str_len;
} MoEntry;

/* Lengths from sizeof, so that plural forms may hold NULs. */
#define MO_ENTRY(id, str) { id, sizeof (id) - 1, str, sizeof (str) - 1 }

static void
put_word (GByteArray *bytes,
          guint32     word,
          gboolean    big_endian)
{
  word = big_endian ? GUINT32_TO_BE (word) : GUINT32_TO_LE (word);
  g_byte_array_append (bytes, (const guint8 *) &word, sizeof word);
}

/* A .mo file in either byte order, as msgfmt writes it (without the hash table). */
static GByteArray *
build_mo (const MoEntry *entries,
          guint          n,
          gboolean       big_endian)
{
  GByteArray *bytes = g_byte_array_new ();
  guint32 offset = 28 + 16 * n;
  const guint8 nul = 0;

  put_word (bytes, 0x950412de, big_endian);
  put_word (bytes, 0, big_endian);
  put_word (bytes, n, big_endian);
  put_word (bytes, 28, big_endian);
  put_word (bytes, 28 + 8 * n, big_endian);
  put_word (bytes, 0, big_endian);
  put_word (bytes, offset, big_endian);
  for (guint i = 0; i < n; i++)
    {
      put_word (bytes, entries[i].id_len, big_endian);
      put_word (bytes, offset, big_endian);
      offset += entries[i].id_len + 1;
    }
  for (guint i = 0; i < n; i++)
    {
      put_word (bytes, entries[i].str_len, big_endian);
      put_word (bytes, offset, big_endian);
      offset += entries[i].str_len + 1;
    }
  for (guint i = 0; i < n; i++)
    {
      g_byte_array_append (bytes, (const guint8 *) entries[i].id, entries[i].id_len);
      g_byte_array_append (bytes, &nul, 1);
    }
  for (guint i = 0; i < n; i++)
    {
      g_byte_array_append (bytes, (const guint8 *) entries[i].str, entries[i].str_len);
      g_byte_array_append (bytes, &nul, 1);
    }

  return bytes;
}

static void
write_built_catalog (const char    *localedir,
                     const char    *language,
                     const MoEntry *entries,
                     guint          n,
                     gboolean       big_endian)
{
  g_autoptr(GByteArray) bytes = build_mo (entries, n, big_endian);

  write_catalog (localedir, language, bytes->data, bytes->len);
}

/* --- the build tree's zh_CN catalog ---------------------------------------------------- */

typedef struct
{
  const char *header;
  gboolean    chinese;
} HeaderCase;

static const HeaderCase header_cases[] = {
  { "zh-CN", TRUE },
  { "zh", TRUE },
  { "zh-Hans-CN;q=0.9", TRUE },
  { "zh-Hans", TRUE },
  { "zh_CN", TRUE },
  { "ZH-cn", TRUE },
  { "zh-SG", TRUE },
  { "zh-CN,zh;q=0.9,en;q=0.8", TRUE },
  { "en;q=0.8, zh-CN;q=0.9", TRUE },
  { "fr, zh;q=0.5", TRUE },
  { "fr-FR,fr;q=0.9,zh-CN;q=0.1", TRUE },
  { " zh-CN ; q=1 ", TRUE },
  { "zh-CN;Q=0.500", TRUE },
  { "*;q=0.1, zh", TRUE },
  { "zh-CN,,en", TRUE },
  { "en-US", FALSE },
  { "en", FALSE },
  { "en-GB,zh-CN;q=0.5", FALSE },
  { "fr", FALSE },
  { "de-DE, fr;q=0.9", FALSE },
  { NULL, FALSE },
  { "", FALSE },
  { "*", FALSE },
  { "*, zh-CN;q=0.5", FALSE },
  { "zh-TW", FALSE },
  { "zh-Hant", FALSE },
  { "zh-Hant-CN", FALSE },
  { "zh-HK", FALSE },
  { "zh-CN;q=0", FALSE },
  { "zh-CN;q=0.0, en", FALSE },
  { "!!!", FALSE },
  { ";;;,,,", FALSE },
  { ",", FALSE },
  { ";q=1", FALSE },
  { "q=0.9", FALSE },
  { "zh-CN;q=abc", FALSE },
  { "zh-CN;q=2", FALSE },
  { "zh-CN;q=-1", FALSE },
  { "zh--CN", FALSE },
  { "-zh", FALSE },
  { "zh-", FALSE },
  { "zh-CN-waytoolongsubtag", FALSE },
  { "1zh", FALSE },
  { "中文", FALSE },
  { "zh-CN\xff", FALSE },
  { "zh CN", FALSE },
};

static void
test_translate (void)
{
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GString) late = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      const char *result = crm_catalog_translate (header_cases[i].header, mobile_msgid);

      if (header_cases[i].chinese)
        {
          if (g_strcmp0 (result, mobile_zh) != 0)
            g_error ("“%s” gave “%s”", header_cases[i].header, result);
        }
      else if (result != mobile_msgid)
        g_error ("“%s” gave “%s”, not the msgid", header_cases[i].header, result);
    }

  /* A message no catalog has is its own translation; so is the empty string. */
  {
    static const char unknown[] = "No catalog has this message";

    g_assert_true (crm_catalog_translate ("zh-CN", unknown) == unknown);
    g_assert_cmpstr (crm_catalog_translate ("zh-CN", ""), ==, "");
  }

  /* Huge headers: only the first entries count. */
  for (guint i = 0; i < 10000; i++)
    g_string_append (many, "zh-CN;q=0.5,");
  g_assert_cmpstr (crm_catalog_translate (many->str, mobile_msgid), ==, mobile_zh);
  for (guint i = 0; i < 1000; i++)
    g_string_append (late, "xx,");
  g_string_append (late, "zh-CN");
  g_assert_true (crm_catalog_translate (late->str, mobile_msgid) == mobile_msgid);
}

/* Every problem the validators can report has a Chinese translation. */
static void
test_validator_problems (void)
{
  static const char * const choices[] = { "A", NULL };
  g_autoptr(GHashTable) problems = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *a250 = g_strnfill (250, 'a');
  g_autofree char *a2000 = g_strnfill (2000, 'a');
  g_autofree char *long_email = g_strdup_printf ("%s@example.cn", a250);
  g_autofree char *long_url = g_strdup_printf ("example.cn/%s", a2000);
  static const char * const mobiles[] = { "", "1380013800", "abc", "+1 415 555 0100" };
  static const char * const phones[] = {
    "", "12345678", "phone", "+1 415 555 0100", "021-12345678 转", "4001234",
  };
  static const char * const dates[] = { "", "2026-02-30", "1800-01-01" };
  static const struct
  {
    CrmFieldType type;
    gboolean     required;
    const char  *json;
  } values[] = {
    { CRM_FIELD_TYPE_TEXT, TRUE, "null" },
    { CRM_FIELD_TYPE_TEXT, FALSE, "5" },
    { CRM_FIELD_TYPE_TEXT, FALSE, "\"\\u0001\"" },
    { CRM_FIELD_TYPE_NUMBER, FALSE, "\"x\"" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "1" },
    { CRM_FIELD_TYPE_MONEY, FALSE, "{\"amount\":1,\"currency\":\"CN\"}" },
    { CRM_FIELD_TYPE_CHOICE, FALSE, "\"B\"" },
    { CRM_FIELD_TYPE_MULTI_CHOICE, FALSE, "[\"A\",\"A\"]" },
    { CRM_FIELD_TYPE_BOOLEAN, FALSE, "1" },
  };
  g_autofree char *long_text = g_strnfill (11, 'a');
  GHashTableIter iter;
  const char *problem;

  for (guint i = 0; i < G_N_ELEMENTS (mobiles); i++)
    {
      g_assert_false (crm_validate_mobile (mobiles[i], NULL, &problem));
      g_hash_table_add (problems, (char *) problem);
    }
  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    {
      g_assert_false (crm_validate_phone (phones[i], NULL, &problem));
      g_hash_table_add (problems, (char *) problem);
    }
  g_assert_false (crm_validate_email ("", NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  g_assert_false (crm_validate_email ("sales", NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  g_assert_false (crm_validate_email (long_email, NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  g_assert_false (crm_validate_website ("", NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  g_assert_false (crm_validate_website ("localhost", NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  g_assert_false (crm_validate_website ("ftp://example.cn", NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  g_assert_false (crm_validate_website (long_url, NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_assert_false (crm_validate_date (dates[i], NULL, &problem));
      g_hash_table_add (problems, (char *) problem);
    }
  g_assert_false (crm_validate_text ("\xff", 10, TRUE, NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  g_assert_false (crm_validate_text (long_text, 10, TRUE, NULL, &problem));
  g_hash_table_add (problems, (char *) problem);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (values[i].json, NULL);

      g_assert_false (crm_validate_custom_value (values[i].type, choices, values[i].required,
                                                 node, NULL, &problem));
      g_hash_table_add (problems, (char *) problem);
    }

  /* Every message of crm-validate.c: extend the cases above when one is added. */
  g_assert_cmpuint (g_hash_table_size (problems), ==, 31);

  g_hash_table_iter_init (&iter, problems);
  while (g_hash_table_iter_next (&iter, (gpointer *) &problem, NULL))
    {
      const char *zh = crm_catalog_translate ("zh-CN", problem);

      if (zh == problem || g_strcmp0 (zh, problem) == 0)
        g_error ("No Chinese for “%s”", problem);
      g_assert_true (g_utf8_validate (zh, -1, NULL));
      g_assert_true (crm_catalog_translate ("en-US", problem) == problem);
    }
}

/* Worker threads translate at once, from the first call on (which loads the catalogs). */
static gint ready_threads;

static gpointer
translate_in_thread (gpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  guint failures = 0;

  g_atomic_int_inc (&ready_threads);
  while (g_atomic_int_get (&ready_threads) < N_THREADS)
    g_thread_yield ();

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      const HeaderCase *c = &header_cases[(round + index) % G_N_ELEMENTS (header_cases)];
      const char *result = crm_catalog_translate (c->header, mobile_msgid);

      if (c->chinese ? g_strcmp0 (result, mobile_zh) != 0 : result != mobile_msgid)
        failures++;
    }

  return GUINT_TO_POINTER (failures);
}

static void
test_concurrent (void)
{
  GThread *threads[N_THREADS];

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("translate", translate_in_thread, GUINT_TO_POINTER (i));
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 0);
}

/* --- catalogs of our own, in subprocesses (the catalogs load once per process) --------- */

static void
test_missing_directory (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("RAPPORT_LOCALEDIR", "/nonexistent/rapport-test-locale", TRUE);
      g_assert_true (crm_catalog_translate ("zh-CN", mobile_msgid) == mobile_msgid);
      g_assert_true (crm_catalog_translate ("de", mobile_msgid) == mobile_msgid);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_byte_orders (void)
{
  if (g_test_subprocess ())
    {
      static const MoEntry german[] = {
        MO_ENTRY ("", "Content-Type: text/plain; charset=UTF-8\n"),
        MO_ENTRY ("Hello", "Hallo"),
        MO_ENTRY ("Untranslated", ""),
        MO_ENTRY ("file\0files", "Datei\0Dateien"),
        MO_ENTRY ("menu\004Open", "Öffnen"),
      };
      static const MoEntry french[] = {
        MO_ENTRY ("", "Content-Type: text/plain; charset=UTF-8\n"),
        MO_ENTRY ("Hello", "Bonjour"),
      };
      static const MoEntry brazilian[] = {
        MO_ENTRY ("Hello", "Olá"),
      };
      static const char untranslated[] = "Untranslated";
      static const char hello[] = "Hello";
      g_autofree char *localedir = g_dir_make_tmp ("rapport-catalog-XXXXXX", NULL);

      g_assert_nonnull (localedir);
      write_built_catalog (localedir, "de", german, G_N_ELEMENTS (german), FALSE);
      write_built_catalog (localedir, "fr", french, G_N_ELEMENTS (french), TRUE);
      write_built_catalog (localedir, "pt_BR", brazilian, G_N_ELEMENTS (brazilian), TRUE);
      g_setenv ("RAPPORT_LOCALEDIR", localedir, TRUE);

      g_assert_cmpstr (crm_catalog_translate ("de", "Hello"), ==, "Hallo");
      g_assert_cmpstr (crm_catalog_translate ("de-DE", "Hello"), ==, "Hallo");
      g_assert_cmpstr (crm_catalog_translate ("de-CH-1996", "Hello"), ==, "Hallo");
      g_assert_cmpstr (crm_catalog_translate ("fr", "Hello"), ==, "Bonjour");
      g_assert_cmpstr (crm_catalog_translate ("fr-CA;q=0.5, de;q=0.4", "Hello"), ==, "Bonjour");
      g_assert_cmpstr (crm_catalog_translate ("de;q=0.4, fr-CA;q=0.5", "Hello"), ==, "Bonjour");
      g_assert_cmpstr (crm_catalog_translate ("it, de;q=0.4", "Hello"), ==, "Hallo");
      g_assert_cmpstr (crm_catalog_translate ("pt-BR", "Hello"), ==, "Olá");
      g_assert_cmpstr (crm_catalog_translate ("pt-br", "Hello"), ==, "Olá");
      /* The first plural form; the header and empty translations are skipped. */
      g_assert_cmpstr (crm_catalog_translate ("de", "file"), ==, "Datei");
      g_assert_cmpstr (crm_catalog_translate ("de", "menu\004Open"), ==, "Öffnen");
      g_assert_true (crm_catalog_translate ("de", untranslated) == untranslated);
      g_assert_cmpstr (crm_catalog_translate ("de", ""), ==, "");
      /* No pt catalog; English first; no catalog at all. */
      g_assert_true (crm_catalog_translate ("pt", hello) == hello);
      g_assert_true (crm_catalog_translate ("pt-PT", hello) == hello);
      g_assert_true (crm_catalog_translate ("en, de", hello) == hello);
      g_assert_true (crm_catalog_translate ("zh-CN", hello) == hello);

      rm_rf (localedir);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_corrupt (void)
{
  if (g_test_subprocess ())
    {
      static const MoEntry good[] = { MO_ENTRY ("Hello", "Hallo zz") };
      static const char hello[] = "Hello";
      g_autofree char *localedir = g_dir_make_tmp ("rapport-catalog-XXXXXX", NULL);
      g_autoptr(GByteArray) bytes = build_mo (good, 1, FALSE);
      guint8 header[28];
      guint32 word;

      /* Broken catalogs are reported and skipped, not fatal. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

      write_catalog (localedir, "zz", bytes->data, bytes->len);
      write_catalog (localedir, "aa", "", 0);
      write_catalog (localedir, "ab", bytes->data, 10);
      memset (header, 0, sizeof header);
      write_catalog (localedir, "ac", header, sizeof header);
      /* The last string loses its NUL, then runs past the end. */
      bytes->data[bytes->len - 1] = 'X';
      write_catalog (localedir, "ad", bytes->data, bytes->len);
      write_catalog (localedir, "ae", bytes->data, bytes->len - 1);
      bytes->data[bytes->len - 1] = '\0';
      /* A string offset past the end of the file. */
      {
        g_autoptr(GByteArray) copy = g_byte_array_sized_new (bytes->len);

        g_byte_array_append (copy, bytes->data, bytes->len);
        word = GUINT32_TO_LE (100000);
        memcpy (copy->data + 28 + 4, &word, 4);
        write_catalog (localedir, "af", copy->data, copy->len);
        /* A count that would read the tables past the end. */
        memcpy (copy->data, bytes->data, bytes->len);
        word = GUINT32_TO_LE (0x20000000);
        memcpy (copy->data + 8, &word, 4);
        write_catalog (localedir, "ag", copy->data, copy->len);
        /* A table offset past the end. */
        memcpy (copy->data, bytes->data, bytes->len);
        word = GUINT32_TO_LE (0xfffffff0);
        memcpy (copy->data + 16, &word, 4);
        write_catalog (localedir, "ah", copy->data, copy->len);
        /* A future major revision. */
        memcpy (copy->data, bytes->data, bytes->len);
        word = GUINT32_TO_LE (2u << 16);
        memcpy (copy->data + 4, &word, 4);
        write_catalog (localedir, "ai", copy->data, copy->len);
      }
      /* A directory where the file should be. */
      {
        g_autofree char *dir = g_build_filename (localedir, "aj", "LC_MESSAGES",
                                                 GETTEXT_PACKAGE ".mo", NULL);

        g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      }
      g_setenv ("RAPPORT_LOCALEDIR", localedir, TRUE);

      g_assert_cmpstr (crm_catalog_translate ("zz", "Hello"), ==, "Hallo zz");
      for (char c = 'a'; c <= 'j'; c++)
        {
          char tag[3] = { 'a', c, '\0' };

          g_assert_true (crm_catalog_translate (tag, hello) == hello);
        }

      rm_rf (localedir);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*aa/LC_MESSAGES/" GETTEXT_PACKAGE ".mo: not a valid gettext*");
  g_test_trap_assert_stderr ("*ad/LC_MESSAGES/" GETTEXT_PACKAGE ".mo: not a valid gettext*");
  g_test_trap_assert_stderr ("*ai/LC_MESSAGES/" GETTEXT_PACKAGE ".mo: not a valid gettext*");
  g_test_trap_assert_stderr_unmatched ("*zz/LC_MESSAGES*");
}

/* The zh_CN catalog for the in-process tests: an explicit RAPPORT_LOCALEDIR wins, then the
 * catalog meson compiled for this test (RAPPORT_TEST_CATALOG), laid out in a temporary
 * directory; else the build tree's po/. Returns the directory to remove, or NULL. */
static char *
set_up_localedir (void)
{
  const char *mo = g_getenv ("RAPPORT_TEST_CATALOG");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  char *localedir;
  gsize size;

  if (g_getenv ("RAPPORT_LOCALEDIR") != NULL && *g_getenv ("RAPPORT_LOCALEDIR") != '\0')
    return NULL;
  if (mo == NULL || *mo == '\0')
    {
      g_setenv ("RAPPORT_LOCALEDIR", RAPPORT_BUILD_DIR "/po", TRUE);
      return NULL;
    }

  g_file_get_contents (mo, &contents, &size, &error);
  g_assert_no_error (error);
  localedir = g_dir_make_tmp ("rapport-catalog-XXXXXX", &error);
  g_assert_no_error (error);
  write_catalog (localedir, "zh_CN", contents, size);
  g_setenv ("RAPPORT_LOCALEDIR", localedir, TRUE);
  return localedir;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *localedir = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!g_test_subprocess ())
    localedir = set_up_localedir ();

  /* First, so that the catalogs load while eight threads ask for them. */
  g_test_add_func ("/crm/catalog/concurrent", test_concurrent);
  g_test_add_func ("/crm/catalog/translate", test_translate);
  g_test_add_func ("/crm/catalog/validator-problems", test_validator_problems);
  g_test_add_func ("/crm/catalog/missing-directory", test_missing_directory);
  g_test_add_func ("/crm/catalog/byte-orders", test_byte_orders);
  g_test_add_func ("/crm/catalog/corrupt", test_corrupt);
  status = g_test_run ();

  if (localedir != NULL)
    rm_rf (localedir);
  return status;
}
