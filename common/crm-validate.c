/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-validate"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-validate.h"

/* The problems, untranslated: callers translate them (client _(), server catalog). */
static const char msg_required[] = N_("This field is required");

static const char msg_mobile_empty[] = N_("Enter a mobile number");
static const char msg_mobile_format[] =
  N_("Enter an 11-digit mainland mobile number, such as 138 0013 8000");
static const char msg_mobile_chars[] =
  N_("A mobile number can only contain digits, spaces and dashes");
static const char msg_mobile_foreign[] =
  N_("Only mainland China mobile numbers (+86) can be entered here");

static const char msg_phone_empty[] = N_("Enter a phone number");
static const char msg_phone_format[] =
  N_("Enter a landline number with its area code, such as 010-12345678, or a mobile number");
static const char msg_phone_chars[] =
  N_("A phone number can only contain digits, spaces, dashes and an extension");
static const char msg_phone_foreign[] =
  N_("Only mainland China phone numbers (+86) can be entered here");
static const char msg_phone_extension[] =
  N_("Enter the extension as 1 to 6 digits, such as 010-12345678-123");
static const char msg_phone_service[] =
  N_("Enter a 400 or 800 number with 10 digits, such as 400-123-4567");

static const char msg_email_empty[] = N_("Enter an e-mail address");
static const char msg_email_format[] = N_("Enter an e-mail address such as name@example.com");
static const char msg_email_long[] = N_("An e-mail address can have at most 254 characters");

static const char msg_website_empty[] = N_("Enter a website address");
static const char msg_website_format[] = N_("Enter a website address such as https://example.cn");
static const char msg_website_scheme[] =
  N_("Only web addresses starting with http:// or https:// can be entered");
static const char msg_website_long[] = N_("A website address can have at most 2000 characters");

static const char msg_date_format[] = N_("Enter a date as YYYY-MM-DD, such as 2026-12-01");
static const char msg_date_invalid[] = N_("This date does not exist in the calendar");
static const char msg_date_year[] = N_("Enter a year between 1900 and 2999");

static const char msg_date_future[] = N_("This date is in the future");

static const char msg_date_time_format[] =
  N_("Enter a date and a time as YYYY-MM-DD HH:MM, such as 2026-12-01 14:30");
static const char msg_time_invalid[] = N_("Enter a time from 00:00 to 23:59");
static const char msg_timestamp_format[] =
  N_("Enter a time in RFC 3339 form with its offset, such as 2026-12-01T06:30:00Z");

static const char msg_credit_code_empty[] = N_("Enter a unified social credit code");
static const char msg_credit_code_length[] =
  N_("Enter the 18-character unified social credit code, such as 91350100M000100Y43, or an "
     "old 15-digit registration number");
static const char msg_credit_code_chars[] =
  N_("A unified social credit code has only digits and capital letters other than I, O, S, V "
     "and Z");
static const char msg_credit_code_check[] =
  N_("The last character of this credit code does not match the others; check for a typing "
     "mistake");

static const char msg_text_encoding[] = N_("The text contains characters that cannot be read");
static const char msg_text_control[] =
  N_("The text contains invisible control characters; remove them");
static const char msg_text_long[] = N_("This text is too long; shorten it");
static const char msg_text_type[] = N_("Enter text in this field");

static const char msg_number[] = N_("Enter a number");
static const char msg_money_format[] = N_("Enter an amount and a currency, such as 12,500.00 CNY");
static const char msg_money_currency[] =
  N_("Enter the currency as a three-letter code, such as CNY");
static const char msg_choice[] = N_("Choose one of the listed options");
static const char msg_choice_twice[] = N_("Choose each option only once");
static const char msg_boolean[] = N_("Choose yes or no");

#define EMAIL_MAX_BYTES 254
#define EMAIL_LOCAL_MAX_BYTES 64
#define WEBSITE_MAX_CHARS 2000
#define EXTENSION_MAX_DIGITS 6

static const char * const field_type_names[] = {
  [CRM_FIELD_TYPE_TEXT] = "text",
  [CRM_FIELD_TYPE_NUMBER] = "number",
  [CRM_FIELD_TYPE_MONEY] = "money",
  [CRM_FIELD_TYPE_DATE] = "date",
  [CRM_FIELD_TYPE_CHOICE] = "choice",
  [CRM_FIELD_TYPE_MULTI_CHOICE] = "multi_choice",
  [CRM_FIELD_TYPE_BOOLEAN] = "boolean",
};

static gboolean
fail (char       **normalized,
      const char **problem,
      const char  *message)
{
  if (normalized != NULL)
    *normalized = NULL;
  if (problem != NULL)
    *problem = message;
  return FALSE;
}

static gboolean
succeed (char       **normalized,
         const char **problem,
         char        *value)
{
  if (normalized != NULL)
    *normalized = value;
  else
    g_free (value);
  if (problem != NULL)
    *problem = NULL;
  return TRUE;
}

/* Full-width ASCII forms → ASCII, every Unicode space → ' ', Unicode dashes → '-',
 * ideographic full stops → '.'; then trimmed. What people type with a Chinese input
 * method in a number, address or date. @input must be valid UTF-8. */
