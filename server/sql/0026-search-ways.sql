-- SPDX-License-Identifier: GPL-3.0-or-later
-- A search page's choice of ways apart from the ways themselves (issue 6).
--
-- rapport_customers_matching_page () chose among four ways to find a page of matches and
-- ran them, in one function of 150 lines that every retuning of a choice (0012, 0017,
-- 0025) copied whole with CREATE OR REPLACE. The choice is now rapport_search_ways ():
-- from the estimates, the caller's scope and the tuning settings, the ways to try in
-- order, so that a retuning replaces that function alone and a test checks its choices
-- without data (tests/server/test-customers.c, search-ways). The page function runs the
-- ways. Same ways, same SQL, same choices and the same DEBUG messages as 0025's.
--
-- rapport_search_estimate () also answered the contacts' share and rows, zero since 0017
-- (the contacts' texts are on the customer row) and read by nobody since: it now answers
-- the customers' share alone.

DROP FUNCTION rapport_search_estimate (text);

-- How common q is, as the planner estimates it: the share of customers matching it by
-- their own or their contacts' text. (EXPLAIN needs a volatile function.)
CREATE FUNCTION rapport_search_estimate (q text) RETURNS float8
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
  plan json;
BEGIN
  -- Scope 'all': the scope test folds away.
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT FROM customers s WHERE '
          || rapport_customer_match ('s', q, true)
  INTO plan USING rapport_search_pattern (q), lower (q), 'all';
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8
    / greatest (1, (SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass));
END
$$;
REVOKE EXECUTE ON FUNCTION rapport_search_estimate (text) FROM PUBLIC;

-- The ways to find a page of lim matches, in the order to try them:
--   walk   test the first walk_rows customers of the sort order that the caller reads,
--          one by one; answers when it finds a page there
--   few    every candidate of the search indexes, the scope tested after; answers
--   slice  the head of the sort order, its first slice_rows rows (where the head ends read
--          off the column's histogram when slice_histogram, else off the order's index);
--          answers when the head holds a page
--   all    every match through the search indexes, sorted; answers
-- The ways end with few or all. From: share, the customers' share matching the text
-- (rapport_search_estimate ()); expected_rows, that share of the customers; words, the
-- text's words (rapport_search_words ()); readable_rows, the live customers the caller
-- reads (rapport_search_readable_rows ()); the page's lim; whether it lists the recycle
-- bin (deleted) and whether it is the first page (no keyset cursor); the caller's
-- customers.read scope and whether contacts.read's is the same (same_scope).
-- readable_rows NULL (not counted yet: an EXPLAIN, ~0.1 ms, 5% of a page the walk finds
-- at 100,000 customers): the ways end before the first whose choice needs the count,
-- and the caller asks again with it if none of them answered.
--
-- The tuning settings, settable per session so that a test takes each way on a few rows
-- (rapport.search_walk_rows, rapport.search_few_rows, rapport.search_slice_factor: 0
-- turns the way off; rapport.search_slice_histogram), are read here: see where each is
-- used.
CREATE FUNCTION rapport_search_ways (share float8, expected_rows float8, words integer,
                                     readable_rows float8, lim integer, deleted boolean,
                                     first_page boolean, scope text, same_scope boolean,
                                     OUT ways text[], OUT walk_rows integer,
                                     OUT slice_rows bigint, OUT slice_histogram boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  few_rows integer := coalesce (nullif (current_setting ('rapport.search_few_rows', true),
                                        '')::integer, 2000);
  slice_factor float8 := coalesce (nullif (current_setting ('rapport.search_slice_factor',
                                                           true), '')::float8, 3);
  slice_hist boolean := coalesce (nullif (current_setting ('rapport.search_slice_histogram',
                                                          true), '')::boolean, true);
  -- The longest head of the order tried (its bitmap: ~10 ms per 50,000 rows at
  -- 1,000,000 customers, quiet machine).
  slice_rows_max constant integer := 200000;
  candidate_rows float8;
BEGIN
  ways := '{}';
  slice_histogram := false;

  -- A common text: the walk of the sort order (0009), stopping after a page. walk_rows:
  -- the rows of the sort order the walk tests at most; finding a page there takes a text
  -- in 1% of them (51 of 5,000), which the walk reads in a few milliseconds. Not tried
  -- for a text too rare to find a page there (less than half a page expected).
  walk_rows := coalesce (nullif (current_setting ('rapport.search_walk_rows', true),
                                 '')::integer, 5000);
  IF share * walk_rows * 2 >= lim THEN
    ways := ways || 'walk'::text;
  END IF;
  IF readable_rows IS NULL THEN
    RETURN;
  END IF;

  -- Few candidates expected (a mobile, a name): all of them through the search indexes
  -- alone, the scope tested after. With the scope in the match, a sales rep's search
  -- also built a bitmap of the rep's 20,000 customers from the owner's index, 15-30 ms
  -- at 1,000,000, more than reading a few hundred matches of every owner. For a narrower
  -- scope than all, also up to an eighth of the customers it reads: that bitmap costs
  -- about one row of the table read per eight customers in scope (a four-character name
  -- expected 2,100 times and found 871: 20 ms with the bitmap of the rep's customers,
  -- 7 ms without). Each candidate the trigram index gives is read from the table; a text
  -- of several words has more candidates than matches (rapport_search_words (), 0025).
  -- Scopes apart, each text needs its own scope test: not this way.
  candidate_rows := expected_rows * words;
  IF same_scope
     AND (candidate_rows <= few_rows
          OR (scope <> 'all' AND few_rows > 0 AND candidate_rows * 8 <= readable_rows)) THEN
    ways := ways || 'few'::text;
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
  slice_rows := ceil (lim / greatest (share, 1e-9) * slice_factor);
  IF NOT deleted AND slice_factor > 0 AND slice_rows <= slice_rows_max
     AND slice_rows <= 20 * expected_rows
     AND slice_rows * 2 <= readable_rows THEN
    ways := ways || 'slice'::text;
    -- Where the head ends: for the first page of a caller who reads every customer, read
    -- off the column's histogram (1% steps; rows changed since the last ANALYZE make the
    -- head longer, an error either way costs time, never rows); else the row
    -- slice_rows down the order (walking its index took 18-21 ms for 51,000 rows).
    slice_histogram := first_page AND scope = 'all' AND slice_hist;
  ELSE
    slice_rows := NULL;
  END IF;

  -- Neither: every match, sorted.
  ways := ways || 'all'::text;
END
$$;
REVOKE EXECUTE ON FUNCTION rapport_search_ways (float8, float8, integer, float8, integer, boolean,
                                                boolean, text, boolean) FROM PUBLIC;

-- As 0025's, running the ways rapport_search_ways () chooses.
CREATE OR REPLACE FUNCTION rapport_customers_matching_page (q text, lim integer, deleted boolean,
                                                            sort_column text, descending boolean,
                                                            after_value text, after_id bigint)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE ROWS 50 SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  customers_scope text := rapport_scope ('customers.read');
  contacts_scope text := rapport_scope ('contacts.read');
  match text := rapport_customer_match ('s', q, customers_scope = contacts_scope);
  s_where text := rapport_search_page_where ('s', sort_column, descending,
                                             after_id IS NOT NULL, deleted);
  dir text := CASE WHEN descending THEN ' DESC' ELSE ' ASC' END;
  sort_type text := CASE sort_column WHEN 'id' THEN 'bigint' WHEN 'name' THEN 'text'
                      ELSE 'timestamptz' END;
  share float8;
  expected_rows float8;
  words integer;
  readable_rows float8;
  chosen record;
  tried text[] := '{}';
  way text;
  bound text;
  bound_from text;
  ids bigint[];
BEGIN
  IF sort_column IS NULL THEN
    RETURN QUERY EXECUTE
      'SELECT s.id FROM customers s WHERE ' || match || s_where || ' LIMIT $7'
    USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
          after_value, after_id, lim;
    RETURN;
  END IF;

  -- The ways, first without the count of the rows the caller reads (the walk needs none,
  -- and a page it finds never pays for the count), then with it when none answered.
  share := rapport_search_estimate (q);
  expected_rows := share * (SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass);
  words := rapport_search_words (q);
  chosen := rapport_search_ways (share, expected_rows, words, NULL, lim, deleted,
                                 after_id IS NULL, customers_scope,
                                 customers_scope = contacts_scope);
  LOOP
    FOREACH way IN ARRAY chosen.ways LOOP
      CONTINUE WHEN way = ANY (tried);
      tried := tried || way;
      IF way = 'walk' THEN
        EXECUTE format (
          'SELECT array_agg (w.id) FROM (SELECT m.id FROM (SELECT s.id, s.%1$I AS k, '
          || match || ' AS hit FROM customers s WHERE rapport_in_scope ($3, s.owner_id)'
          || s_where || ' ORDER BY s.%1$I%2$s, s.id%2$s LIMIT $8) m'
          || ' WHERE m.hit ORDER BY m.k%2$s, m.id%2$s LIMIT $7) w', sort_column, dir)
        INTO ids
        USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
              after_value, after_id, lim, chosen.walk_rows;
        IF cardinality (ids) >= lim THEN
          RETURN QUERY SELECT unnest (ids);
          RETURN;
        END IF;

      ELSIF way = 'few' THEN
        RETURN QUERY EXECUTE format (
          'WITH m AS MATERIALIZED (SELECT s.id, s.owner_id, s.%1$I AS k FROM customers s WHERE '
          || rapport_customer_match ('s', q, NULL) || s_where
          || ') SELECT m.id FROM m WHERE rapport_in_scope ($3, m.owner_id)'
          || ' ORDER BY m.k%2$s, m.id%2$s LIMIT $7', sort_column, dir)
        USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
              after_value, after_id, lim;
        RETURN;

      ELSIF way = 'slice' THEN
        -- Where the head ends: off the column's histogram (1% steps, the first page of a
        -- caller who reads every customer), else the row slice_rows down the order.
        bound_from := 'the histogram';
        IF chosen.slice_histogram THEN
          SELECT h.b[CASE WHEN descending
                          THEN greatest (1, cardinality (h.b)
                                            - ceil ((cardinality (h.b) - 1) * f.f)::int)
                          ELSE least (cardinality (h.b),
                                      1 + ceil ((cardinality (h.b) - 1) * f.f)::int) END]
          INTO bound
          FROM (SELECT histogram_bounds::text::text[] AS b FROM pg_stats
                WHERE schemaname = 'public' AND tablename = 'customers'
                  AND attname = sort_column) h,
               (SELECT chosen.slice_rows / greatest (reltuples, 1)::float8 AS f FROM pg_class
                WHERE oid = 'customers'::regclass) f
          WHERE f.f < 1;
        END IF;
        IF bound IS NULL THEN
          bound_from := 'the index';
          EXECUTE format (
            'SELECT s.%1$I::text FROM customers s WHERE rapport_in_scope ($3, s.owner_id)'
            || s_where
            || ' ORDER BY s.%1$I%2$s, s.id%2$s OFFSET $8 - 1 LIMIT 1', sort_column, dir)
          INTO bound
          USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
                after_value, after_id, lim, chosen.slice_rows;
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
            RAISE DEBUG 'search page: the head of % rows, its end from %', chosen.slice_rows,
              bound_from;
            RETURN QUERY SELECT unnest (ids);
            RETURN;
          END IF;
          RAISE DEBUG 'search page: % of % in the head of % rows, all matches next',
            coalesce (cardinality (ids), 0), lim, chosen.slice_rows;
        END IF;

      ELSIF way = 'all' THEN
        RETURN QUERY EXECUTE format (
          'WITH m AS MATERIALIZED (SELECT s.id, s.%1$I AS k FROM customers s WHERE '
          || match || s_where
          || ') SELECT m.id FROM m ORDER BY m.k%2$s, m.id%2$s LIMIT $7', sort_column, dir)
        USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
              after_value, after_id, lim;
        RETURN;

      ELSE
        RAISE EXCEPTION 'no search way %', way;
      END IF;
    END LOOP;
    EXIT WHEN readable_rows IS NOT NULL;
    readable_rows := rapport_search_readable_rows (customers_scope);
    chosen := rapport_search_ways (share, expected_rows, words, readable_rows, lim, deleted,
                                   after_id IS NULL, customers_scope,
                                   customers_scope = contacts_scope);
  END LOOP;
  RAISE EXCEPTION 'the search ways % end without a page', tried;
END
$$;
