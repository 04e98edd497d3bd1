/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-customers"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "crm-api.h"
#include "crm-json.h"
#include "crm-resource.h"
#include "crm-validate.h"

/*
 * /api/v1/customers and /api/v1/contacts: records owned by a user, or through a customer;
 * plus what only customers do: duplicates, merging, batch edits, the timeline and
 * follow-ups. server/API.md is the reference.
 */

#define MAX_BATCH 1000
#define MAX_DUPLICATES 20
/* Audited changes of one customer at one instant (one transaction) a timeline page
 * may have to skip: a handful at most (an update and a merge). */
#define SAME_INSTANT_SLACK 100

static const char * const kinds[] = { "company", "individual", NULL };
static const char * const sizes[] = { "large", "medium_small", "individual", NULL };
static const char * const potentials[] = { "high", "medium", "low", NULL };
static const char * const activity_kinds[] = { "call", "visit", "email", "meeting", "note", NULL };

#define F CRM_RESOURCE_FIELD_FILTER
#define S CRM_RESOURCE_FIELD_SEARCH
#define RO CRM_RESOURCE_FIELD_READ_ONLY
#define SORT CRM_RESOURCE_FIELD_SORT

static const CrmResourceField customer_fields[] = {
  { "kind", CRM_RESOURCE_TEXT, F, kinds, 0, 0 },
  { "name", CRM_RESOURCE_TEXT,
    CRM_RESOURCE_FIELD_REQUIRED | S | SORT | CRM_RESOURCE_FIELD_SORT_PINYIN, NULL, 300, 0 },
  { "registration_no", CRM_RESOURCE_TEXT, F, NULL, 64, CRM_RESOURCE_FORMAT_CREDIT_CODE },
  { "legal_representative", CRM_RESOURCE_TEXT, 0, NULL, 100, 0 },
  { "registered_capital", CRM_RESOURCE_INTEGER, 0, NULL, 0, CRM_RESOURCE_FORMAT_AMOUNT },
  { "registered_capital_currency", CRM_RESOURCE_TEXT, 0, NULL, 3, CRM_RESOURCE_FORMAT_CURRENCY },
  { "established_on", CRM_RESOURCE_TEXT, 0, NULL, 10, CRM_RESOURCE_FORMAT_PAST_DATE },
  { "industry", CRM_RESOURCE_TEXT, F, NULL, 100, 0 },
  { "size", CRM_RESOURCE_TEXT, F, sizes, 0, 0 },
  { "potential", CRM_RESOURCE_TEXT, F, potentials, 0, 0 },
  { "level", CRM_RESOURCE_TEXT, F | RO | CRM_RESOURCE_FIELD_FILTER_NONE, NULL, 0, 0 },
  { "source", CRM_RESOURCE_TEXT, F, NULL, 100, 0 },
  { "province", CRM_RESOURCE_TEXT, F, NULL, 50, 0 },
  { "city", CRM_RESOURCE_TEXT, F, NULL, 50, 0 },
  { "district", CRM_RESOURCE_TEXT, F, NULL, 50, 0 },
  { "address", CRM_RESOURCE_TEXT, S, NULL, 300, 0 },
  { "mobile", CRM_RESOURCE_TEXT, S | F, NULL, 40, CRM_RESOURCE_FORMAT_MOBILE },
  { "phone", CRM_RESOURCE_TEXT, S | F, NULL, 40, CRM_RESOURCE_FORMAT_PHONE },
  { "email", CRM_RESOURCE_TEXT, S | F, NULL, 254, CRM_RESOURCE_FORMAT_EMAIL },
  { "website", CRM_RESOURCE_TEXT, 0, NULL, 300, CRM_RESOURCE_FORMAT_WEBSITE },
  { "notes", CRM_RESOURCE_TEXT, 0, NULL, 10000, 0 },
  { "credit_terms", CRM_RESOURCE_TEXT, 0, NULL, 200, 0 },
  { "owner_id", CRM_RESOURCE_ID, CRM_RESOURCE_FIELD_OWNER | F, NULL, 0, 0 },
  { "tags", CRM_RESOURCE_TAGS, F, NULL, 0, 0 },
  { "custom", CRM_RESOURCE_CUSTOM, 0, NULL, 0, 0 },
  { "marketing_consent", CRM_RESOURCE_BOOLEAN, F, NULL, 0, 0 },
  { "consent_at", CRM_RESOURCE_TIMESTAMP, RO, NULL, 0, 0 },
  { "consent_source", CRM_RESOURCE_TEXT, 0, NULL, 100, 0 },
  { "followed_up_at", CRM_RESOURCE_TIMESTAMP, RO, NULL, 0, 0 },
  { "deleted_at", CRM_RESOURCE_TIMESTAMP, RO, NULL, 0, 0 },
  { "deleted_by", CRM_RESOURCE_ID, RO, NULL, 0, 0 },
  { "merged_into", CRM_RESOURCE_ID, RO, NULL, 0, 0 },
};

