/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client-sections"

#include "config.h"

#include <locale.h>

#include "crm-account.h"
#include "crm-error.h"
#include "crm-owners.h"
#include "crm-sections.h"

/* The sections @permissions allow, as their ids joined by spaces. */
static char *
allowed_ids (const CrmPermissions *permissions)
{
  CrmSection sections[CRM_N_SECTIONS];
  GString *ids = g_string_new (NULL);
  guint n = crm_sections_allowed (permissions, sections);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (ids, ' ');
      g_string_append (ids, crm_section_get_id (sections[i]));
    }
  return g_string_free (ids, FALSE);
}

static void
test_sections_none (void)
{
  g_autoptr(CrmPermissions) permissions = crm_permissions_new ();
  g_autofree char *ids = allowed_ids (permissions);

  /* Everyone has a dashboard. */
  g_assert_cmpstr (ids, ==, "dashboard");
}

static void
test_sections_sales_rep (void)
{
  g_autoptr(CrmPermissions) permissions = crm_permissions_new ();
  g_autofree char *ids = NULL;

  crm_permissions_set_scope (permissions, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ, CRM_SCOPE_OWN);
  crm_permissions_set_scope (permissions, CRM_OBJECT_OPPORTUNITIES, CRM_ACTION_READ,
                             CRM_SCOPE_OWN);
  crm_permissions_set_scope (permissions, CRM_OBJECT_ORDERS, CRM_ACTION_READ, CRM_SCOPE_OWN);
  crm_permissions_set_scope (permissions, CRM_OBJECT_TICKETS, CRM_ACTION_READ, CRM_SCOPE_OWN);
  crm_permissions_set_scope (permissions, CRM_OBJECT_KB_ARTICLES, CRM_ACTION_READ, CRM_SCOPE_ALL);
  crm_permissions_set_scope (permissions, CRM_OBJECT_REPORTS, CRM_ACTION_READ, CRM_SCOPE_OWN);
  /* Reading users is not administering them. */
  crm_permissions_set_scope (permissions, CRM_OBJECT_USERS, CRM_ACTION_READ, CRM_SCOPE_ALL);
  /* Creating customers without reading them shows nothing more. */
  crm_permissions_set_scope (permissions, CRM_OBJECT_CAMPAIGNS, CRM_ACTION_CREATE, CRM_SCOPE_ALL);

  ids = allowed_ids (permissions);
  g_assert_cmpstr (ids, ==, "dashboard customers pipeline orders tickets knowledge-base reports");
  g_assert_false (crm_section_is_allowed (CRM_SECTION_ADMINISTRATION, permissions));
  g_assert_false (crm_section_is_allowed (CRM_SECTION_CAMPAIGNS, permissions));
}

static void
test_sections_administration (void)
{
  g_autoptr(CrmPermissions) permissions = crm_permissions_new ();
  g_autofree char *ids = NULL;

  /* Updating the users of one's team is not administration. */
  crm_permissions_set_scope (permissions, CRM_OBJECT_USERS, CRM_ACTION_UPDATE, CRM_SCOPE_TEAM);
  g_assert_false (crm_section_is_allowed (CRM_SECTION_ADMINISTRATION, permissions));

  crm_permissions_set_scope (permissions, CRM_OBJECT_USERS, CRM_ACTION_UPDATE, CRM_SCOPE_ALL);
  g_assert_true (crm_section_is_allowed (CRM_SECTION_ADMINISTRATION, permissions));

  crm_permissions_set_scope (permissions, CRM_OBJECT_USERS, CRM_ACTION_UPDATE, CRM_SCOPE_NONE);
  crm_permissions_set_scope (permissions, CRM_OBJECT_ROLES, CRM_ACTION_UPDATE, CRM_SCOPE_ALL);
  g_assert_true (crm_section_is_allowed (CRM_SECTION_ADMINISTRATION, permissions));

  ids = allowed_ids (permissions);
  g_assert_cmpstr (ids, ==, "dashboard administration");
}

static void
test_sections_everything (void)
{
  g_autoptr(CrmPermissions) permissions = crm_permissions_new ();
  g_autofree char *ids = NULL;

  for (CrmObject object = 0; object < CRM_N_OBJECTS; object++)
    for (CrmAction action = 0; action < CRM_N_ACTIONS; action++)
      crm_permissions_set_scope (permissions, object, action, CRM_SCOPE_ALL);

  ids = allowed_ids (permissions);
  g_assert_cmpstr (ids, ==, "dashboard customers pipeline orders tickets campaigns knowledge-base "
                            "reports administration");
  for (CrmSection section = 0; section < CRM_N_SECTIONS; section++)
    {
      g_assert_nonnull (crm_section_get_title (section));
      g_assert_cmpstr (crm_section_get_title (section), !=, "");
    }
}

