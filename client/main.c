/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rapport"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "crm-application.h"

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
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = crm_application_new ();
  status = g_application_run (G_APPLICATION (application), argc, argv);
  if (status == EXIT_SUCCESS)
    status = crm_application_get_exit_status (application);

  return status;
}