static char *
fold_width (const char *input)
{
  GString *out = g_string_sized_new (strlen (input));

  for (const char *p = input; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
      else if (g_unichar_isspace (c))
        c = ' ';
      else if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63)
        c = '-';
      else if (c == 0x3002 || c == 0xFF61)
        c = '.';
      g_string_append_unichar (out, c);
    }

  return g_strstrip (g_string_free (out, FALSE));
}

static gboolean
is_separator (char c)
{
  return c == ' ' || c == '-' || c == '.';
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Parses a folded mobile number; returns NULL and sets *digits (11 of them), or a problem. */
static const char *
parse_mobile (const char  *folded,
              char       **digits)
{
  g_autoptr(GString) compact = g_string_new (NULL);
  const char *s;
  gsize len;

  *digits = NULL;
  for (const char *p = folded; *p != '\0'; p++)
    if (!is_separator (*p))
      g_string_append_c (compact, *p);
  s = compact->str;
  if (*s == '\0')
    return msg_mobile_empty;

  if (*s == '(')
    {
      const char *close = strchr (s, ')');
      gsize inner;

      if (close == NULL)
        return msg_mobile_chars;
      inner = close - s - 1;
      if ((inner == 3 && strncmp (s + 1, "+86", 3) == 0) ||
          (inner == 2 && strncmp (s + 1, "86", 2) == 0) ||
          (inner == 4 && strncmp (s + 1, "0086", 4) == 0))
        s = close + 1;
      else if (s[1] == '+')
        return msg_mobile_foreign;
      else
        return msg_mobile_format;
    }
  else if (*s == '+')
    {
      if (!g_str_has_prefix (s, "+86"))
        return all_digits (s + 1, strlen (s + 1)) ? msg_mobile_foreign : msg_mobile_chars;
      s += 3;
    }
  else if (g_str_has_prefix (s, "0086"))
    s += 4;
  else if (g_str_has_prefix (s, "86") && strlen (s) == 13)
    s += 2;

  len = strlen (s);
  if (!all_digits (s, len))
    return msg_mobile_chars;
  if (len != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
    return msg_mobile_format;

  *digits = g_strdup (s);
  return NULL;
}

/**
 * crm_validate_mobile:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): the 11 digits, such as "13800138000"
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * A mainland China mobile number: 11 digits starting 13–19, with an optional +86, 0086,
 * 86 or (+86) prefix, spaces, dashes or dots, in full-width forms too.
 *
 * Returns: whether @input is a mobile number
 */
gboolean
crm_validate_mobile (const char  *input,
                     char       **normalized,
                     const char **problem)
{
  g_autofree char *folded = NULL;
  char *digits = NULL;
  const char *message;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, msg_mobile_chars);
  folded = fold_width (input);
  message = parse_mobile (folded, &digits);
  if (message != NULL)
    return fail (normalized, problem, message);
  return succeed (normalized, problem, digits);
}

/* Where an explicit extension marker starts in @lower (ASCII-lower-cased), and its length. */
static const char *
find_extension_marker (const char *lower,
                       gsize      *marker_len)
{
  static const char * const markers[] = { "转", "分机", "ext", "x", "#" };
  const char *best = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      const char *at = strstr (lower, markers[i]);

      if (at != NULL && (best == NULL || at < best))
        {
          best = at;
          *marker_len = strlen (markers[i]);
        }
    }

  return best;
}

/* Parses an extension after its marker: separators and ':' ignored, 1–6 digits. */
static gboolean
parse_extension (const char *text,
                 GString    *extension)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (extension, *p);
      else if (!is_separator (*p) && *p != ':')
        return FALSE;
    }
  return extension->len >= 1 && extension->len <= EXTENSION_MAX_DIGITS;
}