/* A built-in role's shipped name is shown translated; one an admin renamed, as named. */
/* Who may give customers to others, as the server decides (crm-resource.c): the assign
 * scope, or write access to owner_id, protected by default, which admins have. */
static void
test_owners_can_assign (void)
{
  g_autoptr(CrmPermissions) rep = crm_permissions_new ();
  g_autoptr(CrmPermissions) manager = crm_permissions_new ();
  g_autoptr(CrmPermissions) admin = crm_permissions_new ();
  g_autoptr(CrmPermissions) granted = crm_permissions_new ();
  g_autoptr(CrmPermissions) reader = crm_permissions_new ();
  g_autoptr(CrmPermissions) plain = crm_permissions_new ();
  g_autoptr(GHashTable) protected_fields = g_hash_table_new (g_str_hash, g_str_equal);
  CrmAccount account = { .user_id = 5, .protected_fields = protected_fields };

  g_hash_table_add (protected_fields, (gpointer) "customers.owner_id");
  g_assert_false (crm_owners_can_assign (NULL));

  /* The built-in roles of server/sql/0002-security.sql. */
  crm_permissions_set_scope (rep, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_OWN);
  crm_permissions_set_field_access (rep, CRM_OBJECT_CUSTOMERS, "owner_id", CRM_FIELD_ACCESS_READ);
  account.permissions = rep;
  g_assert_false (crm_owners_can_assign (&account));

  crm_permissions_set_scope (manager, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_TEAM);
  crm_permissions_set_scope (manager, CRM_OBJECT_CUSTOMERS, CRM_ACTION_ASSIGN, CRM_SCOPE_TEAM);
  crm_permissions_set_field_access (manager, CRM_OBJECT_CUSTOMERS, "owner_id",
                                    CRM_FIELD_ACCESS_READ);
  account.permissions = manager;
  g_assert_true (crm_owners_can_assign (&account));

  crm_permissions_set_scope (admin, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_ALL);
  crm_permissions_set_scope (admin, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE, CRM_SCOPE_ALL);
  account.permissions = admin;
  g_assert_true (crm_owners_can_assign (&account));

  /* A role granted the field, without the assign scope. */
  crm_permissions_set_scope (granted, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_OWN);
  crm_permissions_set_field_access (granted, CRM_OBJECT_CUSTOMERS, "owner_id",
                                    CRM_FIELD_ACCESS_WRITE);
  account.permissions = granted;
  g_assert_true (crm_owners_can_assign (&account));

  /* Assigning is updating: not without the update scope. */
  crm_permissions_set_scope (reader, CRM_OBJECT_CUSTOMERS, CRM_ACTION_READ, CRM_SCOPE_ALL);
  crm_permissions_set_scope (reader, CRM_OBJECT_CUSTOMERS, CRM_ACTION_ASSIGN, CRM_SCOPE_ALL);
  account.permissions = reader;
  g_assert_false (crm_owners_can_assign (&account));

  /* A role without a word on the field: it writes the owner once an admin unprotects it. */
  crm_permissions_set_scope (plain, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_OWN);
  account.permissions = plain;
  g_assert_false (crm_owners_can_assign (&account));
  g_hash_table_remove_all (protected_fields);
  g_assert_true (crm_owners_can_assign (&account));
}

/* A field's access as the server decides it (crm-call.c role_rules_get_field_access ()):
 * the role's grant, else write unless protected; admins are not held back by protection. */
