/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  crm_memory_tune         (char **argv);
void  crm_memory_trim         (void);
guint crm_memory_get_n_trims  (void);

G_END_DECLS