static gboolean add_duplicates (CrmCall           *call,
                                const CrmResource *resource,
                                JsonObject        *record,
                                GError           **error);

static const CrmResource customers = {
  .object = CRM_OBJECT_CUSTOMERS,
  .table = "customers",
  .owner_sql = "r.owner_id",
  .fields = customer_fields,
  .n_fields = G_N_ELEMENTS (customer_fields),
  .soft_delete = TRUE,
  .default_sort = "-updated_at",
  .search_function = "rapport_customers_matching",
  .search_page_function = "rapport_customers_matching_page",
  .search_row_function = "rapport_customer_matches",
  .after_write = add_duplicates,
};

static const CrmResourceField contact_fields[] = {
  { "customer_id", CRM_RESOURCE_ID,
    CRM_RESOURCE_FIELD_REQUIRED | CRM_RESOURCE_FIELD_CREATE_ONLY | F, NULL, 0, 0 },
  { "full_name", CRM_RESOURCE_TEXT, CRM_RESOURCE_FIELD_REQUIRED | S | SORT, NULL, 200, 0 },
  { "title", CRM_RESOURCE_TEXT, 0, NULL, 100, 0 },
  { "mobile", CRM_RESOURCE_TEXT, S | F, NULL, 40, CRM_RESOURCE_FORMAT_MOBILE },
  { "phone", CRM_RESOURCE_TEXT, S, NULL, 40, CRM_RESOURCE_FORMAT_PHONE },
  { "email", CRM_RESOURCE_TEXT, S, NULL, 254, CRM_RESOURCE_FORMAT_EMAIL },
  { "is_primary", CRM_RESOURCE_BOOLEAN, 0, NULL, 0, 0 },
  { "custom", CRM_RESOURCE_CUSTOM, 0, NULL, 0, 0 },
};

static const CrmResource contacts = {
  .object = CRM_OBJECT_CONTACTS,
  .table = "contacts",
  .owner_sql = "rapport_customer_owner (r.customer_id)",
  .fields = contact_fields,
  .n_fields = G_N_ELEMENTS (contact_fields),
  .parent_field = "customer_id",
  .parent_owner_sql = "SELECT owner_id FROM customers WHERE id = $1::bigint AND deleted_at IS NULL",
  .search_function = "rapport_contacts_matching",
};

/* ---- duplicates ---- */

/* One pass over the likely duplicates: those the caller may read, and how many others
 * (migration 0010). */
static const char duplicates_sql[] =
  "SELECT rapport_likely_duplicates ($1, $2, $3, $4, $5::bigint, "
  G_STRINGIFY (MAX_DUPLICATES) ")";

typedef gboolean (*Normalizer) (const char *, char **, const char **);

/* A value for comparison: normalised, or "" (matches nothing) when it does not parse. */
static char *
comparable (const char *value,
            Normalizer  normalize)
{
  char *normalized = NULL;
  const char *problem = NULL;

  if (value == NULL || !normalize (value, &normalized, &problem))
    return g_strdup ("");
  return normalized != NULL ? normalized : g_strdup ("");
}

/*
 * The likely duplicates of a customer with these values, as GET /customers/duplicates
 * answers them: {"items": [those the caller may read], "hidden": how many others}.
 */
static JsonNode *
find_duplicates (CrmCall     *call,
                 const char  *name,
                 const char  *mobile,
                 const char  *phone,
                 const char  *email,
                 gint64       exclude,
                 GError     **error)
{
  g_autofree char *m = comparable (mobile, crm_validate_mobile);
  g_autofree char *ph = comparable (phone, crm_validate_phone);
  g_autofree char *e = comparable (email, crm_validate_email);
  g_autofree char *x = exclude > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, exclude) : NULL;
  const char *params[] = { name != NULL ? name : "", m, ph, e, x };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonNode) found = NULL;

  result = crm_call_exec (call, duplicates_sql, 5, params, error);
  if (result == NULL)
    return NULL;
  found = json_from_string (PQgetvalue (result, 0, 0), NULL);
  if (found == NULL || !JSON_NODE_HOLDS_OBJECT (found)
      || crm_json_get_type (json_node_get_object (found), "items") != CRM_JSON_ARRAY
      || crm_json_get_type (json_node_get_object (found), "hidden") != CRM_JSON_INT)
    {
      g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_INTERNAL,
                   "rapport_likely_duplicates () answered no items and hidden count");
      return NULL;
    }
  return g_steal_pointer (&found);
}