static void
test_account_field_access (void)
{
  g_autoptr(CrmPermissions) rep = crm_permissions_new ();
  g_autoptr(CrmPermissions) admin = crm_permissions_new ();
  g_autoptr(GHashTable) protected_fields = g_hash_table_new (g_str_hash, g_str_equal);
  CrmAccount account = { .user_id = 5, .protected_fields = protected_fields };

  g_hash_table_add (protected_fields, (gpointer) "customers.credit_terms");
  g_hash_table_add (protected_fields, (gpointer) "customers.owner_id");
  g_hash_table_add (protected_fields, (gpointer) "customers.custom_budget");
  crm_permissions_set_field_access (rep, CRM_OBJECT_CUSTOMERS, "owner_id", CRM_FIELD_ACCESS_READ);
  account.permissions = rep;
  g_assert_cmpint (crm_account_get_field_access (&account, CRM_OBJECT_CUSTOMERS, "notes"), ==,
                   CRM_FIELD_ACCESS_WRITE);
  g_assert_cmpint (crm_account_get_field_access (&account, CRM_OBJECT_CUSTOMERS, "owner_id"), ==,
                   CRM_FIELD_ACCESS_READ);
  g_assert_cmpint (crm_account_get_field_access (&account, CRM_OBJECT_CUSTOMERS, "credit_terms"),
                   ==, CRM_FIELD_ACCESS_NONE);
  g_assert_cmpint (crm_account_get_field_access (&account, CRM_OBJECT_CUSTOMERS,
                                                 "custom_budget"), ==, CRM_FIELD_ACCESS_NONE);
  /* Protection is per object. */
  g_assert_cmpint (crm_account_get_field_access (&account, CRM_OBJECT_CONTACTS, "credit_terms"),
                   ==, CRM_FIELD_ACCESS_WRITE);

  crm_permissions_set_scope (admin, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE, CRM_SCOPE_ALL);
  account.permissions = admin;
  g_assert_cmpint (crm_account_get_field_access (&account, CRM_OBJECT_CUSTOMERS, "credit_terms"),
                   ==, CRM_FIELD_ACCESS_WRITE);
  crm_permissions_set_field_access (admin, CRM_OBJECT_CUSTOMERS, "credit_terms",
                                    CRM_FIELD_ACCESS_READ);
  g_assert_cmpint (crm_account_get_field_access (&account, CRM_OBJECT_CUSTOMERS, "credit_terms"),
                   ==, CRM_FIELD_ACCESS_READ);

  /* Not known: every field is written (the server still decides). */
  g_assert_cmpint (crm_account_get_field_access (NULL, CRM_OBJECT_CUSTOMERS, "credit_terms"), ==,
                   CRM_FIELD_ACCESS_WRITE);
}

/* To whom a manager, an administrator, a rep or a role granted the owner field may give
 * customers, as the server decides (crm-resource.c may_assign ()). */
static void
test_owners_may_assign_to (void)
{
  g_autoptr(CrmPermissions) manager = crm_permissions_new ();
  g_autoptr(CrmPermissions) admin = crm_permissions_new ();
  g_autoptr(CrmPermissions) rep = crm_permissions_new ();
  g_autoptr(CrmPermissions) granted = crm_permissions_new ();
  CrmAccount account = { .user_id = 5, .team_id = 2 };
  CrmAccount teamless = { .user_id = 5, .team_id = 0 };

  crm_permissions_set_scope (manager, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_TEAM);
  crm_permissions_set_scope (manager, CRM_OBJECT_CUSTOMERS, CRM_ACTION_ASSIGN, CRM_SCOPE_TEAM);
  crm_permissions_set_field_access (manager, CRM_OBJECT_CUSTOMERS, "owner_id",
                                    CRM_FIELD_ACCESS_READ);
  account.permissions = manager;
  g_assert_true (crm_owners_may_assign_to (&account, 5, 2));    /* themselves */
  g_assert_true (crm_owners_may_assign_to (&account, 7, 2));    /* the team's rep */
  g_assert_false (crm_owners_may_assign_to (&account, 8, 3));   /* another team's */
  g_assert_false (crm_owners_may_assign_to (&account, 9, 0));   /* no team's */
  teamless.permissions = manager;
  g_assert_true (crm_owners_may_assign_to (&teamless, 5, 0));
  g_assert_false (crm_owners_may_assign_to (&teamless, 9, 0));

  crm_permissions_set_scope (admin, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_ALL);
  crm_permissions_set_scope (admin, CRM_OBJECT_CUSTOMERS, CRM_ACTION_ASSIGN, CRM_SCOPE_ALL);
  crm_permissions_set_scope (admin, CRM_OBJECT_FIELDS, CRM_ACTION_UPDATE, CRM_SCOPE_ALL);
  account.permissions = admin;
  g_assert_true (crm_owners_may_assign_to (&account, 8, 3));

  crm_permissions_set_scope (rep, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_OWN);
  crm_permissions_set_field_access (rep, CRM_OBJECT_CUSTOMERS, "owner_id", CRM_FIELD_ACCESS_READ);
  account.permissions = rep;
  g_assert_false (crm_owners_may_assign_to (&account, 5, 2));
  g_assert_false (crm_owners_may_assign_to (NULL, 5, 2));

  /* Granted the field without the assign scope: within the update scope. */
  crm_permissions_set_scope (granted, CRM_OBJECT_CUSTOMERS, CRM_ACTION_UPDATE, CRM_SCOPE_TEAM);
  crm_permissions_set_field_access (granted, CRM_OBJECT_CUSTOMERS, "owner_id",
                                    CRM_FIELD_ACCESS_WRITE);
  account.permissions = granted;
  g_assert_true (crm_owners_may_assign_to (&account, 7, 2));
  g_assert_false (crm_owners_may_assign_to (&account, 8, 3));
}

