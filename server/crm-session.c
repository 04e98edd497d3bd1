/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-session"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "crm-session.h"
#include "crm-sodium.h"

#define TOKEN_BYTES 32
#define RECOVERY_CODE_CHARS 10

/* Crockford-like alphabet without look-alikes (no 0/O, 1/I/L). */
static const char recovery_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** crm_session_new_token: a fresh bearer token, base64url of 32 random bytes. */
char *
crm_session_new_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  char encoded[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  crm_sodium_init ();
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (encoded, sizeof encoded, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (encoded);
}

/**
 * crm_session_hash_token_hex:
 *
 * SHA-256 of @token as a bytea literal (`\x…`), the only form a token is stored in;
 * also used for recovery codes.
 */
char *
crm_session_hash_token_hex (const char *token)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) (token ? token : ""), -1);
  return g_strdup_printf ("\\x%s", g_checksum_get_string (checksum));
}

/** crm_session_new_recovery_code: "XXXXX-XXXXX", about 50 bits. */
char *
crm_session_new_recovery_code (void)
{
  GString *code = g_string_new (NULL);

  crm_sodium_init ();
  for (guint i = 0; i < RECOVERY_CODE_CHARS; i++)
    {
      if (i == RECOVERY_CODE_CHARS / 2)
        g_string_append_c (code, '-');
      g_string_append_c (code, recovery_alphabet[randombytes_uniform (
                                 sizeof recovery_alphabet - 1)]);
    }
  return g_string_free (code, FALSE);
}

/** crm_session_normalize_recovery_code: upper case, without dashes or spaces. */
char *
crm_session_normalize_recovery_code (const char *code)
{
  GString *normal = g_string_new (NULL);

  for (const char *p = code; p != NULL && *p; p++)
    if (*p != '-' && *p != ' ')
      g_string_append_c (normal, g_ascii_toupper (*p));
  return g_string_free (normal, FALSE);
}

/** crm_session_principal_to_json: the "user" member of a session. */
JsonNode *
crm_session_principal_to_json (const CrmPrincipal *principal)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, principal->user_id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, principal->username);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, principal->display_name);
  json_builder_set_member_name (builder, "team_id");
  if (principal->team_id > 0)
    json_builder_add_int_value (builder, principal->team_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, principal->role_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, principal->role_name);
  /* The built-in role's key, so clients can show its name in their language. */
  json_builder_set_member_name (builder, "builtin");
  if (principal->role_builtin != NULL)
    json_builder_add_string_value (builder, principal->role_builtin);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "require_mfa");
  json_builder_add_boolean_value (builder, principal->require_mfa);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "mfa_enabled");
  json_builder_add_boolean_value (builder, principal->mfa_enabled);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
