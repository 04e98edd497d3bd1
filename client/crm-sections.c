/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-sections"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-sections.h"

/* Which sections a role sees. No display: unit-tested without one. */

static const struct
{
  const char *id;
  const char *title;
} sections[CRM_N_SECTIONS] = {
  [CRM_SECTION_DASHBOARD] = { "dashboard", N_("Dashboard") },
  [CRM_SECTION_CUSTOMERS] = { "customers", N_("Customers") },
  [CRM_SECTION_PIPELINE] = { "pipeline", N_("Pipeline") },
  [CRM_SECTION_ORDERS] = { "orders", N_("Orders") },
  [CRM_SECTION_TICKETS] = { "tickets", N_("Tickets") },
  [CRM_SECTION_CAMPAIGNS] = { "campaigns", N_("Campaigns") },
  [CRM_SECTION_KNOWLEDGE_BASE] = { "knowledge-base", N_("Knowledge Base") },
  [CRM_SECTION_REPORTS] = { "reports", N_("Reports") },
  [CRM_SECTION_ADMINISTRATION] = { "administration", N_("Administration") },
};

static gboolean
can_read (const CrmPermissions *permissions,
          CrmObject             object)
{
  return crm_permissions_get_scope (permissions, object, CRM_ACTION_READ) != CRM_SCOPE_NONE;
}

/**
 * crm_section_is_allowed:
 * @section: a #CrmSection
 * @permissions: what the user's role may do
 *
 * The dashboard is everyone's; a section about records needs read access to
 * them (in any scope); Administration needs to update all users or all roles.
 *
 * Returns: whether the user sees @section
 */
gboolean
crm_section_is_allowed (CrmSection            section,
                        const CrmPermissions *permissions)
{
  g_return_val_if_fail (permissions != NULL, FALSE);

  switch (section)
    {
    case CRM_SECTION_DASHBOARD:
      return TRUE;
    case CRM_SECTION_CUSTOMERS:
      return can_read (permissions, CRM_OBJECT_CUSTOMERS);
    case CRM_SECTION_PIPELINE:
      return can_read (permissions, CRM_OBJECT_OPPORTUNITIES);
    case CRM_SECTION_ORDERS:
      return can_read (permissions, CRM_OBJECT_ORDERS);
    case CRM_SECTION_TICKETS:
      return can_read (permissions, CRM_OBJECT_TICKETS);
    case CRM_SECTION_CAMPAIGNS:
      return can_read (permissions, CRM_OBJECT_CAMPAIGNS);
    case CRM_SECTION_KNOWLEDGE_BASE:
      return can_read (permissions, CRM_OBJECT_KB_ARTICLES);
    case CRM_SECTION_REPORTS:
      return can_read (permissions, CRM_OBJECT_REPORTS);
    case CRM_SECTION_ADMINISTRATION:
      return crm_permissions_get_scope (permissions, CRM_OBJECT_USERS, CRM_ACTION_UPDATE)
             == CRM_SCOPE_ALL
             || crm_permissions_get_scope (permissions, CRM_OBJECT_ROLES, CRM_ACTION_UPDATE)
                == CRM_SCOPE_ALL;
    case CRM_N_SECTIONS:
    default:
      break;
    }
  g_return_val_if_reached (FALSE);
}

/**
 * crm_sections_allowed:
 * @permissions: what the user's role may do
 * @sections: (out caller-allocates) (array fixed-size=9): filled with the
 *   sections the user sees, in sidebar order (room for %CRM_N_SECTIONS)
 *
 * Returns: how many sections were written to @sections
 */
guint
crm_sections_allowed (const CrmPermissions *permissions,
                      CrmSection           *sections_out)
{
  guint n = 0;

  g_return_val_if_fail (permissions != NULL, 0);
  g_return_val_if_fail (sections_out != NULL, 0);

  for (CrmSection section = 0; section < CRM_N_SECTIONS; section++)
    if (crm_section_is_allowed (section, permissions))
      sections_out[n++] = section;
  return n;
}

/**
 * crm_section_get_id:
 * @section: a #CrmSection
 *
 * Returns: (transfer none): the section's name in code, such as `knowledge-base`
 */
const char *
crm_section_get_id (CrmSection section)
{
  g_return_val_if_fail (section < CRM_N_SECTIONS, NULL);

  return sections[section].id;
}

/**
 * crm_section_get_title:
 * @section: a #CrmSection
 *
 * Returns: (transfer none): the section's translated title
 */
const char *
crm_section_get_title (CrmSection section)
{
  g_return_val_if_fail (section < CRM_N_SECTIONS, NULL);

  return _(sections[section].title);
}
