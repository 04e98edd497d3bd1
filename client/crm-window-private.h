/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-window.h"

G_BEGIN_DECLS

/* For tests: the status page that shows the connection state. */
AdwStatusPage *_crm_window_get_status_page (CrmWindow *self);
GtkLabel      *_crm_window_get_version_label (CrmWindow *self);

G_END_DECLS
