/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char  *crm_catalog_choose     (const char *accept_language);
const char  *crm_catalog_lookup     (const char *language,
                                     const char *msgid);
const char  *crm_catalog_translate  (const char *accept_language,
                                     const char *msgid);

G_END_DECLS
