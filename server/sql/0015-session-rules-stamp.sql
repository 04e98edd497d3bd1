-- SPDX-License-Identifier: GPL-3.0-or-later
-- Every request's first statement, rapport_session_lookup (), aggregated its role's
-- permissions, field access and the field policies into text, through rapport_principal (),
-- a SQL function PostgreSQL 15 parses and plans again at each call; the server then keyed
-- what it derives from them (crm-call.c) by those texts. Now the role's rules carry a
-- stamp instead: rules_stamp changes, in the changing transaction, with any change to
-- role_permissions, role_field_access or field_policies (statement triggers, so no edit,
-- through the API or not, escapes it). A request reads the stamp with its caller, and the
-- server reads the rules (rapport_role_rules ()) only for a stamp and role it has not
-- seen: a changed role or policy still shows on the very next request. The stamp is
-- random, never a counter, so it is never the same for different rules, also after a
-- database is restored from an older backup.

CREATE TABLE rules_stamp (
  one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
  stamp uuid NOT NULL DEFAULT gen_random_uuid ()
);
INSERT INTO rules_stamp DEFAULT VALUES;
ALTER TABLE rules_stamp ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION rapport_rules_changed () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE rules_stamp SET stamp = gen_random_uuid ();
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION rapport_rules_changed () FROM PUBLIC;

CREATE TRIGGER role_permissions_rules_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_permissions
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_rules_changed ();
CREATE TRIGGER role_field_access_rules_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_field_access
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_rules_changed ();
CREATE TRIGGER field_policies_rules_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON field_policies
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_rules_changed ();

-- A role's rules as rapport_principal () writes them, with the stamp they are current
-- for, read in one statement (one snapshot).
CREATE FUNCTION rapport_role_rules (role bigint)
RETURNS TABLE (stamp text, scopes text, fields text, policies text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT (SELECT s.stamp::text FROM rules_stamp s),
         coalesce ((SELECT string_agg (p.object || '.' || p.action || '=' || p.scope, ',')
                      FROM role_permissions p WHERE p.role_id = role), ''),
         coalesce ((SELECT string_agg (f.object || '.' || f.field || '=' || f.access, ',')
                      FROM role_field_access f WHERE f.role_id = role), ''),
         coalesce ((SELECT string_agg (fp.object || '.' || fp.field || '='
                                       || CASE WHEN fp.protected THEN 'p' ELSE '' END
                                       || CASE WHEN fp.sensitive THEN 's' ELSE '' END, ',')
                      FROM field_policies fp WHERE fp.protected OR fp.sensitive), '')
$$;

-- The caller of a request (as rapport_principal (), with the rules' stamp in place of
-- their texts). PL/pgSQL, whose statements are planned once per connection.
CREATE FUNCTION rapport_caller (uid bigint)
RETURNS TABLE (user_id bigint, username text, display_name text, team_id bigint,
               role_id bigint, role_name text, mfa_enabled boolean, require_mfa boolean,
               team_members text, role_builtin text, rules_stamp text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN QUERY
  SELECT u.id, u.username, u.display_name, u.team_id, r.id, r.name, u.mfa_enabled,
         r.require_mfa,
         coalesce ((SELECT string_agg (m.id::text, ',') FROM users m
                     WHERE m.team_id = u.team_id), u.id::text),
         r.builtin, (SELECT s.stamp::text FROM rules_stamp s)
    FROM users u JOIN roles r ON r.id = u.role_id
   WHERE u.id = uid AND u.is_active;
END
$$;

-- The caller behind a bearer token, as rapport_session_lookup () (a read, with
-- last_seen_at written at most once a minute; expired, revoked or disabled answers
-- nothing), without the rules' texts: each of its statements, and rapport_caller ()'s,
-- is planned once per connection, where rapport_principal () was planned at every call.
CREATE FUNCTION rapport_session_caller (hash bytea, idle_seconds integer)
RETURNS TABLE (session_id bigint, user_id bigint, username text, display_name text,
               team_id bigint, role_id bigint, role_name text, mfa_enabled boolean,
               require_mfa boolean, team_members text, role_builtin text, rules_stamp text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  sid bigint;
  uid bigint;
  seen timestamptz;
BEGIN
  SELECT s.id, s.user_id, s.last_seen_at INTO sid, uid, seen FROM sessions s
   WHERE s.token_hash = hash AND s.revoked_at IS NULL AND s.expires_at > now()
     AND s.last_seen_at > now() - make_interval (secs => idle_seconds);
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF seen < now() - interval '1 minute' THEN
    UPDATE sessions s SET last_seen_at = now() WHERE s.id = sid;
  END IF;
  RETURN QUERY SELECT sid, c.* FROM rapport_caller (uid) c;
END
$$;

REVOKE EXECUTE ON FUNCTION rapport_role_rules (bigint), rapport_caller (bigint),
  rapport_session_caller (bytea, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_role_rules (bigint), rapport_caller (bigint),
  rapport_session_caller (bytea, integer) TO rapport_app;

-- Replaced by rapport_session_caller (). rapport_principal () stays: bench/ reads a
-- role's texts from it.
DROP FUNCTION rapport_session_lookup (bytea, integer);
