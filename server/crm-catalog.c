/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-catalog"

#include "config.h"

#include <string.h>

#include "crm-catalog.h"

/*
 * Per-request translation for the server's error messages. glibc's gettext follows the
 * process-wide locale (and LANGUAGE), which the worker threads cannot switch per request,
 * so the compiled catalogs (<localedir>/<lang>/LC_MESSAGES/rapport.mo) are read here, all of
 * them, once per process; afterwards they are only read, from any thread.
 *
 * The GNU .mo format: a header of 32-bit words in the byte order of the magic number
 *   0 magic 0x950412de, 4 revision, 8 N strings, 12 offset O of the msgid table,
 *   16 offset T of the msgstr table, 20 hash size, 24 hash offset
 * and two tables of N (length, offset) pairs; each string is NUL-terminated after its
 * length. Plural msgids and msgstrs hold their forms separated by NULs: the first form is
 * the C string. The hash table is not needed: ours is a GHashTable.
 */

#define MO_MAGIC          0x950412deu
#define MO_MAGIC_SWAPPED  0xde120495u
#define MO_HEADER_SIZE    28
#define MAX_RANGES        32  /* Accept-Language entries looked at */
#define MAX_TAG_LENGTH    35

typedef struct
{
  char       *data;     /* the file: keys and values point into it */
  GHashTable *strings;  /* msgid → msgstr */
} Catalog;

typedef struct
{
  char   tag[MAX_TAG_LENGTH + 1];  /* lower-case, '-' separated */
  double q;
  guint  position;
} LanguageRange;

static guint32
read_word (const char *data,
           gsize       offset,
           gboolean    swap)
{
  guint32 word;

  memcpy (&word, data + offset, sizeof word);
  return swap ? GUINT32_SWAP_LE_BE (word) : word;
}

/* Whether the string at @offset of @length bytes lies in the file, NUL-terminated. */
static gboolean
string_in_bounds (const char *data,
                  gsize       size,
                  guint32     length,
                  guint32     offset)
{
  return offset < size && length < size - offset && data[(gsize) offset + length] == '\0';
}

/* Returns msgid → msgstr (pointing into @data), or NULL when @data is not a catalog. */
static GHashTable *
parse_mo (const char *data,
          gsize       size)
{
  g_autoptr(GHashTable) strings = NULL;
  guint32 magic;
  gboolean swap;
  guint32 n;
  guint32 ids;
  guint32 strs;

  if (size < MO_HEADER_SIZE)
    return NULL;
  magic = read_word (data, 0, FALSE);
  if (magic == MO_MAGIC)
    swap = FALSE;
  else if (magic == MO_MAGIC_SWAPPED)
    swap = TRUE;
  else
    return NULL;
  /* Major revisions 0 and 1 share this layout. */
  if ((read_word (data, 4, swap) >> 16) > 1)
    return NULL;
  n = read_word (data, 8, swap);
  ids = read_word (data, 12, swap);
  strs = read_word (data, 16, swap);
  if (ids > size || strs > size || n > (size - ids) / 8 || n > (size - strs) / 8)
    return NULL;

  strings = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 id_length = read_word (data, ids + 8 * (gsize) i, swap);
      guint32 id_offset = read_word (data, ids + 8 * (gsize) i + 4, swap);
      guint32 str_length = read_word (data, strs + 8 * (gsize) i, swap);
      guint32 str_offset = read_word (data, strs + 8 * (gsize) i + 4, swap);
      const char *id;
      const char *str;

      if (!string_in_bounds (data, size, id_length, id_offset) ||
          !string_in_bounds (data, size, str_length, str_offset))
        return NULL;
      id = data + id_offset;
      str = data + str_offset;
      /* The header has the empty msgid; an empty msgstr is untranslated. */
      if (*id == '\0' || *str == '\0')
        continue;
      if (!g_utf8_validate (id, -1, NULL) || !g_utf8_validate (str, -1, NULL))
        continue;
      g_hash_table_insert (strings, (char *) id, (char *) str);
    }

  return g_steal_pointer (&strings);
}

