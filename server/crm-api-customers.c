/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-api-customers"

#include "config.h"

#include "crm-api.h"
#include "crm-resource.h"

/* /api/v1/customers and /api/v1/contacts: records owned by a user, or through a customer. */

static const char * const kinds[] = { "company", "individual", NULL };
static const char * const sizes[] = { "large", "medium_small", "individual", NULL };
static const char * const potentials[] = { "high", "medium", "low", NULL };

#define F CRM_RESOURCE_FIELD_FILTER
#define S CRM_RESOURCE_FIELD_SEARCH

static const CrmResourceField customer_fields[] = {
  { "kind", CRM_RESOURCE_TEXT, F, kinds, 0 },
  { "name", CRM_RESOURCE_TEXT, CRM_RESOURCE_FIELD_REQUIRED | S, NULL, 300 },
  { "registration_no", CRM_RESOURCE_TEXT, F, NULL, 64 },
  { "industry", CRM_RESOURCE_TEXT, F, NULL, 100 },
  { "size", CRM_RESOURCE_TEXT, F, sizes, 0 },
  { "potential", CRM_RESOURCE_TEXT, F, potentials, 0 },
  { "source", CRM_RESOURCE_TEXT, F, NULL, 100 },
  { "province", CRM_RESOURCE_TEXT, F, NULL, 50 },
  { "city", CRM_RESOURCE_TEXT, F, NULL, 50 },
  { "district", CRM_RESOURCE_TEXT, F, NULL, 50 },
  { "address", CRM_RESOURCE_TEXT, S, NULL, 300 },
  { "phone", CRM_RESOURCE_TEXT, S, NULL, 40 },
  { "email", CRM_RESOURCE_TEXT, S, NULL, 254 },
  { "website", CRM_RESOURCE_TEXT, 0, NULL, 300 },
  { "notes", CRM_RESOURCE_TEXT, 0, NULL, 10000 },
  { "credit_terms", CRM_RESOURCE_TEXT, 0, NULL, 200 },
  { "owner_id", CRM_RESOURCE_ID, CRM_RESOURCE_FIELD_OWNER | F, NULL, 0 },
};

static const CrmResource customers = {
  .object = CRM_OBJECT_CUSTOMERS,
  .table = "customers",
  .owner_sql = "r.owner_id",
  .fields = customer_fields,
  .n_fields = G_N_ELEMENTS (customer_fields),
};

static const CrmResourceField contact_fields[] = {
  { "customer_id", CRM_RESOURCE_ID,
    CRM_RESOURCE_FIELD_REQUIRED | CRM_RESOURCE_FIELD_CREATE_ONLY | F, NULL, 0 },
  { "full_name", CRM_RESOURCE_TEXT, CRM_RESOURCE_FIELD_REQUIRED | S, NULL, 200 },
  { "title", CRM_RESOURCE_TEXT, 0, NULL, 100 },
  { "mobile", CRM_RESOURCE_TEXT, S | F, NULL, 20 },
  { "phone", CRM_RESOURCE_TEXT, S, NULL, 40 },
  { "email", CRM_RESOURCE_TEXT, S, NULL, 254 },
  { "is_primary", CRM_RESOURCE_BOOLEAN, 0, NULL, 0 },
};

static const CrmResource contacts = {
  .object = CRM_OBJECT_CONTACTS,
  .table = "contacts",
  .owner_sql = "rapport_customer_owner (r.customer_id)",
  .fields = contact_fields,
  .n_fields = G_N_ELEMENTS (contact_fields),
  .parent_field = "customer_id",
  .parent_owner_sql = "SELECT owner_id FROM customers WHERE id = $1::bigint",
};

void crm_api_customers_list (CrmRequest *r) { crm_resource_list (r, &customers); }
void crm_api_customers_get (CrmRequest *r) { crm_resource_get (r, &customers); }
void crm_api_customers_create (CrmRequest *r) { crm_resource_create (r, &customers); }
void crm_api_customers_update (CrmRequest *r) { crm_resource_update (r, &customers); }
void crm_api_customers_delete (CrmRequest *r) { crm_resource_delete (r, &customers); }

void crm_api_contacts_list (CrmRequest *r) { crm_resource_list (r, &contacts); }
void crm_api_contacts_get (CrmRequest *r) { crm_resource_get (r, &contacts); }
void crm_api_contacts_create (CrmRequest *r) { crm_resource_create (r, &contacts); }
void crm_api_contacts_update (CrmRequest *r) { crm_resource_update (r, &contacts); }
void crm_api_contacts_delete (CrmRequest *r) { crm_resource_delete (r, &contacts); }
