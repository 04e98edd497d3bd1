/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-format"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "crm-format.h"

/*
 * How the client writes dates, numbers and money: one place, no display, so
 * that it is unit-tested and every view writes them alike.
 *
 * Dates follow the interface language (the formats are translated, as GNOME
 * applications do). Numbers and money follow the region (LC_NUMERIC) when it
 * is set, else the interface language: a desktop under LANG=C.UTF-8 with
 * LANGUAGE=zh_CN still shows ¥12,500.00.
 */

/* How a language writes numbers; the first entry is the fallback. */
static const struct
{
  const char *language;
  const char *decimal;
  const char *group;
  gboolean    symbol_after;   /* "12.500,00 €" rather than "€12,500.00" */
} conventions[] = {
  { "en", ".", ",", FALSE },
  { "zh", ".", ",", FALSE },
  { "ja", ".", ",", FALSE },
  { "ko", ".", ",", FALSE },
  { "de", ",", ".", TRUE },
  { "es", ",", ".", TRUE },
  { "fr", ",", "\u202f", TRUE },
  { "ru", ",", "\u00a0", TRUE },
};

/* ISO 4217 currencies the client knows a symbol of; others show their code. */
static const struct
{
  const char *code;
  const char *symbol;
  int         digits;          /* minor units per major unit, as a power of ten */
} currencies[] = {
  { "CNY", "¥", 2 },
  { "USD", "$", 2 },
  { "EUR", "€", 2 },
  { "GBP", "£", 2 },
  { "HKD", "HK$", 2 },
  { "TWD", "NT$", 2 },
  { "JPY", "JP¥", 0 },
  { "KRW", "₩", 0 },
};

static guint
find_conventions (const char *locale)
{
  if (locale == NULL)
    locale = crm_format_get_locale ();
  for (guint i = 0; i < G_N_ELEMENTS (conventions); i++)
    {
      gsize length = strlen (conventions[i].language);

      if (strncmp (locale, conventions[i].language, length) == 0
          && (locale[length] == '\0' || locale[length] == '_' || locale[length] == '-'
              || locale[length] == '.' || locale[length] == '@'))
        return i;
    }
  return 0;
}

/* The digits of @magnitude, with @group between each three. */
static void
append_grouped (GString    *out,
                guint64     magnitude,
                const char *group)
{
  char digits[32];
  int length = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, magnitude);

  for (int i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append (out, group);
      g_string_append_c (out, digits[i]);
    }
}

static guint64
magnitude_of (gint64 number)
{
  return number < 0 ? (guint64) (-(number + 1)) + 1 : (guint64) number;
}

/**
 * crm_format_get_locale:
 *
 * Returns: (transfer none): the locale numbers are written for: the region's
 *   (LC_NUMERIC) when it is not C or POSIX, else the interface language
 */
const char *
crm_format_get_locale (void)
{
  const char *numeric = setlocale (LC_NUMERIC, NULL);

  if (numeric != NULL && *numeric != '\0' && strcmp (numeric, "C") != 0
      && strcmp (numeric, "POSIX") != 0 && !g_str_has_prefix (numeric, "C."))
    return numeric;
  return g_get_language_names ()[0];
}

/**
 * crm_format_number:
 * @number: a whole number
 * @locale: (nullable): a locale such as `zh_CN`, or %NULL for the user's
 *
 * Returns: (transfer full): @number with the locale's digit grouping, such as 12,500
 */
char *
crm_format_number (gint64      number,
                   const char *locale)
{
  GString *out = g_string_new (number < 0 ? "-" : "");

  append_grouped (out, magnitude_of (number), conventions[find_conventions (locale)].group);
  return g_string_free (out, FALSE);
}

/**
 * crm_format_currency_digits:
 * @currency: an ISO 4217 code such as `CNY`
 *
 * Returns: how many decimal digits the currency's minor units make (2 for CNY,
 *   0 for JPY; 2 for a code the client does not know)
 */
int
crm_format_currency_digits (const char *currency)
{
  for (guint i = 0; currency != NULL && i < G_N_ELEMENTS (currencies); i++)
    if (g_ascii_strcasecmp (currencies[i].code, currency) == 0)
      return currencies[i].digits;
  return 2;
}