static const char *
parse_phone (const char *folded,
             char      **result)
{
  g_autofree char *lower = g_ascii_strdown (folded, -1);
  g_autofree char *main_part = NULL;
  g_autoptr(GString) extension = NULL;
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autoptr(GArray) groups = g_array_new (FALSE, FALSE, sizeof (gsize));
  const char *marker;
  const char *p;
  gsize marker_len = 0;
  gsize area_len;
  gsize local_len;
  gboolean international = FALSE;

  *result = NULL;
  if (*lower == '\0')
    return msg_phone_empty;

  marker = find_extension_marker (lower, &marker_len);
  if (marker != NULL)
    {
      extension = g_string_new (NULL);
      if (!parse_extension (marker + marker_len, extension))
        return msg_phone_extension;
      main_part = g_strndup (lower, marker - lower);
      g_strstrip (main_part);
    }
  else
    {
      char *mobile = NULL;

      /* A mobile is a phone number too. */
      if (parse_mobile (lower, &mobile) == NULL)
        {
          *result = mobile;
          return NULL;
        }
      main_part = g_strdup (lower);
    }

  p = main_part;
  if (g_str_has_prefix (p, "(+86)") || g_str_has_prefix (p, "(0086)"))
    {
      international = TRUE;
      p = strchr (p, ')') + 1;
    }
  else if (g_str_has_prefix (p, "+86") || g_str_has_prefix (p, "0086"))
    {
      international = TRUE;
      p += (*p == '+') ? 3 : 4;
    }
  else if (*p == '+' || g_str_has_prefix (p, "(+"))
    return msg_phone_foreign;

  /* Digits, and where each group of them (between separators) starts. */
  for (gboolean in_group = FALSE; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          if (!in_group)
            g_array_append_val (groups, digits->len);
          g_string_append_c (digits, *p);
          in_group = TRUE;
        }
      else if (is_separator (*p) || *p == '(' || *p == ')' || *p == '/')
        in_group = FALSE;
      else
        return msg_phone_chars;
    }
  if (digits->len == 0)
    return extension != NULL ? msg_phone_format : msg_phone_chars;

  /* 400 and 800 service numbers: 10 digits, shown 3-3-4. */
  if (g_str_has_prefix (digits->str, "400") || g_str_has_prefix (digits->str, "800"))
    {
      if (digits->len != 10)
        return msg_phone_service;
      *result = g_strdup_printf ("%.3s-%.3s-%.4s%s%s", digits->str, digits->str + 3,
                                 digits->str + 6, extension != NULL ? "-" : "",
                                 extension != NULL ? extension->str : "");
      return NULL;
    }

  if (international && digits->str[0] != '0')
    {
      g_string_prepend_c (digits, '0');
      for (guint i = 0; i < groups->len; i++)
        g_array_index (groups, gsize, i)++;
    }

  /* Area codes: 010, 02x, or 0xxx (03–09). */
  if (digits->len < 3 || digits->str[0] != '0')
    return msg_phone_format;
  if (digits->str[1] == '1' && digits->str[2] == '0')
    area_len = 3;
  else if (digits->str[1] == '2')
    area_len = 3;
  else if (digits->str[1] >= '3' && digits->str[1] <= '9')
    area_len = 4;
  else
    return msg_phone_format;
  if (digits->len <= area_len)
    return msg_phone_format;

  local_len = digits->len - area_len;
  if (local_len > 8 && extension == NULL && groups->len > 1)
    {
      /* An extension after a dash or space: the last group. */
      gsize last = g_array_index (groups, gsize, groups->len - 1);

      if (last > area_len && last - area_len >= 7 && last - area_len <= 8 &&
          digits->len - last <= EXTENSION_MAX_DIGITS)
        {
          extension = g_string_new (digits->str + last);
          local_len = last - area_len;
        }
    }
  if (local_len < 7 || local_len > 8)
    return msg_phone_format;
  /* Local numbers never start with 0 (a doubled trunk prefix). */
  if (digits->str[area_len] == '0')
    return msg_phone_format;

  *result = g_strdup_printf ("%.*s-%.*s%s%s", (int) area_len, digits->str,
                             (int) local_len, digits->str + area_len,
                             extension != NULL ? "-" : "",
                             extension != NULL ? extension->str : "");
  return NULL;
}

/**
 * crm_validate_phone:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): such as "010-12345678", "0755-88888888-123",
 *   "13800138000" or "400-123-4567"
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * A mainland China landline with its area code (010, 02x or 0xxx; a 7–8 digit local
 * number; an extension after 转, 分机, ext, x, # or a dash), "+86 10 12345678" and
 * "(010)12345678" forms, a mobile number (as crm_validate_mobile()), or a 400/800 number.
 *
 * Returns: whether @input is a phone number
 */
gboolean
crm_validate_phone (const char  *input,
                    char       **normalized,
                    const char **problem)
{
  g_autofree char *folded = NULL;
  char *result = NULL;
  const char *message;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, msg_phone_chars);
  folded = fold_width (input);
  message = parse_phone (folded, &result);
  if (message != NULL)
    return fail (normalized, problem, message);
  return succeed (normalized, problem, result);
}

/* A DNS name of at least two labels: letters (any script), digits and inner dashes; the
 * last label not all digits. Returns it lower-cased, or NULL. */
static char *
normalize_host (const char *host,
                gsize       len)
{
  const char *end = host + len;
  const char *label = host;
  guint n_labels = 0;

  if (len == 0 || len > 253)
    return NULL;

  while (label <= end)
    {
      const char *dot = memchr (label, '.', end - label);
      const char *label_end = dot != NULL ? dot : end;
      gboolean only_digits = TRUE;

      if (label_end == label || label_end - label > 63 || *label == '-' || label_end[-1] == '-')
        return NULL;
      for (const char *p = label; p < label_end; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c < 0x80)
            {
              if (!g_ascii_isalnum (c) && c != '-')
                return NULL;
            }
          else if (!g_unichar_isalnum (c) && !g_unichar_ismark (c))
            return NULL;
          if (!g_ascii_isdigit (c))
            only_digits = FALSE;
        }
      n_labels++;
      if (dot == NULL)
        {
          if (only_digits)
            return NULL;
          break;
        }
      label = dot + 1;
    }

  if (n_labels < 2)
    return NULL;
  return g_utf8_strdown (host, len);
}

