-- SPDX-License-Identifier: GPL-3.0-or-later
-- A company's registration details (issue 4), beside its registration number (the unified
-- social credit code, checked by the server: common/crm-validate.c): its legal
-- representative (法定代表人), registered capital (注册资本) as money in minor units with its
-- currency, and date of establishment (成立日期). A merge fills them on the survivor from
-- the merged record when the survivor has none, like the other fields: the function of
-- 0003-customers.sql again, with the new columns (the capital with its currency).

ALTER TABLE customers
  ADD COLUMN legal_representative text,
  ADD COLUMN registered_capital bigint CHECK (registered_capital >= 0),
  -- NULL (a body's explicit null) reads as CNY, like the default
  ADD COLUMN registered_capital_currency char(3) DEFAULT 'CNY'
    CHECK (registered_capital_currency ~ '^[A-Z]{3}$'),
  ADD COLUMN established_on date;

CREATE OR REPLACE FUNCTION rapport_merge_customers (survivor bigint, loser bigint) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  s customers;
  l customers;
  n_contacts integer;
  n_activities integer;
  n_orders integer;
  n_tickets integer;
BEGIN
  SELECT * INTO s FROM customers WHERE id = survivor AND deleted_at IS NULL FOR UPDATE;
  SELECT * INTO l FROM customers WHERE id = loser AND deleted_at IS NULL FOR UPDATE;
  IF s.id IS NULL OR l.id IS NULL OR survivor = loser
     OR NOT rapport_in_scope (rapport_scope ('customers.update'), s.owner_id)
     OR NOT rapport_in_scope (rapport_scope ('customers.delete'), l.owner_id) THEN
    RAISE EXCEPTION 'cannot merge customer % into %', loser, survivor
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM contacts WHERE customer_id = survivor AND is_primary) THEN
    UPDATE contacts SET is_primary = false WHERE customer_id = loser AND is_primary;
  END IF;
  UPDATE contacts SET customer_id = survivor WHERE customer_id = loser;
  GET DIAGNOSTICS n_contacts = ROW_COUNT;
  UPDATE activities SET customer_id = survivor WHERE customer_id = loser;
  GET DIAGNOSTICS n_activities = ROW_COUNT;
  UPDATE orders SET customer_id = survivor WHERE customer_id = loser;
  GET DIAGNOSTICS n_orders = ROW_COUNT;
  UPDATE tickets SET customer_id = survivor WHERE customer_id = loser;
  GET DIAGNOSTICS n_tickets = ROW_COUNT;
  UPDATE notifications SET customer_id = survivor WHERE customer_id = loser;
  UPDATE customers SET
    registration_no = coalesce(s.registration_no, l.registration_no),
    legal_representative = coalesce(s.legal_representative, l.legal_representative),
    registered_capital = coalesce(s.registered_capital, l.registered_capital),
    registered_capital_currency = CASE WHEN s.registered_capital IS NULL
                                       AND l.registered_capital IS NOT NULL
                                       THEN l.registered_capital_currency
                                       ELSE s.registered_capital_currency END,
    established_on = coalesce(s.established_on, l.established_on),
    industry = coalesce(s.industry, l.industry),
    size = coalesce(s.size, l.size),
    potential = coalesce(s.potential, l.potential),
    source = coalesce(s.source, l.source),
    province = coalesce(s.province, l.province),
    city = coalesce(s.city, l.city),
    district = coalesce(s.district, l.district),
    address = coalesce(s.address, l.address),
    mobile = coalesce(s.mobile, l.mobile),
    phone = coalesce(s.phone, l.phone),
    email = coalesce(s.email, l.email),
    website = coalesce(s.website, l.website),
    notes = CASE WHEN l.notes IS NULL THEN s.notes
                 WHEN s.notes IS NULL THEN l.notes
                 ELSE s.notes || E'\n\n' || l.notes END,
    credit_terms = coalesce(s.credit_terms, l.credit_terms),
    tags = ARRAY(SELECT DISTINCT unnest(s.tags || l.tags) ORDER BY 1),
    custom = l.custom || s.custom,
    followed_up_at = greatest (s.followed_up_at, l.followed_up_at),
    level = rapport_customer_level (survivor)
  WHERE id = survivor;
  UPDATE customers SET deleted_at = now(), deleted_by = rapport_user_id (), merged_into = survivor
  WHERE id = loser;
  RETURN jsonb_build_object ('contacts', n_contacts, 'activities', n_activities,
                             'orders', n_orders, 'tickets', n_tickets);
END
$$;
