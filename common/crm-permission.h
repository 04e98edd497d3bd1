/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CrmObject:
 *
 * What a permission is about. The string forms ("customers", "kb_articles", …) are the
 * API's and the database's names.
 */
typedef enum
{
  CRM_OBJECT_CUSTOMERS,
  CRM_OBJECT_CONTACTS,
  CRM_OBJECT_LEADS,
  CRM_OBJECT_OPPORTUNITIES,
  CRM_OBJECT_ACTIVITIES,
  CRM_OBJECT_ORDERS,
  CRM_OBJECT_PRODUCTS,
  CRM_OBJECT_TICKETS,
  CRM_OBJECT_KB_ARTICLES,
  CRM_OBJECT_CAMPAIGNS,
  CRM_OBJECT_SEGMENTS,
  CRM_OBJECT_USERS,
  CRM_OBJECT_ROLES,
  CRM_OBJECT_TEAMS,
  CRM_OBJECT_FIELDS,
  CRM_OBJECT_AUDIT,
  CRM_OBJECT_REPORTS,
  CRM_N_OBJECTS
} CrmObject;

typedef enum
{
  CRM_ACTION_READ,
  CRM_ACTION_CREATE,
  CRM_ACTION_UPDATE,
  CRM_ACTION_DELETE,
  CRM_ACTION_EXPORT,
  CRM_ACTION_ASSIGN,
  CRM_ACTION_APPROVE,
  CRM_N_ACTIONS
} CrmAction;

/**
 * CrmScope:
 * @CRM_SCOPE_NONE: not at all
 * @CRM_SCOPE_OWN: records the caller owns
 * @CRM_SCOPE_TEAM: records owned by anyone in the caller's team
 * @CRM_SCOPE_ALL: every record
 *
 * Ordered: a wider scope compares greater.
 */
typedef enum
{
  CRM_SCOPE_NONE,
  CRM_SCOPE_OWN,
  CRM_SCOPE_TEAM,
  CRM_SCOPE_ALL,
} CrmScope;

/**
 * CrmFieldAccess:
 * @CRM_FIELD_ACCESS_NONE: left out on read, refused on write
 * @CRM_FIELD_ACCESS_READ: read, refused on write
 * @CRM_FIELD_ACCESS_WRITE: read and written as the object's scope allows
 */
typedef enum
{
  CRM_FIELD_ACCESS_NONE,
  CRM_FIELD_ACCESS_READ,
  CRM_FIELD_ACCESS_WRITE,
} CrmFieldAccess;

const char *crm_object_to_string       (CrmObject     object);
const char *crm_object_get_label       (CrmObject     object);
gboolean    crm_object_from_string     (const char   *string,
                                        CrmObject    *object);
const char *crm_action_to_string       (CrmAction     action);
const char *crm_action_get_label       (CrmAction     action);
gboolean    crm_action_from_string     (const char   *string,
                                        CrmAction    *action);
const char *crm_scope_to_string        (CrmScope      scope);
const char *crm_scope_get_label        (CrmScope      scope);
gboolean    crm_scope_from_string      (const char   *string,
                                        CrmScope     *scope);
const char *crm_field_access_to_string (CrmFieldAccess access);
const char *crm_field_access_get_label  (CrmFieldAccess access);
gboolean    crm_field_access_from_string (const char  *string,
                                          CrmFieldAccess *access);

/**
 * CrmPermissions:
 *
 * What one role may do: a scope per object and action, and per field of an object an
 * access level where it differs from the default (write for plain fields, none for
 * protected ones). The server enforces it; the client shows what it allows.
 */
typedef struct _CrmPermissions CrmPermissions;

CrmPermissions *crm_permissions_new             (void);
CrmPermissions *crm_permissions_copy            (const CrmPermissions *self);
void            crm_permissions_free            (CrmPermissions       *self);
CrmScope        crm_permissions_get_scope       (const CrmPermissions *self,
                                                 CrmObject             object,
                                                 CrmAction             action);
void            crm_permissions_set_scope       (CrmPermissions       *self,
                                                 CrmObject             object,
                                                 CrmAction             action,
                                                 CrmScope              scope);
gboolean        crm_permissions_can             (const CrmPermissions *self,
                                                 CrmObject             object,
                                                 CrmAction             action);
CrmFieldAccess  crm_permissions_get_field_access (const CrmPermissions *self,
                                                  CrmObject             object,
                                                  const char           *field,
                                                  gboolean              is_protected);
CrmFieldAccess  crm_permissions_get_effective_field_access (const CrmPermissions *self,
                                                            CrmObject             object,
                                                            const char           *field,
                                                            gboolean              is_protected);
void            crm_permissions_set_field_access (CrmPermissions       *self,
                                                  CrmObject             object,
                                                  const char           *field,
                                                  CrmFieldAccess        access);
GHashTable     *crm_permissions_get_field_table  (const CrmPermissions *self,
                                                  CrmObject             object);
JsonNode       *crm_permissions_to_json         (const CrmPermissions *self);
CrmPermissions *crm_permissions_from_json       (JsonNode             *node,
                                                 GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmPermissions, crm_permissions_free)

G_END_DECLS
