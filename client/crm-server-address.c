/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-server-address"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "crm-server-address.h"

/* Whether @host is an IP address or a name of letters, digits, dots and hyphens
 * (GUri has already turned an international name into its ASCII form). */
static gboolean
is_valid_host (const char *host)
{
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  if (*host == '.' || *host == '-' || strstr (host, "..") != NULL)
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
      return FALSE;
  return TRUE;
}

/**
 * crm_server_address_normalize:
 * @text: what the user typed: `host`, `host:port` or an `https://` URL
 * @error: return location for a #GError
 *
 * Turns a server address as people write it into the URL the client
 * connects to and keeps pins under: `https://host:port`, lower-case host,
 * port %CRM_SERVER_ADDRESS_DEFAULT_PORT unless one is given, plus the
 * path of a server behind a reverse proxy (without a trailing slash).
 * A bare IPv6 address may be written without brackets.
 *
 * Fails with %G_IO_ERROR_INVALID_ARGUMENT and a message for the user.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL with @error set
 */
char *
crm_server_address_normalize (const char  *text,
                              GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *scheme_end;
  int port;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the server’s address."));
      return NULL;
    }

  scheme_end = strstr (trimmed, "://");
  if (scheme_end != NULL)
    {
      g_autofree char *scheme = g_ascii_strdown (trimmed, scheme_end - trimmed);

      if (g_strcmp0 (scheme, "https") != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Rapport connects only securely: use an address that "
                                 "starts with https://, or leave the prefix out."));
          return NULL;
        }
      url = g_strconcat ("https", scheme_end, NULL);
    }
  else if (strchr (trimmed, ':') != strrchr (trimmed, ':') && *trimmed != '[')
    url = g_strconcat ("https://[", trimmed, "]", NULL);    /* a bare IPv6 address */
  else
    url = g_strconcat ("https://", trimmed, NULL);

  /* The path stays percent-encoded, as it is sent. */
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_PATH, &parse_error);
  port = uri != NULL ? g_uri_get_port (uri) : -1;
  if (g_error_matches (parse_error, G_URI_ERROR, G_URI_ERROR_BAD_PORT) || port == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The port must be a number from 1 to 65535."));
      return NULL;
    }
  if (uri == NULL || !is_valid_host (g_uri_get_host (uri))
      || g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("This is not a server address. Write it like "
                             "crm.example.com or crm.example.com:8443."));
      return NULL;
    }

  if (port < 0)
    port = CRM_SERVER_ADDRESS_DEFAULT_PORT;

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  path = g_strdup (g_uri_get_path (uri));
  while (g_str_has_suffix (path, "/"))
    path[strlen (path) - 1] = '\0';

  return g_uri_join (G_URI_FLAGS_ENCODED_PATH, "https", NULL, host, port, path, NULL, NULL);
}
