-- SPDX-License-Identifier: GPL-3.0-or-later
-- A search finds a customer through its contacts from the customer's own row (issues 4
-- and 6). Timings of the upgrade at 1,000,000 customers are in bench/README.md
-- ("Upgrading a large database").
--
-- ?q= matched the contacts apart (0012, rapport_search_contact_customers ()): every
-- contact holding the text, whoever owns its customer, then each of their customers
-- looked up by id to test its owner, deleted_at and sort key. An e-mail fragment (the
-- seeded e-mails share their customer's domain: ~25,000 customers and ~22,000 contacts
-- at 1,000,000) read ~18,000 pages of contacts and customers, more than the embedded
-- cluster's shared_buffers hold: p95 175-250 ms, against 8-31 ms for the other texts.
-- Now the customer row keeps its contacts' search texts (maintained by the triggers
-- below), and one scan of customers answers the whole match: a sales rep's through the
-- owner index and the search indexes together, nobody's through contacts. A text
-- neither common nor rare is then looked for in the head of the list's order first
-- (rapport_customers_matching_page ()), instead of reading every candidate.

ALTER TABLE customers
  -- The contacts' search_doc in id order, between each two U+001F, a control character
  -- no stored text holds (common/crm-validate.c refuses them), so that a text matches
  -- across two contacts only if it holds one too (and then it matches no contact: see
  -- rapport_customer_match ()). NULL without contacts.
  ADD COLUMN contacts_doc text,
  -- Their name_bigrams, merged (sorted, distinct). NULL without contacts.
  ADD COLUMN contacts_bigrams text[];

-- A customer's contacts' texts, as the two columns hold them. (Each reads contacts from
-- its own FROM, so that it is called, not inlined, in the rewrite below.)
CREATE FUNCTION rapport_contacts_search_doc (customer bigint) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT string_agg (k.search_doc, chr (31) ORDER BY k.id) FROM contacts k
  WHERE k.customer_id = customer
$$;
CREATE FUNCTION rapport_contacts_search_bigrams (customer bigint) RETURNS text[]
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT array_agg (DISTINCT u.b ORDER BY u.b) FROM contacts k, unnest (k.name_bigrams) AS u (b)
  WHERE k.customer_id = customer
$$;

