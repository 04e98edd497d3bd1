-- Move the GIN indexes' pending lists into the indexes in the background.
--
-- A GIN index with fastupdate keeps new entries in a pending list (0022 limits it to
-- 512 kB) and the write that overflows the list moves all of it into the index, inside
-- that request: on the 100,000-customer seed, an office load of 100 users making about
-- 100 writes a second spent 34-83 ms in one UPDATE or INSERT every 2 s or so, against
-- 4-8 ms for the others, which put the office users' create and update p99 at 28 and
-- 35 ms. The server's audit sealer, which runs every second after writes, now calls
-- this function, so the lists rarely reach the limit inside a request and searches
-- scan short lists. gin_clean_pending_list () needs the index's owner, hence SECURITY
-- DEFINER; it does not block concurrent inserts into the list.
CREATE FUNCTION rapport_clean_pending_lists () RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  index_oid regclass;
  pages bigint := 0;
BEGIN
  FOR index_oid IN
    SELECT c.oid
      FROM pg_class c JOIN pg_am a ON a.oid = c.relam
     WHERE c.relkind = 'i' AND a.amname = 'gin'
       AND c.relnamespace = 'public'::regnamespace
     ORDER BY c.oid
  LOOP
    pages := pages + gin_clean_pending_list (index_oid);
  END LOOP;
  RETURN pages;
END
$$;
REVOKE ALL ON FUNCTION rapport_clean_pending_lists () FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_clean_pending_lists () TO rapport_app;