/**
 * crm_format_money:
 * @amount: the amount in minor units (fen for CNY), as the API sends it
 * @currency: (nullable): its ISO 4217 code; %NULL means CNY
 * @locale: (nullable): a locale such as `zh_CN`, or %NULL for the user's
 *
 * Formats money without floating point: 1250000 CNY is ¥12,500.00 in zh_CN and
 * en, 12.500,00 ¥ in de.
 *
 * Returns: (transfer full): the amount with its currency's symbol (or code)
 */
char *
crm_format_money (gint64      amount,
                  const char *currency,
                  const char *locale)
{
  guint c = find_conventions (locale);
  g_autofree char *code = g_ascii_strup (currency != NULL ? currency : "CNY", -1);
  g_autofree char *symbol = NULL;
  GString *out = g_string_new (amount < 0 ? "-" : "");
  guint64 magnitude = magnitude_of (amount);
  guint64 scale = 1;
  int digits = crm_format_currency_digits (code);

  for (guint i = 0; i < G_N_ELEMENTS (currencies) && symbol == NULL; i++)
    if (strcmp (currencies[i].code, code) == 0)
      symbol = g_strdup (currencies[i].symbol);
  if (symbol == NULL)
    symbol = conventions[c].symbol_after ? g_strdup (code) : g_strconcat (code, "\u00a0", NULL);

  for (int i = 0; i < digits; i++)
    scale *= 10;
  if (!conventions[c].symbol_after)
    g_string_append (out, symbol);
  append_grouped (out, magnitude / scale, conventions[c].group);
  if (digits > 0)
    g_string_append_printf (out, "%s%0*" G_GUINT64_FORMAT, conventions[c].decimal, digits,
                            magnitude % scale);
  if (conventions[c].symbol_after)
    g_string_append_printf (out, "\u00a0%s", symbol);
  return g_string_free (out, FALSE);
}

/**
 * crm_parse_money:
 * @text: what the user typed, such as `12500`, `12,500.5` or `¥12,500.00`
 * @currency: (nullable): the ISO 4217 code the amount is in; %NULL means CNY
 * @locale: (nullable): a locale such as `zh_CN`, or %NULL for the user's
 * @amount: (out): the amount in minor units
 *
 * Reads money as crm_format_money() writes it, or as a plain number; the
 * currency's symbol or code and the locale's digit grouping may be left out.
 *
 * Returns: %TRUE when @text is an amount of @currency
 */
gboolean
crm_parse_money (const char *text,
                 const char *currency,
                 const char *locale,
                 gint64     *amount)
{
  guint c = find_conventions (locale);
  g_autofree char *code = g_ascii_strup (currency != NULL ? currency : "CNY", -1);
  g_autoptr(GString) plain = g_string_new (text);
  g_autofree char *stripped = NULL;
  int digits = crm_format_currency_digits (code);
  const char *p;
  gboolean negative = FALSE;
  gboolean seen_decimal = FALSE;
  int fraction_digits = 0;
  guint64 value = 0;
  gboolean any = FALSE;

  g_return_val_if_fail (amount != NULL, FALSE);

  /* The symbol or code, the grouping and spaces say nothing about the value. */
  for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (strcmp (currencies[i].code, code) == 0)
      g_string_replace (plain, currencies[i].symbol, "", 0);
  g_string_replace (plain, code, "", 0);
  g_string_replace (plain, conventions[c].group, "", 0);
  g_string_replace (plain, " ", "", 0);
  g_string_replace (plain, " ", "", 0);
  g_string_replace (plain, " ", "", 0);
  stripped = g_string_free (g_steal_pointer (&plain), FALSE);

  p = stripped;
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  for (; *p != '\0'; p++)
    {
      if (!seen_decimal && (strncmp (p, conventions[c].decimal, 1) == 0))
        {
          seen_decimal = TRUE;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        return FALSE;
      if (seen_decimal && ++fraction_digits > digits)
        return FALSE;
      if (value > (G_MAXINT64 - 9) / 10)
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
      any = TRUE;
    }
  if (!any)
    return FALSE;
  for (; fraction_digits < digits; fraction_digits++)
    {
      if (value > G_MAXINT64 / 10)
        return FALSE;
      value *= 10;
    }
  *amount = negative ? -(gint64) value : (gint64) value;
  return TRUE;
}

static gboolean
same_day (GDateTime *a,
          GDateTime *b)
{
  return g_date_time_get_year (a) == g_date_time_get_year (b)
         && g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b);
}

