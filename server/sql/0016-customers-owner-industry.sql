-- SPDX-License-Identifier: GPL-3.0-or-later
-- GET /customers/industries groups the live customers a caller may read by industry.
-- Row-level security tests owner_id, so with this index the grouping reads the index
-- alone (an index-only scan of owner_id and industry, live rows only: 0.7 MB) instead
-- of the whole table (61 MB), and a sales rep's or a team's customers are ranges of it.
-- On 100,000 customers (bench/run's data), the query as rapport_app, median of 9 runs
-- each, with and without the index alternately, load average about 5 on 2 cores:
-- administrator 82 → 18 ms, sales manager (a team of 11) 121 → 35 ms, sales rep
-- 54 → 1.1 ms.
CREATE INDEX customers_live_owner_industry_idx ON customers (owner_id, industry)
  WHERE deleted_at IS NULL;
