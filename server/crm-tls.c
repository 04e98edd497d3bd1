/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-tls"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "crm-tls.h"

#define VALID_DAYS 825

static gboolean
check (int      rc,
       const char *what,
       GError **error)
{
  if (rc >= 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create the TLS certificate (%s): %s",
               what, gnutls_strerror (rc));
  return FALSE;
}

static gboolean
add_ip (gnutls_x509_crt_t   crt,
        int                 family,
        const char         *text,
        GError            **error)
{
  guchar address[16];

  if (inet_pton (family, text, address) != 1)
    return TRUE;
  return check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, address,
                                                      family == AF_INET ? 4 : 16,
                                                      GNUTLS_FSAN_APPEND),
                "subject alt name", error);
}

static gboolean
generate (const char  *cert_path,
          const char  *key_path,
          GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t cert_pem = { NULL, 0 };
  gnutls_datum_t key_pem = { NULL, 0 };
  const char *hostname = g_get_host_name ();
  guchar serial[16];
  time_t now = time (NULL);
  gboolean ok = FALSE;

  if (!check (gnutls_x509_privkey_init (&key), "key", error)
      || !check (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                               GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                 "key", error)
      || !check (gnutls_x509_crt_init (&crt), "certificate", error))
    goto out;

  if (!check (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "serial", error))
    goto out;
  serial[0] &= 0x7f;

  if (!check (gnutls_x509_crt_set_version (crt, 3), "version", error)
      || !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error)
      || !check (gnutls_x509_crt_set_activation_time (crt, now - 3600), "activation", error)
      || !check (gnutls_x509_crt_set_expiration_time (crt, now + (time_t) VALID_DAYS * 86400),
                 "expiration", error)
      || !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, hostname,
                                                strlen (hostname)), "name", error)
      || !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                                "Rapport (self-signed)",
                                                strlen ("Rapport (self-signed)")), "name", error)
      || !check (gnutls_x509_crt_set_key (crt, key), "key", error)
      || !check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "constraints", error)
      || !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "usage", error)
      || !check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose",
                 error)
      || !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                       strlen ("localhost"), GNUTLS_FSAN_APPEND),
                 "subject alt name", error)
      || !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, hostname,
                                                       strlen (hostname), GNUTLS_FSAN_APPEND),
                 "subject alt name", error)
      || !add_ip (crt, AF_INET, "127.0.0.1", error)
      || !add_ip (crt, AF_INET6, "::1", error)
      || !check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "signature", error)
      || !check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &cert_pem), "export", error)
      || !check (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &key_pem), "export", error))
    goto out;

  /* The key first, private from its first byte; then the certificate. */
  {
    g_autofree char *key_tmp = g_strconcat (key_path, ".tmp", NULL);
    int fd = g_open (key_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    gssize written;

    if (fd < 0)
      {
        int saved = errno;

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot write %s: %s",
                     key_tmp, g_strerror (saved));
        goto out;
      }
    written = write (fd, key_pem.data, key_pem.size);
    if (written != (gssize) key_pem.size || fsync (fd) != 0 || close (fd) != 0
        || g_rename (key_tmp, key_path) != 0)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", key_path);
        goto out;
      }
  }
  if (!g_file_set_contents (cert_path, (const char *) cert_pem.data, cert_pem.size, error))
    goto out;
  ok = TRUE;

out:
  gnutls_free (cert_pem.data);
  if (key_pem.data != NULL)
    {
      memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return ok;
}

/**
 * crm_tls_ensure_self_signed:
 * @directory: where `server.crt` and `server.key` live (created 0700 if missing)
 *
 * For development without a configured certificate: reuses the pair generated on an
 * earlier start, or generates an ECDSA P-256 pair valid for localhost, this host's name,
 * 127.0.0.1 and ::1, so a client can pin it once.
 */
gboolean
crm_tls_ensure_self_signed (const char  *directory,
                            char       **cert_path,
                            char       **key_path,
                            GError     **error)
{
  g_autofree char *cert = g_build_filename (directory, "server.crt", NULL);
  g_autofree char *key = g_build_filename (directory, "server.key", NULL);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot create %s: %s",
                   directory, g_strerror (saved));
      return FALSE;
    }
  if (!g_file_test (cert, G_FILE_TEST_EXISTS) || !g_file_test (key, G_FILE_TEST_EXISTS))
    {
      g_message ("Generating a self-signed TLS certificate in %s", directory);
      if (!generate (cert, key, error))
        return FALSE;
    }
  *cert_path = g_steal_pointer (&cert);
  *key_path = g_steal_pointer (&key);
  return TRUE;
}