/* After a create or update: the record carries its likely duplicates, if any. */
static gboolean
add_duplicates (CrmCall           *call,
                const CrmResource *resource,
                JsonObject        *record,
                GError           **error)
{
  g_autoptr(JsonNode) found = NULL;
  JsonObject *object;
  gint64 hidden;

  (void) resource;
  found = find_duplicates (call, crm_json_get_string (record, "name"),
                           crm_json_get_string (record, "mobile"),
                           crm_json_get_string (record, "phone"),
                           crm_json_get_string (record, "email"),
                           json_object_get_int_member (record, "id"), error);
  if (found == NULL)
    return FALSE;
  object = json_node_get_object (found);
  hidden = json_object_get_int_member (object, "hidden");
  if (json_array_get_length (json_object_get_array_member (object, "items")) > 0 || hidden > 0)
    {
      json_object_set_member (record, "duplicates",
                              json_object_dup_member (object, "items"));
      json_object_set_int_member (record, "hidden_duplicates", hidden);
    }
  return TRUE;
}

static gboolean
duplicates (CrmCall  *call,
            GError  **error)
{
  g_autoptr(JsonNode) found = NULL;
  const char *exclude = crm_call_get_query (call, "exclude");
  gboolean allowed;

  if (!crm_call_require (call, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed)
    return TRUE;
  found = find_duplicates (call, crm_call_get_query (call, "name"), crm_call_get_query (call, "mobile"),
                           crm_call_get_query (call, "phone"), crm_call_get_query (call, "email"),
                           exclude != NULL ? g_ascii_strtoll (exclude, NULL, 10) : 0, error);
  if (found == NULL)
    return FALSE;
  crm_call_reply (call, 200, found);
  return TRUE;
}

/* ---- merge ---- */

static gboolean
merge (CrmCall  *call,
       GError  **error)
{
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonObject) moved = json_object_new ();
  g_autoptr(JsonArray) merged = json_array_new ();
  g_autofree char *survivor_text = NULL;
  JsonArray *ids;
  gboolean allowed, sealed_notes;
  gint64 survivor;

  if (!crm_call_require (call, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &survivor))
    return TRUE;
  sealed_notes = (crm_call_get_field_flags (call, CRM_OBJECT_CUSTOMERS, "notes")
                  & CRM_FIELD_SENSITIVE) != 0;
  if (body == NULL || crm_json_get_type (body, "merge_ids") != CRM_JSON_ARRAY
      || json_array_get_length (ids = json_object_get_array_member (body, "merge_ids")) == 0
      || json_array_get_length (ids) > 100)
    {
      g_autoptr(JsonObject) problems = json_object_new ();

      json_object_set_string_member (problems, "merge_ids",
                                     N_("List the customers to merge into this one"));
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      return TRUE;
    }
  before = crm_resource_fetch (call, &customers, survivor, error);
  if (before == NULL)
    return error == NULL || *error == NULL;
  if (!crm_call_in_scope (call, crm_call_get_scope (call, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE),
                          crm_json_get_type (json_node_get_object (before), "owner_id") == CRM_JSON_INT
                            ? json_object_get_int_member (json_node_get_object (before), "owner_id")
                            : 0))
    return crm_call_deny (call, CRM_OBJECT_CUSTOMERS, "merge", survivor, NULL, error);

  survivor_text = g_strdup_printf ("%" G_GINT64_FORMAT, survivor);
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      JsonNode *element = json_array_get_element (ids, i);
      g_autoptr(JsonNode) loser = NULL;
      g_autoptr(PGresult) result = NULL;
      g_autoptr(JsonNode) counts = NULL;
      g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) detail_object = json_object_new ();
      g_autofree char *loser_text = NULL;
      g_autofree char *survivor_notes = NULL;
      g_autofree char *loser_notes = NULL;
      JsonObject *loser_object;
      gint64 loser_id, loser_owner;

      if (json_node_get_value_type (element) != G_TYPE_INT64 || json_node_get_int (element) <= 0
          || json_node_get_int (element) == survivor)
        {
          g_autoptr(JsonObject) problems = json_object_new ();

          json_object_set_string_member (problems, "merge_ids",
                                         N_("List other customers by their ids"));
          crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
          return TRUE;
        }
      loser_id = json_node_get_int (element);
      loser = crm_resource_fetch (call, &customers, loser_id, error);
      if (loser == NULL)
        return error == NULL || *error == NULL;
      loser_object = json_node_get_object (loser);
      loser_owner = crm_json_get_type (loser_object, "owner_id") == CRM_JSON_INT
                      ? json_object_get_int_member (loser_object, "owner_id") : 0;
      if (!crm_call_in_scope (call,
                              crm_call_get_scope (call, CRM_OBJECT_CUSTOMERS, CRM_ACTION_DELETE),
                              loser_owner))
        return crm_call_deny (call, CRM_OBJECT_CUSTOMERS, "merge", loser_id, NULL, error);

      loser_text = g_strdup_printf ("%" G_GINT64_FORMAT, loser_id);
      /* SQL joins both notes, which it cannot do to sealed ones: they are joined here. */
      if (sealed_notes
          && (!crm_resource_get_clear_value (call, &customers, survivor, "notes",
                                             &survivor_notes, error)
              || !crm_resource_get_clear_value (call, &customers, loser_id, "notes",
                                                &loser_notes, error)))
        return FALSE;
      {
        const char *params[] = { survivor_text, loser_text };

        result = crm_call_exec (call, "SELECT rapport_merge_customers ($1::bigint, $2::bigint)::text",
                                2, params, error);
      }
      if (result == NULL)
        return FALSE;
      if (survivor_notes != NULL && loser_notes != NULL)
        {
          g_autofree char *joined = g_strconcat (survivor_notes, "\n\n", loser_notes, NULL);

          if (!crm_resource_set_clear_value (call, &customers, survivor, "notes", joined, error))
            return FALSE;
        }
      counts = json_from_string (PQgetvalue (result, 0, 0), error);
      if (counts == NULL)
        return FALSE;
      {
        g_autoptr(GList) members = json_object_get_members (json_node_get_object (counts));

        for (GList *l = members; l != NULL; l = l->next)
          {
            gint64 n = json_object_get_int_member (json_node_get_object (counts), l->data);

            json_object_set_int_member (moved, l->data,
                                        (json_object_has_member (moved, l->data)
                                           ? json_object_get_int_member (moved, l->data) : 0) + n);
          }
      }
      json_array_add_int_element (merged, loser_id);
      json_object_set_member (detail_object, "before", json_node_copy (loser));
      json_object_set_int_member (detail_object, "merged_into", survivor);
      json_node_take_object (detail, g_steal_pointer (&detail_object));
      if (!crm_call_audit (call, "delete", "customers", loser_id, "ok", detail, error))
        return FALSE;
    }

  /* The survivor's sensitive fields filled from merged records are found by their
   * blind index, as if typed in. */
  if (!crm_resource_reindex_record (call, &customers, survivor, error))
    return FALSE;
  after = crm_resource_fetch (call, &customers, survivor, error);
  if (after == NULL)
    return error == NULL || *error == NULL;
  {
    g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(JsonObject) object = json_object_new ();
    g_autoptr(JsonObject) reply = json_object_new ();
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

    json_object_set_array_member (object, "merged", json_array_ref (merged));
    json_object_set_object_member (object, "moved", json_object_ref (moved));
    json_node_take_object (detail, g_steal_pointer (&object));
    if (!crm_call_audit (call, "merge", "customers", survivor, "ok", detail, error))
      return FALSE;
    json_object_set_member (reply, "customer", g_steal_pointer (&after));
    json_object_set_object_member (reply, "moved", json_object_ref (moved));
    json_node_take_object (node, g_steal_pointer (&reply));
    crm_call_reply (call, 200, node);
  }
  return TRUE;
}