-- Brings the contacts' texts of these customers up to date. The rows are locked first,
-- so that the texts are read after any other transaction that changed these customers'
-- contacts has committed (each statement of this VOLATILE function takes a new
-- snapshot): two people adding a contact to one customer at once both end up in it.
CREATE FUNCTION rapport_customers_refresh_contacts (ids bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM FROM customers WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE customers c SET contacts_doc = t.doc, contacts_bigrams = t.bigrams
  FROM (SELECT i.id, rapport_contacts_search_doc (i.id) AS doc,
               rapport_contacts_search_bigrams (i.id) AS bigrams
        FROM unnest (ids) AS i (id)) AS t
  WHERE c.id = t.id
    AND (c.contacts_doc IS DISTINCT FROM t.doc OR c.contacts_bigrams IS DISTINCT FROM t.bigrams);
END
$$;
REVOKE EXECUTE ON FUNCTION rapport_customers_refresh_contacts (bigint[]),
  rapport_contacts_search_doc (bigint), rapport_contacts_search_bigrams (bigint) FROM PUBLIC;

-- Once per statement that adds, changes, moves (a merge) or removes contacts: the
-- customers whose contacts' search texts changed, on either side of a move.
CREATE FUNCTION rapport_contacts_search_changed () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg (DISTINCT n.customer_id) INTO ids FROM new_contacts n;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg (DISTINCT o.customer_id) INTO ids FROM old_contacts o;
  ELSE
    SELECT array_agg (DISTINCT x.id) INTO ids
    FROM old_contacts o JOIN new_contacts n ON n.id = o.id,
         LATERAL (VALUES (o.customer_id), (n.customer_id)) AS x (id)
    WHERE o.customer_id <> n.customer_id OR o.search_doc IS DISTINCT FROM n.search_doc
       OR o.name_bigrams IS DISTINCT FROM n.name_bigrams;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM rapport_customers_refresh_contacts (ids);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts
  REFERENCING NEW TABLE AS new_contacts
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_contacts_search_changed ();
CREATE TRIGGER contacts_search_update AFTER UPDATE ON contacts
  REFERENCING OLD TABLE AS old_contacts NEW TABLE AS new_contacts
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_contacts_search_changed ();
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts
  REFERENCING OLD TABLE AS old_contacts
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_contacts_search_changed ();

-- As 0003's: the contacts' texts on the row are no edit of the customer either.
CREATE OR REPLACE FUNCTION rapport_customers_touch () RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  quiet text[] := ARRAY['level', 'followed_up_at', 'version', 'updated_at', 'name_key',
                        'search_doc', 'name_bigrams', 'contacts_doc', 'contacts_bigrams'];
BEGIN
  IF (to_jsonb(NEW) - quiet) IS DISTINCT FROM (to_jsonb(OLD) - quiet) THEN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
  END IF;
  IF NEW.marketing_consent IS DISTINCT FROM OLD.marketing_consent THEN
    NEW.consent_at := now();
  END IF;
  RETURN NEW;
END
$$;

-- The existing customers' contacts, written by rewriting the table: every row once, in a
-- compact table with its indexes built anew. (An UPDATE of every row would leave the
-- table twice its size, half of it dead rows, and update each of its indexes row by row.)
-- 1,000,000 customers: see bench/README.md.
SET LOCAL maintenance_work_mem = '512MB';
ALTER TABLE customers
  ALTER COLUMN contacts_doc TYPE text USING rapport_contacts_search_doc (id),
  ALTER COLUMN contacts_bigrams TYPE text[] USING rapport_contacts_search_bigrams (id);

CREATE INDEX customers_contacts_search_idx ON customers USING gin (contacts_doc gin_trgm_ops);
CREATE INDEX customers_contacts_bigrams_idx ON customers USING gin (contacts_bigrams);
ALTER TABLE customers ALTER COLUMN contacts_doc SET STATISTICS 1000;
ANALYZE customers (contacts_doc, contacts_bigrams);

-- The condition on customer alias that it matches q, by its own text within the
-- customers.read scope ($3) or its contacts' within the contacts.read scope ($4), with
-- $1 the LIKE pattern and $2 the lower-cased text (as rapport_search_condition ()).
-- When both scopes are the same (every built-in role), one scope test follows the
-- match, so the indexes of both texts and the owner's serve it together; same_scope
-- NULL: no scope test (the caller's to add, for scopes that are the same).
CREATE FUNCTION rapport_customer_match (alias text, q text, same_scope boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN same_scope IS NULL THEN format ('(%s OR %s)', own, theirs)
    WHEN same_scope
    THEN format ('(%s OR %s) AND rapport_in_scope ($3, %I.owner_id)', own, theirs, alias)
    ELSE format ('((%1$s AND rapport_in_scope ($3, %3$I.owner_id))'
                 ' OR (%2$s AND rapport_in_scope ($4, %3$I.owner_id)))', own, theirs, alias)
  END
  FROM (SELECT rapport_search_condition (alias, q) AS own,
               CASE WHEN strpos (q, chr (31)) > 0 THEN 'false'
                    WHEN length (q) >= 3 THEN format ('%I.contacts_doc LIKE $1', alias)
                    WHEN length (q) = 2 THEN format ('%I.contacts_bigrams @> ARRAY[$2]', alias)
                    ELSE format ('strpos (%I.contacts_doc, $2) > 0', alias)
               END AS theirs) AS p
$$;

-- As 0009's, the customers' share counting the contacts' texts on the row.
CREATE OR REPLACE FUNCTION rapport_search_estimate (q text, OUT customers_share float8,
                                                    OUT contacts_share float8,
                                                    OUT contacts_rows float8)
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
  plan json;
BEGIN
  -- Scope 'all': the scope test folds away.
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT FROM customers s WHERE '
          || rapport_customer_match ('s', q, true)
  INTO plan USING rapport_search_pattern (q), lower (q), 'all';
  customers_share := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8
    / greatest (1, (SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass));
  contacts_share := 0;
  contacts_rows := 0;
END
$$;

-- How many live customers the caller reads in scope, as the planner estimates it (a
-- sales rep: the customers of one owner).
CREATE FUNCTION rapport_search_readable_rows (scope text) RETURNS float8
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT FROM customers s'
          || ' WHERE rapport_in_scope ($1, s.owner_id) AND s.deleted_at IS NULL'
  INTO plan USING scope;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END
$$;
REVOKE EXECUTE ON FUNCTION rapport_search_readable_rows (text) FROM PUBLIC;

-- As 0012's, with the match on the customer row alone.
CREATE OR REPLACE FUNCTION rapport_customers_matching (q text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE ROWS 100 SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  customers_scope text := rapport_scope ('customers.read');
  contacts_scope text := rapport_scope ('contacts.read');
BEGIN
  RETURN QUERY EXECUTE
    'SELECT s.id FROM customers s WHERE '
    || rapport_customer_match ('s', q, customers_scope = contacts_scope)
  USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope;
END
$$;

-- As 0012's: the same rows in the same order, each customer matched on its own row.
CREATE OR REPLACE FUNCTION rapport_customers_matching_page (q text, lim integer, deleted boolean,
                                                            sort_column text, descending boolean,
                                                            after_value text, after_id bigint)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE ROWS 50 SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  -- Tuning, settable per session so that a test takes each way on a few rows
  -- (rapport.search_walk_rows, rapport.search_few_rows, rapport.search_slice_factor:
  -- 0 turns the way off; rapport.search_slice_histogram): see where each is used.
  walk_rows integer := coalesce (nullif (current_setting ('rapport.search_walk_rows', true),
                                         '')::integer, 5000);
  few_rows integer := coalesce (nullif (current_setting ('rapport.search_few_rows', true),
                                        '')::integer, 2000);
  slice_factor float8 := coalesce (nullif (current_setting ('rapport.search_slice_factor',
                                                           true), '')::float8, 3);
  slice_hist boolean := coalesce (nullif (current_setting ('rapport.search_slice_histogram',
                                                          true), '')::boolean, true);
  -- The longest head of the order tried (its bitmap: ~10 ms per 50,000 rows at
  -- 1,000,000 customers, quiet machine).
  slice_rows_max constant integer := 200000;
  slice_rows bigint;
  expected_rows float8;
  readable_rows float8;
  bound text;
  bound_from text;
  sort_type text := CASE sort_column WHEN 'id' THEN 'bigint' WHEN 'name' THEN 'text'
                      ELSE 'timestamptz' END;
  customers_scope text := rapport_scope ('customers.read');
  contacts_scope text := rapport_scope ('contacts.read');
  match text := rapport_customer_match ('s', q, customers_scope = contacts_scope);
  s_where text := rapport_search_page_where ('s', sort_column, descending,
                                             after_id IS NOT NULL, deleted);
  dir text := CASE WHEN descending THEN ' DESC' ELSE ' ASC' END;
  ids bigint[];
  estimate record;
BEGIN
  IF sort_column IS NULL THEN
    RETURN QUERY EXECUTE
      'SELECT s.id FROM customers s WHERE ' || match || s_where || ' LIMIT $7'
    USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
          after_value, after_id, lim;
    RETURN;
  END IF;

  -- A common text: the walk of the sort order (0009), stopping after a page.
  estimate := rapport_search_estimate (q);
  IF estimate.customers_share * walk_rows * 2 >= lim THEN
    EXECUTE format (
      'SELECT array_agg (w.id) FROM (SELECT m.id FROM (SELECT s.id, s.%1$I AS k, '
      || match || ' AS hit FROM customers s WHERE rapport_in_scope ($3, s.owner_id)'
      || s_where || ' ORDER BY s.%1$I%2$s, s.id%2$s LIMIT $8) m'
      || ' WHERE m.hit ORDER BY m.k%2$s, m.id%2$s LIMIT $7) w', sort_column, dir)
    INTO ids
    USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
          after_value, after_id, lim, walk_rows;
    IF cardinality (ids) >= lim THEN
      RETURN QUERY SELECT unnest (ids);
      RETURN;
    END IF;
  END IF;

  -- Few matches expected (a mobile, a name): all of them through the search indexes
  -- alone, the scope tested after. With the scope in the match, a sales rep's search
  -- also built a bitmap of the rep's 20,000 customers from the owner's index, 15-30 ms
  -- at 1,000,000, more than reading a few hundred matches of every owner. For a narrower
  -- scope than all, also up to an eighth of the customers it reads: that bitmap costs
  -- about one row of the table read per eight customers in scope (a four-character name
  -- expected 2,100 times and found 871: 20 ms with the bitmap of the rep's customers,
  -- 7 ms without).
  expected_rows := estimate.customers_share
                   * (SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass);
  readable_rows := rapport_search_readable_rows (customers_scope);
  IF customers_scope = contacts_scope
     AND (expected_rows <= few_rows
          OR (customers_scope <> 'all' AND few_rows > 0 AND expected_rows * 8 <= readable_rows)) THEN
    RETURN QUERY EXECUTE format (
      'WITH m AS MATERIALIZED (SELECT s.id, s.owner_id, s.%1$I AS k FROM customers s WHERE '
      || rapport_customer_match ('s', q, NULL) || s_where
      || ') SELECT m.id FROM m WHERE rapport_in_scope ($3, m.owner_id)'
      || ' ORDER BY m.k%2$s, m.id%2$s LIMIT $7', sort_column, dir)
    USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
          after_value, after_id, lim;
    RETURN;
  END IF;

  -- Neither common nor rare (an e-mail domain: 0.3% of the customers, 9,500 candidates
  -- of the trigram indexes, each read from the table): the head of the sort order first,
  -- the rows up to the one where lim matches are expected three times over (slice_rows,
  -- found by walking the order's index alone; twice over missed one e-mail domain in
  -- three at 1,000,000). If the head holds lim matches they are the page, as every row
  -- after it comes later in the order; the trigram and the order's indexes then answer
  -- together, reading a few hundred rows of the table instead of every candidate.
  -- Passing a row of the head costs ~1/20 of reading a candidate (1,000,000 customers:
  -- 0.8 µs and 18 µs), so not for a head over 20 times the expected matches (a
  -- four-character name: 2,100 expected, a head of 72,000 rows, 140 ms instead of
  -- 18 ms), nor when the caller reads fewer than twice its rows (a sales rep's 20,000
  -- customers: the owner's index narrows the candidates), nor in the recycle bin, which
  -- no index of the order holds.
  slice_rows := ceil (lim / greatest (estimate.customers_share, 1e-9) * slice_factor);
  IF NOT deleted AND slice_factor > 0 AND slice_rows <= slice_rows_max
     AND slice_rows <= 20 * expected_rows
     AND slice_rows * 2 <= readable_rows THEN
    -- Where the head ends: for the first page of a caller who reads every customer, read
    -- off the column's histogram (1% steps; rows changed since the last ANALYZE make the
    -- head longer, an error either way costs time, never rows); else the row
    -- slice_rows down the order (walking its index took 18-21 ms for 51,000 rows).
    bound_from := 'the histogram';
    IF after_id IS NULL AND customers_scope = 'all' AND slice_hist THEN
      SELECT h.b[CASE WHEN descending
                      THEN greatest (1, cardinality (h.b)
                                        - ceil ((cardinality (h.b) - 1) * f.f)::int)
                      ELSE least (cardinality (h.b),
                                  1 + ceil ((cardinality (h.b) - 1) * f.f)::int) END]
      INTO bound
      FROM (SELECT histogram_bounds::text::text[] AS b FROM pg_stats
            WHERE schemaname = 'public' AND tablename = 'customers' AND attname = sort_column) h,
           (SELECT slice_rows / greatest (reltuples, 1)::float8 AS f FROM pg_class
            WHERE oid = 'customers'::regclass) f
      WHERE f.f < 1;
    END IF;
    IF bound IS NULL THEN
      bound_from := 'the index';
      EXECUTE format (
        'SELECT s.%1$I::text FROM customers s WHERE rapport_in_scope ($3, s.owner_id)' || s_where
        || ' ORDER BY s.%1$I%2$s, s.id%2$s OFFSET $8 - 1 LIMIT 1', sort_column, dir)
      INTO bound
      USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
            after_value, after_id, lim, slice_rows;
    END IF;
    IF bound IS NOT NULL THEN
      EXECUTE format (
        'SELECT array_agg (w.id) FROM (SELECT s.id FROM customers s WHERE '
        || match || s_where || ' AND s.%1$I %3$s $8::%4$s'
        || ' ORDER BY s.%1$I%2$s, s.id%2$s LIMIT $7) w', sort_column, dir,
        CASE WHEN descending THEN '>=' ELSE '<=' END, sort_type)
      INTO ids
      USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
            after_value, after_id, lim, bound;
      IF cardinality (ids) >= lim THEN
        RAISE DEBUG 'search page: the head of % rows, its end from %', slice_rows, bound_from;
        RETURN QUERY SELECT unnest (ids);
        RETURN;
      END IF;
      RAISE DEBUG 'search page: % of % in the head of % rows, all matches next',
        coalesce (cardinality (ids), 0), lim, slice_rows;
    END IF;
  END IF;

  RETURN QUERY EXECUTE format (
    'WITH m AS MATERIALIZED (SELECT s.id, s.%1$I AS k FROM customers s WHERE '
    || match || s_where
    || ') SELECT m.id FROM m ORDER BY m.k%2$s, m.id%2$s LIMIT $7', sort_column, dir)
  USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
        after_value, after_id, lim;
END
$$;

-- Nothing asks the contacts apart any more.
DROP FUNCTION rapport_search_contact_customers (text);
