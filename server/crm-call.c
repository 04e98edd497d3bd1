/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-call.h"
#include "crm-catalog.h"
#include "crm-db-pool.h"
#include "crm-idempotency.h"
#include "crm-json.h"
#include "crm-server.h"
#include "crm-session.h"

struct _CrmCall
{
  /* Main thread only. */
  CrmRequest    *request;

  /* Read-only copies for the worker. */
  CrmServer     *server;
  CrmCallFlags   flags;
  CrmCallFunc    func;
  CrmCallThenFunc then;
  gconstpointer  data;
  char          *request_id;
  const char    *language;      /* crm_request_get_language () */
  char          *source;
  char          *bearer;
  GHashTable    *params;
  GHashTable    *query;
  GHashTable    *headers;
  JsonNode      *body;
  char          *idempotency_key;   /* a write's Idempotency-Key, or NULL */
  char          *request_hash;      /* crm_idempotency_hash_request (), with the key */

  /* During the transaction. */
  PGconn        *conn;
  CrmPrincipal   principal;
  gboolean       authenticated;
  CrmRoleRules  *applied_rules;     /* whose scopes apply_settings () set, or NULL */
  char          *audit_username;
  gint64         audit_user_id;

  /* The reply, handed back to the main thread: a tree, which the worker turns into
   * @reply_body once the transaction committed (unless @then wants the tree), or text. */
  guint          status;
  JsonNode      *reply;
  GBytes        *reply_body;
  GPtrArray     *reply_headers;
};

/* The headers a call may read; the rest never leave the main thread. */
static const char * const copied_headers[] = {
  "If-Match", "User-Agent",
};

static void role_rules_unref (CrmRoleRules *rules);

static void
principal_clear (CrmPrincipal *principal)
{
  g_clear_pointer (&principal->username, g_free);
  g_clear_pointer (&principal->display_name, g_free);
  g_clear_pointer (&principal->role_name, g_free);
  g_clear_pointer (&principal->role_builtin, g_free);
  g_clear_pointer (&principal->team_members, g_free);
  g_clear_pointer (&principal->rules, role_rules_unref);
  memset (principal, 0, sizeof *principal);
}

static void
reset_reply (CrmCall *self)
{
  self->status = 0;
  g_clear_pointer (&self->reply, json_node_unref);
  g_clear_pointer (&self->reply_body, g_bytes_unref);
  g_ptr_array_set_size (self->reply_headers, 0);
}

static void
call_free (CrmCall *self)
{
  g_clear_pointer (&self->request, crm_request_unref);
  g_clear_object (&self->server);
  g_free (self->request_id);
  g_free (self->source);
  if (self->bearer != NULL)
    {
      memset (self->bearer, 0, strlen (self->bearer));
      g_free (self->bearer);
    }
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_pointer (&self->headers, g_hash_table_unref);
  g_clear_pointer (&self->body, json_node_unref);
  g_free (self->idempotency_key);
  g_free (self->request_hash);
  principal_clear (&self->principal);
  g_clear_pointer (&self->applied_rules, role_rules_unref);
  g_free (self->audit_username);
  reset_reply (self);
  g_ptr_array_unref (self->reply_headers);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmCall, call_free)

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  char *end = NULL;
  gint64 value;

  if (text == NULL || *text == '\0' || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  value = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || *end != '\0' || value <= 0)
    return FALSE;
  *id = value;
  return TRUE;
}

/* The comma-separated id list of rapport.team_members. */
static gboolean
id_in_list (const char *list,
            gint64      id)
{
  g_auto(GStrv) ids = NULL;

  if (list == NULL || *list == '\0')
    return FALSE;
  ids = g_strsplit (list, ",", -1);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      gint64 member;

      if (parse_id (ids[i], &member) && member == id)
        return TRUE;
    }
  return FALSE;
}

/**
 * crm_permissions_from_lists:
 * @scopes: "object.action=scope,…"
 * @fields: "object.field=access,…"
 *
 * A role's permissions in the compact form the SQL functions and queries aggregate
 * role_permissions and role_field_access into; unknown names are skipped.
 */
