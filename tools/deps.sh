#!/usr/bin/env bash
# Checks for the Debian/Ubuntu packages the build and tests need.
# "install": apt-get installs missing ones when run as root, else names them and fails.
# "check":   only fails (with the same message) when something is missing.
set -euo pipefail
mode=${1:-check}
pkgs=(gcc make pkg-config verilator libcmocka-dev libusb-1.0-0-dev
      gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf yosys)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$mode" = install ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "deps: missing packages: ${missing[*]}" >&2
echo "deps: install them with: sudo apt-get install ${missing[*]}  (or run 'make deps' as root)" >&2
exit 1