/* ---- timeline ---- */

static const char timeline_sql[] =
  "SELECT x.at, x.kind, x.id, x.title, x.user_id, x.detail::text FROM (\n"
  /* A follow-up when it happened (done_at; typed in later or not). */
  "  SELECT coalesce (a.done_at, a.created_at) AS at, 'activity' AS kind, a.id,\n"
  "         a.subject AS title, a.owner_id AS user_id,\n"
  "         jsonb_build_object ('kind', a.kind, 'notes', a.notes, 'due_at', a.due_at,\n"
  "                             'done_at', a.done_at) AS detail\n"
  "  FROM activities a WHERE a.customer_id = $1::bigint\n"
  "  UNION ALL\n"
  "  SELECT o.ordered_at, 'order', o.id, o.number, o.owner_id,\n"
  "         jsonb_build_object ('status', o.status, 'amount',\n"
  "                             jsonb_build_object ('amount', o.amount, 'currency', o.currency))\n"
  "  FROM orders o WHERE o.customer_id = $1::bigint\n"
  "  UNION ALL\n"
  "  SELECT t.created_at, 'ticket', t.id, t.subject, t.owner_id,\n"
  "         jsonb_build_object ('status', t.status, 'priority', t.priority)\n"
  "  FROM tickets t WHERE t.customer_id = $1::bigint\n"
  "  UNION ALL\n"
  "  SELECT ch.at, CASE ch.action WHEN 'create' THEN 'created' ELSE 'change' END, ch.id, ch.action,\n"
  "         ch.user_id, ch.detail\n"
  /* Changes up to the cursor's instant included (the function reads `at < $2`); the
   * slack covers those at that very instant that came on the page before. */
  "  FROM rapport_customer_changes ($1::bigint,\n"
  "                                 $2::timestamptz + interval '1 microsecond',\n"
  "                                 $3::integer + " G_STRINGIFY (SAME_INSTANT_SLACK) ") ch\n"
  "  UNION ALL\n"
  /* Its contacts' changes: audit rows too, their ids unique among the changes. */
  "  SELECT cc.at, 'change', cc.id, 'contact_' || cc.action, cc.user_id, cc.detail\n"
  "  FROM rapport_customer_contact_changes (\n"
  "         $1::bigint, $2::timestamptz + interval '1 microsecond',\n"
  "         $3::integer + " G_STRINGIFY (SAME_INSTANT_SLACK) ") cc\n"
  ") x\n"
  "WHERE $2::timestamptz IS NULL OR (x.at, x.kind, x.id) < ($2::timestamptz, $4, $5::bigint)\n"
  "ORDER BY x.at DESC, x.kind DESC, x.id DESC\n"
  "LIMIT $3::integer";