/* language ("zh_CN") → Catalog, for every catalog of GETTEXT_PACKAGE in the locale dir. */
static GHashTable *
load_catalogs (void)
{
  GHashTable *catalogs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *localedir;
  const char *name;

  localedir = g_getenv ("RAPPORT_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  dir = g_dir_open (localedir, 0, &error);
  if (dir == NULL)
    {
      g_debug ("No message catalogs: %s", error->message);
      return catalogs;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *data = NULL;
      GHashTable *strings;
      Catalog *catalog;
      gsize size;

      if (*name == '.')
        continue;
      path = g_build_filename (localedir, name, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
      if (!g_file_get_contents (path, &data, &size, NULL))
        continue;
      strings = parse_mo (data, size);
      if (strings == NULL)
        {
          g_warning ("Ignoring %s: not a valid gettext catalog", path);
          continue;
        }
      /* Kept for the life of the process. */
      catalog = g_new0 (Catalog, 1);
      catalog->data = g_steal_pointer (&data);
      catalog->strings = strings;
      g_hash_table_insert (catalogs, g_strdup (name), catalog);
      g_debug ("Loaded %u messages for %s", g_hash_table_size (strings), name);
    }

  return catalogs;
}

static GHashTable *
get_catalogs (void)
{
  static GHashTable *catalogs;

  if (g_once_init_enter (&catalogs))
    g_once_init_leave (&catalogs, load_catalogs ());

  return catalogs;
}

/* A language tag: 1–8 letters, then subtags of 1–8 letters or digits; or "*". Stored
 * lower-cased, with '_' read as '-'. */
static gboolean
parse_tag (const char    *tag,
           LanguageRange *range)
{
  gsize length = strlen (tag);
  gsize subtag_length = 0;
  guint n_subtags = 0;

  if (length == 0 || length > MAX_TAG_LENGTH)
    return FALSE;
  if (g_str_equal (tag, "*"))
    {
      strcpy (range->tag, "*");
      return TRUE;
    }
  for (gsize i = 0; i <= length; i++)
    {
      char c = tag[i];

      if (c == '-' || c == '_' || c == '\0')
        {
          if (subtag_length == 0 || subtag_length > 8)
            return FALSE;
          n_subtags++;
          subtag_length = 0;
          range->tag[i] = (c == '\0') ? '\0' : '-';
        }
      else if (g_ascii_isalpha (c) || (g_ascii_isdigit (c) && n_subtags > 0))
        {
          subtag_length++;
          range->tag[i] = g_ascii_tolower (c);
        }
      else
        return FALSE;
    }
  return TRUE;
}

/* "q=0.8" and other parameters after the tag; FALSE when the q value is malformed. */
static gboolean
parse_params (char         **params,
              LanguageRange *range)
{
  range->q = 1.0;
  for (guint i = 0; params[i] != NULL; i++)
    {
      char *param = g_strstrip (params[i]);
      char *end = NULL;

      if ((param[0] != 'q' && param[0] != 'Q') || param[1] != '=')
        continue;
      if (!g_ascii_isdigit (param[2]))
        return FALSE;
      range->q = g_ascii_strtod (param + 2, &end);
      if (*end != '\0' || range->q < 0.0 || range->q > 1.0)
        return FALSE;
    }
  return TRUE;
}

static gint
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const LanguageRange *ra = a;
  const LanguageRange *rb = b;

  if (ra->q != rb->q)
    return ra->q > rb->q ? -1 : 1;
  return ra->position < rb->position ? -1 : (ra->position > rb->position);
}

/* The catalog names to try for @tag, most specific first. */
static GStrv
dup_candidates (const char *tag)
{
  g_auto(GStrv) subtags = g_strsplit (tag, "-", -1);
  GPtrArray *out = g_ptr_array_new ();
  const char *script = NULL;
  const char *region = NULL;

  for (guint i = 1; subtags[i] != NULL; i++)
    {
      gsize len = strlen (subtags[i]);

      if (i == 1 && len == 4 && g_ascii_isalpha (subtags[i][0]))
        script = subtags[i];
      else if (region == NULL && ((len == 2 && g_ascii_isalpha (subtags[i][0])) ||
                                  (len == 3 && g_ascii_isdigit (subtags[i][0]))))
        region = subtags[i];
    }

  if (g_str_equal (subtags[0], "zh"))
    {
      /* Simplified (zh, zh-CN, zh-SG, zh-Hans…) or Traditional (zh-TW, zh-HK, zh-Hant…). */
      gboolean hk = region != NULL && (g_str_equal (region, "hk") || g_str_equal (region, "mo"));
      gboolean traditional = g_strcmp0 (script, "hant") == 0 ||
                             (script == NULL && (hk || g_strcmp0 (region, "tw") == 0));

      if (traditional)
        {
          g_ptr_array_add (out, g_strdup (hk ? "zh_HK" : "zh_TW"));
          g_ptr_array_add (out, g_strdup (hk ? "zh_TW" : "zh_HK"));
        }
      else
        g_ptr_array_add (out, g_strdup ("zh_CN"));
    }
  else if (region != NULL)
    {
      g_autofree char *upper = g_ascii_strup (region, -1);

      g_ptr_array_add (out, g_strdup_printf ("%s_%s", subtags[0], upper));
    }
  g_ptr_array_add (out, g_strdup (subtags[0]));
  g_ptr_array_add (out, NULL);

  return (GStrv) g_ptr_array_free (out, FALSE);
}

/**
 * crm_catalog_choose:
 * @accept_language: (nullable): an Accept-Language header value, such as
 *   "zh-CN,zh;q=0.9,en;q=0.8"
 *
 * Chooses the language a caller's messages are answered in, from the GETTEXT_PACKAGE
 * catalogs under $RAPPORT_LOCALEDIR (when set) or LOCALEDIR. Languages are tried by
 * q value (then header order); zh, zh-CN, zh-Hans and zh_CN all mean zh_CN. English, "*"
 * or a language without a catalog means the msgids themselves (%NULL). The catalogs load
 * on the first call and stay for the life of the process; any thread may call this.
 *
 * Returns: (transfer none) (nullable): a catalog's language, such as "zh_CN", for
 *   crm_catalog_lookup (); %NULL for English
 */
const char *
crm_catalog_choose (const char *accept_language)
{
  g_autoptr(GArray) ranges = NULL;
  g_auto(GStrv) items = NULL;
  GHashTable *catalogs;

  if (accept_language == NULL || *accept_language == '\0')
    return NULL;
  catalogs = get_catalogs ();
  if (g_hash_table_size (catalogs) == 0)
    return NULL;

  ranges = g_array_new (FALSE, TRUE, sizeof (LanguageRange));
  items = g_strsplit (accept_language, ",", MAX_RANGES + 1);
  for (guint i = 0; items[i] != NULL && i < MAX_RANGES; i++)
    {
      g_auto(GStrv) parts = g_strsplit (items[i], ";", -1);
      LanguageRange range = { .position = i };

      /* g_strsplit () gives no parts at all for an empty item ("zh,,en"). */
      if (parts[0] == NULL || !parse_tag (g_strstrip (parts[0]), &range) ||
          !parse_params (parts + 1, &range) || range.q <= 0.0)
        continue;
      g_array_append_val (ranges, range);
    }
  g_array_sort (ranges, compare_ranges);

  for (guint i = 0; i < ranges->len; i++)
    {
      const LanguageRange *range = &g_array_index (ranges, LanguageRange, i);
      g_auto(GStrv) candidates = NULL;

      /* "*": any language will do, so the original. */
      if (g_str_equal (range->tag, "*"))
        return NULL;

      candidates = dup_candidates (range->tag);
      for (guint c = 0; candidates[c] != NULL; c++)
        {
          gpointer language;

          if (g_hash_table_lookup_extended (catalogs, candidates[c], &language, NULL))
            return language;
        }

      /* English is the language of the msgids. */
      if (g_str_equal (range->tag, "en") || g_str_has_prefix (range->tag, "en-"))
        return NULL;
    }

  return NULL;
}

/**
 * crm_catalog_lookup:
 * @language: (nullable): what crm_catalog_choose () chose
 * @msgid: an untranslated message, marked with N_()
 *
 * Returns: (transfer none): @msgid in @language, or @msgid itself when @language is
 *   %NULL (English) or its catalog lacks it
 */
const char *
crm_catalog_lookup (const char *language,
                    const char *msgid)
{
  Catalog *catalog;
  const char *translation;

  g_return_val_if_fail (msgid != NULL, NULL);

  if (language == NULL || *msgid == '\0')
    return msgid;
  catalog = g_hash_table_lookup (get_catalogs (), language);
  if (catalog == NULL)
    return msgid;
  translation = g_hash_table_lookup (catalog->strings, msgid);
  return translation != NULL ? translation : msgid;
}

/**
 * crm_catalog_translate:
 * @accept_language: (nullable): an Accept-Language header value
 * @msgid: an untranslated message, such as a problem of crm_validate_mobile()
 *
 * crm_catalog_lookup () in the language crm_catalog_choose () picks for @accept_language.
 *
 * Returns: (transfer none): the translation, or @msgid itself
 */
const char *
crm_catalog_translate (const char *accept_language,
                       const char *msgid)
{
  g_return_val_if_fail (msgid != NULL, NULL);

  return crm_catalog_lookup (crm_catalog_choose (accept_language), msgid);
}