CrmPermissions *
crm_permissions_from_lists (const char *scopes,
                            const char *fields)
{
  CrmPermissions *permissions = crm_permissions_new ();
  g_auto(GStrv) scope_items = g_strsplit (scopes, ",", -1);
  g_auto(GStrv) field_items = g_strsplit (fields, ",", -1);

  for (guint i = 0; scope_items[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (scope_items[i], "=", 2);
      g_auto(GStrv) oa = NULL;
      CrmObject object;
      CrmAction action;
      CrmScope scope;

      if (kv[0] == NULL || kv[1] == NULL)
        continue;
      oa = g_strsplit (kv[0], ".", 2);
      if (oa[0] != NULL && oa[1] != NULL && crm_object_from_string (oa[0], &object)
          && crm_action_from_string (oa[1], &action) && crm_scope_from_string (kv[1], &scope))
        crm_permissions_set_scope (permissions, object, action, scope);
    }
  for (guint i = 0; field_items[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (field_items[i], "=", 2);
      g_auto(GStrv) of = NULL;
      CrmObject object;
      CrmFieldAccess access;

      if (kv[0] == NULL || kv[1] == NULL)
        continue;
      of = g_strsplit (kv[0], ".", 2);
      if (of[0] != NULL && of[1] != NULL && crm_object_from_string (of[0], &object)
          && crm_field_access_from_string (kv[1], &access))
        crm_permissions_set_field_access (permissions, object, of[1], access);
    }
  return permissions;
}

/*
 * What a role's permissions and the field policies come to, made once and shared by the
 * calls of that role (profiles of list and read requests showed every call splitting and
 * parsing them again). Never changed once made. The key is the role and the rules' stamp
 * (sql/0015-session-rules-stamp.sql), which every change to a role's permissions, field
 * access or the field policies replaces in its own transaction; each call reads it with
 * its caller, so a changed role or policy makes new rules on the very next request.
 */
struct _CrmRoleRules
{
  gatomicrefcount  ref_count;
  char            *key;
  CrmPermissions  *permissions;
  /* Per object: field → CrmFieldFlags. */
  GHashTable      *field_flags[CRM_N_OBJECTS];
  CrmReadNeeds     read_needs[CRM_N_OBJECTS];
  /* The role's scopes as apply_settings () sends them: ",rapport.scope.O.A…" and
   * ",SCOPE…", for the scopes other than none. */
  char            *scope_names;
  char            *scope_values;
};

/* Different roles and policy sets in use at once; past it the cache starts again. */
#define ROLE_RULES_CACHE_MAX 64

static GMutex role_rules_lock;
static GHashTable *role_rules_cache;

static CrmRoleRules *
role_rules_ref (CrmRoleRules *rules)
{
  g_atomic_ref_count_inc (&rules->ref_count);
  return rules;
}

static void
role_rules_unref (CrmRoleRules *rules)
{
  if (!g_atomic_ref_count_dec (&rules->ref_count))
    return;
  g_free (rules->key);
  crm_permissions_free (rules->permissions);
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    g_clear_pointer (&rules->field_flags[o], g_hash_table_unref);
  g_free (rules->scope_names);
  g_free (rules->scope_values);
  g_free (rules);
}

static CrmFieldFlags
role_rules_get_field_flags (const CrmRoleRules *rules,
                            CrmObject           object,
                            const char         *field)
{
  if (rules->field_flags[object] == NULL)
    return 0;
  return GPOINTER_TO_INT (g_hash_table_lookup (rules->field_flags[object], field));
}

static CrmFieldAccess
role_rules_get_field_access (const CrmRoleRules *rules,
                             CrmObject           object,
                             const char         *field)
{
  gboolean is_protected
    = (role_rules_get_field_flags (rules, object, field) & CRM_FIELD_PROTECTED) != 0;

  return crm_permissions_get_effective_field_access (rules->permissions, object, field,
                                                     is_protected);
}

/* Whether a custom value named in @table (field → anything) is hidden from the role. */
static gboolean
hides_custom_in (const CrmRoleRules *rules,
                 CrmObject           object,
                 GHashTable         *table)
{
  GHashTableIter iter;
  gpointer field;

  if (table == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &field, NULL))
    if (g_str_has_prefix (field, "custom_")
        && role_rules_get_field_access (rules, object, field) == CRM_FIELD_ACCESS_NONE)
      return TRUE;
  return FALSE;
}

/* @policies: "object.field=p|s|ps,…" as written by rapport_principal (). */
static CrmRoleRules *
role_rules_new (char       *key,
                const char *scopes,
                const char *fields,
                const char *policies)
{
  CrmRoleRules *rules = g_new0 (CrmRoleRules, 1);
  g_auto(GStrv) policy_items = g_strsplit (policies, ",", -1);

  g_atomic_ref_count_init (&rules->ref_count);
  rules->key = key;
  rules->permissions = crm_permissions_from_lists (scopes, fields);
  for (guint i = 0; policy_items[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (policy_items[i], "=", 2);
      const char *dot;
      g_autofree char *object_name = NULL;
      CrmFieldFlags flags = 0;
      CrmObject object;

      if (kv[0] == NULL || kv[1] == NULL || (dot = strchr (kv[0], '.')) == NULL)
        continue;
      object_name = g_strndup (kv[0], dot - kv[0]);
      if (!crm_object_from_string (object_name, &object))
        continue;
      if (strchr (kv[1], 'p') != NULL)
        flags |= CRM_FIELD_PROTECTED;
      if (strchr (kv[1], 's') != NULL)
        {
          flags |= CRM_FIELD_SENSITIVE;
          rules->read_needs[object] |= CRM_READ_SENSITIVE;
        }
      if (rules->field_flags[object] == NULL)
        rules->field_flags[object] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            NULL);
      g_hash_table_replace (rules->field_flags[object], g_strdup (dot + 1),
                            GINT_TO_POINTER (flags));
    }
  for (guint o = 0; o < CRM_N_OBJECTS; o++)
    if (hides_custom_in (rules, o, rules->field_flags[o])
        || hides_custom_in (rules, o, crm_permissions_get_field_table (rules->permissions, o)))
      rules->read_needs[o] |= CRM_READ_HIDDEN_CUSTOM;

  /* Object and action names are [a-z_]: no quoting in the arrays. */
  {
    GString *names = g_string_new (NULL);
    GString *values = g_string_new (NULL);

    for (guint o = 0; o < CRM_N_OBJECTS; o++)
      for (guint a = 0; a < CRM_N_ACTIONS; a++)
        {
          CrmScope scope = crm_permissions_get_scope (rules->permissions, o, a);

          if (scope == CRM_SCOPE_NONE)
            continue;
          g_string_append_printf (names, ",rapport.scope.%s.%s", crm_object_to_string (o),
                                  crm_action_to_string (a));
          g_string_append_c (values, ',');
          g_string_append (values, crm_scope_to_string (scope));
        }
    rules->scope_names = g_string_free (names, FALSE);
    rules->scope_values = g_string_free (values, FALSE);
  }
  return rules;
}

/* The cached rules under @key, with a reference, or NULL. */
static CrmRoleRules *
role_rules_lookup (const char *key)
{
  CrmRoleRules *rules;

  g_mutex_lock (&role_rules_lock);
  if (role_rules_cache == NULL)
    role_rules_cache = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) role_rules_unref);
  rules = g_hash_table_lookup (role_rules_cache, key);
  if (rules != NULL)
    role_rules_ref (rules);
  g_mutex_unlock (&role_rules_lock);
  return rules;
}

/*
 * The rules of @role_id as of @stamp: from the cache, or read from the database
 * (rapport_role_rules (): the texts with the stamp they are current for, in one snapshot),
 * made and cached now.
 */
