# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run --scenario customers (sourced by bench/run, which defines sql, data, work,
# load_bin, url, cert, password_file, concurrency, duration, warmup, rows, smoke,
# n_customers, n_reps and the CPU helpers).
#
# customers_setup: users (bench-admin, a sales manager per team, sales reps, 10 per team),
# then n_customers customers and ~1.5 contacts each seeded in SQL as the cluster superuser
# (generate_series; the API would take hours for 1,000,000), then VACUUM ANALYZE.
# Triggers, constraints, foreign keys and generated columns run as in production; the
# non-unique indexes of customers and contacts are dropped for the load and re-created
# from their own definitions (pg_get_indexdef), which is what a bulk load does.
# customers_measure: search, list and count through the server over HTTPS as a sales rep
# and as the admin, then EXPLAIN (ANALYZE, BUFFERS) of the server's search SQL.

now_s() { date +%s.%N; }
# Sales rep number $1's user name: bench-rep01 … bench-rep50, bench-rep001 … with 100 or more.
rep_name() { printf 'bench-rep%0*d' "$(( ${#n_reps} > 2 ? ${#n_reps} : 2 ))" "$1"; }
wait_both() { local s=0; wait "$1" || s=1; wait "$2" || s=1; return "$s"; }
elapsed() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$@"; }