/* Leaves out of an audited before/after (of a customer or of a contact) what the caller
 * may not read. */
static void
strip_unreadable (CrmCall    *call,
                  CrmObject   object,
                  JsonObject *detail)
{
  static const char * const parts[] = { "before", "after" };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autoptr(GList) members = NULL;
      JsonObject *values;

      if (crm_json_get_type (detail, parts[i]) != CRM_JSON_OBJECT)
        continue;
      values = json_object_get_object_member (detail, parts[i]);
      members = json_object_get_members (values);
      for (GList *l = members; l != NULL; l = l->next)
        if (crm_call_get_field_access (call, object, l->data) == CRM_FIELD_ACCESS_NONE)
          json_object_remove_member (values, l->data);
    }
  /* A contact's change names the contact, by a field like any other. */
  if (object == CRM_OBJECT_CONTACTS
      && crm_call_get_field_access (call, object, "full_name") == CRM_FIELD_ACCESS_NONE)
    json_object_remove_member (detail, "contact_name");
}

/*
 * A timeline cursor: the last item's place in the order (at, kind, id), as base64 of
 * `["2026-11-23 02:00:00.123456+00","activity",12]`: ids alone are unique only per kind,
 * and items of one instant are common (a follow-up and the change it makes). A bare
 * RFC 3339 time (the cursor before) still means “older than that”.
 */
static char *
timeline_cursor_new (const char *at,
                     const char *kind,
                     const char *id)
{
  g_autoptr(JsonArray) array = json_array_new ();

  json_array_add_string_element (array, at);
  json_array_add_string_element (array, kind);
  json_array_add_int_element (array, g_ascii_strtoll (id, NULL, 10));
  return crm_resource_cursor_encode (array);
}

/* Whether @text is a time in PostgreSQL's text form ("2026-11-23 02:00:00.123456+00"), as
 * a cursor brings it back. */
static gboolean
is_pg_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *iso = g_strdup (text);

  if (strlen (iso) > 10)
    iso[10] = 'T';
  parsed = g_date_time_new_from_iso8601 (iso, utc);
  return parsed != NULL;
}

static gboolean
timeline_cursor_parse (const char  *cursor,
                       char       **at,
                       char       **kind,
                       char       **id)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (cursor, utc);
  g_autoptr(JsonArray) array = NULL;

  if (time != NULL)
    {
      /* Older than that time: before every item of that instant. */
      *at = g_date_time_format_iso8601 (time);
      *kind = g_strdup ("");
      *id = g_strdup ("0");
      return TRUE;
    }
  array = crm_resource_cursor_decode (cursor, 3);
  if (array == NULL
      || json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_STRING
      || json_node_get_value_type (json_array_get_element (array, 1)) != G_TYPE_STRING
      || json_node_get_value_type (json_array_get_element (array, 2)) != G_TYPE_INT64
      || !is_pg_time (json_array_get_string_element (array, 0)))
    return FALSE;
  *at = g_strdup (json_array_get_string_element (array, 0));
  *kind = g_strdup (json_array_get_string_element (array, 1));
  *id = g_strdup_printf ("%" G_GINT64_FORMAT, json_array_get_int_element (array, 2));
  return TRUE;
}

/*
 * The start of a read of one customer's items a page at a time (its timeline, its
 * follow-ups): customers read, the customer's id in the path, `?limit=` (1–500, default
 * 50). *@proceed is FALSE when the reply is set already; FALSE on a database error.
 */
static gboolean
begin_customer_page (CrmCall   *call,
                     gint64    *id,
                     gint64    *limit,
                     gboolean  *proceed,
                     GError   **error)
{
  const char *limit_text = crm_call_get_query (call, "limit");
  gboolean allowed;

  *proceed = FALSE;
  if (!crm_call_require (call, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", id))
    return TRUE;
  *limit = limit_text != NULL ? g_ascii_strtoll (limit_text, NULL, 10) : 50;
  if (*limit < 1 || *limit > 500)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("limit must be between 1 and 500"));
      return TRUE;
    }
  *proceed = TRUE;
  return TRUE;
}

