-- Live events (issue 5): every committed change reaches the servers through
-- NOTIFY rapport_events; each server forwards it to the WebSocket clients whose user may
-- see the record. NOTIFY inside the writing transaction is delivered only on commit.
-- Payloads carry ids and owners, never records (NOTIFY allows 8000 bytes).

-- Customers and contacts: every write of the API appends an audit row with outcome ok
-- (create, update, batch_update, delete, purge, restore, merge), so the audit insert is
-- the one place they all pass. The payload names the record's owner now and, when an
-- update moved it, its owner before, so both sides hear of it.
CREATE FUNCTION rapport_notify_change () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  owner bigint;
  previous bigint;
  customer bigint;
  ver bigint;
BEGIN
  previous := nullif (NEW.detail #>> '{before,owner_id}', '')::bigint;
  IF NEW.object = 'customers' THEN
    SELECT c.owner_id, c.version INTO owner, ver FROM customers c WHERE c.id = NEW.record_id;
    IF NOT FOUND THEN
      owner := previous;
    END IF;
    customer := NEW.record_id;
  ELSE
    SELECT k.customer_id, k.version INTO customer, ver FROM contacts k WHERE k.id = NEW.record_id;
    IF NOT FOUND THEN
      customer := nullif (NEW.detail #>> '{before,customer_id}', '')::bigint;
    END IF;
    owner := rapport_customer_owner (customer);
    previous := NULL;
  END IF;
  PERFORM pg_notify ('rapport_events', jsonb_build_object (
    'type', NEW.object, 'action', NEW.action, 'id', NEW.record_id, 'version', ver,
    'customer_id', customer, 'owner_id', owner,
    'previous_owner_id', CASE WHEN previous IS DISTINCT FROM owner THEN previous END,
    'user_id', NEW.user_id)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
  FOR EACH ROW WHEN (NEW.outcome = 'ok' AND NEW.record_id IS NOT NULL
                     AND NEW.object IN ('customers', 'contacts')
                     AND NEW.action IN ('create', 'update', 'batch_update', 'delete', 'purge',
                                        'restore', 'merge'))
  EXECUTE FUNCTION rapport_notify_change ();

-- Assignments: a customer given to someone by someone else notifies its new owner.
-- Writes outside a request (rapport-admin, demo data) name no acting user and notify
-- nobody.
CREATE FUNCTION rapport_notify_assignment () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.owner_id IS NULL OR rapport_user_id () IS NULL OR NEW.owner_id = rapport_user_id () THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.owner_id IS NOT DISTINCT FROM NEW.owner_id THEN
    RETURN NULL;
  END IF;
  INSERT INTO notifications (user_id, kind, customer_id, title)
  VALUES (NEW.owner_id, 'assignment', NEW.id, NEW.name);
  RETURN NULL;
END
$$;
CREATE TRIGGER customers_assigned AFTER INSERT OR UPDATE OF owner_id ON customers
  FOR EACH ROW EXECUTE FUNCTION rapport_notify_assignment ();

-- Notifications (update reminders, assignments) go to their user alone.
CREATE FUNCTION rapport_notify_notification () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM pg_notify ('rapport_events', jsonb_build_object (
    'type', 'notification', 'action', 'create', 'id', NEW.id, 'user_id', NEW.user_id,
    'kind', NEW.kind, 'customer_id', NEW.customer_id)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER notifications_notify AFTER INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION rapport_notify_notification ();

-- A revoked session (signed out, revoked by an admin, account disabled) closes its sockets
-- on every server at once.
CREATE FUNCTION rapport_notify_session_end () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM pg_notify ('rapport_events', jsonb_build_object (
    'type', 'session', 'action', 'revoke', 'id', NEW.id, 'user_id', NEW.user_id)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER sessions_revoked AFTER UPDATE OF revoked_at ON sessions
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
  EXECUTE FUNCTION rapport_notify_session_end ();

-- Of the given sessions, those still valid (not revoked, not expired, not idle too long,
-- the user still active): each server checks its sockets' sessions with it now and then.
CREATE FUNCTION rapport_sessions_alive (ids bigint[], idle_seconds integer)
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = ANY (ids) AND s.revoked_at IS NULL AND s.expires_at > now()
    AND s.last_seen_at > now() - make_interval (secs => idle_seconds) AND u.is_active
$$;
REVOKE EXECUTE ON FUNCTION rapport_sessions_alive (bigint[], integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_sessions_alive (bigint[], integer) TO rapport_app;

-- The scheduler runs rapport_send_reminders () as rapport_app, which 0003 never granted it
-- (every round failed with "permission denied"): update reminders are sent from now on.
GRANT EXECUTE ON FUNCTION rapport_send_reminders () TO rapport_app;
