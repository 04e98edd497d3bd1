/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-call.h"

G_BEGIN_DECLS

typedef enum
{
  CRM_RESOURCE_TEXT,
  CRM_RESOURCE_ID,
  CRM_RESOURCE_BOOLEAN,
  CRM_RESOURCE_INTEGER,
  CRM_RESOURCE_TIMESTAMP,
  CRM_RESOURCE_TAGS,
  CRM_RESOURCE_TEXT_ARRAY,
  CRM_RESOURCE_CUSTOM,
} CrmResourceType;

/**
 * CrmResourceFormat:
 *
 * How a text field's value is checked and normalised (common/crm-validate.h) before it
 * is stored.
 */
typedef enum
{
  CRM_RESOURCE_FORMAT_PLAIN,
  CRM_RESOURCE_FORMAT_MOBILE,
  CRM_RESOURCE_FORMAT_PHONE,
  CRM_RESOURCE_FORMAT_EMAIL,
  CRM_RESOURCE_FORMAT_WEBSITE,
  CRM_RESOURCE_FORMAT_DATE,
  CRM_RESOURCE_FORMAT_COLOR,
  CRM_RESOURCE_FORMAT_KEY,
  CRM_RESOURCE_FORMAT_CURRENCY,
  CRM_RESOURCE_FORMAT_LEVEL,
  CRM_RESOURCE_FORMAT_CREDIT_CODE,
  CRM_RESOURCE_FORMAT_PAST_DATE,
  CRM_RESOURCE_FORMAT_AMOUNT,
} CrmResourceFormat;

typedef enum
{
  CRM_RESOURCE_FIELD_REQUIRED = 1 << 0,
  CRM_RESOURCE_FIELD_CREATE_ONLY = 1 << 1,
  CRM_RESOURCE_FIELD_OWNER = 1 << 2,
  CRM_RESOURCE_FIELD_FILTER = 1 << 3,
  CRM_RESOURCE_FIELD_SEARCH = 1 << 4,
  CRM_RESOURCE_FIELD_READ_ONLY = 1 << 5,
  CRM_RESOURCE_FIELD_SORT = 1 << 6,
  CRM_RESOURCE_FIELD_FILTER_NONE = 1 << 7,
  CRM_RESOURCE_FIELD_SORT_PINYIN = 1 << 8,
} CrmResourceFieldFlags;

/**
 * CrmResourceField:
 * @name: the JSON member and the column
 * @choices: (nullable): the allowed values of a text field
 * @max_length: in characters, 0 for the default of 2000
 * @format: how a text value is checked and normalised (%CRM_RESOURCE_FORMAT_LEVEL: a
 *   level's name, which may not be %CRM_API_FILTER_NONE); of an integer,
 *   %CRM_RESOURCE_FORMAT_AMOUNT: an amount of money in minor units, not negative
 *
 * Read-only fields are shown and filtered but never written by a request (a body may
 * carry them back unchanged; they are ignored). Sort fields may be named in `?sort=`.
 * A filter field with FILTER_NONE also takes %CRM_API_FILTER_NONE (`?level=none`): the
 * rows without a value (for fields whose values can never read so).
 * A sort field with SORT_PINYIN sorts in pinyin order (Chinese by its pinyin, the way a
 * Chinese reader looks names up), through the ICU collation "zh-x-icu"; its indexes must
 * be in that order too (migration 0037 has those of the customers' name).
 */
typedef struct
{
  const char            *name;
  CrmResourceType        type;
  CrmResourceFieldFlags  flags;
  const char * const    *choices;
  guint                  max_length;
  CrmResourceFormat      format;
} CrmResourceField;

typedef struct _CrmResource CrmResource;

/**
 * CrmResourceHook:
 * @record: the record as the reply shows it, to add members to
 *
 * Runs in the request's transaction after a create or update has been written.
 */
typedef gboolean (*CrmResourceHook) (CrmCall           *call,
                                     const CrmResource *resource,
                                     JsonObject        *record,
                                     GError           **error);

