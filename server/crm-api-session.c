/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-session"

#include "config.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-call.h"
#include "crm-json.h"
#include "crm-password.h"
#include "crm-secret-box.h"
#include "crm-server.h"
#include "crm-session.h"
#include "crm-totp.h"

/*
 * /api/v1/session: signing in and out, and enrolling in TOTP two-factor sign-in.
 *
 * Failed sign-ins count per user name and per source address; from the threshold on
 * each failure locks the name (or address) for base × 2^(failures − threshold) seconds,
 * during which even the right password answers 429. An address gets four times the
 * user threshold, as an office behind one NAT address shares it.
 */

#define MFA_CONTEXT "users.mfa_secret"
#define N_RECOVERY_CODES 10
#define SOURCE_THRESHOLD_FACTOR 4

static const char lookup_sql[] =
  "SELECT user_id, password_hash, mfa_enabled, mfa_secret, mfa_pending_secret, mfa_last_step\n"
  "FROM rapport_login_lookup ($1)";

static JsonNode *
detail_new (const char *key,
            const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  if (key != NULL)
    json_object_set_string_member (object, key, value);
  json_node_take_object (node, object);
  return node;
}

/* A hash to verify against when the user does not exist, so timing does not tell. */
static const char *
get_dummy_hash (void)
{
  static char *dummy;

  if (g_once_init_enter (&dummy))
    {
      char *hash = crm_password_hash ("rapport-dummy-password-1", NULL);

      g_once_init_leave (&dummy, hash);
    }
  return dummy;
}

static gboolean
check_lockout (CrmCall     *call,
               const char  *username,
               int         *retry_after,
               GError     **error)
{
  static const char sql[] =
    "SELECT coalesce (max (ceil (extract (epoch FROM locked_until - now ()))), 0)::integer\n"
    "FROM login_throttle\n"
    "WHERE ((kind = 'user' AND key = $1) OR (kind = 'source' AND key = $2))\n"
    "  AND locked_until > now ()";
  const char *params[] = { username, crm_call_get_source (call) };
  g_autoptr(PGresult) result = crm_call_exec (call, sql, 2, params, error);

  if (result == NULL)
    return FALSE;
  *retry_after = atoi (PQgetvalue (result, 0, 0));
  return TRUE;
}

