#!/usr/bin/env bash
# demo.sh CONNECTOR: one screen per connector. Start the connector's
# built-in fake API on loopback; sync it once with the connector binary and
# summarise the c1z in plain words (c1z-summary); then run the connector in
# service mode against a fake ConductorOne (c1-fake) that hands it a full
# sync task and, if it provisions, a grant task built from that upload, and
# prints what came back (and what the connector's health check, as the
# Deployment's probes use it, answers); finally the baton commands to
# explore the c1z.
# Called by `make demo` with DIST, BIN and DEMO_DIR set (ROOT defaults to
# the repository this script is in). The fakes run with a one-second
# rate-limit "minute" (DEMO_MINUTE_WINDOW) so the demo takes seconds; each
# fake tells its connector the same pace in its env file. Every credential is
# generated for this run and stays in 0600 files under DEMO_DIR; none is
# printed.
set -euo pipefail

name=${1:?usage: demo.sh CONNECTOR}
dist=${DIST:?} bin=${BIN:?} demo=${DEMO_DIR:?}
root=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
dir="$demo/$name"
rm -rf "$dir" && mkdir -p "$dir"
chmod 700 "$dir"
umask 077

fake="$dist/$name-fake"
connector="$dist/baton-$name"
c1fake="$dist/c1-fake"
summary="$dist/c1z-summary"
for b in "$fake" "$connector" "$c1fake" "$summary"; do
	[[ -x $b ]] || { echo "demo: build $b first (make build)" >&2; exit 1; }
done

# Paths as a newcomer types them, from the repository root.
rel() { case $1 in "$root"/*) echo "${1#"$root"/}" ;; *) echo "$1" ;; esac; }

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# wait_for FILE PID WHAT LOG: until FILE is non-empty, while PID lives.
wait_for() {
	for _ in $(seq 1 100); do
		[[ -s $1 ]] && return 0
		kill -0 "$2" 2>/dev/null || { tail -n 20 "$4" >&2; echo "demo: $3 did not start" >&2; exit 1; }
		sleep 0.1
	done
	echo "demo: $3 did not become ready" >&2
	exit 1
}

# with_env FILE... -- CMD...: run CMD with the variables of each env file.
with_env() {
	local files=()
	while [[ $1 != -- ]]; do files+=("$1"); shift; done
	shift
	(
		set -a
		for f in "${files[@]}"; do
			# shellcheck disable=SC1090
			source "$f"
		done
		set +a
		exec "$@"
	)
}

"$fake" --dataset demo --minute-window "${DEMO_MINUTE_WINDOW:-1s}" --addr 127.0.0.1:0 \
	--ready-file "$dir/fake.json" --env-file "$dir/fake.env" >"$dir/fake.log" 2>&1 &
pids+=($!)
wait_for "$dir/fake.env" "${pids[-1]}" "the $name fake" "$dir/fake.log"

echo "== $name: $(basename "$connector") against its built-in fake API (demo data set)"
echo
echo "-- one-shot sync: $(basename "$connector") --file $dir/sync.c1z"
start=$SECONDS
with_env "$dir/fake.env" -- "$connector" --file "$dir/sync.c1z" --log-format console --log-level warn \
	>"$dir/sync.log" 2>&1 || { cat "$dir/sync.log" >&2; echo "demo: the one-shot sync failed" >&2; exit 1; }
echo "   done in $((SECONDS - start))s; the c1z holds:"
"$summary" --samples 5 "$dir/sync.c1z"

echo
echo "-- service mode: the same binary, given BATON_CLIENT_ID and BATON_CLIENT_SECRET, polls ConductorOne for tasks"
"$c1fake" --dir "$dir/c1" --env-file "$dir/c1.env" --ready-file "$dir/c1.json" \
	--capabilities "$root/connectors/$name/baton_capabilities.json" --health-check &
c1_pid=$!
pids+=("$c1_pid")
wait_for "$dir/c1.json" "$c1_pid" "the fake ConductorOne" /dev/null
mkdir -p "$dir/tmp"
with_env "$dir/fake.env" "$dir/c1.env" -- "$connector" --provisioning --c1z-temp-dir "$dir/tmp" \
	--log-format console --log-level warn >"$dir/service.log" 2>&1 &
svc_pid=$!
pids+=("$svc_pid")
# The fake ConductorOne exits when its script is done; a connector that
# dies first fails the demo now, not at the task timeout.
while kill -0 "$c1_pid" 2>/dev/null; do
	if ! kill -0 "$svc_pid" 2>/dev/null; then
		echo "demo: the connector exited in service mode; its log ends:" >&2
		tail -n 20 "$dir/service.log" >&2
		exit 1
	fi
	sleep 0.2
done
if ! wait "$c1_pid"; then
	echo "demo: a service-mode task failed; the connector's log ends:" >&2
	tail -n 20 "$dir/service.log" >&2
	exit 1
fi
kill -TERM "$svc_pid" 2>/dev/null || true
wait "$svc_pid" 2>/dev/null || true
echo "   the fake ConductorOne's script is done; the connector stopped on SIGTERM (log: $(rel "$dir")/service.log)"

echo
"$bin/baton" resources -f "$dir/sync.c1z" >/dev/null || { echo "demo: the baton CLI cannot read $dir/sync.c1z" >&2; exit 1; }
echo "-- explore the full c1z with the baton CLI (built from baton-sdk v0.25.0), from the repository root:"
for what in stats resources entitlements grants; do
	echo "   $(rel "$bin")/baton $what -f $(rel "$dir")/sync.c1z"
done
echo "   (add -o json for machine-readable output; the service-mode uploads are in $(rel "$dir")/c1/)"
echo
