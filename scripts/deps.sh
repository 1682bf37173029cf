#!/usr/bin/env bash
# Installs the Debian or Ubuntu packages that mispbump needs to build and
# test: a C compiler and the X11 and OpenGL headers for Fyne, Xvfb and
# xdotool for the GUI tests, and the reference QR readers for the code
# benchmark. Packages already present are left alone. Go itself must be
# 1.26 or newer: https://go.dev/dl/.
set -euo pipefail

required=(gcc pkg-config libgl1-mesa-dev xorg-dev libxxf86vm-dev xvfb xauth xdotool x11-utils)
# The reference readers only feed the benchmark; a release without them
# still builds and tests.
optional=(zbar-tools zxing-cpp-tools python3-zxing-cpp python3-numpy)

is_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for p in "${required[@]}" "${optional[@]}"; do
	is_installed "$p" || missing+=("$p")
done

if ! command -v go >/dev/null 2>&1; then
	echo "mispbump: Go is not installed: install Go 1.26 or newer from https://go.dev/dl/ and run this again" >&2
	exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "mispbump: these packages are missing and apt-get is not available: ${missing[*]}" >&2
	exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
echo "mispbump: installing ${missing[*]}" >&2
$sudo apt-get update -qq
for p in "${required[@]}"; do
	is_installed "$p" || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null
done
for p in "${optional[@]}"; do
	is_installed "$p" || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null ||
		echo "mispbump: optional package $p is not available here; the code benchmark will skip it" >&2
done
