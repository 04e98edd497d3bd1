/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CrmDateStyle:
 * @CRM_DATE_STYLE_DATE: the date only, such as "Dec 6, 2026" / "2026年12月6日"
 * @CRM_DATE_STYLE_DATE_TIME: the date and the time of day
 * @CRM_DATE_STYLE_RELATIVE: "just now", "5 minutes ago", "yesterday", then the date
 *
 * How crm_format_date_time() writes a time.
 */
typedef enum
{
  CRM_DATE_STYLE_DATE,
  CRM_DATE_STYLE_DATE_TIME,
  CRM_DATE_STYLE_RELATIVE,
} CrmDateStyle;

char *crm_format_date_time        (GDateTime    *date_time,
                                   GDateTime    *now,
                                   CrmDateStyle  style);
char *crm_format_timestamp        (const char   *iso8601,
                                   gboolean      with_time);
char *crm_format_number           (gint64        number,
                                   const char   *locale);
char *crm_format_money            (gint64        amount,
                                   const char   *currency,
                                   const char   *locale);
gboolean crm_parse_money          (const char   *text,
                                   const char   *currency,
                                   const char   *locale,
                                   gint64       *amount);
int   crm_format_currency_digits  (const char   *currency);
const char *crm_format_get_locale (void);
char *crm_format_phone            (const char   *number);

G_END_DECLS
