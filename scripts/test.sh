#!/usr/bin/env bash
# Runs every mispbump test: formatting and vet checks, the unit and
# integration tests, the GUI and end-to-end tests under a private Xvfb
# display, and each fuzz target for a short time (FUZZTIME, default 4s;
# FUZZTIME=0 skips fuzzing). Installs missing system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go') 2>&1 || true)
if [ -n "$unformatted" ]; then
	echo "these files need gofmt:" >&2
	echo "$unformatted" >&2
	exit 1
fi

echo "== go vet"
go vet ./...

echo "== go vet for Android (packages without Fyne)"
android_pkgs=$(GOOS=android GOARCH=arm64 CGO_ENABLED=0 go list -f '{{.ImportPath}} {{join .Deps " "}}' ./internal/... | grep -v 'fyne.io/fyne' | cut -d' ' -f1)
GOOS=android GOARCH=arm64 CGO_ENABLED=0 go vet $android_pkgs

# A private X display for the GUI tests, so they never touch the user's
# desktop and run the same on a headless CI machine.
display=""
for n in $(seq 90 140); do
	if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then
		display=":$n"
		break
	fi
done
if [ -z "$display" ]; then
	echo "no free X display number between :90 and :140" >&2
	exit 1
fi
Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	[ -e "/tmp/.X11-unix/X${display#:}" ] && break
	sleep 0.1
done
export DISPLAY="$display"
export MISPBUMP_KEYSTORE=file
# The end-to-end GUI test fails, rather than skips, when Xvfb or xdotool
# is missing.
export MISPBUMP_REQUIRE_GUI=1

echo "== go test (DISPLAY=$DISPLAY)"
go test -count=1 -timeout 20m ./...

echo "== figures the tests measured"
go test -count=1 -v -run '^TestContractRecordings$' ./internal/mispsim | grep -E 'checked [0-9]+ recordings' || true
go test -count=1 -v -run '^TestRequestsIndependentOfSize$' ./internal/provision | grep -E 'HTTP requests' || true

fuzztime=${FUZZTIME:-4s}
if [ "$fuzztime" != "0" ]; then
	echo "== fuzzing each target for $fuzztime"
	for pkg in $(go list ./...); do
		for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
			echo "-- $pkg $target"
			go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/dev/null
		done
	done
fi
echo "== all tests passed"