static CrmRoleRules *
role_rules_get (PGconn      *conn,
                const char  *role_id,
                const char  *stamp,
                GError     **error)
{
  static const char sql[] =
    "SELECT stamp, scopes, fields, policies FROM rapport_role_rules ($1::bigint)";
  g_autofree char *key = g_strconcat (role_id, "/", stamp, NULL);
  const char *params[] = { role_id };
  g_autoptr(PGresult) result = NULL;
  CrmRoleRules *rules;
  CrmRoleRules *made;

  rules = role_rules_lookup (key);
  if (rules != NULL)
    return rules;

  result = crm_db_exec (conn, sql, 1, params, error);
  if (result == NULL)
    return NULL;
  /* The stamp may have changed since the caller's was read: these texts are the newer. */
  g_free (key);
  key = g_strconcat (role_id, "/", PQgetvalue (result, 0, 0), NULL);
  made = role_rules_new (g_steal_pointer (&key), PQgetvalue (result, 0, 1),
                         PQgetvalue (result, 0, 2), PQgetvalue (result, 0, 3));
  g_mutex_lock (&role_rules_lock);
  rules = g_hash_table_lookup (role_rules_cache, made->key);
  if (rules == NULL)
    {
      /* Roles rarely change; many distinct keys mean edits, whose old rules nobody
       * asks for again (calls holding them keep their reference). */
      if (g_hash_table_size (role_rules_cache) >= ROLE_RULES_CACHE_MAX)
        g_hash_table_remove_all (role_rules_cache);
      rules = made;
      g_hash_table_insert (role_rules_cache, rules->key, role_rules_ref (rules));
    }
  else
    {
      role_rules_ref (rules);
      role_rules_unref (made);
    }
  g_mutex_unlock (&role_rules_lock);
  return rules;
}

static void
append_array_item (GString    *array,
                   const char *item)
{
  if (array->len > 1)
    g_string_append_c (array, ',');
  g_string_append_c (array, '"');
  for (const char *p = item; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *p);
    }
  g_string_append_c (array, '"');
}

/*
 * What the row-level security policies read, for this transaction only: the caller,
 * their team, and their scopes (rapport_scope () reads a scope not set as none). Only
 * the scopes other than none are sent, as the role's rules made them once: a sales
 * rep's 28 instead of all 119 (each one a set_config () PostgreSQL runs and undoes at
 * the end of the transaction). Scopes set earlier in the same transaction for other
 * rules are set to none first.
 */
static gboolean
apply_settings (CrmCall  *self,
                GError  **error)
{
  static const char sql[] =
    "SELECT count(set_config (n, v, true)) FROM unnest ($1::text[], $2::text[]) AS s (n, v)";
  g_autoptr(GString) names = g_string_new ("{rapport.user_id,rapport.team_id,rapport.team_members");
  g_autoptr(GString) values = g_string_new ("{");
  CrmRoleRules *rules = self->authenticated ? self->principal.rules : NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *team_id = NULL;
  const char *params[2];

  user_id = self->authenticated ? g_strdup_printf ("%" G_GINT64_FORMAT, self->principal.user_id)
                                : g_strdup ("");
  team_id = self->principal.team_id > 0
              ? g_strdup_printf ("%" G_GINT64_FORMAT, self->principal.team_id) : g_strdup ("");
  append_array_item (values, user_id);
  append_array_item (values, team_id);
  append_array_item (values, self->authenticated ? self->principal.team_members : "");
  if (self->applied_rules != NULL && self->applied_rules != rules)
    {
      g_string_append (names, self->applied_rules->scope_names);
      for (const char *p = self->applied_rules->scope_names; *p; p++)
        if (*p == ',')
          g_string_append (values, ",none");
    }
  if (rules != NULL)
    {
      g_string_append (names, rules->scope_names);
      g_string_append (values, rules->scope_values);
    }
  g_string_append_c (names, '}');
  g_string_append_c (values, '}');
  g_clear_pointer (&self->applied_rules, role_rules_unref);
  if (rules != NULL)
    self->applied_rules = role_rules_ref (rules);
  params[0] = names->str;
  params[1] = values->str;
  /* Sent with the call's next statement (crm_db_defer), which they then apply to. */
  return crm_db_defer (self->conn, sql, 2, params, error);
}

/* The principal from a rapport_caller () row, starting at column @first. */
static gboolean
load_principal (CrmCall   *self,
                PGresult  *result,
                int        first,
                GError   **error)
{
  CrmPrincipal *p = &self->principal;

  principal_clear (p);
  p->user_id = g_ascii_strtoll (PQgetvalue (result, 0, first + 0), NULL, 10);
  p->username = g_strdup (PQgetvalue (result, 0, first + 1));
  p->display_name = g_strdup (PQgetvalue (result, 0, first + 2));
  p->team_id = PQgetisnull (result, 0, first + 3)
                 ? 0 : g_ascii_strtoll (PQgetvalue (result, 0, first + 3), NULL, 10);
  p->role_id = g_ascii_strtoll (PQgetvalue (result, 0, first + 4), NULL, 10);
  p->role_name = g_strdup (PQgetvalue (result, 0, first + 5));
  p->mfa_enabled = g_str_equal (PQgetvalue (result, 0, first + 6), "t");
  p->require_mfa = g_str_equal (PQgetvalue (result, 0, first + 7), "t");
  p->team_members = g_strdup (PQgetvalue (result, 0, first + 8));
  p->role_builtin = PQgetisnull (result, 0, first + 9)
                      ? NULL : g_strdup (PQgetvalue (result, 0, first + 9));
  p->rules = role_rules_get (self->conn, PQgetvalue (result, 0, first + 4),
                             PQgetvalue (result, 0, first + 10), error);
  if (p->rules == NULL)
    return FALSE;
  p->permissions = p->rules->permissions;
  self->authenticated = TRUE;
  g_free (self->audit_username);
  self->audit_username = g_strdup (p->username);
  self->audit_user_id = p->user_id;
  return apply_settings (self, error);
}

/**
 * crm_call_become:
 *
 * From now on in this transaction the call acts as @user_id (signing in, once the
 * password is checked): the principal is loaded and the security settings applied.
 * Returns %FALSE without an error when the user does not exist or is disabled.
 */