static gboolean
is_valid_local_part (const char *local,
                     gsize       len)
{
  if (len == 0 || len > EMAIL_LOCAL_MAX_BYTES || local[0] == '.' || local[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      guchar c = local[i];

      if (c <= ' ' || c == 0x7f || strchr ("()<>,;:\\\"[]", c) != NULL)
        return FALSE;
      if (c == '.' && local[i + 1] == '.')
        return FALSE;
    }
  return TRUE;
}

/**
 * crm_validate_email:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): trimmed, the domain lower-cased
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * An e-mail address: one @, a local part without spaces, a domain with a dot (labels of
 * letters in any script, digits and dashes), at most 254 bytes. Full-width forms of "@"
 * and "." are accepted.
 *
 * Returns: whether @input is an e-mail address
 */
gboolean
crm_validate_email (const char  *input,
                    char       **normalized,
                    const char **problem)
{
  g_autofree char *folded = NULL;
  g_autofree char *domain = NULL;
  const char *at;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, msg_email_format);
  folded = fold_width (input);
  if (*folded == '\0')
    return fail (normalized, problem, msg_email_empty);
  if (strlen (folded) > EMAIL_MAX_BYTES)
    return fail (normalized, problem, msg_email_long);

  at = strchr (folded, '@');
  if (at == NULL || strchr (at + 1, '@') != NULL || !is_valid_local_part (folded, at - folded))
    return fail (normalized, problem, msg_email_format);
  domain = normalize_host (at + 1, strlen (at + 1));
  if (domain == NULL)
    return fail (normalized, problem, msg_email_format);

  return succeed (normalized, problem,
                  g_strdup_printf ("%.*s@%s", (int) (at - folded), folded, domain));
}

/**
 * crm_validate_website:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): such as "https://example.cn/about"
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * A web address: http or https ("https://" is added when there is no scheme), a host name
 * with a dot, an optional port; scheme and host are lower-cased.
 *
 * Returns: whether @input is a website address
 */
gboolean
crm_validate_website (const char  *input,
                      char       **normalized,
                      const char **problem)
{
  g_autofree char *folded = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  const char *rest;
  const char *sep;
  const char *authority_end;
  const char *colon;
  const char *port = NULL;
  gsize port_len = 0;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, msg_website_format);
  folded = fold_width (input);
  if (*folded == '\0')
    return fail (normalized, problem, msg_website_empty);
  if (g_utf8_strlen (folded, -1) > WEBSITE_MAX_CHARS)
    return fail (normalized, problem, msg_website_long);
  for (const char *p = folded; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f)
      return fail (normalized, problem, msg_website_format);

  sep = strstr (folded, "://");
  if (sep != NULL)
    {
      scheme = g_ascii_strdown (folded, sep - folded);
      if (*scheme == '\0')
        return fail (normalized, problem, msg_website_format);
      if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
        return fail (normalized, problem, msg_website_scheme);
      rest = sep + 3;
    }
  else
    {
      scheme = g_strdup ("https");
      rest = folded;
    }

  authority_end = rest + strcspn (rest, "/?#");
  colon = memchr (rest, ':', authority_end - rest);
  if (memchr (rest, '@', authority_end - rest) != NULL)
    return fail (normalized, problem, msg_website_format);
  if (colon != NULL)
    {
      guint64 value = 0;

      port = colon + 1;
      port_len = authority_end - port;
      if (port_len == 0 || port_len > 5 || !all_digits (port, port_len))
        return fail (normalized, problem, msg_website_format);
      for (gsize i = 0; i < port_len; i++)
        value = value * 10 + (port[i] - '0');
      if (value == 0 || value > 65535)
        return fail (normalized, problem, msg_website_format);
    }
  host = normalize_host (rest, (colon != NULL ? colon : authority_end) - rest);
  if (host == NULL)
    return fail (normalized, problem, msg_website_format);

  return succeed (normalized, problem,
                  g_strdup_printf ("%s://%s%s%.*s%s", scheme, host, port != NULL ? ":" : "",
                                   (int) port_len, port != NULL ? port : "", authority_end));
}

/* Reads min..max ASCII digits. */
static gboolean
read_number (const char **p,
             guint        min_digits,
             guint        max_digits,
             guint       *value)
{
  guint n = 0;

  *value = 0;
  while (g_ascii_isdigit (**p) && n < max_digits)
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  return n >= min_digits && !g_ascii_isdigit (**p);
}

static gboolean
skip_token (const char **p,
            const char  *token)
{
  gsize len = strlen (token);

  if (strncmp (*p, token, len) != 0)
    return FALSE;
  *p += len;
  return TRUE;
}

/**
 * crm_validate_date:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): "YYYY-MM-DD"
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * A calendar date in the years 1900–2999 as YYYY-MM-DD; single-digit months and days,
 * "/" or "." separators and "2026年12月1日" are accepted too.
 *
 * Returns: whether @input is a date
 */
