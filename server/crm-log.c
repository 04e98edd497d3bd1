/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-log"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "crm-log.h"

/*
 * Structured logs: every g_log () / g_log_structured () line goes to stderr as one line,
 * either `time level domain: message KEY=value …` or one JSON object. Fields that
 * GLib adds for its own bookkeeping (CODE_*, GLIB_*) are left out.
 */

static CrmLogFormat log_format = CRM_LOG_FORMAT_TEXT;
static GMutex log_mutex;

static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "error";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "critical";
  if (level & G_LOG_LEVEL_WARNING)
    return "warning";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "message";
  if (level & G_LOG_LEVEL_INFO)
    return "info";
  return "debug";
}

static gboolean
is_internal_field (const char *key)
{
  return g_str_has_prefix (key, "CODE_") || g_str_has_prefix (key, "GLIB_")
         || g_str_equal (key, "PRIORITY") || g_str_equal (key, "MESSAGE")
         || g_str_equal (key, "SYSLOG_IDENTIFIER");
}

static void
append_json_string (GString    *out,
                    const char *text,
                    gssize      length)
{
  const char *end = text + (length < 0 ? (gssize) strlen (text) : length);

  g_string_append_c (out, '"');
  for (const char *p = text; p < end; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_text_value (GString    *out,
                   const char *text,
                   gssize      length)
{
  if (length < 0)
    length = (gssize) strlen (text);
  if (length > 0 && memchr (text, ' ', length) == NULL && memchr (text, '"', length) == NULL)
    g_string_append_len (out, text, length);
  else
    append_json_string (out, text, length);
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  g_autoptr(GString) line = g_string_sized_new (256);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *timestamp = NULL;
  const char *domain = NULL;
  const char *message = "";

  /* Info and above always; debug per G_MESSAGES_DEBUG. */
  if ((level & G_LOG_LEVEL_DEBUG) != 0)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
          domain = fields[i].value;
      if (g_log_writer_default_would_drop (level, domain))
        return G_LOG_WRITER_HANDLED;
    }

  now = g_date_time_new_now_utc ();
  timestamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if (log_format == CRM_LOG_FORMAT_JSON)
    {
      g_string_append (line, "{\"time\":");
      append_json_string (line, timestamp, -1);
      g_string_append_printf (line, ",\"level\":\"%s\",\"domain\":", level_name (level));
      append_json_string (line, domain ? domain : "", -1);
      g_string_append (line, ",\"message\":");
      append_json_string (line, message, -1);
      for (gsize i = 0; i < n_fields; i++)
        {
          g_autofree char *key = NULL;

          if (is_internal_field (fields[i].key))
            continue;
          key = g_ascii_strdown (fields[i].key, -1);
          g_string_append_c (line, ',');
          append_json_string (line, key, -1);
          g_string_append_c (line, ':');
          append_json_string (line, fields[i].value, fields[i].length);
        }
      g_string_append (line, "}\n");
    }
  else
    {
      g_string_append_printf (line, "%s %s %s: %s", timestamp, level_name (level),
                              domain ? domain : "-", message);
      for (gsize i = 0; i < n_fields; i++)
        {
          g_autofree char *key = NULL;

          if (is_internal_field (fields[i].key))
            continue;
          key = g_ascii_strdown (fields[i].key, -1);
          g_string_append_printf (line, " %s=", key);
          append_text_value (line, fields[i].value, fields[i].length);
        }
      g_string_append_c (line, '\n');
    }

  g_mutex_lock (&log_mutex);
  fwrite (line->str, 1, line->len, stderr);
  fflush (stderr);
  g_mutex_unlock (&log_mutex);

  return G_LOG_WRITER_HANDLED;
}

void
crm_log_init (CrmLogFormat format)
{
  static gsize installed = 0;

  log_format = format;
  if (g_once_init_enter (&installed))
    {
      g_log_set_writer_func (log_writer, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}