static gboolean
timeline (CrmCall  *call,
          GError  **error)
{
  const char *before_text = crm_call_get_query (call, "before");
  g_autoptr(JsonNode) customer = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *before_at = NULL;
  g_autofree char *before_kind = NULL;
  g_autofree char *before_id = NULL;
  g_autofree char *limit_param = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *next = NULL;
  gint64 id, limit;
  gboolean proceed;
  int n_rows;

  if (!begin_customer_page (call, &id, &limit, &proceed, error))
    return FALSE;
  if (!proceed)
    return TRUE;
  if (before_text != NULL
      && !timeline_cursor_parse (before_text, &before_at, &before_kind, &before_id))
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED,
                            N_("before must be a cursor from next"));
      return TRUE;
    }
  customer = crm_resource_fetch (call, &customers, id, error);
  if (customer == NULL)
    return error == NULL || *error == NULL;
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  limit_param = g_strdup_printf ("%" G_GINT64_FORMAT, limit + 1);
  {
    const char *params[] = { id_text, before_at, limit_param, before_kind, before_id };

    result = crm_call_exec (call, timeline_sql, 5, params, error);
  }
  if (result == NULL)
    return FALSE;
  n_rows = PQntuples (result);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (int row = 0; row < n_rows && row < limit; row++)
    {
      g_autoptr(JsonNode) detail = json_from_string (PQgetvalue (result, row, 5), NULL);
      g_autoptr(GDateTime) at = NULL;
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autofree char *at_text = NULL;
      g_autofree char *pg_at = g_strdup (PQgetvalue (result, row, 0));

      /* "2026-11-23 02:00:00.123+00" → RFC 3339 */
      pg_at[10] = 'T';
      at = g_date_time_new_from_iso8601 (pg_at, utc);
      at_text = at != NULL ? g_date_time_format_iso8601 (at) : g_strdup (PQgetvalue (result, row, 0));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "at");
      json_builder_add_string_value (builder, at_text);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, PQgetvalue (result, row, 1));
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, g_ascii_strtoll (PQgetvalue (result, row, 2), NULL, 10));
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, PQgetvalue (result, row, 3));
      json_builder_set_member_name (builder, "user_id");
      if (PQgetisnull (result, row, 4))
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, g_ascii_strtoll (PQgetvalue (result, row, 4), NULL, 10));
      json_builder_set_member_name (builder, "detail");
      if (detail != NULL && JSON_NODE_HOLDS_OBJECT (detail))
        {
          strip_unreadable (call,
                            g_str_has_prefix (PQgetvalue (result, row, 3), "contact_")
                              ? CRM_OBJECT_CONTACTS : CRM_OBJECT_CUSTOMERS,
                            json_node_get_object (detail));
          json_builder_add_value (builder, g_steal_pointer (&detail));
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      g_free (next);
      next = timeline_cursor_new (PQgetvalue (result, row, 0), PQgetvalue (result, row, 1),
                                  PQgetvalue (result, row, 2));
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next");
  if (n_rows > limit && next != NULL)
    json_builder_add_string_value (builder, next);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);
  {
    g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_boolean_member (object, "timeline", TRUE);
    json_node_take_object (detail, g_steal_pointer (&object));
    if (!crm_call_audit (call, "read", "customers", id, "ok", detail, error))
      return FALSE;
  }
  crm_call_reply (call, 200, reply);
  return TRUE;
}

/* ---- follow-ups ---- */

static const char insert_follow_up_sql[] =
  "INSERT INTO activities (customer_id, owner_id, kind, subject, notes, done_at, due_at)\n"
  "VALUES ($1::bigint, $2::bigint, $3, $4, $5, coalesce ($6::timestamptz, now ()),\n"
  "        $7::timestamptz)\n"
  "RETURNING jsonb_build_object ('id', id, 'version', version, 'created_at', created_at,\n"
  "  'updated_at', updated_at, 'customer_id', customer_id, 'owner_id', owner_id, 'kind', kind,\n"
  "  'subject', subject, 'notes', notes, 'done_at', done_at, 'due_at', due_at)::text";

/* Clocks differ: a follow-up "now" by a client a little ahead is not in the future. */
#define FOLLOW_UP_CLOCK_SLACK_SECONDS 300

/*
 * A time member of a follow-up: absent or null (*@value NULL), or an RFC 3339 time
 * normalised to UTC. FALSE with the problem in @problems under @name otherwise.
 */
static gboolean
follow_up_time (JsonObject  *body,
                const char  *name,
                JsonObject  *problems,
                char       **value)
{
  const char *problem = NULL;

  *value = NULL;
  switch (crm_json_get_type (body, name))
    {
    case CRM_JSON_ABSENT:
      return TRUE;
    case CRM_JSON_STRING:
      if (crm_validate_timestamp (crm_json_get_string (body, name), value, &problem))
        return TRUE;
      break;
    default:
      crm_validate_timestamp (NULL, NULL, &problem);
      break;
    }
  json_object_set_string_member (problems, name, problem);
  return FALSE;
}