gboolean
crm_validate_date (const char  *input,
                   char       **normalized,
                   const char **problem)
{
  g_autofree char *folded = NULL;
  const char *p;
  guint year;
  guint month;
  guint day;
  char sep;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, msg_date_format);
  folded = fold_width (input);
  p = folded;

  if (!read_number (&p, 4, 4, &year))
    return fail (normalized, problem, msg_date_format);
  if (skip_token (&p, "年"))
    {
      while (*p == ' ')
        p++;
      if (!read_number (&p, 1, 2, &month))
        return fail (normalized, problem, msg_date_format);
      while (*p == ' ')
        p++;
      if (!skip_token (&p, "月"))
        return fail (normalized, problem, msg_date_format);
      while (*p == ' ')
        p++;
      if (!read_number (&p, 1, 2, &day))
        return fail (normalized, problem, msg_date_format);
      while (*p == ' ')
        p++;
      if (!skip_token (&p, "日"))
        skip_token (&p, "号");
    }
  else
    {
      sep = *p;
      if (sep != '-' && sep != '/' && sep != '.')
        return fail (normalized, problem, msg_date_format);
      p++;
      if (!read_number (&p, 1, 2, &month) || *p != sep)
        return fail (normalized, problem, msg_date_format);
      p++;
      if (!read_number (&p, 1, 2, &day))
        return fail (normalized, problem, msg_date_format);
    }
  if (*p != '\0')
    return fail (normalized, problem, msg_date_format);

  if (year < 1900 || year > 2999)
    return fail (normalized, problem, msg_date_year);
  if (month < 1 || month > 12 || day < 1 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return fail (normalized, problem, msg_date_invalid);

  return succeed (normalized, problem, g_strdup_printf ("%04u-%02u-%02u", year, month, day));
}

static gboolean
is_trimmed_char (gunichar c)
{
  /* g_unichar_isspace () covers \t \n \r, U+00A0, U+3000 and the other separators. */
  return g_unichar_isspace (c) || c == 0x200B || c == 0xFEFF;
}

/* The latest date it is anywhere on Earth (UTC+14), "YYYY-MM-DD". */
static char *
latest_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) ahead = g_date_time_add_hours (now, 14);

  return g_date_time_format (ahead, "%Y-%m-%d");
}

/**
 * crm_validate_past_date:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): "YYYY-MM-DD"
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * A date as crm_validate_date() reads it that is not in the future (a company's date of
 * establishment). "Today" is the date in the earliest time zone (UTC+14), so that today
 * is accepted wherever the client and the server run.
 *
 * Returns: whether @input is a date not after today
 */
gboolean
crm_validate_past_date (const char  *input,
                        char       **normalized,
                        const char **problem)
{
  g_autofree char *date = NULL;
  g_autofree char *today = NULL;
  const char *message = NULL;

  if (!crm_validate_date (input, &date, &message))
    return fail (normalized, problem, message);
  today = latest_today ();
  /* Both are YYYY-MM-DD: their order is their text's. */
  if (strcmp (date, today) > 0)
    return fail (normalized, problem, msg_date_future);
  return succeed (normalized, problem, g_steal_pointer (&date));
}

/* Reads "HH:MM[:SS[.fraction]]" and an optional offset ("Z", "+08:00", "+0800"); a
 * fraction is dropped. Answers the problem, or NULL. */
static const char *
read_time (const char  *p,
           guint       *hour,
           guint       *minute,
           guint       *second,
           GTimeZone  **zone)
{
  *second = 0;
  *zone = NULL;
  if (!read_number (&p, 1, 2, hour) || *p != ':')
    return msg_date_time_format;
  p++;
  if (!read_number (&p, 2, 2, minute))
    return msg_date_time_format;
  if (*p == ':')
    {
      p++;
      if (!read_number (&p, 2, 2, second))
        return msg_date_time_format;
      if (*p == '.' || *p == ',')
        {
          p++;
          if (!g_ascii_isdigit (*p))
            return msg_date_time_format;
          while (g_ascii_isdigit (*p))
            p++;
        }
    }
  if (*hour > 23 || *minute > 59 || *second > 59)
    return msg_time_invalid;
  while (*p == ' ')
    p++;
  if (*p == 'Z' || *p == 'z')
    {
      *zone = g_time_zone_new_utc ();
      p++;
    }
  else if (*p == '+' || *p == '-')
    {
      char sign = *p++;
      guint offset_hours, offset_minutes;

      /* "+08:00" or "+0800": two digits each, which read_number () cannot tell apart. */
      if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
        return msg_date_time_format;
      offset_hours = (p[0] - '0') * 10 + (p[1] - '0');
      p += 2;
      if (*p == ':')
        p++;
      if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
        return msg_date_time_format;
      offset_minutes = (p[0] - '0') * 10 + (p[1] - '0');
      p += 2;
      if (offset_hours > 14 || offset_minutes > 59)
        return msg_date_time_format;
      *zone = g_time_zone_new_offset ((sign == '-' ? -1 : 1)
                                      * (gint32) (offset_hours * 3600 + offset_minutes * 60));
    }
  if (*p != '\0')
    {
      g_clear_pointer (zone, g_time_zone_unref);
      return msg_date_time_format;
    }
  return NULL;
}

/* A date (as crm_validate_date () reads it), a space or "T", a time and an offset; without
 * an offset the time is read in the local time zone, unless @need_zone. A date alone is
 * its first minute, unless @need_zone. Normalised to UTC, "YYYY-MM-DDTHH:MM:SSZ". */