gboolean
crm_call_become (CrmCall  *self,
                 gint64    user_id,
                 GError  **error)
{
  static const char sql[] =
    "SELECT user_id, username, display_name, team_id, role_id, role_name, mfa_enabled,\n"
    "       require_mfa, team_members, role_builtin, rules_stamp\n"
    "FROM rapport_caller ($1::bigint)";
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = crm_db_exec (self->conn, sql, 1, params, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    return FALSE;
  return load_principal (self, result, 0, error);
}

static gboolean
authenticate (CrmCall  *self,
              gboolean *found,
              GError  **error)
{
  static const char sql[] =
    "SELECT session_id, user_id, username, display_name, team_id, role_id, role_name,\n"
    "       mfa_enabled, require_mfa, team_members, role_builtin, rules_stamp\n"
    "FROM rapport_session_caller ($1::bytea, $2::integer)";
  const CrmAuthSettings *settings = crm_server_get_auth_settings (self->server);
  g_autofree char *hash = crm_session_hash_token_hex (self->bearer);
  g_autofree char *idle = g_strdup_printf ("%d", settings->session_idle_s);
  const char *params[] = { hash, idle };
  g_autoptr(PGresult) result = NULL;

  *found = FALSE;
  result = crm_db_exec (self->conn, sql, 2, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    return TRUE;
  if (!load_principal (self, result, 1, error))
    return FALSE;
  self->principal.session_id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  *found = TRUE;
  return TRUE;
}

/*
 * Before a write with an Idempotency-Key runs: claims the key, or answers (@replied) the
 * stored reply of the same request, or refuses a key used for another request.
 */
static gboolean
claim_idempotency_key (CrmCall  *self,
                       gboolean *replied,
                       GError  **error)
{
  g_auto(CrmIdempotentReply) stored = { 0 };
  CrmIdempotencyClaim claim;

  *replied = FALSE;
  if (!crm_idempotency_claim (self->conn, crm_server_get_secret_box (self->server),
                              self->principal.user_id, self->idempotency_key,
                              self->request_hash, &claim, &stored, error))
    return FALSE;
  switch (claim)
    {
    case CRM_IDEMPOTENCY_CLAIMED:
      return TRUE;
    case CRM_IDEMPOTENCY_MISMATCH:
      crm_call_reply_error (self, CRM_API_ERROR_IDEMPOTENCY_KEY_REUSED,
                            N_("This Idempotency-Key was sent with another request; "
                               "send a new key for a new request"));
      break;
    case CRM_IDEMPOTENCY_REPLAY:
    default:
      if (stored.status == 0)
        {
          /* Not expected: a claimed key gets its reply in the transaction that claimed it. */
          crm_call_reply_error (self, CRM_API_ERROR_CONFLICT,
                                N_("A request with this Idempotency-Key has not finished; "
                                   "try again shortly"));
          break;
        }
      self->status = stored.status;
      g_clear_pointer (&self->reply, json_node_unref);
      g_clear_pointer (&self->reply_body, g_bytes_unref);
      if (stored.body != NULL)
        {
          gsize length = strlen (stored.body);

          self->reply_body = g_bytes_new_take (g_steal_pointer (&stored.body), length);
        }
      for (guint i = 0; i + 1 < stored.headers->len; i += 2)
        crm_call_set_header (self, g_ptr_array_index (stored.headers, i),
                             g_ptr_array_index (stored.headers, i + 1));
      crm_call_set_header (self, "Idempotent-Replayed", "true");
      break;
    }
  *replied = TRUE;
  return TRUE;
}

/* After a write with an Idempotency-Key ran: its reply, kept with the key. */
static gboolean
store_idempotent_reply (CrmCall  *self,
                        GError  **error)
{
  g_autofree char *text = NULL;

  if (self->reply_body != NULL)
    text = g_strndup (g_bytes_get_data (self->reply_body, NULL),
                      g_bytes_get_size (self->reply_body));
  else if (self->reply != NULL)
    text = crm_json_to_string (self->reply);
  return crm_idempotency_store (self->conn, crm_server_get_secret_box (self->server),
                                self->principal.user_id, self->idempotency_key, self->status,
                                text, self->reply_headers, error);
}

static gboolean
call_transaction (PGconn   *conn,
                  gpointer  user_data,
                  GError  **error)
{
  CrmCall *self = user_data;
  gboolean ok;

  /* A retried transaction starts from scratch. */
  reset_reply (self);
  principal_clear (&self->principal);
  self->authenticated = FALSE;
  g_clear_pointer (&self->applied_rules, role_rules_unref);
  g_clear_pointer (&self->audit_username, g_free);
  self->audit_user_id = 0;
  self->conn = conn;

  if ((self->flags & CRM_CALL_PUBLIC) == 0)
    {
      gboolean found = FALSE;

      if (!authenticate (self, &found, error))
        goto failed;
      if (!found)
        {
          crm_call_reply_error (self, CRM_API_ERROR_UNAUTHENTICATED,
                                N_("The session has expired or was revoked; sign in again"));
          self->conn = NULL;
          return TRUE;
        }
      if (self->principal.require_mfa && !self->principal.mfa_enabled
          && (self->flags & CRM_CALL_DURING_ENROLLMENT) == 0)
        {
          crm_call_reply_error (self, CRM_API_ERROR_MFA_ENROLLMENT_REQUIRED,
                                N_("Your role requires two-factor sign-in: set it up first"));
          self->conn = NULL;
          return TRUE;
        }
    }
  else if (!apply_settings (self, error))
    goto failed;

  if (self->idempotency_key != NULL)
    {
      gboolean replied = FALSE;

      if (!claim_idempotency_key (self, &replied, error))
        goto failed;
      if (replied)
        {
          self->conn = NULL;
          return TRUE;
        }
    }

  ok = self->func (self, error);
  if (ok && self->status == 0)
    {
      g_warning ("Call for request %s returned no reply", self->request_id);
      crm_call_reply_error (self, CRM_API_ERROR_INTERNAL, N_("Internal server error"));
    }
  if (ok && self->idempotency_key != NULL)
    ok = store_idempotent_reply (self, error);
  self->conn = NULL;
  return ok;

failed:
  self->conn = NULL;
  return FALSE;
}

static void
run_in_worker (CrmDbWorker *worker,
               GTask       *task)
{
  CrmCall *self = g_task_get_task_data (task);
  GError *error = NULL;

  if (!crm_db_worker_run_transaction (worker, call_transaction, self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Written here rather than on the main thread, which does every connection's I/O. */
  if (self->reply != NULL && self->then == NULL)
    {
      GString *text = g_string_new (NULL);

      crm_json_append (text, self->reply);
      self->reply_body = g_string_free_to_bytes (text);
      g_clear_pointer (&self->reply, json_node_unref);
    }
  g_task_return_boolean (task, TRUE);
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(CrmRequest) request = user_data;
  CrmCall *self = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  if (crm_request_is_finished (request))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      crm_request_reply_gerror (request, error);
      return;
    }
  if (self->then != NULL)
    {
      self->then (request, self->status, self->reply);
      return;
    }
  headers = soup_server_message_get_response_headers (crm_request_get_message (request));
  for (guint i = 0; i + 1 < self->reply_headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (self->reply_headers, i),
                                  g_ptr_array_index (self->reply_headers, i + 1));
  if (self->reply_body != NULL)
    crm_request_reply_bytes (request, self->status, self->reply_body);
  else
    crm_request_reply_empty (request, self->status);
}

static GHashTable *
copy_table (GHashTable *table)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  if (table == NULL)
    return copy;
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

/*
 * Whether JSON text holds a \u0000 escape: json-glib would cut the string there, so a
 * value would be stored shorter than sent. Such a body is refused instead.
 */
static gboolean
has_nul_escape (const char *data,
                gsize       length)
{
  for (gsize i = 0; i + 5 < length; i++)
    {
      gsize backslashes = 0;

      if (data[i] != '\\' || memcmp (data + i + 1, "u0000", 5) != 0)
        continue;
      while (backslashes < i && data[i - 1 - backslashes] == '\\')
        backslashes++;
      if (backslashes % 2 == 0)
        return TRUE;
    }
  return FALSE;
}

/*
 * A write's Idempotency-Key (not on signing in, MFA enrollment or passwords, whose
 * replies or bodies hold secrets the key's row would keep): a malformed key answers 422.
 */
static gboolean
read_idempotency_key (CrmCall           *self,
                      CrmRequest        *request,
                      SoupServerMessage *message)
{
  const char *method = soup_server_message_get_method (message);
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                  "Idempotency-Key");
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = NULL;
  GUri *uri = soup_server_message_get_uri (message);

  if (key == NULL || g_str_equal (method, SOUP_METHOD_GET) || g_str_equal (method, SOUP_METHOD_HEAD)
      || (self->flags & (CRM_CALL_PUBLIC | CRM_CALL_DURING_ENROLLMENT)) != 0)
    return TRUE;
  if (!crm_idempotency_key_is_valid (key))
    {
      crm_request_reply_error (request, CRM_API_ERROR_INVALID,
                               N_("The Idempotency-Key header must be 1 to 255 printable "
                                  "ASCII characters, without spaces"));
      return FALSE;
    }
  if (body != NULL && body->length > 0)
    bytes = soup_message_body_flatten (body);
  self->idempotency_key = g_strdup (key);
  self->request_hash = crm_idempotency_hash_request (method, g_uri_get_path (uri),
                                                     g_uri_get_query (uri),
                                                     crm_call_get_header (self, "If-Match"),
                                                     bytes);
  return TRUE;
}

static gboolean
read_body (CrmCall           *self,
           SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data;

  if (body == NULL || body->length == 0)
    return TRUE;
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  if (!g_utf8_validate_len (data, length, NULL) || has_nul_escape (data, length))
    return FALSE;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  self->body = json_node_ref (json_parser_get_root (parser));
  return TRUE;
}

static void run_full (CrmRequest      *request,
                      CrmCallFlags     flags,
                      CrmCallFunc      func,
                      gconstpointer    data,
                      CrmCallThenFunc  then);

/**
 * crm_call_run:
 *
 * Answers @request by running @func on a worker in one transaction, as the caller
 * behind its bearer token (unless %CRM_CALL_PUBLIC). A body that is not a JSON object
 * is refused with 400, a missing token with 401, before any database work.
 */
void
crm_call_run (CrmRequest   *request,
              CrmCallFlags  flags,
              CrmCallFunc   func)
{
  crm_call_run_full (request, flags, func, NULL);
}

/**
 * crm_call_run_then:
 * @then: runs on the main thread with the call's reply, instead of sending it
 *
 * Like crm_call_run(), for requests that answer otherwise than with JSON (a WebSocket
 * upgrade); the refusals made before any database work are still sent as usual.
 */
void
crm_call_run_then (CrmRequest      *request,
                   CrmCallFlags     flags,
                   CrmCallFunc      func,
                   CrmCallThenFunc  then)
{
  run_full (request, flags, func, NULL, then);
}

/**
 * crm_call_run_full:
 * @data: (nullable): static data for @func, read back with crm_call_get_data()
 */
void
crm_call_run_full (CrmRequest    *request,
                   CrmCallFlags   flags,
                   CrmCallFunc    func,
                   gconstpointer  data)
{
  run_full (request, flags, func, data, NULL);
}

static void
run_full (CrmRequest      *request,
          CrmCallFlags     flags,
          CrmCallFunc      func,
          gconstpointer    data,
          CrmCallThenFunc  then)
{
  SoupServerMessage *message = crm_request_get_message (request);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  CrmServer *server = crm_request_get_server (request);
  g_autoptr(CrmCall) self = g_new0 (CrmCall, 1);
  g_autoptr(GTask) task = NULL;
  const char *authorization;
  GUri *uri;

  self->server = g_object_ref (server);
  self->flags = flags;
  self->func = func;
  self->then = then;
  self->data = data;
  self->request_id = g_strdup (crm_request_get_id (request));
  self->language = crm_request_get_language (request);
  self->source = g_strdup (soup_server_message_get_remote_host (message));
  if (self->source == NULL)
    self->source = g_strdup ("");
  self->params = copy_table (crm_request_get_params (request));
  uri = soup_server_message_get_uri (message);
  if (uri != NULL && g_uri_get_query (uri) != NULL)
    {
      self->query = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                        G_URI_PARAMS_WWW_FORM, NULL);
      if (self->query == NULL)
        {
          crm_request_reply_error (request, CRM_API_ERROR_MALFORMED, N_("The query is malformed"));
          return;
        }
    }
  else
    self->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (copied_headers); i++)
    {
      const char *value = soup_message_headers_get_one (request_headers, copied_headers[i]);

      if (value != NULL)
        g_hash_table_insert (self->headers, g_ascii_strdown (copied_headers[i], -1),
                             g_strdup (value));
    }
  self->reply_headers = g_ptr_array_new_with_free_func (g_free);

  if (!read_body (self, message))
    {
      crm_request_reply_error (request, CRM_API_ERROR_MALFORMED,
                               N_("The body must be a JSON object in UTF-8, without NUL "
                                  "characters"));
      return;
    }
  if (!read_idempotency_key (self, request, message))
    return;

  authorization = soup_message_headers_get_one (request_headers, "Authorization");
  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    self->bearer = g_strstrip (g_strdup (authorization + 7));
  if ((flags & CRM_CALL_PUBLIC) == 0 && (self->bearer == NULL || *self->bearer == '\0'))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "WWW-Authenticate", "Bearer");
      crm_request_reply_error (request, CRM_API_ERROR_UNAUTHENTICATED,
                               N_("Sign in first: this call needs a bearer token"));
      return;
    }

  task = g_task_new (NULL, crm_request_get_cancellable (request), run_cb,
                     crm_request_ref (request));
  g_task_set_source_tag (task, crm_call_run);
  g_task_set_task_data (task, g_steal_pointer (&self), (GDestroyNotify) call_free);
  crm_request_pause (request);
  _crm_db_pool_push (crm_server_get_db_pool (server), g_steal_pointer (&task), run_in_worker);
}

