#!/usr/bin/env bash
# Target check: the sample built for linux-arm64 runs on an emulated Raspberry Pi 5 CPU (qemu-user, Cortex-A76)
# and reads the same text, line for line, as the x64 build on the same image, from the same text boxes, with a
# detector probability map within 30 dB SQNR. The emulated run reads the image once (--runs 1: detector once,
# classifier and recognizer once per line); a run under qemu is a correctness check, not a timing.
#
#   samples/check-arm64.sh [IMAGE] [--out-dir DIR]
#
# Needs Debian's qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross, and arm64
# package lists (dpkg --add-architecture arm64) to fetch libssl3:arm64 without installing it.
# Writes x64.json, arm64.json, the two maps (*.bin) and comparison.json to DIR (default artifacts/check-arm64).
# Exit code: 0 same results, 1 results differ, 2 missing prerequisite.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$repo/artifacts/check-arm64"
image=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out-dir) out="$2"; shift 2 ;;
    *) image=("$1"); shift ;;
  esac
done

if ! command -v qemu-aarch64-static >/dev/null || [ ! -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; then
  echo "check-arm64: needs qemu-aarch64-static and the arm64 C/C++ runtimes. Install them with:" >&2
  echo "  apt-get install -y qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross" >&2
  exit 2
fi

# The app's runtime verifies the model's SHA-256 through OpenSSL, as on Raspberry Pi OS, but the cross packages
# ship no arm64 libssl. Unpack Debian's libssl3:arm64 into a private folder for the emulated process: installing
# it multiarch would also install libc6:arm64, which the cross loader then mixes with its own libc and hangs.
arm64_libs() {
  local dir="${EDGEBUILD_ASSETS:-$HOME/.cache/edgebuild/assets}/arm64-libs"
  if [ -e "$dir/libssl.so.3" ]; then echo "$dir"; return; fi
  local work; work="$(mktemp -d)"
  if ! (cd "$work" && apt-get download libssl3:arm64 >/dev/null 2>&1); then
    echo "check-arm64: cannot download libssl3:arm64. Enable arm64 package lists once with:" >&2
    echo "  dpkg --add-architecture arm64 && apt-get update" >&2
    rm -rf "$work"; return 2
  fi
  dpkg-deb -x "$work"/libssl3_*_arm64.deb "$work/deb"
  mkdir -p "$dir.tmp.$$" && cp "$work"/deb/usr/lib/aarch64-linux-gnu/lib{ssl,crypto}.so.3 "$dir.tmp.$$/"
  rm -rf "$dir" && mv "$dir.tmp.$$" "$dir" && rm -rf "$work"
  echo "$dir"
}
libs="$(arm64_libs)" || exit 2

bash "$here/prepare.sh"
mkdir -p "$out"
project="$here/TextDetection/TextDetection.csproj"
for rid in linux-x64 linux-arm64; do
  echo "check-arm64: publishing the sample for $rid" >&2
  dotnet publish "$project" -c Release -r "$rid" --self-contained --force -o "$out/$rid" -nologo -v quiet >&2
done

echo "check-arm64: running x64" >&2
"$out/linux-x64/TextDetection" "${image[@]}" --json --runs 1 --threads 2 --dump-map "$out/x64.bin" > "$out/x64.json"

# qemu-user passes the host's /proc/cpuinfo through, and ONNX Runtime's cpuinfo, finding no ARM core there, dereferences
# NULL on hosts whose sysfs lists CPU clusters (seen on this 2-core kind: SIGSEGV right after reading
# cpu1/cache/index2/shared_cpu_list). So the emulated process reads what a Raspberry Pi 5 reports (Cortex-A76: implementer
# 0x41, part 0xd0b, dotprod), one entry per host CPU, bind-mounted over /proc/cpuinfo in a private mount namespace;
# that also lets ONNX Runtime pick its Cortex-A76 kernels as on the device. Needs root (CI runs as root); without it the
# host's file is used as before.
cpuinfo="$out/cortex-a76-cpuinfo"
: > "$cpuinfo"
for cpu in $(seq 0 $(( $(nproc) - 1 ))); do
  printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x4\nCPU part\t: 0xd0b\nCPU revision\t: 1\n\n' "$cpu" >> "$cpuinfo"
done
emulate() {
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    unshare --mount sh -c 'mount --bind "$0" /proc/cpuinfo && exec "$@"' "$cpuinfo" "$@"
  else
    "$@"
  fi
}

echo "check-arm64: running arm64 under qemu-aarch64-static -cpu cortex-a76 (slow: emulated, not a timing)" >&2
start=$(date +%s)
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 LD_LIBRARY_PATH="$libs" emulate qemu-aarch64-static -cpu cortex-a76 -L /usr/aarch64-linux-gnu \
  "$out/linux-arm64/TextDetection" "${image[@]}" --json --runs 1 --threads 2 --dump-map "$out/arm64.bin" > "$out/arm64.json"
echo "check-arm64: emulated run took $(( $(date +%s) - start )) s" >&2

set +e
dotnet run "$here/compare-detections.cs" -- "$out/x64.json" "$out/arm64.json" "$out/x64.bin" "$out/arm64.bin" \
  --min-iou 0.9 --min-sqnr 30 | tee "$out/comparison.json"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ]; then echo "check-arm64: arm64 (Cortex-A76) matches x64" >&2; else echo "check-arm64: arm64 differs from x64" >&2; fi
exit "$status"