/* Counts a failure for the name and the address, locks them from the threshold on. */
static gboolean
record_failure (CrmCall     *call,
                gint64       user_id,
                const char  *username,
                GError     **error)
{
  static const char count_sql[] =
    "INSERT INTO login_throttle AS t (kind, key, failures, last_failure_at)\n"
    "SELECT k.kind, k.key, 1, now () FROM (VALUES ('user', $1), ('source', $2)) AS k (kind, key)\n"
    "ON CONFLICT (kind, key) DO UPDATE SET\n"
    "  failures = CASE WHEN t.last_failure_at < now () - make_interval (secs => $3::integer)\n"
    "                  THEN 1 ELSE t.failures + 1 END,\n"
    "  last_failure_at = now ()\n"
    "RETURNING kind, failures";
  static const char lock_sql[] =
    "UPDATE login_throttle SET locked_until = clock_timestamp () + make_interval (secs => $3::integer)\n"
    "WHERE kind = $1 AND key = $2";
  static const char alert_sql[] =
    "INSERT INTO alerts (kind, user_id, username, source, count, message)\n"
    "VALUES ('failed_sign_ins', $1::bigint, $2, $3, $4::integer,\n"
    "        format ('%s failed to sign in %s times in a row', $2::text, $4::integer))";
  const CrmAuthSettings *settings = crm_server_get_auth_settings (crm_call_get_server (call));
  g_autofree char *window = g_strdup_printf ("%d", MAX (900, 2 * settings->lockout_max_s));
  const char *count_params[] = { username, crm_call_get_source (call), window };
  g_autoptr(PGresult) result = NULL;

  result = crm_call_exec (call, count_sql, 3, count_params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      gboolean is_user = g_str_equal (PQgetvalue (result, row, 0), "user");
      int failures = atoi (PQgetvalue (result, row, 1));
      int threshold = settings->lockout_threshold * (is_user ? 1 : SOURCE_THRESHOLD_FACTOR);

      if (failures >= threshold)
        {
          gint64 delay = settings->lockout_base_s;
          g_autofree char *seconds = NULL;
          const char *params[3];
          g_autoptr(PGresult) locked = NULL;

          for (int i = threshold; i < failures && delay < settings->lockout_max_s; i++)
            delay *= 2;
          delay = MIN (delay, settings->lockout_max_s);
          seconds = g_strdup_printf ("%" G_GINT64_FORMAT, delay);
          params[0] = is_user ? "user" : "source";
          params[1] = is_user ? username : crm_call_get_source (call);
          params[2] = seconds;
          locked = crm_call_exec (call, lock_sql, 3, params, error);
          if (locked == NULL)
            return FALSE;
        }
      if (is_user && settings->alert_threshold > 0 && failures % settings->alert_threshold == 0)
        {
          g_autofree char *id = user_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, user_id) : NULL;
          g_autofree char *count = g_strdup_printf ("%d", failures);
          const char *params[] = { id, username, crm_call_get_source (call), count };
          g_autoptr(PGresult) alert = crm_call_exec (call, alert_sql, 4, params, error);

          if (alert == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
reply_failure (CrmCall     *call,
               gint64       user_id,
               const char  *username,
               const char  *reason,
               GError     **error)
{
  g_autoptr(JsonNode) detail = detail_new ("reason", reason);

  /* The row names the account tried, so filtering the audit by user finds it. */
  crm_call_set_identity (call, user_id, username);
  if (!crm_call_audit (call, "session.create", "users", user_id, "failed", detail, error))
    return FALSE;
  if (!record_failure (call, user_id, username, error))
    return FALSE;
  crm_call_reply_error (call, CRM_API_ERROR_UNAUTHENTICATED, N_("Wrong user name or password"));
  return TRUE;
}

static GBytes *
decrypt_mfa_secret (CrmCall     *call,
                    const char  *token,
                    GError     **error)
{
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  g_autofree char *base32 = NULL;

  if (box == NULL)
    {
      g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_NOT_FOUND,
                           "The server has no key file for MFA secrets");
      return NULL;
    }
  base32 = crm_secret_box_decrypt (box, token, MFA_CONTEXT, error);
  if (base32 == NULL)
    return NULL;
  return crm_base32_decode (base32, error);
}

/* A TOTP code, newer than the last one used (no replay within its 90 s window). */
static gboolean
check_totp (CrmCall     *call,
            const char  *secret_token,
            gint64       last_step,
            const char  *code,
            gint64      *step,
            GError     **error)
{
  g_autoptr(GBytes) secret = decrypt_mfa_secret (call, secret_token, error);
  gsize length = 0;
  const guint8 *key;

  if (secret == NULL)
    return FALSE;
  key = g_bytes_get_data (secret, &length);
  *step = 0;
  if (!crm_totp_verify (key, length, code, g_get_real_time () / G_USEC_PER_SEC, step))
    *step = 0;
  else if (*step <= last_step)
    *step = 0;
  return TRUE;
}

static gboolean
use_recovery_code (CrmCall     *call,
                   gint64       user_id,
                   const char  *code,
                   gboolean    *used,
                   GError     **error)
{
  static const char sql[] =
    "UPDATE mfa_recovery_codes SET used_at = now ()\n"
    "WHERE user_id = $1::bigint AND code_hash = $2::bytea AND used_at IS NULL\n"
    "RETURNING id";
  g_autofree char *normal = crm_session_normalize_recovery_code (code);
  g_autofree char *hash = crm_session_hash_token_hex (normal);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  const char *params[] = { id, hash };
  g_autoptr(PGresult) result = crm_call_exec (call, sql, 2, params, error);

  if (result == NULL)
    return FALSE;
  *used = PQntuples (result) == 1;
  return TRUE;
}

static JsonNode *
session_reply_new (CrmCall    *call,
                   const char *token,
                   const char *expires_at)
{
  const CrmPrincipal *principal = crm_call_get_principal (call);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  if (expires_at != NULL)
    {
      json_builder_set_member_name (builder, "expires_at");
      json_builder_add_string_value (builder, expires_at);
    }
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, crm_session_principal_to_json (principal));
  json_builder_set_member_name (builder, "permissions");
  json_builder_add_value (builder, crm_permissions_to_json (principal->permissions));
  json_builder_set_member_name (builder, "protected_fields");
  json_builder_add_value (builder, crm_principal_protected_fields_to_json (principal));
  json_builder_set_member_name (builder, "mfa_enrollment_required");
  json_builder_add_boolean_value (builder, principal->require_mfa && !principal->mfa_enabled);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
create_session (CrmCall  *call,
                GError  **error)
{
  static const char insert_sql[] =
    "INSERT INTO sessions (user_id, token_hash, source, user_agent, expires_at)\n"
    "VALUES ($1::bigint, $2::bytea, $3, $4, now () + make_interval (secs => $5::integer))\n"
    "RETURNING id, to_char (expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
  /* The request role may write, not read, the secrets: no column reads them back. */
  static const char signed_in_sql[] =
    "UPDATE users SET last_login_at = now () WHERE id = $1::bigint";
  static const char rehash_sql[] =
    "UPDATE users SET password_hash = $2 WHERE id = $1::bigint";
  static const char step_sql[] =
    "UPDATE users SET mfa_last_step = $2::bigint WHERE id = $1::bigint";
  static const char reset_sql[] = "DELETE FROM login_throttle WHERE kind = 'user' AND key = $1";
  const CrmAuthSettings *settings = crm_server_get_auth_settings (crm_call_get_server (call));
  JsonObject *body = crm_call_get_body (call);
  const char *password = crm_json_get_string (body, "password");
  const char *totp = crm_json_get_string (body, "totp");
  const char *recovery = crm_json_get_string (body, "recovery_code");
  g_autofree char *username = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *rehash = NULL;
  g_autofree char *id = NULL;
  g_autofree char *max_s = NULL;
  g_autofree char *step_text = NULL;
  g_autoptr(PGresult) user = NULL;
  g_autoptr(PGresult) session = NULL;
  g_autoptr(PGresult) done = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) detail = NULL;
  const char *hash = NULL;
  const char *user_agent;
  const char *method = "password";
  gboolean verified;
  gint64 user_id = 0;
  gint64 step = 0;
  int retry_after = 0;

  if (crm_json_get_string (body, "username") == NULL || password == NULL)
    {
      g_autoptr(JsonObject) fields = json_object_new ();

      if (crm_json_get_string (body, "username") == NULL)
        json_object_set_string_member (fields, "username", N_("Enter your user name"));
      if (password == NULL)
        json_object_set_string_member (fields, "password", N_("Enter your password"));
      crm_call_reply_invalid (call, N_("User name and password are required"), fields);
      return TRUE;
    }
  username = g_utf8_strdown (crm_json_get_string (body, "username"), -1);
  crm_call_set_identity (call, 0, username);

  if (!check_lockout (call, username, &retry_after, error))
    return FALSE;
  if (retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%d", retry_after);

      detail = detail_new ("reason", "locked");
      if (!crm_call_audit (call, "session.create", "users", 0, "failed", detail, error))
        return FALSE;
      crm_call_set_header (call, "Retry-After", seconds);
      crm_call_reply_error (call, CRM_API_ERROR_RATE_LIMITED,
                            N_("Too many failed sign-ins; try again later"));
      return TRUE;
    }

  {
    const char *params[] = { username };

    user = crm_call_exec (call, lookup_sql, 1, params, error);
    if (user == NULL)
      return FALSE;
  }
  if (PQntuples (user) == 1)
    {
      user_id = g_ascii_strtoll (PQgetvalue (user, 0, 0), NULL, 10);
      if (!PQgetisnull (user, 0, 1))
        hash = PQgetvalue (user, 0, 1);
    }
  verified = crm_password_verify (hash != NULL ? hash : get_dummy_hash (), password)
             && hash != NULL;
  if (!verified)
    return reply_failure (call, user_id, username, user_id > 0 ? "password" : "unknown_user",
                          error);

  crm_call_set_identity (call, user_id, username);
  if (!crm_call_become (call, user_id, error))
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      return reply_failure (call, user_id, username, "disabled", error);
    }

  if (g_str_equal (PQgetvalue (user, 0, 2), "t"))
    {
      gboolean ok = FALSE;

      if (totp == NULL && recovery == NULL)
        {
          detail = detail_new ("reason", "mfa_required");
          if (!crm_call_audit (call, "session.create", "users", user_id, "failed", detail, error))
            return FALSE;
          crm_call_reply_error (call, CRM_API_ERROR_MFA_REQUIRED,
                                N_("Enter the code from your authenticator app"));
          return TRUE;
        }
      if (totp != NULL)
        {
          gint64 last_step = g_ascii_strtoll (PQgetvalue (user, 0, 5), NULL, 10);

          method = "totp";
          if (!check_totp (call, PQgetvalue (user, 0, 3), last_step, totp, &step, error))
            return FALSE;
          ok = step > 0;
        }
      else
        {
          method = "recovery_code";
          if (!use_recovery_code (call, user_id, recovery, &ok, error))
            return FALSE;
        }
      if (!ok)
        return reply_failure (call, user_id, username, "mfa_code", error);
    }

  {
    const char *params[] = { username };
    g_autoptr(PGresult) reset = crm_call_exec (call, reset_sql, 1, params, error);

    if (reset == NULL)
      return FALSE;
  }

  token = crm_session_new_token ();
  token_hash = crm_session_hash_token_hex (token);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  max_s = g_strdup_printf ("%d", settings->session_max_s);
  user_agent = crm_call_get_header (call, "User-Agent");
  {
    const char *params[] = { id, token_hash, crm_call_get_source (call),
                             user_agent != NULL ? user_agent : "", max_s };

    session = crm_call_exec (call, insert_sql, 5, params, error);
    if (session == NULL)
      return FALSE;
  }
  if (crm_password_needs_rehash (hash))
    rehash = crm_password_hash (password, NULL);
  step_text = g_strdup_printf ("%" G_GINT64_FORMAT, step);
  {
    const char *params[] = { id, rehash };
    const char *step_params[] = { id, step_text };

    done = crm_call_exec (call, signed_in_sql, 1, params, error);
    if (done == NULL)
      return FALSE;
    g_clear_pointer (&done, PQclear);
    if (rehash != NULL && (done = crm_call_exec (call, rehash_sql, 2, params, error)) == NULL)
      return FALSE;
    g_clear_pointer (&done, PQclear);
    if (step > 0 && (done = crm_call_exec (call, step_sql, 2, step_params, error)) == NULL)
      return FALSE;
  }

  detail = detail_new ("method", method);
  json_object_set_int_member (json_node_get_object (detail), "session_id",
                              g_ascii_strtoll (PQgetvalue (session, 0, 0), NULL, 10));
  if (!crm_call_audit (call, "session.create", "users", user_id, "ok", detail, error))
    return FALSE;

  reply = session_reply_new (call, token, PQgetvalue (session, 0, 1));
  crm_call_reply (call, 201, reply);
  return TRUE;
}

