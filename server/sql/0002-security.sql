-- SPDX-License-Identifier: GPL-3.0-or-later
-- The server's walls: roles with a permission matrix, field restrictions, sessions,
-- sign-in throttling, MFA recovery codes, the hash-chained audit log, alerts, and
-- row-level security for the database role every request runs as.
--
-- Requests run as rapport_app (the server does SET ROLE on each pooled connection).
-- It owns no table, so the policies below bind it; the migration owner bypasses them.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
    CREATE ROLE rapport_app NOLOGIN NOINHERIT;
  END IF;
  IF NOT pg_has_role (current_user, 'rapport_app', 'MEMBER') THEN
    EXECUTE format ('GRANT rapport_app TO %I', current_user);
  END IF;
END
$$;

-- The session's view of the caller, set by the server at the start of each transaction
-- with set_config(…, true). Unset (or reset to '') means nobody: every policy answers false.
CREATE FUNCTION rapport_user_id () RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('rapport.user_id', true), '')::bigint
$$;

CREATE FUNCTION rapport_team_id () RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('rapport.team_id', true), '')::bigint
$$;

CREATE FUNCTION rapport_scope (object_action text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('rapport.scope.' || object_action, true), ''), 'none')
$$;

-- Whether a row owned by owner_id lies within scope: the owner is the caller (own), in the
-- caller's team (team: rapport.team_members lists its user ids), or anyone (all).
CREATE FUNCTION rapport_in_scope (scope text, owner_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE scope
    WHEN 'all' THEN true
    WHEN 'team' THEN owner_id = ANY (string_to_array(
                       nullif(current_setting('rapport.team_members', true), ''), ',')::bigint[])
    WHEN 'own' THEN owner_id = nullif(current_setting('rapport.user_id', true), '')::bigint
    ELSE false
  END
$$;

CREATE TABLE roles (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '',
  builtin text UNIQUE CHECK (builtin IN ('admin', 'sales_manager', 'sales_rep',
                                         'service_agent', 'marketing', 'auditor')),
  require_mfa boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER roles_touch BEFORE UPDATE ON roles
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at ();

CREATE TABLE role_permissions (
  role_id bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  object text NOT NULL CHECK (object IN ('customers', 'contacts', 'leads', 'opportunities',
    'activities', 'orders', 'products', 'tickets', 'kb_articles', 'campaigns', 'segments',
    'users', 'roles', 'teams', 'fields', 'audit', 'reports')),
  action text NOT NULL CHECK (action IN ('read', 'create', 'update', 'delete', 'export',
                                         'assign', 'approve')),
  scope text NOT NULL CHECK (scope IN ('own', 'team', 'all')),
  PRIMARY KEY (role_id, object, action)
);

-- Fields an admin marks protected (hidden from and read-only for roles not granted them)
-- or sensitive (stored encrypted, never logged).
CREATE TABLE field_policies (
  object text NOT NULL,
  field text NOT NULL CHECK (field ~ '^[a-z][a-z0-9_]{0,62}$'),
  protected boolean NOT NULL DEFAULT false,
  sensitive boolean NOT NULL DEFAULT false,
  PRIMARY KEY (object, field)
);

-- Per role and field: none (left out on read, refused on write), read, or write.
CREATE TABLE role_field_access (
  role_id bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  object text NOT NULL,
  field text NOT NULL,
  access text NOT NULL CHECK (access IN ('none', 'read', 'write')),
  PRIMARY KEY (role_id, object, field)
);

ALTER TABLE teams ADD COLUMN description text NOT NULL DEFAULT '';

ALTER TABLE users
  ADD COLUMN role_id bigint REFERENCES roles (id) ON DELETE RESTRICT,
  ADD COLUMN password_hash text,
  ADD COLUMN password_changed_at timestamptz,
  ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN mfa_secret text,
  ADD COLUMN mfa_pending_secret text,
  ADD COLUMN mfa_last_step bigint NOT NULL DEFAULT 0,
  ADD COLUMN last_login_at timestamptz;
CREATE INDEX users_role_id_idx ON users (role_id);

ALTER TABLE customers
  ADD COLUMN credit_terms text,
  ADD COLUMN registration_no text;

-- Exact-match lookup of sensitive (encrypted) values: an HMAC of the normalised value.
CREATE TABLE blind_indexes (
  object text NOT NULL,
  field text NOT NULL,
  record_id bigint NOT NULL,
  digest text NOT NULL,
  PRIMARY KEY (object, field, record_id)
);
CREATE INDEX blind_indexes_digest_idx ON blind_indexes (object, field, digest);

CREATE TABLE sessions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  source text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Failed sign-ins per user name and per source address: a lock that grows with each failure.
-- Disabling an account ends its sessions, whoever disables it and however.
CREATE FUNCTION users_revoke_sessions () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE sessions SET revoked_at = now () WHERE user_id = NEW.id AND revoked_at IS NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER users_disabled AFTER UPDATE OF is_active ON users
  FOR EACH ROW WHEN (OLD.is_active AND NOT NEW.is_active)
  EXECUTE FUNCTION users_revoke_sessions ();

CREATE TABLE login_throttle (
  kind text NOT NULL CHECK (kind IN ('user', 'source')),
  key text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  PRIMARY KEY (kind, key)
);

CREATE TABLE mfa_recovery_codes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
  used_at timestamptz,
  UNIQUE (user_id, code_hash)
);

-- The audit log. Requests append rows (seq NULL); the sealer numbers them gap-free and
-- chains them: hash = SHA-256(prev_hash || rapport_audit_canonical(row)).
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq bigint UNIQUE,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  user_id bigint,
  username text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  request_id text NOT NULL DEFAULT '',
  action text NOT NULL,
  object text NOT NULL DEFAULT '',
  record_id bigint,
  outcome text NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'denied', 'failed')),
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash bytea,
  hash bytea
);
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE seq IS NULL;
CREATE INDEX audit_log_user_at_idx ON audit_log (user_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The one definition of what the chain hashes; the sealer hashes it in SQL and
-- rapport-admin verify-audit recomputes the hash independently.
CREATE FUNCTION rapport_audit_canonical (a audit_log) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws(E'\x1f', a.seq::text, a.id::text,
                   (extract(epoch FROM a.at) * 1000000)::bigint::text,
                   coalesce(a.user_id::text, ''), a.username, a.source, a.request_id,
                   a.action, a.object, coalesce(a.record_id::text, ''), a.outcome,
                   a.detail::text)
$$;

-- Sealed rows never change, not even for the table owner (short of disabling the trigger,
-- which verify-audit then catches by the broken chain).
CREATE FUNCTION audit_log_guard () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL
     AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.detail = OLD.detail
     AND NEW.action = OLD.action AND NEW.object = OLD.object THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard ();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard ();

-- Seals up to max_rows unsealed rows in the order they became visible. Runs with the
-- owner's rights so the request role needs no UPDATE on audit_log; only one caller at a
-- time gets the lock, the others return 0 at once.
CREATE FUNCTION rapport_seal_audit (max_rows integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  last_seq bigint;
  last_hash bytea;
  r audit_log;
  n integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock (hashtext ('rapport.audit.sealer')) THEN
    RETURN 0;
  END IF;
  SELECT a.seq, a.hash INTO last_seq, last_hash
    FROM audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
  last_seq := coalesce (last_seq, 0);
  last_hash := coalesce (last_hash, sha256 (convert_to ('rapport audit log', 'UTF8')));
  FOR r IN SELECT * FROM audit_log a WHERE a.seq IS NULL ORDER BY a.id LIMIT max_rows LOOP
    r.seq := last_seq + 1;
    r.prev_hash := last_hash;
    r.hash := sha256 (last_hash || convert_to (rapport_audit_canonical (r), 'UTF8'));
    UPDATE audit_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash
      WHERE id = r.id;
    last_seq := r.seq;
    last_hash := r.hash;
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;

-- The chain's head as "SEQ:HASH": the server logs it after sealing, an anchor outside the
-- database that verify-audit --expect-head compares (truncation at the end shows).
CREATE FUNCTION rapport_audit_head () RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT a.seq::text || ':' || encode (a.hash, 'hex') FROM audit_log a
   WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1
$$;

CREATE TABLE alerts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('failed_sign_ins', 'denials')),
  user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  username text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  count integer NOT NULL,
  message text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX alerts_created_at_idx ON alerts (created_at);

-- Sign-in needs the password hash before anybody is signed in; the request role may not
-- read that column, so it asks this function, which answers for one active user.
CREATE FUNCTION rapport_login_lookup (login text)
RETURNS TABLE (user_id bigint, password_hash text, mfa_enabled boolean, mfa_secret text,
               mfa_pending_secret text, mfa_last_step bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, u.password_hash, u.mfa_enabled, u.mfa_secret, u.mfa_pending_secret,
         u.mfa_last_step
    FROM users u JOIN roles r ON r.id = u.role_id
   WHERE u.username = login AND u.is_active
$$;

-- Everything a request needs to know about its caller, in one round trip: the team's
-- member ids (the caller alone without a team), the role's scopes as
-- "object.action=scope,…", its field access as "object.field=access,…", and the admin's
-- field flags as "object.field=p|s|ps,…" (protected, sensitive).
CREATE FUNCTION rapport_principal (uid bigint)
RETURNS TABLE (user_id bigint, username text, display_name text, team_id bigint,
               role_id bigint, role_name text, mfa_enabled boolean, require_mfa boolean,
               team_members text, scopes text, fields text, policies text, role_builtin text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, u.username, u.display_name, u.team_id, r.id, r.name, u.mfa_enabled,
         r.require_mfa,
         coalesce ((SELECT string_agg (m.id::text, ',') FROM users m
                     WHERE m.team_id = u.team_id), u.id::text),
         coalesce ((SELECT string_agg (p.object || '.' || p.action || '=' || p.scope, ',')
                      FROM role_permissions p WHERE p.role_id = r.id), ''),
         coalesce ((SELECT string_agg (f.object || '.' || f.field || '=' || f.access, ',')
                      FROM role_field_access f WHERE f.role_id = r.id), ''),
         coalesce ((SELECT string_agg (fp.object || '.' || fp.field || '='
                                       || CASE WHEN fp.protected THEN 'p' ELSE '' END
                                       || CASE WHEN fp.sensitive THEN 's' ELSE '' END, ',')
                      FROM field_policies fp WHERE fp.protected OR fp.sensitive), ''),
         r.builtin
    FROM users u JOIN roles r ON r.id = u.role_id
   WHERE u.id = uid AND u.is_active
$$;

-- The caller behind a bearer token: a read, with last_seen_at written at most once a
-- minute. Expired (idle or absolute), revoked or disabled answers nothing.
CREATE FUNCTION rapport_session_lookup (hash bytea, idle_seconds integer)
RETURNS TABLE (session_id bigint, user_id bigint, username text, display_name text,
               team_id bigint, role_id bigint, role_name text, mfa_enabled boolean,
               require_mfa boolean, team_members text, scopes text, fields text,
               policies text, role_builtin text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  s sessions;
BEGIN
  SELECT * INTO s FROM sessions
   WHERE token_hash = hash AND revoked_at IS NULL AND expires_at > now()
     AND last_seen_at > now() - make_interval (secs => idle_seconds);
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF s.last_seen_at < now() - interval '1 minute' THEN
    UPDATE sessions SET last_seen_at = now() WHERE id = s.id;
  END IF;
  RETURN QUERY SELECT s.id, p.* FROM rapport_principal (s.user_id) p;
END
$$;

-- Repeated denials raise one alert per burst: when a user's denials in the last ten
-- minutes reach the threshold (and again at each further multiple of it).
CREATE FUNCTION rapport_note_denial (uid bigint, uname text, src text, threshold integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  SELECT count(*) INTO n FROM audit_log
   WHERE user_id = uid AND outcome = 'denied' AND at > now() - interval '10 minutes';
  IF threshold > 0 AND n > 0 AND n % threshold = 0 THEN
    INSERT INTO alerts (kind, user_id, username, source, count, message)
    VALUES ('denials', uid, uname, src, n,
            format ('%s was denied %s times within ten minutes', uname, n));
    RETURN true;
  END IF;
  RETURN false;
END
$$;

-- Built-in roles and the shipped permission matrix.
INSERT INTO roles (name, description, builtin) VALUES
  ('Administrator', 'Everything, including users, roles and the audit log', 'admin'),
  ('Sales manager', 'Their team''s customers and deals, read and write', 'sales_manager'),
  ('Sales rep', 'The customers and deals they own', 'sales_rep'),
  ('Service agent', 'Tickets, and the customers of their tickets', 'service_agent'),
  ('Marketing', 'Campaigns and segments; reads customers', 'marketing'),
  ('Auditor', 'Reads everything including the audit log; writes nothing', 'auditor');

INSERT INTO role_permissions (role_id, object, action, scope)
SELECT r.id, o.object, a.action, 'all'
  FROM roles r,
       unnest (ARRAY['customers', 'contacts', 'leads', 'opportunities', 'activities', 'orders',
                     'products', 'tickets', 'kb_articles', 'campaigns', 'segments', 'users',
                     'roles', 'teams', 'fields', 'audit', 'reports']) AS o (object),
       unnest (ARRAY['read', 'create', 'update', 'delete', 'export', 'assign',
                     'approve']) AS a (action)
 WHERE r.builtin = 'admin'
UNION ALL
SELECT r.id, o.object, 'read', 'all'
  FROM roles r,
       unnest (ARRAY['customers', 'contacts', 'leads', 'opportunities', 'activities', 'orders',
                     'products', 'tickets', 'kb_articles', 'campaigns', 'segments', 'users',
                     'roles', 'teams', 'fields', 'audit', 'reports']) AS o (object)
 WHERE r.builtin = 'auditor'
UNION ALL
SELECT r.id, p.object, p.action, p.scope
  FROM roles r
  JOIN (VALUES
    -- sales manager: the team's sales records, every action
    ('sales_manager', 'customers', '{read,create,update,delete,export,assign}', 'team'),
    ('sales_manager', 'contacts', '{read,create,update,delete,export}', 'team'),
    ('sales_manager', 'leads', '{read,create,update,delete,export,assign}', 'team'),
    ('sales_manager', 'opportunities', '{read,create,update,delete,export,assign,approve}', 'team'),
    ('sales_manager', 'activities', '{read,create,update,delete,assign}', 'team'),
    ('sales_manager', 'orders', '{read,create,update,delete,export,approve}', 'team'),
    ('sales_manager', 'tickets', '{read}', 'team'),
    ('sales_manager', 'reports', '{read,export}', 'team'),
    ('sales_manager', 'products', '{read}', 'all'),
    ('sales_manager', 'kb_articles', '{read}', 'all'),
    ('sales_manager', 'campaigns', '{read}', 'all'),
    ('sales_manager', 'segments', '{read}', 'all'),
    ('sales_manager', 'users', '{read}', 'all'),
    ('sales_manager', 'teams', '{read}', 'all'),
    ('sales_manager', 'fields', '{read}', 'all'),
    -- sales rep: what they own
    ('sales_rep', 'customers', '{read,create,update}', 'own'),
    ('sales_rep', 'contacts', '{read,create,update,delete}', 'own'),
    ('sales_rep', 'leads', '{read,create,update}', 'own'),
    ('sales_rep', 'opportunities', '{read,create,update}', 'own'),
    ('sales_rep', 'activities', '{read,create,update,delete}', 'own'),
    ('sales_rep', 'orders', '{read,create,update}', 'own'),
    ('sales_rep', 'tickets', '{read,create}', 'own'),
    ('sales_rep', 'reports', '{read}', 'own'),
    ('sales_rep', 'products', '{read}', 'all'),
    ('sales_rep', 'kb_articles', '{read}', 'all'),
    ('sales_rep', 'users', '{read}', 'all'),
    ('sales_rep', 'teams', '{read}', 'all'),
    ('sales_rep', 'fields', '{read}', 'all'),
    -- service agent: tickets; customers (and their contacts) of their tickets
    ('service_agent', 'tickets', '{read,create,update,assign}', 'all'),
    ('service_agent', 'kb_articles', '{read,create,update}', 'all'),
    ('service_agent', 'customers', '{read}', 'own'),
    ('service_agent', 'contacts', '{read}', 'own'),
    ('service_agent', 'activities', '{read,create,update}', 'own'),
    ('service_agent', 'reports', '{read}', 'own'),
    ('service_agent', 'products', '{read}', 'all'),
    ('service_agent', 'users', '{read}', 'all'),
    ('service_agent', 'teams', '{read}', 'all'),
    ('service_agent', 'fields', '{read}', 'all'),
    -- marketing: campaigns and segments; reads customers and contacts
    ('marketing', 'campaigns', '{read,create,update,delete,export,approve}', 'all'),
    ('marketing', 'segments', '{read,create,update,delete,export}', 'all'),
    ('marketing', 'leads', '{read,create,update,export}', 'all'),
    ('marketing', 'customers', '{read}', 'all'),
    ('marketing', 'contacts', '{read}', 'all'),
    ('marketing', 'reports', '{read}', 'all'),
    ('marketing', 'products', '{read}', 'all'),
    ('marketing', 'kb_articles', '{read}', 'all'),
    ('marketing', 'users', '{read}', 'all'),
    ('marketing', 'teams', '{read}', 'all'),
    ('marketing', 'fields', '{read}', 'all')
  ) AS p0 (builtin, object, actions, scope) ON p0.builtin = r.builtin
  CROSS JOIN LATERAL (SELECT p0.object, a, p0.scope FROM unnest (p0.actions::text[]) AS a)
    AS p (object, action, scope);

-- Protected out of the box: who owns a customer and on what credit terms it buys.
INSERT INTO field_policies (object, field, protected) VALUES
  ('customers', 'owner_id', true),
  ('customers', 'credit_terms', true);

INSERT INTO role_field_access (role_id, object, field, access)
SELECT r.id, f.object, f.field, f.access
  FROM roles r
  JOIN (VALUES
    ('sales_manager', 'customers', 'owner_id', 'read'),
    ('sales_rep', 'customers', 'owner_id', 'read'),
    ('service_agent', 'customers', 'owner_id', 'read'),
    ('marketing', 'customers', 'owner_id', 'read'),
    ('auditor', 'customers', 'owner_id', 'read'),
    ('auditor', 'customers', 'credit_terms', 'read')
  ) AS f (builtin, object, field, access) ON f.builtin = r.builtin;

UPDATE users SET role_id = (SELECT id FROM roles WHERE builtin = 'sales_rep') WHERE role_id IS NULL;
CREATE FUNCTION rapport_default_role () RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id FROM roles WHERE builtin = 'sales_rep'
$$;
GRANT EXECUTE ON FUNCTION rapport_default_role () TO rapport_app;
ALTER TABLE users ALTER COLUMN role_id SET DEFAULT rapport_default_role (),
  ALTER COLUMN role_id SET NOT NULL;

-- What the request role may touch at all; the policies then pick the rows.
GRANT USAGE ON SCHEMA public TO rapport_app;
GRANT SELECT ON schema_migrations TO rapport_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON teams, customers, contacts, roles, role_permissions,
  field_policies, role_field_access, mfa_recovery_codes, login_throttle, blind_indexes
  TO rapport_app;
GRANT SELECT (id, username, display_name, email, mobile, team_id, role_id, is_active,
              mfa_enabled, password_changed_at, last_login_at, version, created_at,
              updated_at)
  ON users TO rapport_app;
GRANT INSERT (username, display_name, email, mobile, team_id, role_id, is_active,
              password_hash, password_changed_at)
  ON users TO rapport_app;
GRANT UPDATE (display_name, email, mobile, team_id, role_id, is_active, password_hash,
              password_changed_at, mfa_enabled, mfa_secret, mfa_pending_secret, mfa_last_step,
              last_login_at)
  ON users TO rapport_app;
GRANT DELETE ON users TO rapport_app;
GRANT SELECT (id, user_id, source, user_agent, created_at, last_seen_at, expires_at, revoked_at)
  ON sessions TO rapport_app;
GRANT INSERT (user_id, token_hash, source, user_agent, expires_at) ON sessions TO rapport_app;
GRANT UPDATE (revoked_at) ON sessions TO rapport_app;
GRANT SELECT, INSERT ON audit_log TO rapport_app;
GRANT SELECT, INSERT, UPDATE ON alerts TO rapport_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
GRANT EXECUTE ON FUNCTION rapport_seal_audit (integer), rapport_audit_head (),
  rapport_login_lookup (text),
  rapport_session_lookup (bytea, integer), rapport_principal (bigint),
  rapport_note_denial (bigint, text, text, integer) TO rapport_app;

-- Row-level security on every table the request role can reach.
ALTER TABLE schema_migrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY schema_migrations_read ON schema_migrations FOR SELECT TO rapport_app USING (true);

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY customers_read ON customers FOR SELECT TO rapport_app
  USING (rapport_in_scope (rapport_scope ('customers.read'), owner_id));
CREATE POLICY customers_create ON customers FOR INSERT TO rapport_app
  WITH CHECK (rapport_in_scope (rapport_scope ('customers.create'), owner_id));
CREATE POLICY customers_update ON customers FOR UPDATE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('customers.update'), owner_id)
         OR rapport_in_scope (rapport_scope ('customers.assign'), owner_id))
  WITH CHECK (rapport_in_scope (rapport_scope ('customers.update'), owner_id)
              OR rapport_scope ('customers.assign') <> 'none');
CREATE POLICY customers_delete ON customers FOR DELETE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('customers.delete'), owner_id));

-- A contact belongs to whoever owns its customer.
CREATE FUNCTION rapport_customer_owner (customer bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT owner_id FROM customers WHERE id = customer
$$;
GRANT EXECUTE ON FUNCTION rapport_customer_owner (bigint) TO rapport_app;

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY contacts_read ON contacts FOR SELECT TO rapport_app
  USING (rapport_in_scope (rapport_scope ('contacts.read'), rapport_customer_owner (customer_id)));
CREATE POLICY contacts_create ON contacts FOR INSERT TO rapport_app
  WITH CHECK (rapport_in_scope (rapport_scope ('contacts.create'),
                                rapport_customer_owner (customer_id)));
CREATE POLICY contacts_update ON contacts FOR UPDATE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('contacts.update'), rapport_customer_owner (customer_id)))
  WITH CHECK (rapport_in_scope (rapport_scope ('contacts.update'),
                                rapport_customer_owner (customer_id)));
