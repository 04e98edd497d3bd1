-- SPDX-License-Identifier: GPL-3.0-or-later
-- One trigram index and one bigram index over a customer's own and its contacts' search
-- texts, instead of one of each per text (issue 6). Timings at 1,000,000 customers are in
-- bench/README.md ("Upgrading a large database").
--
-- Since 0017 a search tested "own text OR contacts' texts" on the customer row: two GIN
-- scans ORed, two GIN entries more for every new row version (a customer write is never
-- a HOT update: updated_at is indexed), and an estimate of the match that took the two
-- texts for independent, when the seeded contacts' e-mails share their customer's
-- domain: 'lide.com.c' was expected 5,998 times and found 2,751, enough to send it
-- through the walk of 5,000 rows, which found 8 matches before the head of the order
-- answered. One text, one index scan, one set of statistics.

-- The two texts between one U+001F, which no stored text holds (0017): a text that does
-- not hold one matches the concatenation where it matches one of the two.
CREATE FUNCTION rapport_customer_text (own text, contacts text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT own || chr (31) || coalesce (contacts, '')
$$;

-- The name bigrams of the customer and of its contacts in one array.
CREATE FUNCTION rapport_customer_bigrams (own text[], contacts text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT own || contacts
$$;

-- A GIN index keeps new entries in a pending list until it holds gin_pending_list_limit
-- (4 MB by default), and every scan reads the whole list: at 483 pending pages (1,500
-- customer updates), 'hengtong96' took 15-41 ms instead of 8-16 and 'tengfei.cn' 46-88
-- instead of 22-23 (1,000,000 customers, load 3.9). Every new row version of a customer
-- adds to every index, so an office's searches paid half that on average, and a duplicate
-- check (customers_name_key_idx) on every write. At 512 kB the list is merged eight times
-- as often, in smaller pieces: 2,000 updates took 2.8-3.6 s against 3.0-5.7 s at 4 MB.
SET LOCAL maintenance_work_mem = '512MB';
CREATE INDEX customers_text_idx ON customers
  USING gin (rapport_customer_text (search_doc, contacts_doc) gin_trgm_ops)
  WITH (gin_pending_list_limit = 512);
CREATE INDEX customers_text_bigrams_idx ON customers
  USING gin (rapport_customer_bigrams (name_bigrams, contacts_bigrams))
  WITH (gin_pending_list_limit = 512);
DROP INDEX customers_search_idx, customers_contacts_search_idx, customers_bigrams_idx,
  customers_contacts_bigrams_idx;
ALTER INDEX customers_name_key_idx SET (gin_pending_list_limit = 512);
ALTER INDEX customers_tags_idx SET (gin_pending_list_limit = 512);
ALTER INDEX contacts_search_idx SET (gin_pending_list_limit = 512);
ALTER INDEX contacts_bigrams_idx SET (gin_pending_list_limit = 512);

-- The search's estimates now come from the index's statistics of the text, at the target
-- 0012 and 0017 gave the two columns for their LIKE estimates: a histogram of 1,001 texts
-- tells a text in 0.3% of the customers from one in 0.01%, the default's 101 do not
-- (patternsel () then answers 0.01% for both). PostgreSQL 15's ANALYZE does not see an
-- index's new target in the transaction that set it: this one ANALYZE takes it from
-- default_statistics_target, every later one from the index.
ALTER INDEX customers_text_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER TABLE customers ALTER COLUMN search_doc SET STATISTICS -1,
  ALTER COLUMN contacts_doc SET STATISTICS -1;
SET LOCAL default_statistics_target = 1000;
ANALYZE customers;
RESET default_statistics_target;

-- As 0017's, matching the one text: the same rows.
CREATE OR REPLACE FUNCTION rapport_customer_match (alias text, q text, same_scope boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN strpos (q, chr (31)) > 0 THEN 'false'
    WHEN same_scope IS NULL THEN either
    WHEN same_scope THEN format ('%s AND rapport_in_scope ($3, %I.owner_id)', either, alias)
    -- The one index finds the candidates; each text is then tested in its own scope.
    ELSE format ('%1$s AND ((%2$s AND rapport_in_scope ($3, %4$I.owner_id))'
                 ' OR (%3$s AND rapport_in_scope ($4, %4$I.owner_id)))',
                 either, own, theirs, alias)
  END
  FROM (SELECT format (CASE
                 WHEN length (q) >= 3
                 THEN 'rapport_customer_text (%1$I.search_doc, %1$I.contacts_doc) LIKE $1'
                 WHEN length (q) = 2
                 THEN 'rapport_customer_bigrams (%1$I.name_bigrams, %1$I.contacts_bigrams)'
                      ' @> ARRAY[$2]'
                 ELSE 'strpos (rapport_customer_text (%1$I.search_doc, %1$I.contacts_doc), $2) > 0'
               END, alias) AS either,
               rapport_search_condition (alias, q) AS own,
               format (CASE WHEN length (q) >= 3 THEN '%I.contacts_doc LIKE $1'
                            WHEN length (q) = 2 THEN '%I.contacts_bigrams @> ARRAY[$2]'
                            ELSE 'strpos (%I.contacts_doc, $2) > 0'
                       END, alias) AS theirs) AS p
$$;
