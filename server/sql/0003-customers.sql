-- SPDX-License-Identifier: GPL-3.0-or-later
-- Customers in full: tags, custom field definitions, levels computed from rules, consent,
-- soft delete with a recycle bin, search over 1,000,000 rows (trigram and, for two-character
-- Chinese queries, bigram indexes), follow-ups and update reminders. Also the first tables
-- of the records a customer gathers (activities, orders, tickets), so merging and the
-- timeline work on real rows; their own issues extend them.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The distinct, lower-cased two-character pieces of a text: "上海明远" → {上海,海明,明远}.
-- pg_trgm cannot index a two-character query (it has no trigram), and Chinese names are
-- searched by two characters all the time.
CREATE FUNCTION rapport_bigrams (doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(d, i, 2)), '{}')
  FROM (SELECT lower(coalesce(doc, '')) AS d) s, generate_series(1, length(d) - 1) AS i
  WHERE substr(d, i, 2) !~ '[[:space:]]'
$$;

-- A customer name with what does not tell two companies apart taken out: legal forms
-- (有限公司, Co., Ltd.), bracketed notes, spaces and punctuation. Near-duplicates share it.
CREATE FUNCTION rapport_name_key (name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace (
           regexp_replace (lower(coalesce(name, '')), '[(（][^)）]*[)）]', '', 'g'),
           '股份有限公司|有限责任公司|有限公司|集团|公司|co\.?,?\s*ltd\.?|company|limited|inc\.?|corp\.?|llc|gmbh'
           '|[[:space:][:punct:]，。、·“”‘’：；！？　]+',
           '', 'g')
$$;

ALTER TABLE customers
  ADD COLUMN mobile text CHECK (mobile ~ '^1[3-9][0-9]{9}$' OR mobile LIKE 'v1:%'),
  ADD COLUMN level text,
  ADD COLUMN tags bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN marketing_consent boolean NOT NULL DEFAULT false,
  ADD COLUMN consent_at timestamptz,
  ADD COLUMN consent_source text,
  ADD COLUMN followed_up_at timestamptz,
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by bigint REFERENCES users (id) ON DELETE SET NULL,
  ADD COLUMN merged_into bigint REFERENCES customers (id) ON DELETE SET NULL,
  ADD COLUMN name_key text GENERATED ALWAYS AS (rapport_name_key (name)) STORED,
  ADD COLUMN search_doc text GENERATED ALWAYS AS (
    lower(name || ' ' || coalesce(registration_no, '') || ' ' || coalesce(mobile, '') || ' '
          || coalesce(phone, '') || ' ' || coalesce(email, '') || ' ' || coalesce(address, ''))
  ) STORED,
  ADD COLUMN name_bigrams text[] GENERATED ALWAYS AS (rapport_bigrams (name)) STORED;

CREATE INDEX customers_search_idx ON customers USING gin (search_doc gin_trgm_ops);
CREATE INDEX customers_bigrams_idx ON customers USING gin (name_bigrams);
CREATE INDEX customers_name_key_idx ON customers USING gin (name_key gin_trgm_ops);
CREATE INDEX customers_tags_idx ON customers USING gin (tags);
CREATE INDEX customers_name_idx ON customers (name, id);
CREATE INDEX customers_created_at_idx ON customers (created_at, id);
CREATE INDEX customers_mobile_idx ON customers (mobile);
CREATE INDEX customers_email_idx ON customers (lower(email));
CREATE INDEX customers_phone_idx ON customers (phone);
CREATE INDEX customers_industry_idx ON customers (industry);
CREATE INDEX customers_level_idx ON customers (level);
CREATE INDEX customers_city_idx ON customers (province, city);
CREATE INDEX customers_deleted_idx ON customers (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX customers_merged_into_idx ON customers (merged_into) WHERE merged_into IS NOT NULL;

ALTER TABLE contacts
  ADD COLUMN search_doc text GENERATED ALWAYS AS (
    lower(full_name || ' ' || coalesce(mobile, '') || ' ' || coalesce(phone, '') || ' '
          || coalesce(email, ''))
  ) STORED,
  ADD COLUMN name_bigrams text[] GENERATED ALWAYS AS (rapport_bigrams (full_name)) STORED;
CREATE INDEX contacts_search_idx ON contacts USING gin (search_doc gin_trgm_ops);
CREATE INDEX contacts_bigrams_idx ON contacts USING gin (name_bigrams);
CREATE INDEX contacts_mobile_idx ON contacts (mobile);
CREATE INDEX contacts_email_idx ON contacts (lower(email));

-- A customer's version and updated_at move when someone edits it, not when the server
-- recomputes its level or notes a follow-up: those must not turn an open edit stale, nor
-- count as an update for the reminders.
CREATE FUNCTION rapport_customers_touch () RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  quiet text[] := ARRAY['level', 'followed_up_at', 'version', 'updated_at', 'name_key',
                        'search_doc', 'name_bigrams'];
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
DROP TRIGGER customers_touch ON customers;
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers
  FOR EACH ROW EXECUTE FUNCTION rapport_customers_touch ();

CREATE FUNCTION rapport_customers_consent () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.marketing_consent THEN
    NEW.consent_at := now();
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER customers_consent BEFORE INSERT ON customers
  FOR EACH ROW EXECUTE FUNCTION rapport_customers_consent ();

CREATE TABLE tags (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 50),
  color text NOT NULL DEFAULT '#3584e4' CHECK (color ~ '^#[0-9a-f]{6}$'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER tags_touch BEFORE UPDATE ON tags
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();

-- Custom field definitions; sensitivity and protection live in field_policies under the
-- field name "custom_<key>", like any other field.
CREATE TABLE custom_fields (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  object text NOT NULL CHECK (object IN ('customers', 'contacts', 'leads', 'opportunities',
                                         'orders', 'tickets')),
  key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,50}$'),
  label text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
  type text NOT NULL CHECK (type IN ('text', 'number', 'money', 'date', 'choice', 'multi_choice',
                                     'boolean')),
  choices text[] NOT NULL DEFAULT '{}',
  required boolean NOT NULL DEFAULT false,
  sensitive boolean NOT NULL DEFAULT false,
  position integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (object, key)
);
CREATE TRIGGER custom_fields_touch BEFORE UPDATE ON custom_fields
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();

-- A custom field's sensitivity is a field policy like any other ("custom_<key>"), so the
-- session's field flags carry it to the server's encryption.
CREATE FUNCTION rapport_custom_fields_policy () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM field_policies WHERE object = OLD.object AND field = 'custom_' || OLD.key;
    RETURN NULL;
  END IF;
  INSERT INTO field_policies (object, field, sensitive)
  VALUES (NEW.object, 'custom_' || NEW.key, NEW.sensitive)
  ON CONFLICT (object, field) DO UPDATE SET sensitive = EXCLUDED.sensitive;
  RETURN NULL;
END
$$;
CREATE TRIGGER custom_fields_policy AFTER INSERT OR UPDATE OF sensitive OR DELETE ON custom_fields
  FOR EACH ROW EXECUTE FUNCTION rapport_custom_fields_policy ();

CREATE TABLE level_rules (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level text NOT NULL CHECK (length(btrim(level)) BETWEEN 1 AND 50),
  min_amount bigint NOT NULL CHECK (min_amount >= 0),
  currency char(3) NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
  months integer NOT NULL DEFAULT 12 CHECK (months BETWEEN 1 AND 120),
  position integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER level_rules_touch BEFORE UPDATE ON level_rules
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();

CREATE TABLE settings (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]{0,62}$'),
  value jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER settings_touch BEFORE UPDATE ON settings
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();
INSERT INTO settings (key, value) VALUES ('reminders', '{"enabled": true, "days": 30}');

-- Follow-ups (calls, visits, …); the activities issue adds the rest.
CREATE TABLE activities (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  owner_id bigint REFERENCES users (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('call', 'visit', 'email', 'meeting', 'note')),
  subject text NOT NULL CHECK (length(btrim(subject)) BETWEEN 1 AND 300),
  notes text,
  due_at timestamptz,
  done_at timestamptz,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(custom) = 'object'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_customer_idx ON activities (customer_id, created_at);
CREATE INDEX activities_owner_idx ON activities (owner_id);
CREATE TRIGGER activities_touch BEFORE UPDATE ON activities
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();

CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
  owner_id bigint REFERENCES users (id) ON DELETE SET NULL,
  number text NOT NULL UNIQUE CHECK (length(btrim(number)) BETWEEN 1 AND 64),
  status text NOT NULL DEFAULT 'confirmed'
    CHECK (status IN ('draft', 'confirmed', 'shipped', 'completed', 'cancelled')),
  amount bigint NOT NULL CHECK (amount >= 0),
  currency char(3) NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
  ordered_at timestamptz NOT NULL DEFAULT now(),
  custom jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(custom) = 'object'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_idx ON orders (customer_id, ordered_at);
CREATE INDEX orders_owner_idx ON orders (owner_id);
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();

CREATE TABLE tickets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  owner_id bigint REFERENCES users (id) ON DELETE SET NULL,
  subject text NOT NULL CHECK (length(btrim(subject)) BETWEEN 1 AND 300),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  custom jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(custom) = 'object'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_customer_idx ON tickets (customer_id, created_at);
CREATE INDEX tickets_owner_idx ON tickets (owner_id);
CREATE TRIGGER tickets_touch BEFORE UPDATE ON tickets
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();

CREATE TABLE notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('reminder', 'assignment')),
  customer_id bigint REFERENCES customers (id) ON DELETE CASCADE,
  title text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_customer_idx ON notifications (customer_id, created_at);

-- A customer's level: the highest rule its orders of the rule's period reach.
CREATE FUNCTION rapport_customer_level (customer bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT lr.level
  FROM level_rules lr
  WHERE (SELECT coalesce(sum(o.amount), 0) FROM orders o
         WHERE o.customer_id = customer AND o.status <> 'cancelled' AND o.currency = lr.currency
           AND o.ordered_at >= now() - make_interval(months => lr.months)) >= lr.min_amount
  ORDER BY lr.min_amount DESC, lr.position, lr.id
  LIMIT 1
$$;

-- Recomputes the levels that may have changed: customers with orders, or with a level.
CREATE FUNCTION rapport_recompute_levels () RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  changed integer;
BEGIN
  UPDATE customers c SET level = rapport_customer_level (c.id)
  WHERE (c.level IS NOT NULL OR EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id))
    AND c.level IS DISTINCT FROM rapport_customer_level (c.id);
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END
$$;

CREATE FUNCTION rapport_orders_level () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE customers SET level = rapport_customer_level (id)
    WHERE id = OLD.customer_id AND level IS DISTINCT FROM rapport_customer_level (id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE customers SET level = rapport_customer_level (id)
    WHERE id = NEW.customer_id AND level IS DISTINCT FROM rapport_customer_level (id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER orders_level AFTER INSERT OR UPDATE OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION rapport_orders_level ();

-- One primary contact per customer: marking one clears the others.
CREATE FUNCTION rapport_contacts_primary () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.is_primary THEN
    UPDATE contacts SET is_primary = false
    WHERE customer_id = NEW.customer_id AND id <> NEW.id AND is_primary;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER contacts_primary BEFORE INSERT OR UPDATE OF is_primary ON contacts
  FOR EACH ROW EXECUTE FUNCTION rapport_contacts_primary ();

-- A deleted tag leaves every customer it was on.
CREATE FUNCTION rapport_tags_untag () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE customers SET tags = array_remove (tags, OLD.id) WHERE tags @> ARRAY[OLD.id];
  RETURN NULL;
END
$$;
CREATE TRIGGER tags_untag AFTER DELETE ON tags
  FOR EACH ROW EXECUTE FUNCTION rapport_tags_untag ();

-- New or changed level rules apply at once.
CREATE FUNCTION rapport_level_rules_changed () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM rapport_recompute_levels ();
  RETURN NULL;
END
$$;
CREATE TRIGGER level_rules_changed AFTER INSERT OR UPDATE OR DELETE ON level_rules
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_level_rules_changed ();

-- A follow-up logged on a customer notes when, whoever may edit the customer.
CREATE FUNCTION rapport_activities_followed_up () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE customers SET followed_up_at = NEW.created_at
  WHERE id = NEW.customer_id AND (followed_up_at IS NULL OR followed_up_at < NEW.created_at);
  RETURN NULL;
END
$$;
CREATE TRIGGER activities_followed_up AFTER INSERT ON activities
  FOR EACH ROW EXECUTE FUNCTION rapport_activities_followed_up ();

-- Likely duplicates the caller may not see: only how many, never which.
CREATE FUNCTION rapport_hidden_duplicates (ids bigint[]) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT count(*)::integer FROM customers c
  WHERE c.id = ANY (ids) AND c.deleted_at IS NULL
    AND NOT rapport_in_scope (rapport_scope ('customers.read'), c.owner_id)
$$;

-- Candidate duplicates over every customer (the server shows those the caller may read
-- and counts the rest): same mobile, phone or e-mail on the customer or a contact, or a
-- near-identical name.
CREATE FUNCTION rapport_find_duplicates (p_name text, p_mobile text, p_phone text, p_email text,
                                         p_exclude bigint)
RETURNS TABLE (id bigint, reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.id, 'mobile' FROM customers c WHERE p_mobile <> '' AND c.mobile = p_mobile
  UNION
  SELECT c.customer_id, 'mobile' FROM contacts c WHERE p_mobile <> '' AND c.mobile = p_mobile
  UNION
  SELECT c.id, 'phone' FROM customers c WHERE p_phone <> '' AND c.phone = p_phone
  UNION
  SELECT c.customer_id, 'phone' FROM contacts c WHERE p_phone <> '' AND c.phone = p_phone
  UNION
  SELECT c.id, 'email' FROM customers c WHERE p_email <> '' AND lower(c.email) = lower(p_email)
  UNION
  SELECT c.customer_id, 'email' FROM contacts c
  WHERE p_email <> '' AND lower(c.email) = lower(p_email)
  UNION
  SELECT c.id, 'name' FROM customers c
  WHERE rapport_name_key (p_name) <> ''
    AND (c.name_key = rapport_name_key (p_name)
         OR (length(rapport_name_key (p_name)) >= 4
             AND c.name_key % rapport_name_key (p_name)
             AND similarity (c.name_key, rapport_name_key (p_name)) >= 0.6))
$$;

-- Merges customer `loser` into `survivor`: its contacts, activities, orders, tickets and
-- notifications move over, its tags are added, the survivor's empty fields are filled
-- from it, and it goes to the recycle bin marked merged_into. The caller must be able
-- to update the survivor and delete the loser (checked here again, after the server);
-- the records that move go whoever owns them, as they belong to the customer.
CREATE FUNCTION rapport_merge_customers (survivor bigint, loser bigint) RETURNS jsonb
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

-- The customer's audited changes, for its timeline; only for a customer the caller may read.
CREATE FUNCTION rapport_customer_changes (customer bigint, before_at timestamptz, n integer)
RETURNS TABLE (id bigint, at timestamptz, user_id bigint, action text, detail jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT a.id, a.at, a.user_id, a.action, a.detail
  FROM audit_log a
  WHERE a.object = 'customers' AND a.record_id = customer AND a.outcome = 'ok'
    AND a.action IN ('create', 'update', 'merge', 'restore', 'delete', 'batch_update')
    AND a.at < coalesce(before_at, 'infinity')
    AND EXISTS (SELECT 1 FROM customers c WHERE c.id = customer
                AND rapport_in_scope (rapport_scope ('customers.read'), c.owner_id))
  ORDER BY a.at DESC, a.id DESC
  LIMIT n
$$;
CREATE INDEX audit_log_record_idx ON audit_log (object, record_id, at);

-- Update reminders: one notification to the owner of each customer neither updated nor
-- followed up for the configured days since its last reminder. Run by the instance that
-- holds the scheduler lock; answers how many it sent.
CREATE FUNCTION rapport_send_reminders () RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  cfg jsonb;
  sent integer;
BEGIN
  SELECT value INTO cfg FROM settings WHERE key = 'reminders';
  IF NOT pg_try_advisory_xact_lock (hashtext ('rapport.reminders')) THEN
    RETURN 0;
  END IF;
  IF cfg IS NULL OR NOT coalesce((cfg ->> 'enabled')::boolean, false) THEN
    RETURN 0;
  END IF;
  INSERT INTO notifications (user_id, kind, customer_id, title)
  SELECT c.owner_id, 'reminder', c.id, c.name
  FROM customers c
  WHERE c.owner_id IS NOT NULL AND c.deleted_at IS NULL
    AND greatest (c.updated_at, coalesce(c.followed_up_at, c.updated_at))
          < now() - make_interval(days => (cfg ->> 'days')::integer)
    AND NOT EXISTS (SELECT 1 FROM notifications n
                    WHERE n.customer_id = c.id AND n.kind = 'reminder'
                      AND n.created_at >= greatest (c.updated_at,
                                                    coalesce(c.followed_up_at, c.updated_at)));
  GET DIAGNOSTICS sent = ROW_COUNT;
  RETURN sent;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON tags, custom_fields, level_rules, settings, activities,
  orders, tickets TO rapport_app;
GRANT SELECT, UPDATE (read_at) ON notifications TO rapport_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
GRANT EXECUTE ON FUNCTION rapport_bigrams (text), rapport_name_key (text),
  rapport_customer_level (bigint), rapport_recompute_levels (),
  rapport_hidden_duplicates (bigint[]),
  rapport_find_duplicates (text, text, text, text, bigint),
  rapport_customer_changes (bigint, timestamptz, integer),
  rapport_merge_customers (bigint, bigint) TO rapport_app;
REVOKE EXECUTE ON FUNCTION rapport_send_reminders () FROM PUBLIC;

ALTER TABLE tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY tags_read ON tags FOR SELECT TO rapport_app
  USING (rapport_scope ('customers.read') <> 'none' OR rapport_scope ('fields.read') <> 'none');
CREATE POLICY tags_create ON tags FOR INSERT TO rapport_app
  WITH CHECK (rapport_scope ('fields.create') = 'all');
CREATE POLICY tags_update ON tags FOR UPDATE TO rapport_app
  USING (rapport_scope ('fields.update') = 'all');
CREATE POLICY tags_delete ON tags FOR DELETE TO rapport_app
  USING (rapport_scope ('fields.delete') = 'all');

ALTER TABLE custom_fields ENABLE ROW LEVEL SECURITY;
CREATE POLICY custom_fields_read ON custom_fields FOR SELECT TO rapport_app USING (true);
CREATE POLICY custom_fields_create ON custom_fields FOR INSERT TO rapport_app
  WITH CHECK (rapport_scope ('fields.create') = 'all');
CREATE POLICY custom_fields_update ON custom_fields FOR UPDATE TO rapport_app
  USING (rapport_scope ('fields.update') = 'all');
CREATE POLICY custom_fields_delete ON custom_fields FOR DELETE TO rapport_app
  USING (rapport_scope ('fields.delete') = 'all');

ALTER TABLE level_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY level_rules_read ON level_rules FOR SELECT TO rapport_app USING (true);
CREATE POLICY level_rules_create ON level_rules FOR INSERT TO rapport_app
  WITH CHECK (rapport_scope ('fields.create') = 'all');
CREATE POLICY level_rules_update ON level_rules FOR UPDATE TO rapport_app
  USING (rapport_scope ('fields.update') = 'all');
CREATE POLICY level_rules_delete ON level_rules FOR DELETE TO rapport_app
  USING (rapport_scope ('fields.delete') = 'all');

ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY settings_read ON settings FOR SELECT TO rapport_app USING (true);
CREATE POLICY settings_write ON settings FOR UPDATE TO rapport_app
  USING (rapport_scope ('fields.update') = 'all');

ALTER TABLE activities ENABLE ROW LEVEL SECURITY;
CREATE POLICY activities_read ON activities FOR SELECT TO rapport_app
  USING (rapport_in_scope (rapport_scope ('activities.read'), owner_id));
CREATE POLICY activities_create ON activities FOR INSERT TO rapport_app
  WITH CHECK (rapport_in_scope (rapport_scope ('activities.create'), owner_id));
CREATE POLICY activities_update ON activities FOR UPDATE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('activities.update'), owner_id));
CREATE POLICY activities_delete ON activities FOR DELETE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('activities.delete'), owner_id));

ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_read ON orders FOR SELECT TO rapport_app
  USING (rapport_in_scope (rapport_scope ('orders.read'), owner_id));
CREATE POLICY orders_create ON orders FOR INSERT TO rapport_app
  WITH CHECK (rapport_in_scope (rapport_scope ('orders.create'), owner_id));
CREATE POLICY orders_update ON orders FOR UPDATE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('orders.update'), owner_id));
CREATE POLICY orders_delete ON orders FOR DELETE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('orders.delete'), owner_id));

ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tickets_read ON tickets FOR SELECT TO rapport_app
  USING (rapport_in_scope (rapport_scope ('tickets.read'), owner_id));
CREATE POLICY tickets_create ON tickets FOR INSERT TO rapport_app
  WITH CHECK (rapport_in_scope (rapport_scope ('tickets.create'), owner_id));
CREATE POLICY tickets_update ON tickets FOR UPDATE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('tickets.update'), owner_id));
CREATE POLICY tickets_delete ON tickets FOR DELETE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('tickets.delete'), owner_id));

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY notifications_own ON notifications FOR ALL TO rapport_app
  USING (user_id = rapport_user_id ());