/* POST /api/v1/session */
void
crm_api_session_create (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_PUBLIC, create_session);
}

static gboolean
read_session (CrmCall  *call,
              GError  **error)
{
  g_autoptr(JsonNode) reply = session_reply_new (call, NULL, NULL);

  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* GET /api/v1/session: who the token belongs to, and what they may do. */
void
crm_api_session_get (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_DURING_ENROLLMENT, read_session);
}

static gboolean
delete_session (CrmCall  *call,
                GError  **error)
{
  static const char sql[] = "UPDATE sessions SET revoked_at = now () WHERE id = $1::bigint";
  const CrmPrincipal *principal = crm_call_get_principal (call);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, principal->session_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = crm_call_exec (call, sql, 1, params, error);

  if (result == NULL)
    return FALSE;
  if (!crm_call_audit (call, "session.delete", "users", principal->user_id, "ok", NULL, error))
    return FALSE;
  crm_call_reply (call, 204, NULL);
  return TRUE;
}

/* DELETE /api/v1/session: signs out; the token is dead from now on. */
void
crm_api_session_delete (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_DURING_ENROLLMENT, delete_session);
}

static gboolean
start_enrollment (CrmCall  *call,
                  GError  **error)
{
  static const char sql[] =
    "UPDATE users SET mfa_pending_secret = $2 WHERE id = $1::bigint";
  const CrmPrincipal *principal = crm_call_get_principal (call);
  CrmSecretBox *box = crm_server_get_secret_box (crm_call_get_server (call));
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *base32 = NULL;
  g_autofree char *sealed = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *id = NULL;
  gsize length = 0;
  const guint8 *data;

  if (principal->mfa_enabled)
    {
      crm_call_reply_error (call, CRM_API_ERROR_CONFLICT,
                            N_("Two-factor sign-in is already set up; an admin can reset it"));
      return TRUE;
    }
  if (box == NULL)
    {
      g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_NOT_FOUND,
                           "The server has no key file for MFA secrets");
      return FALSE;
    }
  secret = crm_totp_generate_secret ();
  data = g_bytes_get_data (secret, &length);
  base32 = crm_base32_encode (data, length);
  sealed = crm_secret_box_encrypt (box, base32, MFA_CONTEXT, error);
  if (sealed == NULL)
    return FALSE;
  id = g_strdup_printf ("%" G_GINT64_FORMAT, principal->user_id);
  {
    const char *params[] = { id, sealed };

    result = crm_call_exec (call, sql, 2, params, error);
    if (result == NULL)
      return FALSE;
  }
  if (!crm_call_audit (call, "mfa.enroll", "users", principal->user_id, "ok", NULL, error))
    return FALSE;

  uri = crm_totp_dup_uri (secret, "Rapport", principal->username);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, base32);
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, uri);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);
  sodium_memzero (base32, strlen (base32));
  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* POST /api/v1/session/mfa: a new TOTP secret, as text and as an otpauth:// URI. */