customers_setup() {
  local t0 t1 t2 t3 t4 n_teams reps tags min_id half idx_a idx_b i pa pb name def n_cust n_cont
  local tags_none tags_many tags_unknown
  echo "==> Customers scenario: $n_customers customers, $n_reps sales reps" >&2
  n_teams=$(( (n_reps + 9) / 10 ))
  sql -v n_reps="$n_reps" -v n_teams="$n_teams" -v width="$(( ${#n_reps} > 2 ? ${#n_reps} : 2 ))" <<'SQL'
-- Bench users share bench-admin's password hash (made by rapport-admin create-user).
INSERT INTO teams (name) SELECT '销售' || t || '部' FROM generate_series (1, :n_teams) t;
INSERT INTO users (username, display_name, team_id, role_id, password_hash, password_changed_at)
SELECT 'bench-manager' || lpad (t::text, 2, '0'), '销售经理' || t,
       (SELECT id FROM teams WHERE name = '销售' || t || '部'),
       (SELECT id FROM roles WHERE builtin = 'sales_manager'),
       (SELECT password_hash FROM users WHERE username = 'bench-admin'), now ()
FROM generate_series (1, :n_teams) t;
INSERT INTO users (username, display_name, team_id, role_id, password_hash, password_changed_at)
SELECT 'bench-rep' || lpad (r::text, :width, '0'), '销售代表' || r,
       (SELECT id FROM teams WHERE name = '销售' || (1 + (r - 1) / 10) || '部'),
       (SELECT id FROM roles WHERE builtin = 'sales_rep'),
       (SELECT password_hash FROM users WHERE username = 'bench-admin'), now ()
FROM generate_series (1, :n_reps) r;
-- Update reminders would notify the owners of nearly every seeded customer (their
-- updated_at is spread over 3 years) in the middle of the run: off, as an admin can.
UPDATE settings SET value = '{"enabled": false, "days": 30}' WHERE key = 'reminders';
-- The tags an office gives its customers, each in its colour (the demo's first four), the
-- most used first: seed-customers.sql gives them out by this order. The last one is long,
-- so that its chip ends in "…".
INSERT INTO tags (name, color) VALUES
  ('老客户', '#3584e4'), ('重点客户', '#e01b24'), ('待跟进', '#e5a50a'),
  ('展会线索', '#2ec27e'), ('新客户', '#2190a4'), ('意向强', '#ff7800'),
  ('已签约', '#813d9c'), ('价格敏感', '#986a44'), ('VIP', '#f5c211'),
  ('渠道合作', '#dc8add'), ('政府采购', '#77767b'), ('华东区重点渠道合作伙伴', '#1c71d8');
SQL
  reps=$(sql -At -c "SELECT '{' || string_agg (id::text, ',' ORDER BY username) || '}' FROM users WHERE username LIKE 'bench-rep%'")
  tags=$(sql -At -c "SELECT '{' || string_agg (id::text, ',' ORDER BY id) || '}' FROM tags")
  min_id=$(sql -At -c "SELECT coalesce (max (id), 0) + 1 FROM customers")
  bench_min_id=$min_id

  # The non-unique indexes, dropped for the load and rebuilt from their definitions and
  # their columns' statistics targets (customers_text_idx's 1000: the search's estimates);
  # contacts_customer_id_idx stays: the contacts_primary trigger looks up by it per row.
  sql -At -c "SELECT c.relname || E'\t' || pg_get_indexdef (i.indexrelid)
                || coalesce ((SELECT string_agg (format ('; ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s',
                                                         c.relname, a.attnum, a.attstattarget), '')
                              FROM pg_attribute a
                              WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0), '')
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              WHERE i.indrelid IN ('customers'::regclass, 'contacts'::regclass)
                AND NOT i.indisunique AND NOT i.indisprimary
                AND c.relname <> 'contacts_customer_id_idx'
              ORDER BY c.relname" >"$work/indexes"

  t0=$(now_s)
  cut -f1 "$work/indexes" | sed 's/^/DROP INDEX /; s/$/;/' | sql
  half=$(( n_customers / 2 ))
  sql -v lo=1 -v hi="$half" -v seed=0.11 -v reps="$reps" -v tags="$tags" -v min_id="$min_id" -f "$top/bench/sql/seed-customers.sql" >/dev/null &
  pa=$!
  sql -v lo=$(( half + 1 )) -v hi="$n_customers" -v seed=0.22 -v reps="$reps" -v tags="$tags" -v min_id="$min_id" \
    -f "$top/bench/sql/seed-customers.sql" >/dev/null &
  pb=$!
  wait_both "$pa" "$pb" || { echo "bench/run: seeding customers failed" >&2; return 1; }
  sql -c "SELECT setval (pg_get_serial_sequence ('customers', 'id'), max (id)) FROM customers" >/dev/null
  t1=$(now_s)
  # The contacts' search texts on their customers (migration 0017) are written after the
  # load in one rewrite, as the migration does: the trigger's UPDATE of each customer
  # would leave the table twice its size.
  sql -c "ALTER TABLE contacts DISABLE TRIGGER contacts_search_insert" >/dev/null
  sql -v parts=2 -v part=0 -v min_id="$min_id" -v seed=0.33 -f "$top/bench/sql/seed-contacts.sql" >/dev/null &
  pa=$!
  sql -v parts=2 -v part=1 -v min_id="$min_id" -v seed=0.44 -f "$top/bench/sql/seed-contacts.sql" >/dev/null &
  pb=$!
  wait_both "$pa" "$pb" || { echo "bench/run: seeding contacts failed" >&2; return 1; }
  sql -c "ALTER TABLE contacts ENABLE TRIGGER contacts_search_insert" \
      -c "ALTER TABLE customers
            ALTER COLUMN contacts_doc TYPE text USING rapport_contacts_search_doc (id),
            ALTER COLUMN contacts_bigrams TYPE text[] USING rapport_contacts_search_bigrams (id)" \
    >/dev/null || { echo "bench/run: writing the contacts' texts on customers failed" >&2; return 1; }
  # Every hundredth customer, against its contacts (all of them would take a minute).
  if [ "$(sql -At -c "SELECT count (*) FILTER (WHERE contacts_doc IS DISTINCT FROM rapport_contacts_search_doc (id))
                              + (count (contacts_doc) = 0)::int
                       FROM customers WHERE id % 100 = 0")" != 0 ]; then
    echo "bench/run: the customers' copies of their contacts' texts are wrong" >&2
    return 1
  fi
  t2=$(now_s)
  # Two sessions, the big GIN indexes apart (GIN builds are not parallel in PostgreSQL 15).
  idx_a="SET maintenance_work_mem = '512MB';"
  idx_b="SET maintenance_work_mem = '512MB';"
  i=0
  while IFS=$'\t' read -r name def; do
    case $name in
      customers_text_idx|contacts_bigrams_idx|customers_tags_idx) idx_a+="$def;" ;;
      customers_name_key_idx|contacts_search_idx|customers_text_bigrams_idx) idx_b+="$def;" ;;
      *) if (( i++ % 2 )); then idx_a+="$def;"; else idx_b+="$def;"; fi ;;
    esac
  done <"$work/indexes"
  sql -c "$idx_a" >/dev/null &
  pa=$!
  sql -c "$idx_b" >/dev/null &
  pb=$!
  wait_both "$pa" "$pb" || { echo "bench/run: re-creating indexes failed" >&2; return 1; }
  if [ "$(sql -At -c "SELECT attstattarget FROM pg_attribute
                      WHERE attrelid = 'customers_text_idx'::regclass")" != 1000 ]; then
    echo "bench/run: customers_text_idx lost its statistics target" >&2
    return 1
  fi
  t3=$(now_s)
  # The CHECKPOINT writes out what the seed dirtied now: left to itself, the seed's WAL
  # set off a checkpoint during the office users rows (seen in the PostgreSQL log), and
  # the full-page images after it weighed on the writes measured then.
  sql -c "VACUUM (ANALYZE) customers" -c "VACUUM (ANALYZE) contacts" -c "CHECKPOINT" >/dev/null
  t4=$(now_s)
  read -r n_cust n_cont < <(sql -At -F ' ' -c "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM contacts)")
  # The tags as seed-customers.sql gives them out: ~40% of the customers without, ~2% with
  # six or more (the list's "+N"), and only tags that exist.
  read -r tags_none tags_many tags_unknown < <(sql -At -F ' ' -c "
    SELECT round (100.0 * count (*) FILTER (WHERE tags = '{}') / count (*), 1),
           round (100.0 * count (*) FILTER (WHERE cardinality (tags) >= 6) / count (*), 1),
           count (*) FILTER (WHERE NOT tags <@ '$tags'::bigint[])
    FROM customers WHERE id >= $min_id")
  if [ "$tags_unknown" != 0 ] || ! python3 -c "import sys; sys.exit(not (30 <= $tags_none <= 50 and $tags_many > 0))"; then
    echo "bench/run: the customers' tags are not as seeded: $tags_none% without, $tags_many% with 6 or more, $tags_unknown with an unknown tag" >&2
    return 1
  fi
  seed_summary=$(printf 'customers %s s, contacts %s s, indexes %s s, vacuum+analyze %s s: total %s s (%s customers, %s contacts in the database; %s%% of the customers without tags, %s%% with 6 or more)' \
    "$(elapsed "$t0" "$t1")" "$(elapsed "$t1" "$t2")" "$(elapsed "$t2" "$t3")" \
    "$(elapsed "$t3" "$t4")" "$(elapsed "$t0" "$t4")" "$n_cust" "$n_cont" "$tags_none" "$tags_many")
  echo "==> Seeded in SQL as the cluster superuser (bypassing the API for speed; no audit rows): $seed_summary" >&2
  export BENCH_SEED_JSON
  BENCH_SEED_JSON=$(printf '{"customers": %s, "contacts": %s, "reps": %s, "seed_customers_s": %s, "seed_contacts_s": %s, "index_s": %s, "vacuum_analyze_s": %s, "total_s": %s, "customers_without_tags_pct": %s, "customers_with_6_tags_or_more_pct": %s, "via": "SQL as the cluster superuser, not the API"}' \
    "$n_cust" "$n_cont" "$n_reps" "$(elapsed "$t0" "$t1")" "$(elapsed "$t1" "$t2")" \
    "$(elapsed "$t2" "$t3")" "$(elapsed "$t3" "$t4")" "$(elapsed "$t0" "$t4")" "$tags_none" "$tags_many")
}

