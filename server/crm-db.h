/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "crm-pq.h"

G_BEGIN_DECLS

#define CRM_DB_ERROR (crm_db_error_quark ())

/* The database role requests run as (created by migration 0002): it owns no table. */
#define CRM_DB_APP_ROLE "rapport_app"

/**
 * CrmDbError:
 * @CRM_DB_ERROR_CONFLICT: unique violation (23505)
 * @CRM_DB_ERROR_REFERENCE: foreign key violation (23503)
 * @CRM_DB_ERROR_INVALID: check violation or bad data (23514, 22xxx)
 * @CRM_DB_ERROR_RETRY: serialization failure or deadlock (40001, 40P01): run the
 *   transaction again
 * @CRM_DB_ERROR_UNAVAILABLE: the database cannot be reached (08xxx, 57P0x, lost connection)
 * @CRM_DB_ERROR_TIMEOUT: statement timeout (57014)
 * @CRM_DB_ERROR_INTERNAL: anything else
 */
typedef enum
{
  CRM_DB_ERROR_CONFLICT,
  CRM_DB_ERROR_REFERENCE,
  CRM_DB_ERROR_INVALID,
  CRM_DB_ERROR_RETRY,
  CRM_DB_ERROR_UNAVAILABLE,
  CRM_DB_ERROR_TIMEOUT,
  CRM_DB_ERROR_INTERNAL,
} CrmDbError;

GQuark      crm_db_error_quark        (void);
CrmDbError  crm_db_error_from_sqlstate (const char *sqlstate);
void        crm_db_set_error          (GError       **error,
                                       PGconn        *conn,
                                       const PGresult *result);
PGconn     *crm_db_connect            (const char    *conninfo,
                                       GError       **error);
PGresult   *crm_db_exec               (PGconn        *conn,
                                       const char    *sql,
                                       int            n_params,
                                       const char * const *values,
                                       GError       **error);
gboolean    crm_db_exec_command       (PGconn        *conn,
                                       const char    *sql,
                                       GError       **error);
gboolean    crm_db_defer              (PGconn        *conn,
                                       const char    *sql,
                                       int            n_params,
                                       const char * const *values,
                                       GError       **error);
gboolean    crm_db_flush              (PGconn        *conn,
                                       GError       **error);

G_END_DECLS
