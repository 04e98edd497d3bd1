/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "crm-application.h"

/* The interface language chosen in the preferences (the `language` setting),
 * before gettext reads LANGUAGE: it applies from the start on. */
static void
apply_language_setting (void)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *language = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  const char *messages;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return;
  settings = g_settings_new_full (schema, NULL, NULL);
  language = g_settings_get_string (settings, "language");
  if (*language == '\0')
    return;

  g_setenv ("LANGUAGE", language, TRUE);
  /* gettext ignores LANGUAGE in the C locale; C.UTF-8 keeps everything else as it was. */
  messages = setlocale (LC_MESSAGES, NULL);
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CrmApplication) application = NULL;
  const char *localedir;
  int status;

  /* RAPPORT_LOCALEDIR lets tests and `meson devenv` use the catalogs of a build tree. */
  localedir = g_getenv ("RAPPORT_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  apply_language_setting ();
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = crm_application_new ();
  status = g_application_run (G_APPLICATION (application), argc, argv);
  if (status == EXIT_SUCCESS)
    status = crm_application_get_exit_status (application);

  return status;
}