CREATE POLICY contacts_delete ON contacts FOR DELETE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('contacts.delete'), rapport_customer_owner (customer_id)));

-- A user "owns" their own account: own scope reaches oneself, team scope one's team.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_read ON users FOR SELECT TO rapport_app
  USING (id = rapport_user_id () OR rapport_in_scope (rapport_scope ('users.read'), id));
CREATE POLICY users_create ON users FOR INSERT TO rapport_app
  WITH CHECK (rapport_scope ('users.create') = 'all');
-- Without users.update one may change one's own password and MFA, not one's role or team.
CREATE POLICY users_update ON users FOR UPDATE TO rapport_app
  USING (id = rapport_user_id () OR rapport_in_scope (rapport_scope ('users.update'), id))
  WITH CHECK (rapport_in_scope (rapport_scope ('users.update'), id)
              OR (id = rapport_user_id ()
                  AND EXISTS (SELECT 1 FROM users u
                               WHERE u.id = rapport_user_id ()
                                 AND u.role_id = users.role_id
                                 AND u.team_id IS NOT DISTINCT FROM users.team_id
                                 AND u.is_active = users.is_active)));
CREATE POLICY users_delete ON users FOR DELETE TO rapport_app
  USING (rapport_in_scope (rapport_scope ('users.delete'), id));

ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
CREATE POLICY teams_read ON teams FOR SELECT TO rapport_app
  USING (rapport_scope ('teams.read') = 'all'
         OR (rapport_scope ('teams.read') <> 'none' AND id = rapport_team_id ()));
