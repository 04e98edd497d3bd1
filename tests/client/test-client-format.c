/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-format"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "crm-audit-text.h"
#include "crm-customer-fields.h"
#include "crm-format.h"

/*
 * crm-format: numbers, money and dates as the client writes them, in English
 * and in Chinese (the catalogs of this build, through RAPPORT_LOCALEDIR); a multiple
 * choice's options as one text (crm_custom_value_to_text ()).
 */

static void
use_language (const char *language)
{
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  /* gettext caches translations per LANGUAGE only after a textdomain () call. */
  textdomain (GETTEXT_PACKAGE);
}

/* A mainland mobile number in 3-4-4 groups; other numbers as they are. */
static void
test_phone (void)
{
  static const struct
  {
    const char *number;
    const char *shown;
  } cases[] = {
    { "13800138000", "138 0013 8000" },
    { "19912345678", "199 1234 5678" },
    { "010-12345678", "010-12345678" },
    { "0755-88888888-123", "0755-88888888-123" },
    { "400-123-4567", "400-123-4567" },
    { "1380013800", "1380013800" },
    { "138001380001", "138001380001" },
    { "2380013800a", "2380013800a" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = crm_format_phone (cases[i].number);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
  {
    g_autofree char *shown = crm_format_phone (NULL);

    g_assert_cmpstr (shown, ==, "");
  }
}

static void
test_number (void)
{
  g_autofree char *zero = crm_format_number (0, "en_US");
  g_autofree char *small = crm_format_number (999, "zh_CN");
  g_autofree char *thousands = crm_format_number (12500, "zh_CN");
  g_autofree char *millions = crm_format_number (-1234567, "en");
  g_autofree char *german = crm_format_number (1234567, "de_DE.UTF-8");
  g_autofree char *largest = crm_format_number (G_MININT64, "en");

  g_assert_cmpstr (zero, ==, "0");
  g_assert_cmpstr (small, ==, "999");
  g_assert_cmpstr (thousands, ==, "12,500");
  g_assert_cmpstr (millions, ==, "-1,234,567");
  g_assert_cmpstr (german, ==, "1.234.567");
  g_assert_cmpstr (largest, ==, "-9,223,372,036,854,775,808");
}

static void
test_money (void)
{
  const struct
  {
    gint64      amount;
    const char *currency;
    const char *locale;
    const char *text;
  } cases[] = {
    { 1250000, "CNY", "zh_CN", "¥12,500.00" },
    { 1250000, "CNY", "en_US", "¥12,500.00" },
    { 1250000, NULL, "en", "¥12,500.00" },
    { 5, "cny", "zh_CN", "¥0.05" },
    { -199, "USD", "en_US", "-$1.99" },
    { 1250000, "JPY", "zh_CN", "JP¥1,250,000" },
    { 1250000, "EUR", "de_DE", "12.500,00\u00a0€" },
    { 100, "XAF", "en", "XAF\u00a01.00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = crm_format_money (cases[i].amount, cases[i].currency,
                                                cases[i].locale);
      gint64 back = 0;

      g_assert_cmpstr (text, ==, cases[i].text);
      /* What the client writes, it reads back. */
      g_assert_true (crm_parse_money (text, cases[i].currency, cases[i].locale, &back));
      g_assert_cmpint (back, ==, cases[i].amount);
    }
}

static void
test_parse_money (void)
{
  const struct
  {
    const char *text;
    const char *currency;
    gboolean    ok;
    gint64      amount;
  } cases[] = {
    { "12500", "CNY", TRUE, 1250000 },
    { "12,500.5", "CNY", TRUE, 1250050 },
    { " ¥ 12,500.50 ", "CNY", TRUE, 1250050 },
    { "CNY 3", "CNY", TRUE, 300 },
    { "-0.01", "CNY", TRUE, -1 },
    { "1.234", "CNY", FALSE, 0 },     /* more decimals than fen */
    { "12a", "CNY", FALSE, 0 },
    { "", "CNY", FALSE, 0 },
    { "¥", "CNY", FALSE, 0 },
    { "1.5", "JPY", FALSE, 0 },
    { "99999999999999999999", "CNY", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 amount = 0;

      g_assert_cmpint (crm_parse_money (cases[i].text, cases[i].currency, "en", &amount), ==,
                       cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (amount, ==, cases[i].amount);
    }
}

static void
test_dates (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) at = NULL;
  struct
  {
    GTimeSpan   ago;
    const char *language;
    const char *text;
  } relative[] = {
    { 20 * G_TIME_SPAN_SECOND, NULL, "just now" },
    { 5 * G_TIME_SPAN_MINUTE, NULL, "5 minutes ago" },
    { 1 * G_TIME_SPAN_MINUTE, NULL, "1 minute ago" },
    { 3 * G_TIME_SPAN_HOUR, NULL, "3 hours ago" },
    { 20 * G_TIME_SPAN_HOUR, NULL, "yesterday 20:00" },
    { 3 * G_TIME_SPAN_DAY, NULL, "3 days ago" },
    { 30 * G_TIME_SPAN_DAY, NULL, "Nov 6, 2026" },
    { 20 * G_TIME_SPAN_SECOND, "zh_CN", "刚刚" },
    { 5 * G_TIME_SPAN_MINUTE, "zh_CN", "5 分钟前" },
    { 3 * G_TIME_SPAN_HOUR, "zh_CN", "3 小时前" },
    { 20 * G_TIME_SPAN_HOUR, "zh_CN", "昨天 20:00" },
    { 3 * G_TIME_SPAN_DAY, "zh_CN", "3 天前" },
    { 30 * G_TIME_SPAN_DAY, "zh_CN", "2026年11月6日" },
  };

  /* The tests run in UTC (TZ is set in main ()). */
  now = g_date_time_new (utc, 2026, 12, 6, 16, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (relative); i++)
    {
      g_autoptr(GDateTime) then = g_date_time_add (now, -relative[i].ago);
      g_autofree char *text = NULL;

      use_language (relative[i].language);
      text = crm_format_date_time (then, now, CRM_DATE_STYLE_RELATIVE);
      g_assert_cmpstr (text, ==, relative[i].text);
    }

  at = g_date_time_new (utc, 2026, 11, 23, 2, 5, 0);
  use_language (NULL);
  {
    g_autofree char *date = crm_format_date_time (at, NULL, CRM_DATE_STYLE_DATE);
    g_autofree char *date_time = crm_format_date_time (at, NULL, CRM_DATE_STYLE_DATE_TIME);
    g_autofree char *stamp = crm_format_timestamp ("2026-11-23T02:05:00Z", TRUE);
    g_autofree char *bad = crm_format_timestamp ("not a time", FALSE);
    g_autofree char *none = crm_format_timestamp (NULL, FALSE);

    g_assert_cmpstr (date, ==, "Nov 23, 2026");
    g_assert_cmpstr (date_time, ==, "Nov 23, 2026 02:05");
    g_assert_cmpstr (stamp, ==, "Nov 23, 2026 02:05");
    g_assert_cmpstr (bad, ==, "not a time");
    g_assert_cmpstr (none, ==, "");
  }
  use_language ("zh_CN");
  {
    g_autofree char *date = crm_format_date_time (at, NULL, CRM_DATE_STYLE_DATE);
    g_autofree char *date_time = crm_format_date_time (at, NULL, CRM_DATE_STYLE_DATE_TIME);

    g_assert_cmpstr (date, ==, "2026年11月23日");
    g_assert_cmpstr (date_time, ==, "2026年11月23日 02:05");
  }
  use_language (NULL);
}

static void
test_default_locale (void)
{
  /* Under LANG=C.UTF-8 numbers follow the interface language. */
  use_language ("zh_CN");
  g_assert_cmpstr (crm_format_get_locale (), ==, "zh_CN");
  {
    g_autofree char *money = crm_format_money (1250000, "CNY", NULL);

    g_assert_cmpstr (money, ==, "¥12,500.00");
  }
  use_language (NULL);
}

static char *
options_text (const char *json)
{
  g_autoptr(JsonNode) value = json_from_string (json, NULL);

  g_assert_nonnull (value);
  return crm_custom_value_to_text (value, NULL);
}

/* An option may hold a comma: options are never joined with one, and are quoted when
 * one of them holds the separator. */
static void
test_options (void)
{
  const struct
  {
    const char *language;
    const char *json;
    const char *text;
  } cases[] = {
    { NULL, "[\"电话\",\"微信, 短信\"]", "电话; 微信, 短信" },
    { NULL, "[\"微信, 短信\"]", "微信, 短信" },
    { NULL, "[\"A; B\",\"C\"]", "“A; B”; “C”" },
    { NULL, "[]", "" },
    { NULL, "[1,2]", "1; 2" },
    { "zh_CN", "[\"电话\",\"微信, 短信\"]", "电话、微信, 短信" },
    { "zh_CN", "[\"电话\",\"微信、短信\"]", "“电话”、“微信、短信”" },
    { "zh_CN", "[\"A; B\",\"C\"]", "A; B、C" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = NULL;

      use_language (cases[i].language);
      text = options_text (cases[i].json);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
  use_language (NULL);
}

/* A change of a company's registration details as the timeline and the audit log read
 * it: the fields by their labels, the registered capital as money in its currency. */
static void
test_audit_registration (void)
{
  g_autoptr(JsonNode) before = json_from_string ("{\"registered_capital\":500000000,"
                                                 "\"legal_representative\":\"张明远\"}", NULL);
  g_autoptr(JsonNode) after = json_from_string ("{\"registered_capital\":1234567890,"
                                                "\"registered_capital_currency\":\"CNY\","
                                                "\"legal_representative\":\"李华\","
                                                "\"established_on\":\"2010-01-05\"}", NULL);
  const char *languages[] = { NULL, "zh_CN" };
  const char *labels[][3] = {
    { "Registered capital", "Legal representative", "Date of establishment" },
    { "注册资本", "法定代表人", "成立日期" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autoptr(GString) lines = g_string_new (NULL);

      use_language (languages[i]);
      crm_audit_append_changes (NULL, "customers", json_node_get_object (before),
                                json_node_get_object (after), lines);
      for (guint j = 0; j < G_N_ELEMENTS (labels[i]); j++)
        if (strstr (lines->str, labels[i][j]) == NULL)
          g_error ("“%s” lacks “%s”", lines->str, labels[i][j]);
      g_assert_nonnull (strstr (lines->str, "¥5,000,000.00"));
      g_assert_nonnull (strstr (lines->str, "¥12,345,678.90"));
      g_assert_null (strstr (lines->str, "500000000"));
    }
  use_language (NULL);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RAPPORT_LOCALEDIR");

  g_setenv ("TZ", "UTC", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crm/client/format/number", test_number);
  g_test_add_func ("/crm/client/format/phone", test_phone);
  g_test_add_func ("/crm/client/format/money", test_money);
  g_test_add_func ("/crm/client/format/parse-money", test_parse_money);
  g_test_add_func ("/crm/client/format/dates", test_dates);
  g_test_add_func ("/crm/client/format/default-locale", test_default_locale);
  g_test_add_func ("/crm/client/format/options", test_options);
  g_test_add_func ("/crm/client/format/audit-registration", test_audit_registration);
  return g_test_run ();
}
