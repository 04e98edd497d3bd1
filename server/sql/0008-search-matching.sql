-- SPDX-License-Identifier: GPL-3.0-or-later
-- ?q= through the search indexes again, and a sales rep's own customers in order (issue 6).
--
-- Under row-level security PostgreSQL evaluates a policy before any condition that is not
-- leakproof, and neither LIKE nor @> is: the trigram and bigram indexes of customers and
-- contacts were never used for rapport_app. Every ?q= read both tables in full, calling
-- rapport_customer_owner () once per contact for the contacts policy (a 2,000-customer
-- search as a sales rep: 58 ms, almost all of it there; at 1,000,000 customers seconds).
--
-- These functions run the match as the tables' owner, so the indexes serve it, and apply
-- the same scopes the read policies apply (customers.read on the customer; contacts.read on
-- the owner of the contact's customer), so they answer only ids the caller may read. The
-- list query around them still reads the rows through the policies. EXECUTE plans each
-- search with its own text: a trigram index answers three characters and more, the bigram
-- index two (pg_trgm has no trigram for them), one character scans.

CREATE FUNCTION rapport_search_pattern (q text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '%' || replace (replace (replace (lower (q), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

CREATE FUNCTION rapport_search_condition (alias text, q text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN length (q) >= 3 THEN format ('%I.search_doc LIKE $1', alias)
    WHEN length (q) = 2 THEN format ('%I.name_bigrams @> ARRAY[$2]', alias)
    ELSE format ('strpos (%I.search_doc, $2) > 0', alias)
  END
$$;

-- Customers whose own text or one of whose contacts matches q, among those the caller reads.
-- ROWS 100, not the default 1000: the list then looks the few ids up by primary key
-- instead of reading all customers into a hash join.
CREATE FUNCTION rapport_customers_matching (q text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE ROWS 100 SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT s.id FROM customers s WHERE ' || rapport_search_condition ('s', q)
    || ' AND rapport_in_scope ($3, s.owner_id)'
    || ' UNION SELECT c.customer_id FROM contacts c JOIN customers o ON o.id = c.customer_id'
    || ' WHERE ' || rapport_search_condition ('c', q)
    || ' AND rapport_in_scope ($4, o.owner_id)'
  USING rapport_search_pattern (q), lower (q), rapport_scope ('customers.read'),
        rapport_scope ('contacts.read');
END
$$;

-- Contacts whose text matches q, among those the caller reads.
CREATE FUNCTION rapport_contacts_matching (q text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE ROWS 100 SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT c.id FROM contacts c JOIN customers o ON o.id = c.customer_id'
    || ' WHERE ' || rapport_search_condition ('c', q)
    || ' AND rapport_in_scope ($3, o.owner_id)'
  USING rapport_search_pattern (q), lower (q), rapport_scope ('contacts.read');
END
$$;

REVOKE EXECUTE ON FUNCTION rapport_customers_matching (text), rapport_contacts_matching (text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_customers_matching (text), rapport_contacts_matching (text)
  TO rapport_app;

-- A sales rep's list (own scope, newest first) and count: the server now adds the owner
-- condition the read policy implies (crm-resource.c append_where), which this index serves
-- in list order; it replaces the owner-only index, whose lookups it also answers.
DROP INDEX customers_owner_id_idx;
CREATE INDEX customers_owner_updated_at_idx ON customers (owner_id, updated_at, id);

-- The duplicate check every create and update runs (rapport_find_duplicates) cost ~0.5 s
-- on 100,000 customers (auto_explain, bench/run): as a SQL function it is planned without
-- its arguments, so the phone of contacts, which no index served, got a parallel
-- sequential scan whose workers start even when the phone is empty; and the name match
-- fetched every name of trigram similarity 0.3 to recheck the 0.6 it asks for.
CREATE INDEX contacts_phone_idx ON contacts (phone);
CREATE INDEX customers_name_key_eq_idx ON customers (name_key);
ALTER FUNCTION rapport_find_duplicates (text, text, text, text, bigint)
  SET pg_trgm.similarity_threshold = 0.6;
