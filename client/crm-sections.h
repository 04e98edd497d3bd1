/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-permission.h"

G_BEGIN_DECLS

/**
 * CrmSection:
 *
 * The sections of the main window, in the order of its sidebar.
 */
typedef enum
{
  CRM_SECTION_DASHBOARD,
  CRM_SECTION_CUSTOMERS,
  CRM_SECTION_PIPELINE,
  CRM_SECTION_ORDERS,
  CRM_SECTION_TICKETS,
  CRM_SECTION_CAMPAIGNS,
  CRM_SECTION_KNOWLEDGE_BASE,
  CRM_SECTION_REPORTS,
  CRM_SECTION_ADMINISTRATION,
  CRM_N_SECTIONS
} CrmSection;

gboolean    crm_section_is_allowed (CrmSection            section,
                                    const CrmPermissions *permissions);
guint       crm_sections_allowed   (const CrmPermissions *permissions,
                                    CrmSection           *sections);
const char *crm_section_get_id     (CrmSection            section);
const char *crm_section_get_title  (CrmSection            section);

G_END_DECLS
