/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "crm-config.h"

static char *
write_key_file (const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (g_get_tmp_dir (), "rapport-test.conf", NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static gboolean
load (CrmConfig          *config,
      const char * const *args,
      const char * const *envp,
      GError            **error)
{
  g_auto(GStrv) argv = g_strdupv ((char **) args);

  return crm_config_load (config, CRM_CONFIG_FOR_SERVER, NULL, NULL, &argv, envp, error);
}

/* The sample file documents every key of the table, and only those. */
static void
test_sample_matches_table (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "server",
                                                 "crm-server.conf.sample", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const CrmConfigKey *keys;
  guint n_keys;
  guint n_sample_keys = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  keys = crm_config_get_keys (&n_keys);
  g_assert_cmpuint (n_keys, >, 5);

  for (guint i = 0; i < n_keys; i++)
    {
      g_autofree char *commented = g_strdup_printf ("\n#%s = ", keys[i].key);

      if (strstr (contents, commented) == NULL)
        g_error ("crm-server.conf.sample lacks “#%s = …”", keys[i].key);
      g_assert_true (g_str_has_prefix (keys[i].env, "RAPPORT_"));
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_autofree char *key = NULL;
      gboolean known = FALSE;
      const char *eq = strstr (lines[l], " = ");

      if (lines[l][0] != '#' || eq == NULL || strchr (lines[l], ' ') != eq)
        continue;
      key = g_strndup (lines[l] + 1, eq - lines[l] - 1);
      for (guint i = 0; i < n_keys; i++)
        known |= g_str_equal (keys[i].key, key);
      if (!known)
        g_error ("crm-server.conf.sample documents unknown key “%s”", key);
      n_sample_keys++;
    }
  g_assert_cmpuint (n_sample_keys, ==, n_keys);

  /* The sample itself loads. */
  {
    g_autoptr(CrmConfig) config = crm_config_new ();
    g_autofree char *arg = g_strdup_printf ("--config=%s", path);
    const char *args[] = { "rapport-server", arg, NULL };
    const char *envp[] = { NULL };

    g_assert_true (load (config, args, envp, &error));
    g_assert_no_error (error);
  }
}

static void
test_defaults (void)
{
  g_autoptr(CrmConfig) config = crm_config_new ();
  g_autoptr(GError) error = NULL;
  const char *args[] = { "rapport-server", NULL };
  const char *envp[] = { NULL };

  g_assert_true (load (config, args, envp, &error));
  g_assert_cmpstr (config->listen, ==, "127.0.0.1:8443");
  g_assert_cmpstr (config->listen_host, ==, "127.0.0.1");
  g_assert_cmpuint (config->listen_port, ==, 8443);
  g_assert_null (config->database_url);
  g_assert_null (config->tls_cert);
  g_assert_cmpint (config->workers, ==, 8);
  g_assert_cmpstr (config->log_format, ==, "text");
  g_assert_true (g_path_is_absolute (config->data_dir));
}

/* Key file < environment < command line. */
static void
test_precedence (void)
{
  g_autofree char *path = write_key_file ("[server]\n"
                                          "listen = 0.0.0.0:9000\n"
                                          "workers = 3\n"
                                          "database-url = host=/from/file\n"
                                          "data-dir = /from/file\n");
  g_autofree char *arg = g_strdup_printf ("--config=%s", path);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(CrmConfig) config = crm_config_new ();
    const char *args[] = { "rapport-server", arg, NULL };
    const char *envp[] = { NULL };

    g_assert_true (load (config, args, envp, &error));
    g_assert_cmpstr (config->listen, ==, "0.0.0.0:9000");
    g_assert_cmpint (config->workers, ==, 3);
    g_assert_cmpstr (config->database_url, ==, "host=/from/file");
    g_assert_cmpstr (config->config_file, ==, path);
  }
  {
    g_autoptr(CrmConfig) config = crm_config_new ();
    const char *args[] = { "rapport-server", arg, NULL };
    const char *envp[] = { "RAPPORT_WORKERS=5", "RAPPORT_DATA_DIR=/from/env", NULL };

    g_assert_true (load (config, args, envp, &error));
    g_assert_cmpint (config->workers, ==, 5);
    g_assert_cmpstr (config->data_dir, ==, "/from/env");
    g_assert_cmpstr (config->listen, ==, "0.0.0.0:9000");
  }
  {
    g_autoptr(CrmConfig) config = crm_config_new ();
    const char *args[] = { "rapport-server", "--workers", "7", "--data-dir=/from/cli", NULL };
    g_autofree char *env_config = g_strdup_printf ("RAPPORT_CONFIG=%s", path);
    const char *envp[] = { "RAPPORT_WORKERS=5", "RAPPORT_DATA_DIR=/from/env", env_config, NULL };

    g_assert_true (load (config, args, envp, &error));
    g_assert_cmpint (config->workers, ==, 7);
    g_assert_cmpstr (config->data_dir, ==, "/from/cli");
    g_assert_cmpstr (config->database_url, ==, "host=/from/file");
  }
  g_unlink (path);
}

static void
test_invalid (void)
{
  const struct
  {
    const char *arg;
    const char *env;
    const char *file;
    int         code;
  } cases[] = {
    { "--workers=0", NULL, NULL, CRM_CONFIG_ERROR_INVALID },
    { "--workers=many", NULL, NULL, CRM_CONFIG_ERROR_INVALID },
    { NULL, "RAPPORT_WORKERS=9999", NULL, CRM_CONFIG_ERROR_INVALID },
    { "--listen=8443", NULL, NULL, CRM_CONFIG_ERROR_INVALID },
    { "--listen=localhost:99999", NULL, NULL, CRM_CONFIG_ERROR_INVALID },
    { "--log-format=xml", NULL, NULL, CRM_CONFIG_ERROR_INVALID },
    { "--tls-cert=/a.pem", NULL, NULL, CRM_CONFIG_ERROR_INVALID },
    { NULL, NULL, "[server]\nno-such-key = 1\n", CRM_CONFIG_ERROR_INVALID },
    { NULL, NULL, "not a key file", CRM_CONFIG_ERROR_FILE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CrmConfig) config = crm_config_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *path = cases[i].file ? write_key_file (cases[i].file) : NULL;
      g_autofree char *config_arg = path ? g_strdup_printf ("--config=%s", path) : NULL;
      const char *args[] = { "rapport-server", cases[i].arg ? cases[i].arg : config_arg, NULL };
      const char *envp[] = { cases[i].env, NULL };

      g_test_message ("case %u", i);
      g_assert_false (load (config, args, envp, &error));
      g_assert_error (error, CRM_CONFIG_ERROR, cases[i].code);
      if (path)
        g_unlink (path);
    }
}

static void
test_listen_forms (void)
{
  g_autofree char *host = NULL;
  guint port = 0;

  g_assert_true (crm_config_parse_listen ("[::1]:8443", &host, &port, NULL));
  g_assert_cmpstr (host, ==, "::1");
  g_assert_cmpuint (port, ==, 8443);
  g_clear_pointer (&host, g_free);
  g_assert_true (crm_config_parse_listen ("127.0.0.1:0", &host, &port, NULL));
  g_assert_cmpuint (port, ==, 0);
  g_clear_pointer (&host, g_free);
  g_assert_false (crm_config_parse_listen (":8443", &host, &port, NULL));
  g_assert_false (crm_config_parse_listen ("[::1:8443", &host, &port, NULL));
  g_assert_false (crm_config_parse_listen ("host:", &host, &port, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/crm/config/sample-matches-table", test_sample_matches_table);
  g_test_add_func ("/crm/config/defaults", test_defaults);
  g_test_add_func ("/crm/config/precedence", test_precedence);
  g_test_add_func ("/crm/config/invalid", test_invalid);
  g_test_add_func ("/crm/config/listen-forms", test_listen_forms);
  return g_test_run ();
}
