-- SPDX-License-Identifier: GPL-3.0-or-later
-- A sales rep's list filtered by industry and city (issues 4 and 6).
--
-- The rep's list holds the owner condition (crm-resource.c append_where), which
-- customers_live_industry_city_idx (0012, an admin's) does not: the planner ANDed the
-- bitmaps of the rep's 20,000 customers and of the industry's 50,000, then read ~1,000
-- rows from the table, 37-42 ms of PostgreSQL CPU per request at 1,000,000 customers
-- (the bench's "rep01 list industry+city"). This one finds the rep's rows of the
-- industry and city in list order: 0.07 ms in EXPLAIN (ANALYZE). (The owner as an
-- INCLUDE column of the admin's index helped only an index-only scan: PostgreSQL 15
-- tests it after reading the row.) 2.5 s at 1,000,000 customers.
CREATE INDEX customers_live_owner_industry_city_idx
  ON customers (owner_id, industry, city, updated_at, id) WHERE deleted_at IS NULL;