static void
test_account_role_name (void)
{
  const struct
  {
    const char *role;
    const char *expected;
  } cases[] = {
    { "{\"id\":1,\"name\":\"Administrator\",\"builtin\":\"admin\"}", "Administrator" },
    { "{\"id\":3,\"name\":\"一线销售\",\"builtin\":\"sales_rep\"}", "一线销售" },
    { "{\"id\":9,\"name\":\"Sales rep\",\"builtin\":null}", "Sales rep" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"user\":{\"id\":7,\"username\":\"li\",\"display_name\":\"Li\",\"role\":%s},"
        "\"permissions\":{}}", cases[i].role);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CrmAccount) account = crm_account_from_json (node, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (account->role_name, ==, cases[i].expected);
    }
}

/* The server's session reply, as the client reads it. */
static void
test_account_from_json (void)
{
  static const char json[] =
    "{\"token\":\"t0k3n\",\"expires_at\":\"2026-01-01T00:00:00Z\","
    "\"user\":{\"id\":7,\"username\":\"li\",\"display_name\":\"Li Wei\",\"team_id\":null,"
    "\"role\":{\"id\":3,\"name\":\"Sales rep\",\"require_mfa\":true},\"mfa_enabled\":false},"
    "\"permissions\":{\"scopes\":{\"customers\":{\"read\":\"own\"}}},"
    "\"protected_fields\":{\"customers\":[\"credit_terms\"],\"no_such_object\":[\"x\"]},"
    "\"mfa_enrollment_required\":true}";
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(CrmAccount) account = NULL;
  g_autoptr(CrmAccount) copy = NULL;
  g_autoptr(GError) error = NULL;

  account = crm_account_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->token, ==, "t0k3n");
  g_assert_cmpint (account->user_id, ==, 7);
  g_assert_cmpint (account->team_id, ==, 0);
  g_assert_cmpstr (account->username, ==, "li");
  g_assert_cmpstr (account->display_name, ==, "Li Wei");
  g_assert_cmpstr (account->role_name, ==, "Sales rep");
  g_assert_true (account->require_mfa);
  g_assert_false (account->mfa_enabled);
  g_assert_true (account->mfa_enrollment_required);
  g_assert_cmpint (crm_permissions_get_scope (account->permissions, CRM_OBJECT_CUSTOMERS,
                                              CRM_ACTION_READ), ==, CRM_SCOPE_OWN);

  g_assert_cmpint (crm_account_get_field_access (account, CRM_OBJECT_CUSTOMERS, "credit_terms"),
                   ==, CRM_FIELD_ACCESS_NONE);
  g_assert_cmpint (crm_account_get_field_access (account, CRM_OBJECT_CUSTOMERS, "notes"), ==,
                   CRM_FIELD_ACCESS_WRITE);

  copy = crm_account_copy (account);
  g_assert_cmpstr (copy->display_name, ==, "Li Wei");
  g_assert_true (copy->permissions != account->permissions);
  g_assert_cmpint (crm_account_get_field_access (copy, CRM_OBJECT_CUSTOMERS, "credit_terms"), ==,
                   CRM_FIELD_ACCESS_NONE);
}

static void
test_account_malformed (void)
{
  static const char * const replies[] = {
    "[]",
    "{\"token\":\"x\"}",
    "{\"user\":{\"id\":1},\"permissions\":{}}",
    "{\"user\":{\"username\":\"a\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (replies[i], NULL);
      g_autoptr(CrmAccount) account = NULL;
      g_autoptr(GError) error = NULL;

      account = crm_account_from_json (node, &error);
      g_assert_null (account);
      g_assert_error (error, CRM_API_ERROR, CRM_API_ERROR_MALFORMED);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crm/client/sections/none", test_sections_none);
  g_test_add_func ("/crm/client/sections/sales-rep", test_sections_sales_rep);
  g_test_add_func ("/crm/client/sections/administration", test_sections_administration);
  g_test_add_func ("/crm/client/sections/everything", test_sections_everything);
  g_test_add_func ("/crm/client/account/from-json", test_account_from_json);
  g_test_add_func ("/crm/client/account/malformed", test_account_malformed);
  g_test_add_func ("/crm/client/account/role-name", test_account_role_name);
  g_test_add_func ("/crm/client/owners/can-assign", test_owners_can_assign);
  g_test_add_func ("/crm/client/owners/may-assign-to", test_owners_may_assign_to);
  g_test_add_func ("/crm/client/account/field-access", test_account_field_access);

  return g_test_run ();
}