static gboolean
read_date_time (const char  *input,
                gboolean     need_zone,
                char       **normalized,
                const char **problem)
{
  const char *format_problem = need_zone ? msg_timestamp_format : msg_date_time_format;
  g_autofree char *folded = NULL;
  g_autofree char *date = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) utc = NULL;
  const char *date_problem = NULL;
  const char *time_problem = NULL;
  char *split;
  guint hour = 0, minute = 0, second = 0;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, format_problem);
  folded = g_strstrip (fold_width (input));
  /* The time starts after the last space or "T" before its colon. */
  split = strchr (folded, ':');
  while (split != NULL && split > folded && split[-1] != ' ' && split[-1] != 'T'
         && split[-1] != 't')
    split--;
  if (split != NULL && split > folded)
    {
      split[-1] = '\0';
      time_problem = read_time (split, &hour, &minute, &second, &zone);
      if (time_problem != NULL)
        return fail (normalized, problem, need_zone ? format_problem : time_problem);
    }
  else if (split != NULL || need_zone)
    return fail (normalized, problem, format_problem);
  if (!crm_validate_date (g_strstrip (folded), &date, &date_problem))
    return fail (normalized, problem,
                 date_problem == msg_date_format ? format_problem : date_problem);
  if (zone == NULL && need_zone)
    return fail (normalized, problem, format_problem);
  if (zone == NULL)
    zone = g_time_zone_new_local ();
  time = g_date_time_new (zone, g_ascii_strtoll (date, NULL, 10),
                          g_ascii_strtoll (date + 5, NULL, 10),
                          g_ascii_strtoll (date + 8, NULL, 10), hour, minute, second);
  if (time == NULL)
    return fail (normalized, problem, msg_date_invalid);
  utc = g_date_time_to_utc (time);
  return succeed (normalized, problem, g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ"));
}

/**
 * crm_validate_date_time:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): "YYYY-MM-DDTHH:MM:SSZ", in UTC
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * A date (as crm_validate_date() reads it) and a time of day, "2026-12-01 14:30" (seconds
 * and an offset such as "+08:00" or "Z" allowed), read in the local time zone when no
 * offset is given; a date alone is the start of that day. What a person types.
 *
 * Returns: whether @input is a date and time
 */
gboolean
crm_validate_date_time (const char  *input,
                        char       **normalized,
                        const char **problem)
{
  return read_date_time (input, FALSE, normalized, problem);
}

/**
 * crm_validate_timestamp:
 * @input: (nullable): a value of the API
 * @normalized: (out) (optional) (transfer full): "YYYY-MM-DDTHH:MM:SSZ", in UTC
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * An RFC 3339 time with its offset, "2026-12-01T06:30:00Z" or "2026-12-01T14:30:00+08:00",
 * as the API takes times: unlike crm_validate_date_time(), the offset is required.
 *
 * Returns: whether @input is an RFC 3339 time
 */
gboolean
crm_validate_timestamp (const char  *input,
                        char       **normalized,
                        const char **problem)
{
  return read_date_time (input, TRUE, normalized, problem);
}

/* The characters of a unified social credit code (GB 32100-2015), by value: the digits
 * and the capital letters but I, O, S, V and Z. */
