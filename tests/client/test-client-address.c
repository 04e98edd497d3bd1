/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-address"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "crm-certificate.h"
#include "crm-server-address.h"
#include "crm-trust-store.h"

/* --- crm_server_address_normalize () ------------------------------------- */

static void
test_normalize_valid (void)
{
  static const struct
  {
    const char *text;
    const char *url;
  } cases[] = {
    { "crm.example.com", "https://crm.example.com:8443" },
    { "  CRM.Example.COM  ", "https://crm.example.com:8443" },
    { "crm.example.com:9000", "https://crm.example.com:9000" },
    { "127.0.0.1", "https://127.0.0.1:8443" },
    { "127.0.0.1:1", "https://127.0.0.1:1" },
    { "localhost", "https://localhost:8443" },
    { "https://crm.example.com", "https://crm.example.com:8443" },
    { "HTTPS://crm.example.com:443/", "https://crm.example.com:443" },
    { "https://crm.example.com:8443/rapport/", "https://crm.example.com:8443/rapport" },
    { "https://crm.example.com/a%20b", "https://crm.example.com:8443/a%20b" },
    { "::1", "https://[::1]:8443" },
    { "[::1]", "https://[::1]:8443" },
    { "[::1]:9443", "https://[::1]:9443" },
    { "https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443" },
    { "münchen.example", "https://xn--mnchen-3ya.example:8443" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = crm_server_address_normalize (cases[i].text, &error);

      g_test_message ("“%s”", cases[i].text);
      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, cases[i].url);
    }
}

static void
test_normalize_invalid (void)
{
  static const char * const texts[] = {
    "", "   ", "http://crm.example.com", "ftp://crm.example.com", "crm example.com",
    "crm.example.com:0", "crm.example.com:65536", "crm.example.com:port", "https://",
    "https://user@crm.example.com", "crm.example.com/?q=1", "crm.example.com/#top",
    "-crm.example.com", "crm..example.com", "crm_example.com",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = crm_server_address_normalize (texts[i], &error);

      g_test_message ("“%s”", texts[i]);
      g_assert_null (url);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, !=, "");
    }
}

/* --- the trust store ------------------------------------------------------ */

/* PEM armour around what is not a certificate. */
static const char bad_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBfTCCASOgAwIBAgIUFJSWLJ5UHPMbd9AGzjS3xs2mGPgwCgYIKoZIzj0EAwIw\n"
  "FDESMBAGA1UEAwwJMTI3LjAuMC4xMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAw\n"
  "MDAwMFowFDESMBAGA1UEAwwJMTI3LjAuMC4xMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
  "AQcDQgAE\n"
  "-----END CERTIFICATE-----\n";

static GTlsCertificate *
make_certificate (const char *dir,
                  const char *name)
{
  g_autofree char *cert = g_build_filename (dir, name, NULL);
  g_autofree char *key = g_strconcat (cert, ".key", NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;
  int wait_status = 0;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert, NULL
  };

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &wait_status, NULL)
      || !g_spawn_check_wait_status (wait_status, NULL))
    return NULL;

  certificate = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  return certificate;
}

static void
test_trust_store (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GTlsCertificate) a = NULL;
  g_autoptr(GTlsCertificate) b = NULL;
  g_autoptr(GTlsCertificate) found = NULL;
  g_autoptr(GVariant) pins = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *fingerprint = NULL;
  g_autofree char *shown = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *joined = NULL;

  if (openssl == NULL)
    {
      g_test_skip ("No openssl to make certificates");
      return;
    }

  /* The test's own cache directory (G_TEST_OPTION_ISOLATE_DIRS), removed after it. */
  dir = g_strdup (g_get_user_cache_dir ());
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  a = make_certificate (dir, "a.pem");
  b = make_certificate (dir, "b.pem");
  g_assert_nonnull (a);
  g_assert_nonnull (b);

  settings = g_settings_new (APP_ID);
  g_assert_null (crm_trust_store_dup_pin (settings, "https://127.0.0.1:8443"));
  g_assert_null (crm_trust_store_dup_pin (settings, NULL));

  /* One pin per server; an address written another way finds the same pin. */
  crm_trust_store_set_pin (settings, "https://127.0.0.1:8443", a);
  crm_trust_store_set_pin (settings, "https://crm.example.com:8443/", b);
  found = crm_trust_store_dup_pin (settings, "https://127.0.0.1:8443/");
  g_assert_nonnull (found);
  g_assert_true (g_tls_certificate_is_same (found, a));
  g_clear_object (&found);
  found = crm_trust_store_dup_pin (settings, "https://CRM.example.com:8443");
  g_assert_true (g_tls_certificate_is_same (found, b));
  g_clear_object (&found);
  g_assert_null (crm_trust_store_dup_pin (settings, "https://127.0.0.1:9443"));

  pins = g_settings_get_value (settings, "pinned-certificates");
  g_assert_cmpuint (g_variant_n_children (pins), ==, 2);
  g_assert_true (g_variant_lookup (pins, "https://crm.example.com:8443", "&s", NULL));

  /* Replacing and forgetting. */
  crm_trust_store_set_pin (settings, "https://127.0.0.1:8443", b);
  found = crm_trust_store_dup_pin (settings, "https://127.0.0.1:8443");
  g_assert_true (g_tls_certificate_is_same (found, b));
  g_clear_object (&found);
  crm_trust_store_set_pin (settings, "https://127.0.0.1:8443", NULL);
  g_assert_null (crm_trust_store_dup_pin (settings, "https://127.0.0.1:8443"));
  found = crm_trust_store_dup_pin (settings, "https://crm.example.com:8443");
  g_assert_nonnull (found);

  /* A PEM that is not a certificate is ignored, with a warning. */
  g_settings_set_value (settings, "pinned-certificates",
                        g_variant_new_parsed ("{'https://bad:8443': %s}", bad_pem));
  g_test_expect_message ("crm-trust-store", G_LOG_LEVEL_WARNING, "*Ignoring*");
  g_assert_null (crm_trust_store_dup_pin (settings, "https://bad:8443"));
  g_test_assert_expected_messages ();

  /* The shown fingerprint is the fingerprint, in groups of eight bytes. */
  fingerprint = crm_certificate_dup_fingerprint (a);
  shown = crm_trust_store_format_fingerprint (a);
  groups = g_strsplit (shown, " ", -1);
  g_assert_cmpuint (g_strv_length (groups), ==, 4);
  g_assert_cmpuint (strlen (groups[0]), ==, 8 * 3 - 1);
  joined = g_strjoinv (":", groups);
  g_assert_cmpstr (joined, ==, fingerprint);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crm/client/address/normalize/valid", test_normalize_valid);
  g_test_add_func ("/crm/client/address/normalize/invalid", test_normalize_invalid);
  g_test_add_func ("/crm/client/address/trust-store", test_trust_store);

  return g_test_run ();
}
