-- SPDX-License-Identifier: GPL-3.0-or-later
-- A sales rep's search for an e-mail fragment reads the rep's candidates, not everyone's
-- (issue 6).
--
-- pg_trgm splits a text into words at every character that is not a letter or a digit,
-- and its index finds the rows holding each word's trigrams anywhere: 'tengfei.cn'
-- gives every customer with "tengfei" in any word and a word starting "cn", 5,496
-- candidates for 2,781 matches at 1,000,000 customers ('lide.com.c': 5,514 for 2,751).
-- rapport_customers_matching_page () (0017) judged a narrow scope's "few" way by the
-- expected matches: since 0022 estimated them at 2,002, a sales rep read all 5,496
-- candidates of every owner from the table and tested the scope after, where the
-- bitmap of the rep's 20,000 customers ANDed with the index reads ~110: the quiet bench's
-- rep "e-mail fragment" went from 18.4 / 35.1 to 12.5 / 79.9 ms p50 / p95. The decision
-- now counts candidates: the expected matches times the text's words.

-- How many words pg_trgm sees in q (at least 1).
CREATE FUNCTION rapport_search_words (q text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest (1, cardinality (regexp_split_to_array (
           btrim (regexp_replace (q, '[^[:alnum:]]+', ' ', 'g')), ' ')))
$$;

-- As 0017's, deciding on the candidates a text's words give, not its matches.
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
  candidate_rows float8;
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

  -- Few candidates expected (a mobile, a name): all of them through the search indexes
  -- alone, the scope tested after. With the scope in the match, a sales rep's search
  -- also built a bitmap of the rep's 20,000 customers from the owner's index, 15-30 ms
  -- at 1,000,000, more than reading a few hundred matches of every owner. For a narrower
  -- scope than all, also up to an eighth of the customers it reads: that bitmap costs
  -- about one row of the table read per eight customers in scope (a four-character name
  -- expected 2,100 times and found 871: 20 ms with the bitmap of the rep's customers,
  -- 7 ms without). Each candidate the trigram index gives is read from the table; a text
  -- of several words has more candidates than matches (rapport_search_words ()).
  expected_rows := estimate.customers_share
                   * (SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass);
  candidate_rows := expected_rows * rapport_search_words (q);
  readable_rows := rapport_search_readable_rows (customers_scope);
  IF customers_scope = contacts_scope
     AND (candidate_rows <= few_rows
          OR (customers_scope <> 'all' AND few_rows > 0 AND candidate_rows * 8 <= readable_rows)) THEN
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
