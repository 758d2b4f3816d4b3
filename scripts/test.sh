#!/usr/bin/env bash
# The whole test suite: installs the Debian packages the tests use when missing (scripts/install-test-deps.sh:
# as root or with password-less sudo, else it stops at once with the command to run), fetches the pinned test
# assets, builds, runs every test project, and prints one closing line "N passed, N failed, N skipped" summed over
# all projects.
# Long runs (overnight fuzzing, full benchmarks) are opt-in; see docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in dotnet python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test.sh: '$tool' is not on PATH; see README.md, Prerequisites." >&2; exit 1; }
done
bash scripts/install-test-deps.sh

export EDGEBUILD_ASSETS="${EDGEBUILD_ASSETS:-$HOME/.cache/edgebuild/assets}"
bash scripts/fetch-assets.sh

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet build EdgeBuild.sln -c Release -nologo -clp:NoSummary
status=0
dotnet test EdgeBuild.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" "$@" || status=$?

python3 scripts/summarize-trx.py "$results"
exit $status
