/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-language"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

/*
 * The `language` setting, chosen in the preferences, applies from the next
 * start on: main () sets LANGUAGE before gettext reads it. Checked on the
 * text of `rapport --help`, with the settings in a key file.
 */

static char *
run_help (const char *language_setting,
          const char *language_env)
{
  g_autofree char *dir = g_dir_make_tmp ("rapport-language-XXXXXX", NULL);
  g_autofree char *settings_dir = g_build_filename (dir, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("RAPPORT_CLIENT_BIN"), "--help", NULL };
  char *output = NULL;
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  if (language_setting != NULL)
    contents = g_strdup_printf ("[org/rapportcrm/Rapport]\nlanguage='%s'\n", language_setting);
  else
    contents = g_strdup ("");
  g_assert_true (g_file_set_contents (keyfile, contents, -1, &error));
  g_assert_no_error (error);

  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "keyfile", TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", dir, TRUE);
  env = g_environ_setenv (env, "LANG", "C.UTF-8", TRUE);
  env = g_environ_unsetenv (env, "LC_ALL");
  env = g_environ_unsetenv (env, "LC_MESSAGES");
  if (language_env != NULL)
    env = g_environ_setenv (env, "LANGUAGE", language_env, TRUE);
  else
    env = g_environ_unsetenv (env, "LANGUAGE");

  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_remove (keyfile);
  g_rmdir (settings_dir);
  {
    g_autofree char *glib_dir = g_path_get_dirname (settings_dir);

    g_rmdir (glib_dir);
  }
  g_rmdir (dir);
  return output;
}

static void
test_language_setting (void)
{
  g_autofree char *system = run_help (NULL, NULL);
  g_autofree char *chinese = run_help ("zh_CN", NULL);
  g_autofree char *english = run_help ("en", "zh_CN");
  g_autofree char *follows = run_help ("", "zh_CN");

  /* The system's language (C here): English. */
  g_assert_nonnull (strstr (system, "Rapport, customer relationship management"));
  /* 简体中文 in the preferences, though the system says nothing. */
  g_assert_nonnull (strstr (chinese, "Rapport 客户关系管理"));
  /* English in the preferences wins over a Chinese desktop. */
  g_assert_nonnull (strstr (english, "Rapport, customer relationship management"));
  /* Empty: the desktop's language. */
  g_assert_nonnull (strstr (follows, "Rapport 客户关系管理"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/crm/client/language/setting", test_language_setting);
  return g_test_run ();
}
