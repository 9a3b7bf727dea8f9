#!/bin/sh
# SPDX-License-Identifier: MIT
# How much 1,000 junk webhooks of 256 KiB grow the database of a serve on
# SQLite: a quarter unsigned, bad signatures, unknown projects and bodies
# that are not JSON, all from 127.0.0.1 (loopback only).
#
#   bench/junk_webhooks.sh [CAMPAIGN_SYNC] [REFUSED_RATE]
#
# CAMPAIGN_SYNC defaults to build/dev/src/cli/campaign-sync; REFUSED_RATE
# is CS_WEBHOOK_REFUSED_RATE (default 0: no limit, the worst case).
set -eu
bin=${1:-build/dev/src/cli/campaign-sync}
rate=${2:-0}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
db="$dir/junk.db"
project=9e2d000a-ed53-4db4-819b-25cdab41fd47
unknown=0b7e3c55-1111-4aaa-8bbb-123456789abc

CS_DATABASE_URL="sqlite:$db" "$bin" campaign create --name Junk \
	--project "$project" --max 10 --network preprod >/dev/null
size() { stat -c %s "$db" "$db-wal" 2>/dev/null | awk '{s += $1} END {print s}'; }
before=$(size)

# The bodies: exactly 256 KiB each, so that each is read whole.
pad() { head -c "$1" /dev/zero | tr '\0' j; }
for p in "$project" "$unknown"; do
	head="{\"EventType\":\"transactionconfirmed\",\"ProjectUid\":\"$p\",\"Pad\":\""
	{ printf %s "$head"; pad $((262144 - ${#head} - 2)); printf '"}'; } >"$dir/$p.json"
done
pad 262144 >"$dir/notjson"

CS_DATABASE_URL="sqlite:$db" CS_WEBHOOK_REFUSED_RATE=$rate CS_LOG_LEVEL=warn \
	"$bin" serve --listen 127.0.0.1:0 --no-schedule >"$dir/serve.out" 2>&1 &
pid=$!
i=0
while ! grep -q listening "$dir/serve.out" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$dir/serve.out" | head -1)
codes="$dir/codes"
i=0
while [ $i -lt 250 ]; do
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Expect:' --data-binary "@$dir/$project.json" "$url/webhooks/nmkr" >>"$codes"
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Expect:' --data-binary "@$dir/$project.json" "$url/webhooks/nmkr?payloadHash=AAAA" >>"$codes"
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Expect:' --data-binary "@$dir/$unknown.json" "$url/webhooks/nmkr?payloadHash=AAAA" >>"$codes"
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Expect:' --data-binary "@$dir/notjson" "$url/webhooks/nmkr?payloadHash=AAAA" >>"$codes"
	i=$((i + 1))
done
kill "$pid"
wait "$pid" || true
after=$(size)
echo "answers: $(sort "$codes" | uniq -c | awk '{printf "%s x%s ", $2, $1}')"
echo "database: $before -> $after bytes (+$((after - before)))"