gconstpointer
crm_call_get_data (CrmCall *self)
{
  return self->data;
}

CrmServer *
crm_call_get_server (CrmCall *self)
{
  return self->server;
}

PGconn *
crm_call_get_conn (CrmCall *self)
{
  g_assert (self->conn != NULL);
  /* For libpq calls of its own: nothing left queued. A queued statement that failed
   * left the transaction aborted, so the caller's next statement fails too. */
  (void) crm_db_flush (self->conn, NULL);
  return self->conn;
}

const CrmPrincipal *
crm_call_get_principal (CrmCall *self)
{
  return self->authenticated ? &self->principal : NULL;
}

const char *
crm_call_get_param (CrmCall    *self,
                    const char *name)
{
  return g_hash_table_lookup (self->params, name);
}

const char *
crm_call_get_query (CrmCall    *self,
                    const char *name)
{
  return g_hash_table_lookup (self->query, name);
}

GHashTable *
crm_call_get_query_table (CrmCall *self)
{
  return self->query;
}

/** crm_call_get_body: (nullable): the body, when it was a JSON object */
JsonObject *
crm_call_get_body (CrmCall *self)
{
  return self->body != NULL ? json_node_get_object (self->body) : NULL;
}

const char *
crm_call_get_header (CrmCall    *self,
                     const char *name)
{
  g_autofree char *key = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (self->headers, key);
}