CREATE POLICY teams_write ON teams FOR ALL TO rapport_app
  USING (rapport_scope ('teams.update') = 'all' OR rapport_scope ('teams.delete') = 'all')
  WITH CHECK (rapport_scope ('teams.create') = 'all' OR rapport_scope ('teams.update') = 'all');

ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
CREATE POLICY roles_read ON roles FOR SELECT TO rapport_app
  USING (rapport_scope ('roles.read') = 'all'
         OR id = (SELECT u.role_id FROM users u WHERE u.id = rapport_user_id ()));
CREATE POLICY roles_write ON roles FOR ALL TO rapport_app
  USING (rapport_scope ('roles.update') = 'all' OR rapport_scope ('roles.delete') = 'all')
  WITH CHECK (rapport_scope ('roles.create') = 'all' OR rapport_scope ('roles.update') = 'all');

ALTER TABLE role_permissions ENABLE ROW LEVEL SECURITY;
CREATE POLICY role_permissions_read ON role_permissions FOR SELECT TO rapport_app
  USING (EXISTS (SELECT 1 FROM roles r WHERE r.id = role_id));
CREATE POLICY role_permissions_write ON role_permissions FOR ALL TO rapport_app
  USING (rapport_scope ('roles.update') = 'all')
  WITH CHECK (rapport_scope ('roles.update') = 'all');

