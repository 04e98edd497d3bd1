-- SPDX-License-Identifier: GPL-3.0-or-later
-- A search's count past its cap comes with an estimate too (issue 4).
--
-- A count stops at 10,000 and, past that, adds the planner's estimate of the caller's rows
-- (crm-resource.c, estimate_count ()); a search (?q=) had none, as it matches through
-- rapport_customers_matching () / _page (), which no plan sees into: a search for a text
-- in 100,000 customers showed "10,000+" and its list grew a page at a time. The estimate
-- of a search now counts the matches in a sample of the caller's rows (TABLESAMPLE,
-- under row-level security and with the caller's filters), which needs the match of one
-- row: this function. The one text, the bigrams and the substring test are those of
-- rapport_customer_match () (0022), applied to the row's columns: the row is read under
-- the customers' read policy already, so its own text matches in that scope, its
-- contacts' text in contacts.read's (the same scope for every built-in role).
--
-- A plain SQL expression, so that it is inlined into the sample's query (no call per row).
CREATE FUNCTION rapport_customer_matches (q text, c customers) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT strpos (q, chr (31)) = 0
    AND CASE
      WHEN length (q) >= 3
      THEN c.search_doc LIKE rapport_search_pattern (q)
           OR (c.contacts_doc LIKE rapport_search_pattern (q)
               AND rapport_in_scope (rapport_scope ('contacts.read'), c.owner_id))
      WHEN length (q) = 2
      THEN c.name_bigrams @> ARRAY[lower (q)]
           OR (c.contacts_bigrams @> ARRAY[lower (q)]
               AND rapport_in_scope (rapport_scope ('contacts.read'), c.owner_id))
      ELSE strpos (c.search_doc, lower (q)) > 0
           OR (strpos (c.contacts_doc, lower (q)) > 0
               AND rapport_in_scope (rapport_scope ('contacts.read'), c.owner_id))
    END IS TRUE
$$;
