/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-error"

#include "config.h"

#include <string.h>

#include "crm-error.h"

G_DEFINE_QUARK (crm-api-error-quark, crm_api_error)

static const struct
{
  CrmApiError  code;
  const char  *string;
  guint        http_status;
} error_table[] = {
  { CRM_API_ERROR_MALFORMED, "malformed", 400 },
  { CRM_API_ERROR_UNAUTHENTICATED, "unauthenticated", 401 },
  { CRM_API_ERROR_FORBIDDEN, "forbidden", 403 },
  { CRM_API_ERROR_NOT_FOUND, "not_found", 404 },
  { CRM_API_ERROR_METHOD_NOT_ALLOWED, "method_not_allowed", 405 },
  { CRM_API_ERROR_CONFLICT, "conflict", 409 },
  { CRM_API_ERROR_TOO_LARGE, "too_large", 413 },
  { CRM_API_ERROR_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415 },
  { CRM_API_ERROR_INVALID, "invalid", 422 },
  { CRM_API_ERROR_RATE_LIMITED, "rate_limited", 429 },
  { CRM_API_ERROR_INTERNAL, "internal", 500 },
  { CRM_API_ERROR_UNAVAILABLE, "unavailable", 503 },
  /* After the plain codes of the same statuses, which a bare status maps to. */
  { CRM_API_ERROR_MFA_REQUIRED, "mfa_required", 401 },
  { CRM_API_ERROR_MFA_ENROLLMENT_REQUIRED, "mfa_enrollment_required", 403 },
  { CRM_API_ERROR_IDEMPOTENCY_KEY_REUSED, "idempotency_key_reused", 422 },
};

const char *
crm_api_error_to_string (CrmApiError code)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].code == code)
      return error_table[i].string;
  return "internal";
}

gboolean
crm_api_error_from_string (const char  *string,
                           CrmApiError *code)
{
  g_return_val_if_fail (code != NULL, FALSE);

  if (string == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    {
      if (strcmp (error_table[i].string, string) == 0)
        {
          *code = error_table[i].code;
          return TRUE;
        }
    }
  return FALSE;
}

guint
crm_api_error_get_http_status (CrmApiError code)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].code == code)
      return error_table[i].http_status;
  return 500;
}

/* For a reply without a parsable error body: the code its status stands for. */
CrmApiError
crm_api_error_from_http_status (guint status)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].http_status == status)
      return error_table[i].code;
  return status >= 500 ? CRM_API_ERROR_INTERNAL : CRM_API_ERROR_MALFORMED;
}
