# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run --scenario scroll (sourced by bench/run, which defines sql, work, url, cert,
# password_file, smoke, top, scroll_bin and rep_name () from bench/customers.sh).
#
# scroll_measure: the desktop client's Customers section under Xvfb (rapport-bench-scroll,
# bench/crm-bench-scroll.c), signed in as bench-admin and as the first sales rep, on the
# customers seeded by customers_setup: jumps to the middle and the end, then a steady
# scroll, for the whole list, a search and a filter; before them, frames that move the list
# by a pixel and back (the floor of a scroll's frame). One JSON line per case goes to
# $work/scroll.jsonl; bench/run prints the table.

# Whether rapport-bench-scroll can run here: Xvfb the way the UI tests find it
# (tests/client/meson.build: xvfb-run and dbus-run-session).
scroll_can_run() {
  command -v xvfb-run >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1
}

scroll_measure() {
  local rep_id q industry user rows=${BENCH_SCROLL_ROWS:-20000} speed=${BENCH_SCROLL_SPEED:-10}
  local still=${BENCH_SCROLL_STILL_FRAMES:-200}
  local out=$work/scroll.jsonl home=$work/scroll-home
  $smoke && rows=300 && speed=20 && still=20
  rep_id=$(sql -At -c "SELECT id FROM users WHERE username = '$(rep_name 1)'")
  # A 2-character word of the rep's first customer's name and its industry: both users
  # find something (bench/customers.sh picks its search texts the same way).
  IFS=$'\t' read -r q industry < <(sql -At -F $'\t' -c "
    SELECT substr (name, 3, 2), industry FROM customers
    WHERE owner_id = $rep_id AND industry IS NOT NULL ORDER BY id LIMIT 1")
  echo "==> Scroll scenario: $rows rows at $speed rows per frame; search q=$q, filter industry=$industry" >&2
  mkdir -p "$home"
  : >"$out"
  for user in bench-admin "$(rep_name 1)"; do
    # Its stdout: a JSON line per case (and whatever the X server or GTK print).
    # The client as the UI tests run it (tests/client/meson.build): its own HOME and
    # settings in memory, no accessibility bus, no portal; GSK_RENDERER cairo unless
    # BENCH_GSK_RENDERER says otherwise (Xvfb's GL is Mesa's software rasteriser).
    if ! env HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
           XDG_DATA_HOME="$home/data" GSETTINGS_BACKEND=memory \
           GSETTINGS_SCHEMA_DIR="$scroll_build/ui" GTK_A11Y=none NO_AT_BRIDGE=1 \
           ADW_DISABLE_PORTAL=1 GIO_USE_PROXY_RESOLVER=dummy LANG=C.UTF-8 \
           GSK_RENDERER="${BENCH_GSK_RENDERER:-cairo}" \
         xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \
         "$scroll_bin" --url "$url" --cacert "$cert" --user "$user" \
           --password-file "$password_file" --rows "$rows" --rows-per-frame "$speed" \
           --still-frames "$still" \
           --q "$q" --filter "industry=$industry" >>"$out" 2>"$work/scroll-$user.log"; then
      echo "bench/run: rapport-bench-scroll failed for $user:" >&2
      tail -n 20 "$work/scroll-$user.log" >&2
      return 1
    fi
    echo "    scroll as $user done" >&2
  done
  export BENCH_SCROLL_FILE=$out
}
