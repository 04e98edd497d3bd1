-- SPDX-License-Identifier: GPL-3.0-or-later
-- Adding contacts in bulk (bench/run's seed, the demo data, an import in one
-- transaction) grew quadratically after 0012: 30,000 contacts took 17 s, 150,000 over
-- 11 minutes. 0012's ANALYZE of contacts (search_doc) set the table's row count to 0
-- where it had been "never analysed", so the planner stopped assuming at least ten
-- pages. The primary-contact trigger's UPDATE, planned once per session by PL/pgSQL at
-- the first contact and then kept, became a sequential scan of contacts, run for every
-- row added after it in that session.
--
-- The trigger now plans its UPDATE each time it runs (EXECUTE), from the table's size at
-- that moment: an index scan of contacts_one_primary_idx once the table holds more than
-- a page. Planning costs tens of microseconds per primary contact written.
CREATE OR REPLACE FUNCTION rapport_contacts_primary () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.is_primary THEN
    EXECUTE 'UPDATE contacts SET is_primary = false'
            ' WHERE customer_id = $1 AND id <> $2 AND is_primary'
    USING NEW.customer_id, NEW.id;
  END IF;
  RETURN NEW;
END
$$;
