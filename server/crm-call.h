/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-db-pool.h"
#include "crm-permission.h"
#include "crm-request.h"

G_BEGIN_DECLS

/**
 * CrmCall:
 *
 * One API request as one database transaction on a worker: who asks (the principal
 * behind the bearer token), what they asked (a copy of method, path parameters, query,
 * body and headers, so the worker never touches Soup objects), and the reply it builds.
 * Replies with an API error still commit, so the audit rows of a denial or a failed
 * sign-in stay; a #GError rolls everything back.
 */
typedef struct _CrmCall CrmCall;

/**
 * CrmCallFunc:
 *
 * Runs on a worker inside the call's transaction, after authentication and after the
 * row-level security settings are in place. Sets a reply with crm_call_reply() or
 * crm_call_reply_error(), or fails with @error (database errors roll back).
 */
typedef gboolean (*CrmCallFunc) (CrmCall  *call,
                                 GError  **error);

/**
 * CrmCallThenFunc:
 * @status: the reply's HTTP status
 * @reply: (nullable): the reply's body
 *
 * Runs on the main thread once the call's transaction has committed.
 */
typedef void (*CrmCallThenFunc) (CrmRequest *request,
                                 guint       status,
                                 JsonNode   *reply);

/**
 * CrmCallFlags:
 * @CRM_CALL_PUBLIC: no session needed (signing in)
 * @CRM_CALL_DURING_ENROLLMENT: allowed while the role requires MFA the caller has not
 *   set up yet (enrolling, reading one's session, signing out)
 */
typedef enum
{
  CRM_CALL_NONE = 0,
  CRM_CALL_PUBLIC = 1 << 0,
  CRM_CALL_DURING_ENROLLMENT = 1 << 1,
} CrmCallFlags;

/* Field flags an admin sets in field_policies. */
typedef enum
{
  CRM_FIELD_PROTECTED = 1 << 0,
  CRM_FIELD_SENSITIVE = 1 << 1,
} CrmFieldFlags;

/**
 * CrmReadNeeds:
 * @CRM_READ_PLAIN: a stored row, restricted to the columns the caller may read, is the
 *   record as the caller sees it
 * @CRM_READ_SENSITIVE: a field of the object is sensitive: its values may be tokens to
 *   decrypt
 * @CRM_READ_HIDDEN_CUSTOM: a custom value of the object is hidden from the caller
 *
 * What showing a record of an object needs beyond restricting its columns.
 */
typedef enum
{
  CRM_READ_PLAIN = 0,
  CRM_READ_SENSITIVE = 1 << 0,
  CRM_READ_HIDDEN_CUSTOM = 1 << 1,
} CrmReadNeeds;

typedef struct _CrmRoleRules CrmRoleRules;

typedef struct
{
  gint64          session_id;
  gint64          user_id;
  char           *username;
  char           *display_name;
  gint64          team_id;
  gint64          role_id;
  char           *role_name;
  char           *role_builtin;
  char           *team_members;
  gboolean        mfa_enabled;
  gboolean        require_mfa;
  /* Borrowed from @rules: shared by every call whose role and field policies read the
   * same, never changed. */
  const CrmPermissions *permissions;
  CrmRoleRules   *rules;
} CrmPrincipal;

CrmPermissions     *crm_permissions_from_lists (const char    *scopes,
                                                const char    *fields);

void                crm_call_run              (CrmRequest     *request,
                                               CrmCallFlags    flags,
                                               CrmCallFunc     func);

void                crm_call_run_then         (CrmRequest     *request,
                                               CrmCallFlags    flags,
                                               CrmCallFunc     func,
                                               CrmCallThenFunc then);
void                crm_call_run_full         (CrmRequest     *request,
                                               CrmCallFlags    flags,
                                               CrmCallFunc     func,
                                               gconstpointer   data);
gconstpointer       crm_call_get_data         (CrmCall        *self);
CrmServer          *crm_call_get_server       (CrmCall        *self);
PGconn             *crm_call_get_conn         (CrmCall        *self);
const CrmPrincipal *crm_call_get_principal    (CrmCall        *self);
const char         *crm_call_get_param        (CrmCall        *self,
                                               const char     *name);
