/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-call.h"

G_BEGIN_DECLS

typedef enum
{
  CRM_RESOURCE_TEXT,
  CRM_RESOURCE_ID,
  CRM_RESOURCE_BOOLEAN,
} CrmResourceType;

typedef enum
{
  CRM_RESOURCE_FIELD_REQUIRED = 1 << 0,
  CRM_RESOURCE_FIELD_CREATE_ONLY = 1 << 1,
  CRM_RESOURCE_FIELD_OWNER = 1 << 2,
  CRM_RESOURCE_FIELD_FILTER = 1 << 3,
  CRM_RESOURCE_FIELD_SEARCH = 1 << 4,
} CrmResourceFieldFlags;

/**
 * CrmResourceField:
 * @name: the JSON member and the column
 * @choices: (nullable): the allowed values of a text field
 * @max_length: in characters, 0 for the default of 2000
 */
typedef struct
{
  const char            *name;
  CrmResourceType        type;
  CrmResourceFieldFlags  flags;
  const char * const    *choices;
  guint                  max_length;
} CrmResourceField;

/**
 * CrmResource:
 * @owner_sql: (nullable): SQL for the owner of row `r` ("r.owner_id"); %NULL for records
 *   nobody owns, which need scope all to change
 * @parent_field: (nullable): for records owned through a parent (a contact through its
 *   customer), the field naming the parent
 * @parent_owner_sql: (nullable): a query answering the owner of the parent `$1`, one row
 *   when the caller can see the parent
 *
 * A table served as an API resource: list, read, create, update (If-Match) and delete,
 * with the caller's scope checked by the server and again by row-level security, field
 * restrictions applied, sensitive values encrypted, and every access audited.
 */
typedef struct
{
  CrmObject               object;
  const char             *table;
  const char             *owner_sql;
  const CrmResourceField *fields;
  guint                   n_fields;
  const char             *parent_field;
  const char             *parent_owner_sql;
} CrmResource;

void crm_resource_list   (CrmRequest        *request,
                          const CrmResource *resource);
void crm_resource_get    (CrmRequest        *request,
                          const CrmResource *resource);
void crm_resource_create (CrmRequest        *request,
                          const CrmResource *resource);
void crm_resource_update (CrmRequest        *request,
                          const CrmResource *resource);
void crm_resource_delete (CrmRequest        *request,
                          const CrmResource *resource);

typedef struct _CrmSecretBox CrmSecretBox;

gboolean crm_resource_reseal_field (PGconn        *conn,
                                    CrmSecretBox  *box,
                                    const char    *object_name,
                                    const char    *field,
                                    gboolean       seal,
                                    guint         *n_changed,
                                    GError       **error);

G_END_DECLS
