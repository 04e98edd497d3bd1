-- SPDX-License-Identifier: GPL-3.0-or-later
-- Customers vacuumed after 0.5% of them changed, not 20% (issue 6).
--
-- A count, a sales rep's list and a jump deep into the list (?offset=, the client's scroll
-- bar) read an index alone where the visibility map marks the table's pages all-visible.
-- A customer write clears its page's mark until the next VACUUM, and autovacuum waited
-- for 20% of the rows to change: 200,000 writes at 1,000,000 customers, weeks of an
-- office's work. Customers are spread over the table, so after 18,000 writes 125,186 of
-- the 500,000 rows a jump to the middle passed were read from the table as well (1.5 s
-- instead of 58 ms in the bench). Autovacuum now comes after 5,050 changed or inserted
-- rows at 1,000,000 (550 at 100,000): 14.6 s at load 5 for 6,000 dead rows at 1,000,000,
-- 3 s of it CPU, throttled in the background as autovacuum is.
ALTER TABLE customers SET (autovacuum_vacuum_scale_factor = 0.005,
                           autovacuum_vacuum_insert_scale_factor = 0.005);