void
crm_api_session_mfa_start (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_DURING_ENROLLMENT, start_enrollment);
}

static gboolean
confirm_enrollment (CrmCall  *call,
                    GError  **error)
{
  static const char enable_sql[] =
    "UPDATE users SET mfa_secret = $3, mfa_pending_secret = NULL,\n"
    "  mfa_enabled = true, mfa_last_step = $2::bigint\n"
    "WHERE id = $1::bigint";
  static const char clear_sql[] = "DELETE FROM mfa_recovery_codes WHERE user_id = $1::bigint";
  static const char code_sql[] =
    "INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1::bigint, $2::bytea)";
  const CrmPrincipal *principal = crm_call_get_principal (call);
  const char *code = crm_json_get_string (crm_call_get_body (call), "code");
  g_autoptr(PGresult) user = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, principal->user_id);
  g_autofree char *step_text = NULL;
  gint64 step = 0;

  if (code == NULL)
    {
      g_autoptr(JsonObject) fields = json_object_new ();

      json_object_set_string_member (fields, "code",
                                     N_("Enter the code from your authenticator app"));
      crm_call_reply_invalid (call, N_("A code is required"), fields);
      return TRUE;
    }
  {
    const char *params[] = { principal->username };

    user = crm_call_exec (call, lookup_sql, 1, params, error);
    if (user == NULL)
      return FALSE;
  }
  if (PQntuples (user) != 1 || PQgetisnull (user, 0, 4))
    {
      crm_call_reply_error (call, CRM_API_ERROR_CONFLICT,
                            N_("Start the enrollment first (POST /api/v1/session/mfa)"));
      return TRUE;
    }
  if (!check_totp (call, PQgetvalue (user, 0, 4), 0, code, &step, error))
    return FALSE;
  if (step == 0)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autoptr(JsonNode) detail = detail_new ("reason", "wrong_code");

      if (!crm_call_audit (call, "mfa.enable", "users", principal->user_id, "failed", detail,
                           error))
        return FALSE;
      json_object_set_string_member (fields, "code", N_("The code is not correct; check the time"));
      crm_call_reply_invalid (call, N_("The code is not correct"), fields);
      return TRUE;
    }

  step_text = g_strdup_printf ("%" G_GINT64_FORMAT, step);
  {
    const char *params[] = { id, step_text, PQgetvalue (user, 0, 4) };
    g_autoptr(PGresult) enabled = crm_call_exec (call, enable_sql, 3, params, error);
    g_autoptr(PGresult) cleared = NULL;

    if (enabled == NULL)
      return FALSE;
    cleared = crm_call_exec (call, clear_sql, 1, params, error);
    if (cleared == NULL)
      return FALSE;
  }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "recovery_codes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < N_RECOVERY_CODES; i++)
    {
      g_autofree char *recovery = crm_session_new_recovery_code ();
      g_autofree char *normal = crm_session_normalize_recovery_code (recovery);
      g_autofree char *hash = crm_session_hash_token_hex (normal);
      const char *params[] = { id, hash };
      g_autoptr(PGresult) inserted = crm_call_exec (call, code_sql, 2, params, error);

      if (inserted == NULL)
        return FALSE;
      json_builder_add_string_value (builder, recovery);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);

  if (!crm_call_audit (call, "mfa.enable", "users", principal->user_id, "ok", NULL, error))
    return FALSE;
  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* POST /api/v1/session/mfa/confirm {"code"}: turns MFA on; answers the recovery codes once. */
void
crm_api_session_mfa_confirm (CrmRequest *request)
{
  crm_call_run (request, CRM_CALL_DURING_ENROLLMENT, confirm_enrollment);
}
