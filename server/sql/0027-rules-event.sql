-- SPDX-License-Identifier: GPL-3.0-or-later
-- A change to the rules (role_permissions, role_field_access, field_policies) is now also
-- a live event, {"type":"rules","action":"update"}, sent to every subscriber: the client
-- reads its session again (GET /session) and shows at once the fields an admin just
-- protected or a role just got, before anyone edits what the server would refuse.
-- NOTIFY is sent at commit, so the event follows the committed change, and several
-- statements of one transaction with the same payload make one notification.

CREATE OR REPLACE FUNCTION rapport_rules_changed () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE rules_stamp SET stamp = gen_random_uuid ();
  PERFORM pg_notify ('rapport_events', '{"type":"rules","action":"update"}');
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION rapport_rules_changed () FROM PUBLIC;