const char *
crm_call_get_source (CrmCall *self)
{
  return self->source;
}

const char *
crm_call_get_request_id (CrmCall *self)
{
  return self->request_id;
}

const char *
crm_call_get_bearer_token (CrmCall *self)
{
  return self->bearer;
}

/** crm_call_set_identity: whom the audit rows name before anyone is signed in. */
void
crm_call_set_identity (CrmCall    *self,
                       gint64      user_id,
                       const char *username)
{
  self->audit_user_id = user_id;
  g_free (self->audit_username);
  self->audit_username = g_strdup (username);
}

CrmScope
crm_call_get_scope (CrmCall   *self,
                    CrmObject  object,
                    CrmAction  action)
{
  if (!self->authenticated)
    return CRM_SCOPE_NONE;
  return crm_permissions_get_scope (self->principal.permissions, object, action);
}

CrmFieldFlags
crm_call_get_field_flags (CrmCall    *self,
                          CrmObject   object,
                          const char *field)
{
  if (!self->authenticated)
    return 0;
  return role_rules_get_field_flags (self->principal.rules, object, field);
}

CrmFieldAccess
crm_call_get_field_access (CrmCall    *self,
                           CrmObject   object,
                           const char *field)
{
  if (!self->authenticated)
    return CRM_FIELD_ACCESS_NONE;
  return role_rules_get_field_access (self->principal.rules, object, field);
}

/**
 * crm_call_get_read_needs:
 *
 * What showing a record of @object to the caller needs besides leaving out the fields
 * the caller may not read; %CRM_READ_PLAIN for most roles and objects.
 */
CrmReadNeeds
crm_call_get_read_needs (CrmCall   *self,
                         CrmObject  object)
{
  if (!self->authenticated)
    return CRM_READ_SENSITIVE | CRM_READ_HIDDEN_CUSTOM;
  return self->principal.rules->read_needs[object];
}

/** crm_call_in_scope: whether a record owned by @owner_id lies within @scope for the caller. */
gboolean
crm_call_in_scope (CrmCall  *self,
                   CrmScope  scope,
                   gint64    owner_id)
{
  return crm_principal_in_scope (&self->principal, scope, owner_id);
}

/* For g_ptr_array_sort () of strings. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * crm_principal_protected_fields_to_json:
 *
 * The fields an admin marked protected, per object, as the session reply gives them to
 * the client (`{"customers": ["credit_terms", "owner_id"]}`, names sorted), so that it
 * decides each field's access as the server does
 * (crm_permissions_get_effective_field_access ()).
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
crm_principal_protected_fields_to_json (const CrmPrincipal *principal)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  for (guint o = 0; principal->rules != NULL && o < CRM_N_OBJECTS; o++)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer field, flags;

      if (principal->rules->field_flags[o] == NULL)
        continue;
      g_hash_table_iter_init (&iter, principal->rules->field_flags[o]);
      while (g_hash_table_iter_next (&iter, &field, &flags))
        if ((GPOINTER_TO_INT (flags) & CRM_FIELD_PROTECTED) != 0)
          g_ptr_array_add (names, field);
      if (names->len == 0)
        continue;
      g_ptr_array_sort (names, compare_names);
      json_builder_set_member_name (builder, crm_object_to_string (o));
      json_builder_begin_array (builder);
      for (guint i = 0; i < names->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (names, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * crm_principal_in_scope:
 * @owner_id: the record's owner, 0 for none
 *
 * Whether a record owned by @owner_id lies within @scope for @principal: all, their
 * team's (themselves and rapport.team_members), their own.
 */