static const char credit_code_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const guint credit_code_weights[17] = {
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/**
 * crm_validate_credit_code:
 * @input: (nullable): what was typed
 * @normalized: (out) (optional) (transfer full): the code, such as "91350100M000100Y43"
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * A company's registration number: the 18-character unified social credit code
 * (统一社会信用代码, GB 32100-2015), whose last character is the check character of the
 * first 17 (weights 3^i mod 31, modulo 31); or, as records from before 2015 hold them, an
 * old 15-digit business registration number (工商注册号), accepted as it is. Spaces are
 * removed, full-width forms folded and lower-case letters raised.
 *
 * Returns: whether @input is a credit code or an old registration number
 */
gboolean
crm_validate_credit_code (const char  *input,
                          char       **normalized,
                          const char **problem)
{
  g_autofree char *folded = NULL;
  g_autoptr(GString) code = NULL;
  guint sum = 0;
  guint check;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, msg_credit_code_chars);
  folded = fold_width (input);
  code = g_string_sized_new (18);
  for (const char *p = folded; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (code, g_ascii_toupper (*p));
  if (code->len == 0)
    return fail (normalized, problem, msg_credit_code_empty);
  if (code->len == 15 && all_digits (code->str, 15))
    return succeed (normalized, problem, g_string_free (g_steal_pointer (&code), FALSE));
  for (gsize i = 0; i < code->len; i++)
    if ((guchar) code->str[i] >= 0x80 || strchr (credit_code_alphabet, code->str[i]) == NULL)
      return fail (normalized, problem, msg_credit_code_chars);
  if (code->len != 18)
    return fail (normalized, problem, msg_credit_code_length);
  for (guint i = 0; i < 17; i++)
    sum += (guint) (strchr (credit_code_alphabet, code->str[i]) - credit_code_alphabet)
           * credit_code_weights[i];
  check = (31 - sum % 31) % 31;
  if (code->str[17] != credit_code_alphabet[check])
    return fail (normalized, problem, msg_credit_code_check);
  return succeed (normalized, problem, g_string_free (g_steal_pointer (&code), FALSE));
}

/**
 * crm_validate_text:
 * @input: (nullable): what was typed
 * @max_chars: the most characters allowed (after trimming), 0 for no limit
 * @required: whether it may be empty
 * @normalized: (out) (optional) (transfer full): trimmed, line ends as "\n"; never %NULL on
 *   success (an empty optional text gives "")
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * Free text: valid UTF-8, trimmed of Unicode spaces (U+3000 too) and zero-width spaces,
 * "\r\n" turned into "\n", no control characters other than newline and tab.
 *
 * Returns: whether @input is acceptable
 */
gboolean
crm_validate_text (const char  *input,
                   guint        max_chars,
                   gboolean     required,
                   char       **normalized,
                   const char **problem)
{
  g_autoptr(GString) out = NULL;
  const char *start;
  const char *end;

  if (input == NULL)
    input = "";
  if (!g_utf8_validate (input, -1, NULL))
    return fail (normalized, problem, msg_text_encoding);

  /* Trim: skip leading, then find the end of the last kept character. */
  start = input;
  while (*start != '\0' && is_trimmed_char (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start;
  for (const char *p = start; *p != '\0'; p = g_utf8_next_char (p))
    if (!is_trimmed_char (g_utf8_get_char (p)))
      end = g_utf8_next_char (p);

  out = g_string_sized_new (end - start);
  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        {
          if (p[1] != '\n')
            g_string_append_c (out, '\n');
          continue;
        }
      if (c != '\n' && c != '\t' && g_unichar_type (c) == G_UNICODE_CONTROL)
        return fail (normalized, problem, msg_text_control);
      g_string_append_unichar (out, c);
    }

  if (out->len == 0 && required)
    return fail (normalized, problem, msg_required);
  if (max_chars > 0 && g_utf8_strlen (out->str, -1) > (glong) max_chars)
    return fail (normalized, problem, msg_text_long);

  return succeed (normalized, problem, g_string_free (g_steal_pointer (&out), FALSE));
}

/**
 * crm_field_type_from_string:
 * @text: (nullable): "text", "number", "money", "date", "choice", "multi_choice" or "boolean"
 * @type: (out): the type
 *
 * Returns: whether @text names a field type
 */
gboolean
crm_field_type_from_string (const char   *text,
                            CrmFieldType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (field_type_names); i++)
    if (strcmp (text, field_type_names[i]) == 0)
      {
        *type = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * crm_field_type_to_string:
 * @type: a field type
 *
 * Returns: (transfer none): its name in the API, such as "multi_choice"
 */
const char *
crm_field_type_to_string (CrmFieldType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (field_type_names), NULL);

  return field_type_names[type];
}

static gboolean
fail_node (JsonNode   **normalized,
           const char **problem,
           const char  *message)
{
  if (normalized != NULL)
    *normalized = NULL;
  if (problem != NULL)
    *problem = message;
  return FALSE;
}

static gboolean
succeed_node (JsonNode   **normalized,
              const char **problem,
              JsonNode    *node)
{
  if (normalized != NULL)
    *normalized = node;
  else
    json_node_unref (node);
  if (problem != NULL)
    *problem = NULL;
  return TRUE;
}

static JsonNode *
new_string_node (const char *value)
{
  JsonNode *node = json_node_alloc ();

  json_node_init_string (node, value);
  return node;
}

static gboolean
is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_choice (const char * const *choices,
           const char         *value)
{
  return choices != NULL && g_strv_contains (choices, value);
}

/* The trimmed choice, if @node is a string among @choices. */
static char *
dup_choice (const char * const *choices,
            JsonNode           *node)
{
  g_autofree char *text = NULL;

  if (!is_string_node (node) ||
      !crm_validate_text (json_node_get_string (node), 0, FALSE, &text, NULL) ||
      !is_choice (choices, text))
    return NULL;
  return g_steal_pointer (&text);
}

static gboolean
validate_money (JsonNode   *value,
                JsonNode  **normalized,
                const char **problem)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *currency = NULL;
  JsonObject *object;
  JsonNode *amount_node;
  JsonNode *currency_node;
  gint64 amount;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return fail_node (normalized, problem, msg_money_format);
  object = json_node_get_object (value);
  amount_node = json_object_get_member (object, "amount");
  currency_node = json_object_get_member (object, "currency");
  if (json_object_get_size (object) != 2 || amount_node == NULL || currency_node == NULL ||
      !JSON_NODE_HOLDS_VALUE (amount_node))
    return fail_node (normalized, problem, msg_money_format);

  if (json_node_get_value_type (amount_node) == G_TYPE_INT64)
    amount = json_node_get_int (amount_node);
  else if (json_node_get_value_type (amount_node) == G_TYPE_DOUBLE)
    {
      /* 1250000.0 is a whole number of minor units; 12.5 is not. Within ±2^53 exactly. */
      double d = json_node_get_double (amount_node);

      if (!isfinite (d) || d != floor (d) || fabs (d) > 9007199254740992.0)
        return fail_node (normalized, problem, msg_money_format);
      amount = (gint64) d;
    }
  else
    return fail_node (normalized, problem, msg_money_format);

  if (!is_string_node (currency_node))
    return fail_node (normalized, problem, msg_money_currency);
  currency = g_ascii_strup (json_node_get_string (currency_node), -1);
  if (strlen (currency) != 3 || !g_ascii_isupper (currency[0]) ||
      !g_ascii_isupper (currency[1]) || !g_ascii_isupper (currency[2]))
    return fail_node (normalized, problem, msg_money_currency);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "amount");
  json_builder_add_int_value (builder, amount);
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, currency);
  json_builder_end_object (builder);
  return succeed_node (normalized, problem, json_builder_get_root (builder));
}

