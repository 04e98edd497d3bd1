/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-db-pool.h"

G_BEGIN_DECLS

/**
 * CrmAuditReport:
 * @n_sealed: rows checked along the chain
 * @n_unsealed: rows not sealed yet (written in the last moments, or no sealer runs)
 * @problems: (element-type utf8): one line per row that breaks the chain
 */
typedef struct
{
  gint64     n_sealed;
  gint64     n_unsealed;
  GPtrArray *problems;
} CrmAuditReport;

guint           crm_audit_sealer_start (CrmDbPool       *pool,
                                        guint            interval_ms);
gboolean        crm_audit_seal_now     (PGconn          *conn,
                                        gint64          *n_sealed,
                                        GError         **error);
CrmAuditReport *crm_audit_verify       (PGconn          *conn,
                                        GError         **error);
void            crm_audit_report_free  (CrmAuditReport  *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmAuditReport, crm_audit_report_free)

G_END_DECLS
