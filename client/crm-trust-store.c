/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-trust-store"

#include "config.h"

#include <string.h>

#include "crm-certificate.h"
#include "crm-server-address.h"
#include "crm-trust-store.h"

/*
 * The certificates the user chose to trust, as ssh keeps known_hosts: the
 * `pinned-certificates` settings key maps a server URL to the PEM of the one
 * certificate that server may present. Not a GObject: a few functions over the
 * application's GSettings, shared by the application (which applies the pin of
 * the configured server) and the window (which asks the user and pins).
 */

#define PINS_KEY "pinned-certificates"

/* Bytes of the fingerprint shown on one line (8 bytes: 23 characters). */
#define FINGERPRINT_GROUP 8

/* The URL a pin is kept under: normalized, so that "https://h:8443/" and
 * "https://H:8443" share one pin. */
static char *
pin_key (const char *url)
{
  g_autofree char *key = NULL;

  if (g_str_has_prefix (url, "https://"))
    key = crm_server_address_normalize (url, NULL);
  if (key == NULL)
    {
      key = g_strstrip (g_strdup (url));
      while (g_str_has_suffix (key, "/"))
        key[strlen (key) - 1] = '\0';
    }
  return g_steal_pointer (&key);
}

/**
 * crm_trust_store_dup_pin:
 * @settings: the application's settings
 * @url: (nullable): a server's address
 *
 * Returns: (transfer full) (nullable): the certificate pinned for @url, or
 *   %NULL when there is none (or the stored one cannot be read)
 */
GTlsCertificate *
crm_trust_store_dup_pin (GSettings  *settings,
                         const char *url)
{
  g_autoptr(GVariant) pins = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  const char *pem = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  if (url == NULL || *url == '\0')
    return NULL;

  key = pin_key (url);
  pins = g_settings_get_value (settings, PINS_KEY);
  if (!g_variant_lookup (pins, key, "&s", &pem))
    return NULL;

  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  if (certificate == NULL)
    g_warning ("Ignoring the certificate pinned for %s: %s", key, error->message);
  return g_steal_pointer (&certificate);
}

/**
 * crm_trust_store_set_pin:
 * @settings: the application's settings
 * @url: a server's address
 * @certificate: (nullable): the certificate @url must present, or %NULL to
 *   forget the one pinned for it
 *
 * Pins @certificate for @url, replacing any earlier pin.
 */
void
crm_trust_store_set_pin (GSettings       *settings,
                         const char      *url,
                         GTlsCertificate *certificate)
{
  g_autoptr(GVariant) pins = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  g_autofree char *key = NULL;
  g_autofree char *pem = NULL;
  GVariantIter iter;
  const char *other_url;
  const char *other_pem;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (url != NULL && *url != '\0');
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (certificate != NULL)
    {
      g_object_get (certificate, "certificate-pem", &pem, NULL);
      g_return_if_fail (pem != NULL);
    }

  key = pin_key (url);
  pins = g_settings_get_value (settings, PINS_KEY);
  g_variant_iter_init (&iter, pins);
  while (g_variant_iter_next (&iter, "{&s&s}", &other_url, &other_pem))
    if (g_strcmp0 (other_url, key) != 0)
      g_variant_builder_add (&builder, "{ss}", other_url, other_pem);
  if (pem != NULL)
    g_variant_builder_add (&builder, "{ss}", key, pem);

  g_settings_set_value (settings, PINS_KEY, g_variant_builder_end (&builder));
}

/**
 * crm_trust_store_format_fingerprint:
 * @certificate: a certificate
 *
 * The certificate's SHA-256 fingerprint (crm_certificate_dup_fingerprint())
 * for people to compare: groups of eight bytes separated by spaces, where a
 * label may wrap.
 *
 * Returns: (transfer full): the fingerprint to show
 */
char *
crm_trust_store_format_fingerprint (GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = NULL;
  g_auto(GStrv) bytes = NULL;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  fingerprint = crm_certificate_dup_fingerprint (certificate);
  if (fingerprint == NULL)
    return g_strdup ("");

  bytes = g_strsplit (fingerprint, ":", -1);
  out = g_string_new (NULL);
  for (guint i = 0; bytes[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, i % FINGERPRINT_GROUP == 0 ? ' ' : ':');
      g_string_append (out, bytes[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
