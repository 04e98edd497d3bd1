-- The duplicate check of every customer create and update (and of GET
-- /customers/duplicates) in one pass. The server ran rapport_find_duplicates twice per
-- write: once joined to customers under row-level security for the likely duplicates the
-- caller may read, and again inside rapport_hidden_duplicates to count those it may not
-- (issues 4 and 6). This runs the search once and sorts its matches by the same rule the
-- customers_read policy applies: read scope true, listed; false, only counted; null (an
-- own or team scope and a customer nobody owns), neither, as before.
--
-- Answers the reply body of GET /customers/duplicates: {"items": [{"id", "name",
-- "owner_id", "reasons"}, …] (at most p_limit, by id), "hidden": N}; the hidden ones
-- only as a count, never which.
CREATE FUNCTION rapport_likely_duplicates (p_name text, p_mobile text, p_phone text,
                                           p_email text, p_exclude bigint, p_limit integer)
RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH matches AS (
    SELECT d.id, array_agg (DISTINCT d.reason ORDER BY d.reason) AS reasons
    FROM rapport_find_duplicates (p_name, p_mobile, p_phone, p_email, p_exclude) d
    WHERE d.id <> coalesce (p_exclude, 0)
    GROUP BY d.id
  ), found AS (
    SELECT m.id, c.name, c.owner_id, m.reasons,
           rapport_in_scope (rapport_scope ('customers.read'), c.owner_id) AS readable
    FROM matches m
    JOIN customers c ON c.id = m.id
    WHERE c.deleted_at IS NULL
  )
  SELECT json_build_object (
    'items', coalesce ((SELECT json_agg (json_build_object ('id', v.id, 'name', v.name,
                                                            'owner_id', v.owner_id,
                                                            'reasons', v.reasons)
                                         ORDER BY v.id)
                        FROM (SELECT f.id, f.name, f.owner_id, f.reasons FROM found f
                              WHERE f.readable ORDER BY f.id LIMIT p_limit) v),
                       '[]'::json),
    'hidden', (SELECT count (*) FROM found f WHERE NOT f.readable))
$$;

REVOKE EXECUTE ON FUNCTION rapport_likely_duplicates (text, text, text, text, bigint, integer)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_likely_duplicates (text, text, text, text, bigint, integer)
  TO rapport_app;

-- Its count of the hidden ones is part of the pass above now.
DROP FUNCTION rapport_hidden_duplicates (bigint[]);
