/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-bench-stats.h"

/* The figures the bench programs print: percentiles of what they timed. */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/** crm_bench_sort_doubles: sorts an array of doubles in increasing order. */
void
crm_bench_sort_doubles (GArray *values)
{
  g_array_sort (values, compare_doubles);
}

/**
 * crm_bench_percentile:
 * @sorted: doubles, sorted (crm_bench_sort_doubles ())
 * @percent: 50 for the median, 100 for the largest
 *
 * The nearest-rank percentile; 0 for no values.
 */
double
crm_bench_percentile (GArray *sorted,
                      double  percent)
{
  gsize rank;

  if (sorted->len == 0)
    return 0.0;
  rank = (gsize) ((percent / 100.0) * sorted->len + 0.999999);
  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, double, rank - 1);
}