gboolean
crm_principal_in_scope (const CrmPrincipal *principal,
                        CrmScope            scope,
                        gint64              owner_id)
{
  switch (scope)
    {
    case CRM_SCOPE_ALL:
      return TRUE;
    case CRM_SCOPE_TEAM:
      return owner_id == principal->user_id
             || id_in_list (principal->team_members, owner_id);
    case CRM_SCOPE_OWN:
      return owner_id == principal->user_id;
    case CRM_SCOPE_NONE:
    default:
      return FALSE;
    }
}

/**
 * crm_call_audit:
 * @record_id: the record, or 0
 * @outcome: "ok", "denied" or "failed"
 * @detail: (nullable): what to record besides (filters, changes before and after)
 *
 * Appends one audit row in this transaction; the sealer chains it within a second.
 */
gboolean
crm_call_audit (CrmCall     *self,
                const char  *action,
                const char  *object,
                gint64       record_id,
                const char  *outcome,
                JsonNode    *detail,
                GError     **error)
{
  static const char sql[] =
    "INSERT INTO audit_log (user_id, username, source, request_id, action, object,\n"
    "                       record_id, outcome, detail)\n"
    "VALUES ($1::bigint, $2, $3, $4, $5, $6, $7::bigint, $8, $9::jsonb)";
  g_autofree char *user_id = NULL;
  g_autofree char *record = NULL;
  g_autofree char *detail_text = NULL;
  const char *params[9];

  if (self->audit_user_id > 0)
    user_id = g_strdup_printf ("%" G_GINT64_FORMAT, self->audit_user_id);
  if (record_id > 0)
    record = g_strdup_printf ("%" G_GINT64_FORMAT, record_id);
  detail_text = detail != NULL ? crm_json_to_string (detail) : g_strdup ("{}");
  params[0] = user_id;
  params[1] = self->audit_username != NULL ? self->audit_username : "";
  params[2] = self->source;
  params[3] = self->request_id;
  params[4] = action;
  params[5] = object != NULL ? object : "";
  params[6] = record;
  params[7] = outcome;
  params[8] = detail_text;
  /* With the call's next statement or its COMMIT: a failure fails the call there. */
  return crm_db_defer (self->conn, sql, 9, params, error);
}

/**
 * crm_call_deny_quietly:
 *
 * Records a denial (audit row, alert counting) without replying, for calls that answer
 * many records at once. Returns %FALSE only on a database error.
 */
gboolean
crm_call_deny_quietly (CrmCall     *self,
                       CrmObject    object,
                       const char  *action,
                       gint64       record_id,
                       const char  *field,
                       GError     **error)
{
  static const char note_sql[] = "SELECT rapport_note_denial ($1::bigint, $2, $3, $4::integer)";
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *user_id = g_strdup_printf ("%" G_GINT64_FORMAT, self->audit_user_id);
  g_autofree char *threshold = NULL;
  const char *params[4];

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, action);
  if (field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
    }
  json_builder_end_object (builder);
  detail = json_builder_get_root (builder);
  if (!crm_call_audit (self, "denied", crm_object_to_string (object), record_id, "denied",
                       detail, error))
    return FALSE;

  if (self->audit_user_id > 0)
    {
      threshold = g_strdup_printf ("%d", crm_server_get_auth_settings (self->server)->alert_threshold);
      params[0] = user_id;
      params[1] = self->audit_username;
      params[2] = self->source;
      params[3] = threshold;
      result = crm_db_exec (self->conn, note_sql, 4, params, error);
      if (result == NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * crm_call_deny:
 * @action: what was refused ("read", "update", …)
 * @field: (nullable): the protected field the caller may not write or read
 *
 * Refuses the request with 403: audits the denial (which may raise an alert for the
 * admins) and sets the reply, naming @field when given.
 */
gboolean
crm_call_deny (CrmCall     *self,
               CrmObject    object,
               const char  *action,
               gint64       record_id,
               const char  *field,
               GError     **error)
{
  g_autofree char *message = NULL;
  CrmAction known_action;

  if (!crm_call_deny_quietly (self, object, action, record_id, field, error))
    return FALSE;
  if (field != NULL)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autoptr(JsonNode) body = NULL;

      message = crm_call_dup_printf (self, g_str_equal (action, "read")
                                             ? N_("You may not read the field “%s”")
                                             : N_("You may not change the field “%s”"),
                                     field);
      json_object_set_string_member (fields, field, message);
      body = crm_api_error_body_new (CRM_API_ERROR_FORBIDDEN, message, fields);
      crm_call_reply (self, 403, body);
      return TRUE;
    }
  /* Actions outside the permission matrix ("purge", "merge") by their API name. */
  message = crm_call_dup_printf (self, N_("Your role does not allow “%s” on “%s”"),
                                 crm_action_from_string (action, &known_action)
                                   ? crm_call_translate (self, crm_action_get_label (known_action))
                                   : action,
                                 crm_call_translate (self, crm_object_get_label (object)));
  crm_call_reply_literal_error (self, CRM_API_ERROR_FORBIDDEN, message);
  return TRUE;
}

/**
 * crm_call_require:
 * @allowed: (out): whether the caller may
 *
 * The first wall: refuses (crm_call_deny()) an action the caller's role has no scope for.
 * Returns %FALSE only on a database error.
 */
gboolean
crm_call_require (CrmCall    *self,
                  CrmObject   object,
                  CrmAction   action,
                  gboolean   *allowed,
                  GError    **error)
{
  *allowed = crm_call_get_scope (self, object, action) != CRM_SCOPE_NONE;
  if (*allowed)
    return TRUE;
  return crm_call_deny (self, object, crm_action_to_string (action), 0, NULL, error);
}

/**
 * crm_call_reply:
 * @node: (nullable): the body; %NULL for none (204)
 */
void
crm_call_reply (CrmCall  *self,
                guint     status,
                JsonNode *node)
{
  g_clear_pointer (&self->reply, json_node_unref);
  g_clear_pointer (&self->reply_body, g_bytes_unref);
  self->status = status;
  self->reply = node != NULL ? json_node_ref (node) : NULL;
}

/**
 * crm_call_reply_bytes:
 * @body: the body, JSON text already (a list page written row by row)
 *
 * Like crm_call_reply(), without a tree: @body goes to the connection as it is.
 */
void
crm_call_reply_bytes (CrmCall  *self,
                      guint     status,
                      GBytes   *body)
{
  g_return_if_fail (body != NULL);
  g_return_if_fail (self->then == NULL);

  g_clear_pointer (&self->reply, json_node_unref);
  g_clear_pointer (&self->reply_body, g_bytes_unref);
  self->status = status;
  self->reply_body = g_bytes_ref (body);
}

/** crm_call_add_reply_member: adds @value (transfer full) to the reply's JSON object. */
void
crm_call_add_reply_member (CrmCall    *self,
                           const char *name,
                           JsonNode   *value)
{
  g_return_if_fail (self->reply != NULL && JSON_NODE_HOLDS_OBJECT (self->reply));
  json_object_set_member (json_node_get_object (self->reply), name, value);
}

/**
 * crm_call_translate:
 * @msgid: an English message, marked with N_()
 *
 * Returns: (transfer none): @msgid in the caller's language (crm_request_get_language ())
 */
const char *
crm_call_translate (CrmCall    *self,
                    const char *msgid)
{
  return crm_catalog_lookup (self->language, msgid);
}

/**
 * crm_call_dup_printf:
 * @format: an English printf format, marked with N_()
 *
 * Formats with @format translated into the caller's language.
 *
 * Returns: (transfer full): the message
 */
char *
crm_call_dup_printf (CrmCall    *self,
                     const char *format,
                     ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (crm_call_translate (self, format), args);
  va_end (args);
  return message;
}

/** crm_call_reply_literal_error: crm_call_reply_error () with a message already translated. */
void
crm_call_reply_literal_error (CrmCall     *self,
                              CrmApiError  code,
                              const char  *message)
{
  g_autoptr(JsonNode) body = crm_api_error_body_new (code, message, NULL);

  crm_call_reply (self, crm_api_error_get_http_status (code), body);
}

/**
 * crm_call_reply_error:
 * @message: an English msgid, marked with N_()
 *
 * The contract's error body for @code, @message in the caller's language.
 */
void
crm_call_reply_error (CrmCall     *self,
                      CrmApiError  code,
                      const char  *message)
{
  crm_call_reply_literal_error (self, code, crm_call_translate (self, message));
}

/**
 * crm_call_reply_invalid:
 * @message: an English msgid, marked with N_()
 * @fields: (nullable): per field a msgid, or a text crm_call_dup_printf () already put in
 *   the caller's language (a translation is no msgid, so it stays as it is)
 *
 * 422 with a message per field, in the caller's language (Accept-Language).
 */
void
crm_call_reply_invalid (CrmCall    *self,
                        const char *message,
                        JsonObject *fields)
{
  g_autoptr(JsonObject) translated = json_object_new ();
  g_autoptr(GList) members = fields != NULL ? json_object_get_members (fields) : NULL;
  g_autoptr(JsonNode) body = NULL;

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *text = crm_json_get_string (fields, l->data);

      json_object_set_string_member (translated, l->data,
                                     text != NULL ? crm_call_translate (self, text) : "");
    }
  body = crm_api_error_body_new (CRM_API_ERROR_INVALID, crm_call_translate (self, message),
                                 translated);

  crm_call_reply (self, 422, body);
}

