-- What every call sends first (server/crm-call.c: authenticate, apply_settings), as the
-- client's own sales rep: client j is user first_user + j, who owns the customers
-- min_id - 1 + g with g % n_users = j (bench/sql/seed-customers.sql).
\set j :client_id % :n_users
\set uid :first_user + :j
\set id :min_id - 1 + :j + :n_users * random(1, (:n_customers - :j) / :n_users)
BEGIN;
SELECT session_id, user_id, username, display_name, team_id, role_id, role_name,
       mfa_enabled, require_mfa, team_members, role_builtin, rules_stamp
FROM rapport_session_caller (sha256 (convert_to ('pgbench-' || :uid, 'UTF8')), :idle_seconds::integer) \gset
SELECT count(set_config (n, v, true)) FROM unnest (:setting_names::text[], ARRAY[:user_id, :team_id, :team_members] || :scope_values::text[]) AS s (n, v);
