/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The API's paths, shared by client, server and tests. */
#define CRM_API_BASE   "/api/v1"
#define CRM_API_HEALTH CRM_API_BASE "/health"

/* The largest request body the server reads. */
#define CRM_API_MAX_BODY_SIZE (4 * 1024 * 1024)

/* A filter's value for the records without one (`?level=none`: the customers whose
 * orders reach no level rule); no level may be named so. */
#define CRM_API_FILTER_NONE "none"