void
crm_call_set_header (CrmCall    *self,
                     const char *name,
                     const char *value)
{
  g_ptr_array_add (self->reply_headers, g_strdup (name));
  g_ptr_array_add (self->reply_headers, g_strdup (value));
}

gboolean
crm_call_has_reply (CrmCall *self)
{
  return self->status != 0;
}

/**
 * crm_call_get_if_match:
 * @version: (out): the version the caller edited
 *
 * Reads If-Match: a version number, bare or quoted as an entity tag. Without a valid
 * one answers 400 (a PATCH must say which version it changes) and returns %FALSE.
 */
gboolean
crm_call_get_if_match (CrmCall *self,
                       gint64  *version)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  char *start;
  const char *text = crm_call_get_header (self, "If-Match");

  if (text != NULL)
    {
      copy = g_strstrip (g_strdup (text));
      start = copy;
      if (g_str_has_prefix (start, "W/"))
        start += 2;
      if (*start == '"' && strlen (start) >= 2 && start[strlen (start) - 1] == '"')
        {
          start++;
          start[strlen (start) - 1] = '\0';
        }
      errno = 0;
      *version = g_ascii_strtoll (start, &end, 10);
      if (errno == 0 && end != start && *end == '\0' && *version > 0)
        return TRUE;
    }
  crm_call_reply_error (self, CRM_API_ERROR_MALFORMED,
                        N_("PATCH needs If-Match with the version you edited"));
  return FALSE;
}

/**
 * crm_call_reply_conflict:
 * @message: an English msgid, marked with N_()
 *
 * 409 carrying the @current record, for a stale If-Match.
 */
void
crm_call_reply_conflict (CrmCall    *self,
                         const char *message,
                         JsonNode   *current)
{
  g_autoptr(JsonNode) body = crm_api_error_body_new (CRM_API_ERROR_CONFLICT,
                                                     crm_call_translate (self, message), NULL);

  json_object_set_member (json_node_get_object (body), "current", json_node_ref (current));
  crm_call_reply (self, 409, body);
}

/**
 * crm_call_get_id_param:
 *
 * Reads a positive integer path parameter; a malformed one answers 404 (no record has
 * that id) and returns %FALSE.
 */
gboolean
crm_call_get_id_param (CrmCall    *self,
                       const char *name,
                       gint64     *id)
{
  if (parse_id (crm_call_get_param (self, name), id))
    return TRUE;
  crm_call_reply_error (self, CRM_API_ERROR_NOT_FOUND, N_("No such record"));
  return FALSE;
}

PGresult *
crm_call_exec (CrmCall             *self,
               const char          *sql,
               int                  n_params,
               const char * const  *values,
               GError             **error)
{
  return crm_db_exec (self->conn, sql, n_params, values, error);
}
