#!/usr/bin/env bash
# Starts two simulated MISP servers ("Example CERT A" and "Example CERT B")
# on loopback and two mispbump windows side by side, each with its own
# data directory and a profile that already points at its MISP. Bump the
# two windows with "Show my code first" in one and "Scan screen" in the
# other. Closing both windows stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${BIN:-bin/mispbump}
[ -x "$bin" ] || { echo "demo: $bin is missing: run 'make build' first" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mispbump-demo.XXXXXX")
pids=()

cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# start_sim NAME ORG UUID starts a simulator; its URL ends up in
# $work/NAME/sim.url. It must not run in a subshell, so that its process
# id reaches the clean-up list.
start_sim() {
	local dir="$work/$1"
	mkdir -p "$dir"
	"$bin" sim --listen 127.0.0.1:0 --data "$dir/misp" --org-name "$2" --org-uuid "$3" \
		>"$dir/sim.url" 2>"$dir/sim.log" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -s "$dir/sim.url" ] && break
		sleep 0.1
	done
	[ -s "$dir/sim.url" ] || { echo "demo: the simulator for $2 did not start: $(cat "$dir/sim.log")" >&2; exit 1; }
}

# start_app NAME URL starts the app for one admin.
start_app() {
	local dir="$work/$1"
	HOME="$dir/home" MISPBUMP_KEYSTORE=file MISPBUMP_CONFIG_DIR="$dir/config" MISPBUMP_WINDOW_SIZE="${DEMO_WINDOW_SIZE:-940x1000}" \
		"$bin" --misp-url "$2" --misp-key-file "$dir/misp/admin.key" --data-dir "$dir/data" >"$dir/app.log" 2>&1 &
	app_pids+=($!)
}

start_sim a "Example CERT A" 5f1b8c2e-0000-4000-8000-00000000000a
start_sim b "Example CERT B" 5f1b8c2e-0000-4000-8000-00000000000b
url_a=$(head -n 1 "$work/a/sim.url")
url_b=$(head -n 1 "$work/b/sim.url")
echo "Simulated MISP of Example CERT A: $url_a"
echo "Simulated MISP of Example CERT B: $url_b"

app_pids=()
start_app a "$url_a"
start_app b "$url_b"
pids+=("${app_pids[@]}")

# Place the windows side by side when xdotool is there (X11 only).
if command -v xdotool >/dev/null 2>&1 && [ -n "${DISPLAY:-}" ]; then
	x=0
	for name in "Example CERT A" "Example CERT B"; do
		id=$(timeout 30 xdotool search --sync --name "mispbump — $name" 2>/dev/null | head -n 1 || true)
		[ -n "$id" ] && xdotool windowmove "$id" "$x" 0 2>/dev/null || true
		x=960
	done
fi

echo "Two app windows are open. In one press 'Show my code first', in the other"
echo "'Scan partner's code first', then use 'Scan screen' for each code; both"
echo "MISPs run on this computer, so tick 'Create it anyway' at the review."
echo "Close both windows to stop the demo."
wait "${app_pids[@]}" || true
