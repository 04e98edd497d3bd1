-- SPDX-License-Identifier: GPL-3.0-or-later
-- A user's version and updated_at move when an admin (or the user) edits the account,
-- not when the user signs in (last_login_at, a password rehash, the TOTP step) or enrolls
-- MFA: otherwise every sign-in turns an admin's open edit of that user stale (409).

CREATE FUNCTION rapport_users_touch () RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  quiet text[] := ARRAY['last_login_at', 'password_hash', 'mfa_last_step',
                        'mfa_pending_secret', 'version', 'updated_at'];
BEGIN
  IF (to_jsonb(NEW) - quiet) IS DISTINCT FROM (to_jsonb(OLD) - quiet) THEN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END
$$;
DROP TRIGGER users_touch ON users;
CREATE TRIGGER users_touch BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION rapport_users_touch ();
