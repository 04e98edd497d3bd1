#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Assembles the pgbench scripts of bench/run's office scenarios from the templates here:
# prelude.sql (what every call sends first) + the scenario's statements, with
#   @RECORD@      the record as the server selects it (record.sql)
#   @RETURNING@   the columns its writes return (returning.sql)
#   @AUDIT action=A record=R detail=D@      the audit row (audit.sql)
#   @DUPLICATES name=N mobile=M id=I@       the duplicate check after a write (duplicates.sql)
#   @CLAIM_KEY@ / @STORE_KEY status=S@       a write's Idempotency-Key: claimed first, its
#                                            reply stored last (server/crm-idempotency.c)
# Usage: make-scripts.py OUT_DIR — writes OUT_DIR/SCENARIO.pgbench and prints, one line per
# scenario, "SCENARIO FILE@WEIGHT …" for pgbench's -f.
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]


def text(name):
    with open(os.path.join(here, name)) as f:
        return f.read()


record = text("record.sql").strip()
returning = text("returning.sql").strip()
audit = text("audit.sql").strip()
duplicates = text("duplicates.sql").strip()
# The key is unique per client and draw (:k); the hash stands for the request's SHA-256, the
# reply for the record (the server stores it sealed: a third longer in base64).
claim_key = ("SELECT claimed FROM rapport_claim_idempotency_key "
             "('pgbench-' || :client_id || '-' || :k, sha256 (convert_to (:k::text, 'UTF8')));")
store_key = ("UPDATE idempotency_keys SET status = @STATUS@, reply = :new_jsonb_build_object, "
             "headers = '[]' WHERE user_id = rapport_user_id () "
             "AND key = 'pgbench-' || :client_id || '-' || :k;")
prelude = text("prelude.sql")


def expand(body, q=None):
    lines = []
    for line in body.splitlines():
        m = re.fullmatch(r"@AUDIT action=(.*) record=(.*) detail=(.*)@", line)
        if m:
            line = (audit.replace("@ACTION@", m.group(1)).replace("@RECORD_ID@", m.group(2))
                    .replace("@DETAIL@", m.group(3)))
        m = re.fullmatch(r"@DUPLICATES name=(.*) mobile=(.*) id=(\S+)@", line)
        if m:
            line = (duplicates.replace("@NAME@", m.group(1)).replace("@MOBILE@", m.group(2))
                    .replace("@ID@", m.group(3)))
        if line == "@CLAIM_KEY@":
            line = claim_key
        m = re.fullmatch(r"@STORE_KEY status=(\d+)@", line)
        if m:
            line = store_key.replace("@STATUS@", m.group(1))
        lines.append(line)
    body = "\n".join(lines) + "\n"
    body = body.replace("@RECORD@", record).replace("@RETURNING@", returning)
    if q is not None:
        body = body.replace("@Q@", q)
    return prelude + body


def write(name, body):
    path = os.path.join(out, name + ".pgbench")
    with open(path, "w") as f:
        f.write(body)
    return path


files = {}
for name in ("create", "read", "update", "list", "dashboard"):
    files[name] = write(name, expand(text(name + ".sql")))
searches = [write("search%d" % i, expand(text("search.sql"), ":q%d" % i)) for i in range(1, 6)]

print("create " + files["create"] + "@1")
print("read " + files["read"] + "@1")
print("update " + files["update"] + "@1")
print("list " + files["list"] + "@1")
print("search " + " ".join(p + "@1" for p in searches))
print("dashboard " + files["dashboard"] + "@1")
print("mixed %s@70 %s@20 %s@10" % (files["read"], files["update"], files["create"]))
