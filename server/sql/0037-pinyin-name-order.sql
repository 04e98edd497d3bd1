-- SPDX-License-Identifier: GPL-3.0-or-later
-- Customers sorted by name in pinyin order (issue 4).
--
-- ?sort=name listed the names in byte order (the cluster's C.UTF-8 collation): 上海 before
-- 何 before 北京 before 南京. A Chinese reader expects them by their pinyin: 北京 (bei), 何
-- (he), 南京 (nan), 上海 (shang). ICU's collation for Chinese, "zh-x-icu", orders so
-- (digits, then Chinese by pinyin, then Latin letters, lower case before upper case).
--
-- The sort says so itself, with COLLATE "zh-x-icu" in its ORDER BY and keyset bound
-- (crm-resource.c, fields with CRM_RESOURCE_FIELD_SORT_PINYIN; the search pages below),
-- over indexes in that order. The column keeps its collation: changing it (ALTER COLUMN
-- ... TYPE text COLLATE) is refused while the generated columns name_key, name_bigrams
-- and search_doc are computed from it, and dropping and adding those again would rewrite
-- the table and rebuild its search indexes (minutes at 1,000,000 customers) for an order
-- only the sort needs. Equality, uniqueness, LIKE, the trigram and bigram search and the
-- duplicate check stay exactly as they were, as they never meet the new collation.

-- Without ICU (a PostgreSQL built without it) the collation is missing: stop here, before
-- anything changed, rather than sort one way in one place and another in the next.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_collation
                 WHERE collname = 'zh-x-icu' AND collprovider = 'i'
                   AND collencoding IN (-1, pg_char_to_encoding ('UTF8'))
                   AND collisdeterministic) THEN
    RAISE EXCEPTION 'the ICU collation "zh-x-icu" is missing'
      USING DETAIL = 'Sorting customers by name in pinyin order needs a PostgreSQL built with '
                     'ICU (Debian''s postgresql-15 is).',
            HINT = 'Use a PostgreSQL with ICU support, or create the collation: '
                   'CREATE COLLATION "zh-x-icu" (provider = icu, locale = ''zh'').';
  END IF;
END
$$;

-- The orders of 0012's customers_live_name_idx and customers_live_owner_name_idx (the
-- first page, a keyset page, an ?offset jump, a sales rep's jump), in pinyin order. The
-- byte-order ones serve nothing else (names are looked up through name_key).
CREATE INDEX customers_live_name_pinyin_idx
  ON customers (name COLLATE "zh-x-icu", id) INCLUDE (owner_id)
  WHERE deleted_at IS NULL;
CREATE INDEX customers_live_owner_name_pinyin_idx
  ON customers (owner_id, name COLLATE "zh-x-icu", id)
  WHERE deleted_at IS NULL;
DROP INDEX customers_live_name_idx;
DROP INDEX customers_live_owner_name_idx;

-- The sort key of the search pages (rapport_customers_matching_page), alias.column, the
-- name in pinyin order as in crm-resource.c; NULL without a sort column (a count).
CREATE FUNCTION rapport_sort_key (alias text, sort_column text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT format ('%I.%I', alias, sort_column)
         || CASE WHEN sort_column = 'name' THEN ' COLLATE "zh-x-icu"' ELSE '' END
$$;

CREATE OR REPLACE FUNCTION rapport_search_page_where (alias text, sort_column text,
                                                      descending boolean, after boolean,
                                                      deleted boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  cmp text := CASE WHEN descending THEN '<' ELSE '>' END;
  typ text := CASE sort_column WHEN 'id' THEN 'bigint' WHEN 'name' THEN 'text'
                WHEN 'created_at' THEN 'timestamptz' WHEN 'updated_at' THEN 'timestamptz' END;
  clause text := format (CASE WHEN deleted THEN ' AND %I.deleted_at IS NOT NULL'
                              ELSE ' AND %I.deleted_at IS NULL' END, alias);
BEGIN
  IF sort_column IS NOT NULL AND typ IS NULL THEN
    RAISE EXCEPTION 'cannot sort customers by %', sort_column;
  END IF;
  IF after AND sort_column = 'id' THEN
    clause := clause || format (' AND %I.id %s $6', alias, cmp);
  ELSIF after AND sort_column IS NOT NULL THEN
    clause := clause || format (' AND (%1$s, %2$I.id) %3$s ($5::%4$s, $6)',
                                rapport_sort_key (alias, sort_column), alias, cmp, typ);
  END IF;
  RETURN clause;
END
$$;

-- 0026's function, with its sort key from rapport_sort_key ().
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
  sort_key text := rapport_sort_key ('s', sort_column);
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
          'SELECT array_agg (w.id) FROM (SELECT m.id FROM (SELECT s.id, %1$s AS k, '
          || match || ' AS hit FROM customers s WHERE rapport_in_scope ($3, s.owner_id)'
          || s_where || ' ORDER BY %1$s%2$s, s.id%2$s LIMIT $8) m'
          || ' WHERE m.hit ORDER BY m.k%2$s, m.id%2$s LIMIT $7) w', sort_key, dir)
        INTO ids
        USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
              after_value, after_id, lim, chosen.walk_rows;
        IF cardinality (ids) >= lim THEN
          RETURN QUERY SELECT unnest (ids);
          RETURN;
        END IF;

      ELSIF way = 'few' THEN
        RETURN QUERY EXECUTE format (
          'WITH m AS MATERIALIZED (SELECT s.id, s.owner_id, %1$s AS k FROM customers s WHERE '
          || rapport_customer_match ('s', q, NULL) || s_where
          || ') SELECT m.id FROM m WHERE rapport_in_scope ($3, m.owner_id)'
          || ' ORDER BY m.k%2$s, m.id%2$s LIMIT $7', sort_key, dir)
        USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
              after_value, after_id, lim;
        RETURN;

      ELSIF way = 'slice' THEN
        -- Where the head ends: off the column's histogram (1% steps, the first page of a
        -- caller who reads every customer), else the row slice_rows down the order. Not
        -- for names: their histogram is in the column's byte order, not in pinyin order.
        bound_from := 'the histogram';
        IF chosen.slice_histogram AND sort_column <> 'name' THEN
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
            'SELECT (%1$s)::text FROM customers s WHERE rapport_in_scope ($3, s.owner_id)'
            || s_where
            || ' ORDER BY %1$s%2$s, s.id%2$s OFFSET $8 - 1 LIMIT 1', sort_key, dir)
          INTO bound
          USING rapport_search_pattern (q), lower (q), customers_scope, contacts_scope,
                after_value, after_id, lim, chosen.slice_rows;
        END IF;
        IF bound IS NOT NULL THEN
          EXECUTE format (
            'SELECT array_agg (w.id) FROM (SELECT s.id FROM customers s WHERE '
            || match || s_where || ' AND %1$s %3$s $8::%4$s'
            || ' ORDER BY %1$s%2$s, s.id%2$s LIMIT $7) w', sort_key, dir,
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
          'WITH m AS MATERIALIZED (SELECT s.id, %1$s AS k FROM customers s WHERE '
          || match || s_where
          || ') SELECT m.id FROM m ORDER BY m.k%2$s, m.id%2$s LIMIT $7', sort_key, dir)
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
