-- SPDX-License-Identifier: GPL-3.0-or-later
-- Customers are handed over only within the assign scope (issue 4).
--
-- The update policy let any row in the caller's assign scope take any owner
-- (WITH CHECK: the assign scope is not 'none'), so a sales manager could give a team
-- customer to someone outside the team, which the manager then could not even read. The
-- new owner must now lie in the caller's update or assign scope: the second wall of the
-- server's rule (crm-resource.c may_assign ()), which also asks that a role only granted
-- the owner field keep the record within its update scope.
ALTER POLICY customers_update ON customers
  USING (rapport_in_scope (rapport_scope ('customers.update'), owner_id)
         OR rapport_in_scope (rapport_scope ('customers.assign'), owner_id))
  WITH CHECK (rapport_in_scope (rapport_scope ('customers.update'), owner_id)
              OR rapport_in_scope (rapport_scope ('customers.assign'), owner_id));