static gboolean
follow_up (CrmCall  *call,
           GError  **error)
{
  JsonObject *body = crm_call_get_body (call);
  g_autoptr(JsonObject) problems = json_object_new ();
  g_autoptr(JsonNode) customer = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *user_text = NULL;
  g_autofree char *done_at = NULL;
  g_autofree char *due_at = NULL;
  const char *kind = NULL;
  const char *problem = NULL;
  gboolean allowed;
  gint64 id;

  if (!crm_call_require (call, CRM_OBJECT_ACTIVITIES, CRM_ACTION_CREATE, &allowed, error))
    return FALSE;
  if (!allowed || !crm_call_get_id_param (call, "id", &id))
    return TRUE;
  if (body == NULL)
    {
      crm_call_reply_error (call, CRM_API_ERROR_MALFORMED, N_("The body must be a JSON object"));
      return TRUE;
    }
  kind = crm_json_get_string (body, "kind");
  if (kind == NULL || !g_strv_contains (activity_kinds, kind))
    json_object_set_string_member (problems, "kind", N_("Choose one of the listed options"));
  if (crm_json_get_string (body, "subject") == NULL
      || !crm_validate_text (crm_json_get_string (body, "subject"), 300, TRUE, &subject, &problem))
    json_object_set_string_member (problems, "subject", problem != NULL ? problem : N_("This field is required"));
  problem = NULL;
  if (crm_json_get_type (body, "notes") != CRM_JSON_ABSENT
      && (crm_json_get_string (body, "notes") == NULL
          || !crm_validate_text (crm_json_get_string (body, "notes"), 10000, FALSE, &notes,
                                 &problem)))
    json_object_set_string_member (problems, "notes", problem != NULL ? problem : N_("Enter text in this field"));
  /* When it happened (now by default), and when to follow up next: not before. Both are
   * "YYYY-MM-DDTHH:MM:SSZ" now, whose order is their text's. */
  if (follow_up_time (body, "done_at", problems, &done_at) && done_at != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) latest = g_date_time_add_seconds (now, FOLLOW_UP_CLOCK_SLACK_SECONDS);
      g_autofree char *latest_text = g_date_time_format (latest, "%Y-%m-%dT%H:%M:%SZ");

      if (strcmp (done_at, latest_text) > 0)
        json_object_set_string_member (problems, "done_at",
                                       N_("A follow-up cannot have happened in the future"));
    }
  if (follow_up_time (body, "due_at", problems, &due_at) && due_at != NULL
      && !json_object_has_member (problems, "done_at"))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

      if (strcmp (due_at, done_at != NULL ? done_at : now_text) < 0)
        json_object_set_string_member (problems, "due_at",
                                       N_("The next follow-up cannot be before this one"));
    }
  if (json_object_get_size (problems) > 0)
    {
      crm_call_reply_invalid (call, N_("Some fields are not valid"), problems);
      return TRUE;
    }
  customer = crm_resource_fetch (call, &customers, id, error);
  if (customer == NULL)
    return error == NULL || *error == NULL;
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  user_text = g_strdup_printf ("%" G_GINT64_FORMAT, crm_call_get_principal (call)->user_id);
  {
    const char *params[] = { id_text, user_text, kind, subject, notes, done_at, due_at };

    result = crm_call_exec (call, insert_follow_up_sql, G_N_ELEMENTS (params), params, error);
  }
  if (result == NULL)
    return FALSE;
  record = json_from_string (PQgetvalue (result, 0, 0), error);
  if (record == NULL)
    return FALSE;
  {
    g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_member (object, "after", json_node_copy (record));
    json_node_take_object (detail, g_steal_pointer (&object));
    if (!crm_call_audit (call, "create", "activities",
                         json_object_get_int_member (json_node_get_object (record), "id"), "ok",
                         detail, error))
      return FALSE;
  }
  crm_call_reply (call, 201, record);
  return TRUE;
}

/*
 * GET /customers/{id}/follow-ups: the customer's follow-ups, the latest (by when they
 * happened) first, a keyset page at a time. Row-level security decides which: those of
 * the caller's activities scope, and all of a customer the caller may read (0032).
 */
static const char list_follow_ups_sql[] =
  "SELECT jsonb_build_object ('id', a.id, 'version', a.version, 'created_at', a.created_at,\n"
  "  'updated_at', a.updated_at, 'customer_id', a.customer_id, 'owner_id', a.owner_id,\n"
  "  'kind', a.kind, 'subject', a.subject, 'notes', a.notes, 'done_at', a.done_at,\n"
  "  'due_at', a.due_at)::text,\n"
  "  coalesce (a.done_at, a.created_at)::text, a.id\n"
  "FROM activities a\n"
  "WHERE a.customer_id = $1::bigint\n"
  "  AND ($2::timestamptz IS NULL\n"
  "       OR (coalesce (a.done_at, a.created_at), a.id) < ($2::timestamptz, $3::bigint))\n"
  "ORDER BY coalesce (a.done_at, a.created_at) DESC, a.id DESC\n"
  "LIMIT $4::integer";