ALTER TABLE role_field_access ENABLE ROW LEVEL SECURITY;
CREATE POLICY role_field_access_read ON role_field_access FOR SELECT TO rapport_app
  USING (EXISTS (SELECT 1 FROM roles r WHERE r.id = role_id));
CREATE POLICY role_field_access_write ON role_field_access FOR ALL TO rapport_app
  USING (rapport_scope ('roles.update') = 'all')
  WITH CHECK (rapport_scope ('roles.update') = 'all');

ALTER TABLE field_policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY field_policies_read ON field_policies FOR SELECT TO rapport_app USING (true);
CREATE POLICY field_policies_write ON field_policies FOR ALL TO rapport_app
  USING (rapport_scope ('fields.update') = 'all')
  WITH CHECK (rapport_scope ('fields.update') = 'all');

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_own ON sessions FOR ALL TO rapport_app
  USING (user_id = rapport_user_id ()
         OR rapport_in_scope (rapport_scope ('users.update'), user_id))
  WITH CHECK (user_id = rapport_user_id ()
              OR rapport_in_scope (rapport_scope ('users.update'), user_id));

ALTER TABLE mfa_recovery_codes ENABLE ROW LEVEL SECURITY;
CREATE POLICY mfa_recovery_codes_own ON mfa_recovery_codes FOR ALL TO rapport_app
  USING (user_id = rapport_user_id ()
         OR rapport_in_scope (rapport_scope ('users.update'), user_id))
  WITH CHECK (user_id = rapport_user_id ());

-- Throttle rows name a login and an address, not a record; every sign-in must see them.
ALTER TABLE login_throttle ENABLE ROW LEVEL SECURITY;
CREATE POLICY login_throttle_all ON login_throttle FOR ALL TO rapport_app
  USING (true) WITH CHECK (true);

-- Digests of values the caller reaches only through the records' own policies.
ALTER TABLE blind_indexes ENABLE ROW LEVEL SECURITY;
CREATE POLICY blind_indexes_all ON blind_indexes FOR ALL TO rapport_app
  USING (true) WITH CHECK (true);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_append ON audit_log FOR INSERT TO rapport_app
  WITH CHECK (seq IS NULL AND hash IS NULL);
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO rapport_app
  USING (rapport_in_scope (rapport_scope ('audit.read'), user_id));

ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY alerts_raise ON alerts FOR INSERT TO rapport_app WITH CHECK (true);
CREATE POLICY alerts_read ON alerts FOR SELECT TO rapport_app
  USING (rapport_scope ('audit.read') = 'all');
CREATE POLICY alerts_acknowledge ON alerts FOR UPDATE TO rapport_app
  USING (rapport_scope ('audit.read') = 'all' AND rapport_scope ('users.update') = 'all');
