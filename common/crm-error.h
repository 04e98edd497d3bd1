/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CrmApiError:
 * @CRM_API_ERROR_MALFORMED: the request could not be parsed (400)
 * @CRM_API_ERROR_UNAUTHENTICATED: no valid session (401)
 * @CRM_API_ERROR_FORBIDDEN: the caller may not do this (403)
 * @CRM_API_ERROR_NOT_FOUND: no such resource, or outside the caller's scope (404)
 * @CRM_API_ERROR_METHOD_NOT_ALLOWED: the path exists, the method does not (405)
 * @CRM_API_ERROR_CONFLICT: stale version or unique conflict (409)
 * @CRM_API_ERROR_TOO_LARGE: request body too large (413)
 * @CRM_API_ERROR_UNSUPPORTED_MEDIA_TYPE: request body is not JSON (415)
 * @CRM_API_ERROR_INVALID: fields failed validation (422)
 * @CRM_API_ERROR_RATE_LIMITED: too many attempts (429)
 * @CRM_API_ERROR_INTERNAL: unexpected server failure (500)
 * @CRM_API_ERROR_UNAVAILABLE: the database is unreachable or the server is stopping (503)
 * @CRM_API_ERROR_MFA_REQUIRED: the password was right; a TOTP or recovery code is needed (401)
 * @CRM_API_ERROR_MFA_ENROLLMENT_REQUIRED: the caller's role requires MFA and the caller has
 *   not enrolled yet: only enrollment and sign-out are allowed (403)
 * @CRM_API_ERROR_IDEMPOTENCY_KEY_REUSED: the request's Idempotency-Key came before with
 *   another request (another body, path or method) (422)
 *
 * The error codes of the API contract. Client and server share this one table, so a
 * code string, its HTTP status and its enum value can never disagree.
 */
typedef enum
{
  CRM_API_ERROR_MALFORMED,
  CRM_API_ERROR_UNAUTHENTICATED,
  CRM_API_ERROR_FORBIDDEN,
  CRM_API_ERROR_NOT_FOUND,
  CRM_API_ERROR_METHOD_NOT_ALLOWED,
  CRM_API_ERROR_CONFLICT,
  CRM_API_ERROR_TOO_LARGE,
  CRM_API_ERROR_UNSUPPORTED_MEDIA_TYPE,
  CRM_API_ERROR_INVALID,
  CRM_API_ERROR_RATE_LIMITED,
  CRM_API_ERROR_INTERNAL,
  CRM_API_ERROR_UNAVAILABLE,
  CRM_API_ERROR_MFA_REQUIRED,
  CRM_API_ERROR_MFA_ENROLLMENT_REQUIRED,
  CRM_API_ERROR_IDEMPOTENCY_KEY_REUSED,
} CrmApiError;

#define CRM_API_ERROR (crm_api_error_quark ())

GQuark       crm_api_error_quark            (void);
const char  *crm_api_error_to_string        (CrmApiError  code);
gboolean     crm_api_error_from_string      (const char  *string,
                                             CrmApiError *code);
guint        crm_api_error_get_http_status  (CrmApiError  code);
CrmApiError  crm_api_error_from_http_status (guint        status);

G_END_DECLS