static gboolean
list_follow_ups (CrmCall  *call,
                 GError  **error)
{
  const char *after = crm_call_get_query (call, "after");
  g_autoptr(JsonNode) customer = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GString) text = g_string_new ("{\"items\":[");
  g_autofree char *after_at = NULL;
  g_autofree char *after_id = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *limit_param = NULL;
  g_autofree char *next = NULL;
  gint64 id, limit;
  gboolean proceed;
  int n_rows;

  if (!begin_customer_page (call, &id, &limit, &proceed, error))
    return FALSE;
  if (!proceed)
    return TRUE;
  if (after != NULL)
    {
      g_autoptr(JsonArray) array = crm_resource_cursor_decode (after, 2);

      if (array == NULL
          || json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_STRING
          || json_node_get_value_type (json_array_get_element (array, 1)) != G_TYPE_INT64
          || !is_pg_time (json_array_get_string_element (array, 0)))
        {
          crm_call_reply_error (call, CRM_API_ERROR_MALFORMED,
                                N_("after must be a cursor from next"));
          return TRUE;
        }
      after_at = g_strdup (json_array_get_string_element (array, 0));
      after_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_array_get_int_element (array, 1));
    }
  customer = crm_resource_fetch (call, &customers, id, error);
  if (customer == NULL)
    return error == NULL || *error == NULL;
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  limit_param = g_strdup_printf ("%" G_GINT64_FORMAT, limit + 1);
  {
    const char *params[] = { id_text, after_at, after_id, limit_param };

    result = crm_call_exec (call, list_follow_ups_sql, G_N_ELEMENTS (params), params, error);
  }
  if (result == NULL)
    return FALSE;
  n_rows = PQntuples (result);
  for (int row = 0; row < n_rows && row < limit; row++)
    {
      g_autoptr(JsonArray) cursor = json_array_new ();

      if (row > 0)
        g_string_append_c (text, ',');
      g_string_append (text, PQgetvalue (result, row, 0));
      json_array_add_string_element (cursor, PQgetvalue (result, row, 1));
      json_array_add_int_element (cursor, g_ascii_strtoll (PQgetvalue (result, row, 2), NULL, 10));
      g_free (next);
      next = crm_resource_cursor_encode (cursor);
    }
  /* A cursor is base64: nothing in it needs escaping. */
  if (n_rows > limit && next != NULL)
    g_string_append_printf (text, "],\"next\":\"%s\"}", next);
  else
    g_string_append (text, "],\"next\":null}");
  {
    g_autoptr(JsonNode) detail = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_int_member (object, "customer_id", id);
    json_object_set_int_member (object, "count", MIN (n_rows, limit));
    json_node_take_object (detail, g_steal_pointer (&object));
    if (!crm_call_audit (call, "list", "activities", 0, "ok", detail, error))
      return FALSE;
  }
  {
    g_autoptr(GBytes) reply = g_string_free_to_bytes (g_steal_pointer (&text));

    crm_call_reply_bytes (call, 200, reply);
  }
  return TRUE;
}

static const CrmResourceFacet industries = { &customers, "industry" };

void crm_api_customers_list (CrmRequest *r) { crm_resource_list (r, &customers); }
void crm_api_customers_industries (CrmRequest *r) { crm_resource_facet (r, &industries); }
void crm_api_customers_count (CrmRequest *r) { crm_resource_count (r, &customers); }
void crm_api_customers_get (CrmRequest *r) { crm_resource_get (r, &customers); }
void crm_api_customers_create (CrmRequest *r) { crm_resource_create (r, &customers); }
void crm_api_customers_update (CrmRequest *r) { crm_resource_update (r, &customers); }
void crm_api_customers_batch (CrmRequest *r) { crm_resource_batch_update (r, &customers); }
void crm_api_customers_delete (CrmRequest *r) { crm_resource_delete (r, &customers); }
void crm_api_customers_restore (CrmRequest *r) { crm_resource_restore (r, &customers); }
void crm_api_customers_duplicates (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, duplicates); }
void crm_api_customers_merge (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, merge); }
void crm_api_customers_timeline (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, timeline); }
void crm_api_customers_follow_up (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, follow_up); }
void crm_api_customers_follow_ups (CrmRequest *r) { crm_call_run (r, CRM_CALL_NONE, list_follow_ups); }

void crm_api_contacts_list (CrmRequest *r) { crm_resource_list (r, &contacts); }
void crm_api_contacts_get (CrmRequest *r) { crm_resource_get (r, &contacts); }
void crm_api_contacts_create (CrmRequest *r) { crm_resource_create (r, &contacts); }
void crm_api_contacts_update (CrmRequest *r) { crm_resource_update (r, &contacts); }
void crm_api_contacts_delete (CrmRequest *r) { crm_resource_delete (r, &contacts); }