static gboolean
validate_multi_choice (const char * const *choices,
                       gboolean            required,
                       JsonNode           *value,
                       JsonNode          **normalized,
                       const char        **problem)
{
  g_autoptr(JsonArray) out = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonArray *array;
  JsonNode *node;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return fail_node (normalized, problem, msg_choice);
  array = json_node_get_array (value);
  n = json_array_get_length (array);
  if (n == 0 && required)
    return fail_node (normalized, problem, msg_required);

  out = json_array_sized_new (n);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      char *choice = dup_choice (choices, json_array_get_element (array, i));

      if (choice == NULL)
        return fail_node (normalized, problem, msg_choice);
      if (!g_hash_table_add (seen, choice))
        return fail_node (normalized, problem, msg_choice_twice);
      json_array_add_string_element (out, choice);
    }

  node = json_node_alloc ();
  json_node_init_array (node, out);
  return succeed_node (normalized, problem, node);
}

/**
 * crm_validate_custom_value:
 * @type: the field's type
 * @choices: (nullable) (array zero-terminated=1): the allowed values of a choice or
 *   multi_choice field
 * @required: whether the field must have a value
 * @value: (nullable): the JSON value; %NULL is taken as a JSON null
 * @normalized: (out) (optional) (transfer full): the value to store: trimmed text, a
 *   "YYYY-MM-DD" date, upper-case currency, …; a JSON null node for a cleared value
 * @problem: (out) (optional): the untranslated problem, or %NULL
 *
 * Checks a custom field value (API.md "Custom fields"): text → string (at most
 * %CRM_CUSTOM_TEXT_MAX_CHARS characters), number → finite JSON number, money →
 * `{"amount": int64 minor units, "currency": "CNY"}`, date → "YYYY-MM-DD", choice → one of
 * @choices, multi_choice → array of distinct members of @choices, boolean → true/false.
 * A JSON null clears the value unless @required.
 *
 * Returns: whether @value is acceptable
 */
gboolean
crm_validate_custom_value (CrmFieldType         type,
                           const char * const  *choices,
                           gboolean             required,
                           JsonNode            *value,
                           JsonNode           **normalized,
                           const char         **problem)
{
  g_autofree char *text = NULL;
  const char *message = NULL;

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (field_type_names), FALSE);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    {
      if (required)
        return fail_node (normalized, problem, msg_required);
      return succeed_node (normalized, problem, json_node_new (JSON_NODE_NULL));
    }

  switch (type)
    {
    case CRM_FIELD_TYPE_TEXT:
      if (!is_string_node (value))
        return fail_node (normalized, problem, msg_text_type);
      if (!crm_validate_text (json_node_get_string (value), CRM_CUSTOM_TEXT_MAX_CHARS, required,
                              &text, &message))
        return fail_node (normalized, problem, message);
      return succeed_node (normalized, problem, new_string_node (text));

    case CRM_FIELD_TYPE_NUMBER:
      if (!JSON_NODE_HOLDS_VALUE (value))
        return fail_node (normalized, problem, msg_number);
      if (json_node_get_value_type (value) == G_TYPE_INT64)
        return succeed_node (normalized, problem, json_node_copy (value));
      if (json_node_get_value_type (value) == G_TYPE_DOUBLE &&
          isfinite (json_node_get_double (value)))
        return succeed_node (normalized, problem, json_node_copy (value));
      return fail_node (normalized, problem, msg_number);

    case CRM_FIELD_TYPE_MONEY:
      return validate_money (value, normalized, problem);

    case CRM_FIELD_TYPE_DATE:
      if (!is_string_node (value))
        return fail_node (normalized, problem, msg_date_format);
      if (!crm_validate_date (json_node_get_string (value), &text, &message))
        return fail_node (normalized, problem, message);
      return succeed_node (normalized, problem, new_string_node (text));

    case CRM_FIELD_TYPE_CHOICE:
      text = dup_choice (choices, value);
      if (text == NULL)
        return fail_node (normalized, problem, msg_choice);
      return succeed_node (normalized, problem, new_string_node (text));

    case CRM_FIELD_TYPE_MULTI_CHOICE:
      return validate_multi_choice (choices, required, value, normalized, problem);

    case CRM_FIELD_TYPE_BOOLEAN:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return fail_node (normalized, problem, msg_boolean);
      return succeed_node (normalized, problem, json_node_copy (value));

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

/**
 * crm_validate_find_format:
 * @name: (nullable): the API name of a standard field of customers or contacts
 *
 * The validator of the format the API checks a field of that name by, wherever it
 * stands: "mobile", "phone", "email", "website", "registration_no" (a unified social
 * credit code) and "established_on" (a date not in the future); an empty value is for the
 * caller to judge (whether the field is required).
 *
 * Returns: (nullable): the validator, or %NULL for any other name (any text)
 */
CrmTextValidator
crm_validate_find_format (const char *name)
{
  static const struct
  {
    const char       *name;
    CrmTextValidator  validate;
  } formats[] = {
    { "mobile", crm_validate_mobile },
    { "phone", crm_validate_phone },
    { "email", crm_validate_email },
    { "website", crm_validate_website },
    { "registration_no", crm_validate_credit_code },
    { "established_on", crm_validate_past_date },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (formats); i++)
    if (g_str_equal (name, formats[i].name))
      return formats[i].validate;
  return NULL;
}
