/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CRM_LOG_FORMAT_TEXT,
  CRM_LOG_FORMAT_JSON,
} CrmLogFormat;

void crm_log_init (CrmLogFormat format);

G_END_DECLS
