/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CrmHealth:
 * @server_version: rapport-server's version
 * @database_ok: whether the database answered
 * @schema_version: the newest applied migration, or -1 when unknown
 * @schema_expected: the newest migration the server knows
 *
 * What `GET /api/v1/health` answers.
 */
typedef struct
{
  char    *server_version;
  gboolean database_ok;
  gint64   schema_version;
  gint64   schema_expected;
} CrmHealth;

CrmHealth *crm_health_new       (void);
void       crm_health_free      (CrmHealth   *health);
JsonNode  *crm_health_to_json   (const CrmHealth *health);
CrmHealth *crm_health_from_json (JsonNode    *node,
                                 GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmHealth, crm_health_free)

G_END_DECLS