const char         *crm_call_get_query        (CrmCall        *self,
                                               const char     *name);
GHashTable         *crm_call_get_query_table  (CrmCall        *self);
JsonObject         *crm_call_get_body         (CrmCall        *self);
const char         *crm_call_get_header       (CrmCall        *self,
                                               const char     *name);
const char         *crm_call_get_source       (CrmCall        *self);
const char         *crm_call_get_request_id   (CrmCall        *self);
const char         *crm_call_get_bearer_token (CrmCall        *self);

void                crm_call_set_identity     (CrmCall        *self,
                                               gint64          user_id,
                                               const char     *username);
gboolean            crm_call_become           (CrmCall        *self,
                                               gint64          user_id,
                                               GError        **error);
CrmScope            crm_call_get_scope        (CrmCall        *self,
                                               CrmObject       object,
                                               CrmAction       action);
CrmFieldFlags       crm_call_get_field_flags  (CrmCall        *self,
                                               CrmObject       object,
                                               const char     *field);
CrmFieldAccess      crm_call_get_field_access (CrmCall        *self,
                                               CrmObject       object,
                                               const char     *field);
CrmReadNeeds        crm_call_get_read_needs   (CrmCall        *self,
                                               CrmObject       object);
gboolean            crm_call_in_scope         (CrmCall        *self,
                                               CrmScope        scope,
                                               gint64          owner_id);
JsonNode           *crm_principal_protected_fields_to_json (const CrmPrincipal *principal);
gboolean            crm_principal_in_scope    (const CrmPrincipal *principal,
                                               CrmScope        scope,
                                               gint64          owner_id);

gboolean            crm_call_require          (CrmCall        *self,
                                               CrmObject       object,
                                               CrmAction       action,
                                               gboolean       *allowed,
                                               GError        **error);
gboolean            crm_call_deny             (CrmCall        *self,
                                               CrmObject       object,
                                               const char     *action,
                                               gint64          record_id,
                                               const char     *field,
                                               GError        **error);
gboolean            crm_call_deny_quietly     (CrmCall        *self,
                                               CrmObject       object,
                                               const char     *action,
                                               gint64          record_id,
                                               const char     *field,
                                               GError        **error);
gboolean            crm_call_audit            (CrmCall        *self,
                                               const char     *action,
                                               const char     *object,
                                               gint64          record_id,
                                               const char     *outcome,
                                               JsonNode       *detail,
                                               GError        **error);

void                crm_call_reply            (CrmCall        *self,
                                               guint           status,
                                               JsonNode       *node);
void                crm_call_reply_bytes      (CrmCall        *self,
                                               guint           status,
                                               GBytes         *body);
void                crm_call_add_reply_member (CrmCall        *self,
                                               const char     *name,
                                               JsonNode       *value);
const char         *crm_call_translate        (CrmCall        *self,
                                               const char     *msgid);
char               *crm_call_dup_printf       (CrmCall        *self,
                                               const char     *format,
                                               ...) G_GNUC_PRINTF (2, 3);
void                crm_call_reply_error      (CrmCall        *self,
                                               CrmApiError     code,
                                               const char     *message);
void                crm_call_reply_literal_error (CrmCall     *self,
                                               CrmApiError     code,
                                               const char     *message);
void                crm_call_reply_invalid    (CrmCall        *self,
                                               const char     *message,
                                               JsonObject     *fields);
void                crm_call_set_header       (CrmCall        *self,
                                               const char     *name,
                                               const char     *value);
gboolean            crm_call_has_reply        (CrmCall        *self);

/* Helpers the resources share. */
gboolean            crm_call_get_if_match     (CrmCall        *self,
                                               gint64         *version);
void                crm_call_reply_conflict   (CrmCall        *self,
                                               const char     *message,
                                               JsonNode       *current);
gboolean            crm_call_get_id_param     (CrmCall        *self,
                                               const char     *name,
                                               gint64         *id);
PGresult           *crm_call_exec             (CrmCall        *self,
                                               const char     *sql,
                                               int             n_params,
                                               const char * const *values,
                                               GError        **error);

G_END_DECLS