# Query values from the first rep's own customers, so the rep finds something too.
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

customers_measure() {
  local rep_id qs2 qs4 qmail qmob qcontact ind city follow name paths p user c rep_half all_half
  local -a cases
  rep_id=$(sql -At -c "SELECT id FROM users WHERE username = '$(rep_name 1)'")
  mapfile -t picks < <(sql -At -F $'\t' -c "
    SELECT substr (name, 3, 2), substr (name, 3, 4),
           substr (email, strpos (email, '@') + 1, 10), substr (mobile, 4, 7)
    FROM customers WHERE owner_id = $rep_id AND mobile IS NOT NULL
    ORDER BY id LIMIT 5")
  qs2=(); qs4=(); qmail=(); qmob=()
  for p in "${picks[@]}"; do
    IFS=$'\t' read -r a b m d <<<"$p"
    qs2+=("$a"); qs4+=("$b"); qmail+=("$m"); qmob+=("$d")
  done
  mapfile -t qcontact < <(sql -At -c "
    SELECT ct.full_name FROM contacts ct JOIN customers c ON c.id = ct.customer_id
    WHERE c.owner_id = $rep_id AND length (ct.full_name) = 2 ORDER BY ct.id LIMIT 5")
  IFS=$'\t' read -r ind city < <(sql -At -F $'\t' -c "
    SELECT industry, city FROM customers WHERE owner_id = $rep_id ORDER BY id LIMIT 1")
  # Page 21 (follow next 20 times), or the last but one page the rep has on small runs.
  follow=$(sql -At -c "SELECT greatest (1, least (20, (count(*) - 1) / 50 - 1)) FROM customers WHERE owner_id = $rep_id")
  # A jump to the middle of the caller's list (?offset=, the client's scroll bar): the rep's
  # and all customers', substituted for @half@ per user below.
  read -r rep_half all_half < <(sql -At -F ' ' -c "
    SELECT count(*) FILTER (WHERE owner_id = $rep_id) / 2, count(*) / 2
    FROM customers WHERE deleted_at IS NULL")

  qpaths() { local v; for v in "$@"; do printf '%s ' "/api/v1/customers?q=$(urlencode "$v")"; done; }
  # name|follow-next|paths (space-separated)
  cases=(
    "q 2-char name|0|$(qpaths "${qs2[@]}")"
    "q 4-char name|0|$(qpaths "${qs4[@]}")"
    "q e-mail fragment|0|$(qpaths "${qmail[@]}")"
    "q 7-digit mobile|0|$(qpaths "${qmob[@]}")"
    "q contact 2-char|0|$(qpaths "${qcontact[@]}")"
    "list -updated_at|0|/api/v1/customers?limit=50"
    "list sort=name|0|/api/v1/customers?limit=50&sort=name"
    "list page $(( follow + 1 ))|$follow|/api/v1/customers?limit=50"
    "list industry+city|0|/api/v1/customers?limit=50&industry=$(urlencode "$ind")&city=$(urlencode "$city")"
    "list offset half|0|/api/v1/customers?limit=50&offset=@half@"
    "list offset half sort=name|0|/api/v1/customers?limit=50&sort=name&offset=@half@"
    "count|0|/api/v1/customers/count"
  )
  # Counts of searches past the cap at 100,000 for the admin (an estimate, from a sample
  # of the rows: server/API.md), under it for a rep: 股份 (20% of the customers, a
  # bigram), sales (an e-mail's mailbox, 17%), .com (e-mails, 67%), 有限公司 (all).
  for v in 股份 sales .com 有限公司; do
    cases+=("count q=$v|0|/api/v1/customers/count?q=$(urlencode "$v")")
  done
  # The plans first: they explain the figures, and a slow search makes the rows long.
  customers_explain "$rep_id" "${qs2[0]}" "${qs4[0]}" "${qmail[0]}" "${qcontact[0]}" \
    || echo "bench/run: EXPLAIN failed" >&2
  {
    echo "Queries (from $(rep_name 1)'s customers): 2-char ${qs2[*]}; 4-char ${qs4[*]};"
    echo "  e-mail ${qmail[*]}; mobile ${qmob[*]}; contact ${qcontact[*]}; filter industry=$ind city=$city;"
    echo "  offset half: $rep_half ($(rep_name 1)), $all_half (bench-admin)"
  } >&2
  # The smoke (scripts/test) keeps this seconds-long: concurrency 1, 0.3 s, no warm-up.
  local conc_list=$concurrency run_s=$duration
  if $smoke; then conc_list=1; run_s=0.3; fi
  max_c=$(tr ' ' '\n' <<<"$conc_list" | sort -n | tail -n 1)
  for user in "$(rep_name 1)" bench-admin; do
    # Signed in once, outside the rows: each sign-in costs the server an Argon2id hash
    # (~85 ms of CPU), which short rows would otherwise count as search time.
    "$load_bin" --url "$url" --cacert "$cert" --password-file "$password_file" --print-tokens \
      --user "$user" >"$work/token-$user"
    for case_ in "${cases[@]}"; do
      IFS='|' read -r name fol paths <<<"$case_"
      load=("$load_bin" --url "$url" --cacert "$cert" --json --token-file "$work/token-$user"
            --follow-next "$fol")
      local half=$all_half
      [ "$user" = bench-admin ] || half=$rep_half
      for p in $paths; do load+=(--path "${p//@half@/$half}"); done
      local cl=$conc_list
      # BENCH_SEARCH_CONCURRENCY: other levels for the q= rows (slow searches take long).
      case $name in q\ *) cl=${BENCH_SEARCH_CONCURRENCY:-$conc_list} ;; esac
      max_c=$(tr ' ' '\n' <<<"$cl" | sort -n | tail -n 1)
      $smoke || "${load[@]}" --concurrency "$max_c" --duration "$warmup" >/dev/null || true
      for c in $cl; do
        measure_row "${user#bench-} $name" "$c" "$run_s" || return 1
        printf '%s\n' "$row" >>"$rows"
        echo "    ${user#bench-} $name concurrency $c done" >&2
      done
    done
  done

}

# EXPLAIN (ANALYZE, BUFFERS) of the list SQL the server builds for each text given after
# the rep's id (the first 2-character, 4-character, e-mail and contact text) (crm-resource.c
# append_select_sorted + append_where, customers: default sort -updated_at, limit 50 + 1)
# as rapport_app with the settings the server applies for that user (crm-call.c
# apply_settings, from rapport_principal ()). The search itself runs inside
# rapport_customers_matching_page () (sql/0009-search-pages.sql), a page at a time, in
# the ways rapport_search_ways () chooses (sql/0026-search-ways.sql): auto_explain shows
# the plan of each.
customers_explain() {
  local rep_id=$1 user_id label q fields scope_sql
  local -a qs=("${@:2}")
  fields="'kind', r.kind, 'name', r.name, 'registration_no', r.registration_no, 'legal_representative', r.legal_representative, 'registered_capital', r.registered_capital, 'registered_capital_currency', r.registered_capital_currency, 'established_on', r.established_on, 'industry', r.industry, 'size', r.size, 'potential', r.potential, 'level', r.level, 'source', r.source, 'province', r.province, 'city', r.city, 'district', r.district, 'address', r.address, 'mobile', r.mobile, 'phone', r.phone, 'email', r.email, 'website', r.website, 'notes', r.notes, 'credit_terms', r.credit_terms, 'owner_id', r.owner_id, 'tags', r.tags, 'custom', r.custom, 'marketing_consent', r.marketing_consent, 'consent_at', r.consent_at, 'consent_source', r.consent_source, 'followed_up_at', r.followed_up_at, 'deleted_at', r.deleted_at, 'deleted_by', r.deleted_by, 'merged_into', r.merged_into"
  plans="$work/plans.txt"
  : >"$plans"
  export BENCH_PLANS_FILE=$plans
  for user_id in "$rep_id" "$(sql -At -c "SELECT id FROM users WHERE username = 'bench-admin'")"; do
    for q in "${qs[@]}"; do
      label="$(sql -At -c "SELECT username FROM users WHERE id = $user_id") q=$q (${#q} chars)"
      # The rep reads in own scope: the server adds the owner condition (append_where).
      scope_sql=
      [ "$user_id" = "$rep_id" ] && scope_sql=$'\n'"  AND r.owner_id = $rep_id"
      {
        echo "---- $label"
        sql -v q="$q" -v uid="$user_id" <<SQL
BEGIN;
SELECT count (set_config (n, v, true)) AS settings FROM rapport_principal (:uid) p,
  LATERAL (VALUES ('rapport.user_id', p.user_id::text), ('rapport.team_id', coalesce (p.team_id::text, '')),
                  ('rapport.team_members', p.team_members)
           UNION ALL
           SELECT 'rapport.scope.' || split_part (kv, '=', 1), split_part (kv, '=', 2)
           FROM unnest (string_to_array (p.scopes, ',')) kv) AS s (n, v) \\gset
LOAD 'auto_explain';
SET LOCAL auto_explain.log_min_duration = 0;
SET LOCAL auto_explain.log_analyze = on;
SET LOCAL auto_explain.log_buffers = on;
SET LOCAL auto_explain.log_nested_statements = on;
SET LOCAL client_min_messages = log;
SET LOCAL ROLE rapport_app;
EXPLAIN (ANALYZE, BUFFERS)
SELECT jsonb_build_object ('id', r.id, 'version', r.version, 'created_at', r.created_at, 'updated_at', r.updated_at, $fields)::text, r.owner_id, r.updated_at::text
FROM customers r
WHERE true
  AND r.deleted_at IS NULL$scope_sql
  AND r.id = ANY (ARRAY (SELECT rapport_customers_matching_page (:'q', 51, false, 'updated_at',
                                                                  true, NULL, NULL)))
ORDER BY r.updated_at DESC, r.id DESC
LIMIT 51;
ROLLBACK;
SQL
      } >>"$plans" 2>&1
    done
  done
  {
    echo
    echo "EXPLAIN (ANALYZE, BUFFERS) of the search SQL as rapport_app (summary; full plans in the results JSON, \"explain\"):"
    grep -E '^----|Scan|Execution Time|Sort Method|Rows Removed by (Filter|Index Recheck)|Heap Blocks|Buffers: shared' "$plans" \
      | awk '/^----/ { print; n = 0; next } { if (n++ < 40) print }'
  } >&2
}
