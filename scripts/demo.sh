#!/usr/bin/env bash
# demo.sh CONNECTOR: start the connector's built-in fake API on loopback,
# sync it with the connector binary, and show the result with the baton
# CLI. Called by `make demo` with DIST, BIN and DEMO_DIR set. The fakes run
# with a one-second rate-limit "minute" (DEMO_MINUTE_WINDOW) so the demo takes
# seconds; each fake tells its connector the same pace in its env file.
set -euo pipefail

name=${1:?usage: demo.sh CONNECTOR}
dist=${DIST:?} bin=${BIN:?} demo=${DEMO_DIR:?}
dir="$demo/$name"
rm -rf "$dir" && mkdir -p "$dir"
chmod 700 "$dir"

fake="$dist/$name-fake"
connector="$dist/baton-$name"
[[ -x $fake && -x $connector ]] || { echo "demo: build $fake and $connector first (make build)" >&2; exit 1; }

"$fake" --dataset demo --minute-window "${DEMO_MINUTE_WINDOW:-1s}" --addr 127.0.0.1:0 --ready-file "$dir/fake.json" --env-file "$dir/fake.env" >"$dir/fake.log" 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
	[[ -s $dir/fake.env ]] && break
	kill -0 "$fake_pid" 2>/dev/null || { cat "$dir/fake.log" >&2; echo "demo: the $name fake did not start" >&2; exit 1; }
	sleep 0.1
done
[[ -s $dir/fake.env ]] || { echo "demo: the $name fake did not become ready" >&2; exit 1; }

echo "== $name: fake API listening; syncing with $(basename "$connector")"
(
	set -a
	# shellcheck disable=SC1091
	source "$dir/fake.env"
	set +a
	"$connector" --file "$dir/sync.c1z" --log-format console --log-level warn
)

export BATON_C1Z="$dir/sync.c1z"
for what in stats resources entitlements grants; do
	echo
	echo "== baton $what (-f $dir/sync.c1z)"
	"$bin/baton" "$what" -f "$dir/sync.c1z"
done
echo
echo "== $name demo done: $dir/sync.c1z"
