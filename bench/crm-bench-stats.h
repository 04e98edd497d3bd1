/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   crm_bench_sort_doubles (GArray *values);
double crm_bench_percentile   (GArray *sorted,
                               double  percent);

G_END_DECLS