/**
 * crm_format_date_time:
 * @date_time: the time to write
 * @now: (nullable): the present, for %CRM_DATE_STYLE_RELATIVE; %NULL for now
 * @style: how to write it
 *
 * Writes @date_time in the local time zone, in the formats of the interface
 * language.
 *
 * Returns: (transfer full): the text
 */
char *
crm_format_date_time (GDateTime    *date_time,
                      GDateTime    *now,
                      CrmDateStyle  style)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  GTimeSpan ago;

  g_return_val_if_fail (date_time != NULL, NULL);

  local = g_date_time_to_local (date_time);
  if (style == CRM_DATE_STYLE_RELATIVE)
    {
      local_now = now != NULL ? g_date_time_to_local (now) : g_date_time_new_now_local ();
      ago = g_date_time_difference (local_now, local);
      if (ago > -G_TIME_SPAN_MINUTE && ago < G_TIME_SPAN_MINUTE)
        return g_strdup (_("just now"));
      if (ago > 0 && ago < G_TIME_SPAN_HOUR)
        {
          int minutes = (int) (ago / G_TIME_SPAN_MINUTE);

          return g_strdup_printf (dngettext (GETTEXT_PACKAGE, "%d minute ago",
                                             "%d minutes ago", minutes), minutes);
        }
      if (ago > 0 && same_day (local, local_now))
        {
          int hours = (int) (ago / G_TIME_SPAN_HOUR);

          return g_strdup_printf (dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago",
                                             hours), hours);
        }
      yesterday = g_date_time_add_days (local_now, -1);
      if (ago > 0 && same_day (local, yesterday))
        /* Translators: a time yesterday, in g_date_time_format () format */
        return g_date_time_format (local, _("yesterday %H:%M"));
      if (ago > 0 && ago < 7 * G_TIME_SPAN_DAY)
        {
          int days = MAX (2, (int) (ago / G_TIME_SPAN_DAY));

          return g_strdup_printf (dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago",
                                             days), days);
        }
      style = CRM_DATE_STYLE_DATE;
    }

  if (style == CRM_DATE_STYLE_DATE_TIME)
    /* Translators: a date and a time of day, in g_date_time_format () format;
     * in Chinese "%Y年%-m月%-d日 %H:%M" */
    return g_date_time_format (local, _("%b %-d, %Y %H:%M"));
  /* Translators: a date, in g_date_time_format () format; in Chinese "%Y年%-m月%-d日" */
  return g_date_time_format (local, _("%b %-d, %Y"));
}

/**
 * crm_format_timestamp:
 * @iso8601: (nullable): a time as the API writes it, such as `2026-11-23T02:00:00Z`
 * @with_time: whether to add the time of day
 *
 * Returns: (transfer full): the time in the local time zone, in the interface
 *   language's date format; @iso8601 itself when it is not a time, "" for %NULL
 */
char *
crm_format_timestamp (const char *iso8601,
                      gboolean    with_time)
{
  g_autoptr(GDateTime) utc = NULL;

  if (iso8601 == NULL)
    return g_strdup ("");
  utc = g_date_time_new_from_iso8601 (iso8601, NULL);
  if (utc == NULL)
    return g_strdup (iso8601);
  return crm_format_date_time (utc, NULL,
                               with_time ? CRM_DATE_STYLE_DATE_TIME : CRM_DATE_STYLE_DATE);
}

/**
 * crm_format_phone:
 * @number: (nullable): a phone number as the server keeps it (normalised by
 *   crm_validate_mobile () or crm_validate_phone ())
 *
 * A mainland mobile number in the groups of 3, 4 and 4 digits people read and dial it in
 * ("138 0013 8000"); a landline keeps the dashes it was normalised with ("010-12345678"),
 * anything else is left as it is.
 *
 * Returns: (transfer full): @number for reading, "" for %NULL
 */
char *
crm_format_phone (const char *number)
{
  if (number == NULL)
    return g_strdup ("");
  if (strlen (number) != 11 || number[0] != '1'
      || strspn (number, "0123456789") != 11)
    return g_strdup (number);
  return g_strdup_printf ("%.3s %.4s %.4s", number, number + 3, number + 7);
}
