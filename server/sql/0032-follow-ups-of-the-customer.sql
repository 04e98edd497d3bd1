-- SPDX-License-Identifier: GPL-3.0-or-later
-- What happened around one customer, complete on its page.
--
-- Follow-ups visible to whoever may read the customer: the read policy answered only the
-- activities of the caller's activities.read scope (by the activity's owner), so a sales
-- rep did not see the follow-ups a colleague or their manager logged on the rep's own
-- customer, and the customer's timeline was incomplete. A follow-up is now read when it
-- lies in that scope, or when the caller may read its customer (customers.read on the
-- customer's owner) and the customer is not in the recycle bin. Writes keep their
-- policies: only the activity's scope changes or deletes it.
--
-- The scope settings are read once per query (InitPlans), as the customers policy does
-- since 0012; the customer is looked up by its primary key for each activity the first
-- two tests leave out, so the timeline of one customer (its activities by
-- activities_customer_idx) stays a few index probes.
ALTER POLICY activities_read ON activities
  USING ((SELECT rapport_scope ('activities.read')) = 'all'
         OR rapport_in_scope (rapport_scope ('activities.read'), owner_id)
         OR EXISTS (SELECT 1 FROM customers c
                    WHERE c.id = activities.customer_id AND c.deleted_at IS NULL
                      AND rapport_in_scope ((SELECT rapport_scope ('customers.read')),
                                            c.owner_id)));

-- A follow-up's date is when it happened (done_at, which the caller may now give), not
-- when it was typed in: the customer's last follow-up, and so the update reminders,
-- follow that. A follow-up logged late for last month leaves a newer one in place.
CREATE OR REPLACE FUNCTION rapport_activities_followed_up () RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  happened timestamptz := coalesce (NEW.done_at, NEW.created_at);
BEGIN
  UPDATE customers SET followed_up_at = happened
  WHERE id = NEW.customer_id AND (followed_up_at IS NULL OR followed_up_at < happened);
  RETURN NULL;
END
$$;

-- Contact changes in the customer's timeline. The server writes the contact's customer
-- into the audit detail of each contact create, update and delete (`customer_id`); this
-- index finds them by customer. Entries from before have none and are not shown.
CREATE INDEX audit_log_contact_customer_idx ON audit_log ((detail -> 'customer_id'), at)
  WHERE object = 'contacts';

-- The audited changes of the customer's contacts, for its timeline; only for a customer
-- the caller may read, with contacts the caller may read. `detail` is the audit detail
-- with the contact's id and name: as the change left it, else as the last audited change
-- before it had it (an edit of the title only, of a contact deleted since), else as it is.
CREATE FUNCTION rapport_customer_contact_changes (customer bigint, before_at timestamptz,
                                                  n integer)
RETURNS TABLE (id bigint, at timestamptz, user_id bigint, action text, detail jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT a.id, a.at, a.user_id, a.action,
         (a.detail - 'customer_id')
         || jsonb_build_object ('contact_id', a.record_id,
                                'contact_name',
                                coalesce (a.detail #>> '{after,full_name}',
                                          a.detail #>> '{before,full_name}',
                                          (SELECT coalesce (o.detail #>> '{after,full_name}',
                                                            o.detail #>> '{before,full_name}')
                                           FROM audit_log o
                                           WHERE o.object = 'contacts'
                                             AND o.record_id = a.record_id AND o.at <= a.at
                                             AND o.outcome = 'ok'
                                             AND (o.detail #> '{after,full_name}' IS NOT NULL
                                                  OR o.detail #> '{before,full_name}' IS NOT NULL)
                                           ORDER BY o.at DESC, o.id DESC
                                           LIMIT 1),
                                          (SELECT ct.full_name FROM contacts ct
                                           WHERE ct.id = a.record_id)))
  FROM audit_log a
  WHERE a.object = 'contacts' AND a.detail -> 'customer_id' = to_jsonb (customer)
    AND a.outcome = 'ok' AND a.action IN ('create', 'update', 'delete')
    AND a.at < coalesce (before_at, 'infinity')
    AND EXISTS (SELECT 1 FROM customers c WHERE c.id = customer
                AND rapport_in_scope (rapport_scope ('customers.read'), c.owner_id)
                AND rapport_in_scope (rapport_scope ('contacts.read'), c.owner_id))
  ORDER BY a.at DESC, a.id DESC
  LIMIT n
$$;
GRANT EXECUTE ON FUNCTION rapport_customer_contact_changes (bigint, timestamptz, integer)
  TO rapport_app;