/**
 * CrmResource:
 * @owner_sql: (nullable): SQL for the owner of row `r` ("r.owner_id"); %NULL for records
 *   nobody owns, which need scope all to change
 * @parent_field: (nullable): for records owned through a parent (a contact through its
 *   customer), the field naming the parent
 * @parent_owner_sql: (nullable): a query answering the owner of the parent `$1`, one row
 *   when the caller can see the parent
 * @soft_delete: DELETE moves records to a recycle bin (`deleted_at`), listed with
 *   `?deleted=true`, restored with crm_resource_restore(), and purged by
 *   `DELETE …?purge=true`; all three need the delete scope `all`
 * @default_sort: (nullable): `?sort=` when none is given ("-updated_at"); %NULL: by id
 * @search_function: (nullable): for `?q=`, a set-returning SQL function of the text
 *   answering the ids of the matching rows the caller may read, through the table's search
 *   indexes ("rapport_customers_matching"); %NULL: the SEARCH fields are scanned
 * @search_page_function: (nullable): for `?q=` with no other filter, the same match a
 *   page at a time: a function of the text, a limit, the recycle bin flag, the sort
 *   column (NULL: any order), descending and the cursor (sort value, id), answering at
 *   most the limit of ids in that order ("rapport_customers_matching_page"), so that a
 *   common word stops after a page, or a count after its cap
 * @search_row_function: (nullable): whether one row matches `?q=` as @search_function
 *   finds it, a function of the text and the row (`r`) read under row-level security
 *   ("rapport_customer_matches"): a count past its cap estimates a search's matches by
 *   it in a sample of the rows; %NULL: a search's count has no estimate
 * @after_write: (nullable): runs after a create or update
 *
 * Searching: a resource with a `search_doc` column (lower-cased text of its searchable
 * fields) and a `name_bigrams` column (rapport_bigrams () of its name) is searched through
 * their trigram and bigram indexes by its @search_function (row-level security would keep
 * a plain query off those indexes: see sql/0008-search-matching.sql); others through their
 * SEARCH fields.
 *
 * A table served as an API resource: list, read, create, update (If-Match) and delete,
 * with the caller's scope checked by the server and again by row-level security, field
 * restrictions applied, sensitive values encrypted, and every access audited.
 */
struct _CrmResource
{
  CrmObject               object;
  const char             *table;
  const char             *owner_sql;
  const CrmResourceField *fields;
  guint                   n_fields;
  const char             *parent_field;
  const char             *parent_owner_sql;
  gboolean                soft_delete;
  const char             *default_sort;
  const char             *search_function;
  const char             *search_page_function;
  const char             *search_row_function;
  CrmResourceHook         after_write;
};

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
void crm_resource_count  (CrmRequest        *request,
                          const CrmResource *resource);
void crm_resource_restore (CrmRequest       *request,
                           const CrmResource *resource);
void crm_resource_batch_update (CrmRequest        *request,
                                const CrmResource *resource);

/**
 * CrmResourceFacet:
 * @field: a filterable text field of @resource
 *
 * A field whose distinct values a filter offers as suggestions.
 */
typedef struct
{
  const CrmResource *resource;
  const char        *field;
} CrmResourceFacet;

void crm_resource_facet (CrmRequest             *request,
                         const CrmResourceFacet *facet);

char      *crm_resource_cursor_encode (JsonArray  *array);
JsonArray *crm_resource_cursor_decode (const char *cursor,
                                       guint       n_values);

JsonNode *crm_resource_fetch      (CrmCall           *call,
                                   const CrmResource *resource,
                                   gint64             id,
                                   GError           **error);
gboolean  crm_resource_check_body (CrmCall           *call,
                                   const CrmResource *resource,
                                   JsonObject        *body,
                                   gboolean           creating,
                                   JsonObject        *normalized,
                                   JsonObject        *problems,
                                   gboolean          *db_ok,
                                   GError           **error);

gboolean  crm_resource_get_clear_value (CrmCall           *call,
                                        const CrmResource *resource,
                                        gint64             id,
                                        const char        *field,
                                        char             **value,
                                        GError           **error);
gboolean  crm_resource_set_clear_value (CrmCall           *call,
                                        const CrmResource *resource,
                                        gint64             id,
                                        const char        *field,
                                        const char        *value,
                                        GError           **error);
gboolean  crm_resource_reindex_record  (CrmCall           *call,
                                        const CrmResource *resource,
                                        gint64             id,
                                        GError           **error);

typedef struct _CrmSecretBox CrmSecretBox;

gboolean crm_resource_reseal_field (PGconn        *conn,
                                    CrmSecretBox  *box,
                                    const char    *object_name,
                                    const char    *field,
                                    gboolean       seal,
                                    guint         *n_changed,
                                    GError       **error);

G_END_DECLS
