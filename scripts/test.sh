#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs pnpm if missing, the dependencies (building
# the native kernels when a C++ compiler is there), type-checks, runs every package's tests on
# the reference JS backend (tests read sources directly, no build needed), then runs the
# backend-sensitive suites again on each fast backend that is available. The WASM backend's
# browser test needs Chromium (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
bash scripts/ensure-chromium.sh
pnpm install --frozen-lockfile
native_built=0
[ -f packages/backend-native/build/Release/unroll_native.node ] && native_built=1
# without a compiler the addon is not built: its own tests then skip instead of failing
[ "$native_built" = 1 ] || export UNROLL_SKIP_NATIVE=1
pnpm run lint       # biome over every package (src, assembly, scripts), bench and the root files
pnpm run typecheck
pnpm run test
suites=(--filter=@unroll/tensor --filter=@unroll/autograd --filter=@unroll/cells --filter=@unroll/tasks)
if [ "$native_built" = 1 ]; then
  echo "== the same suites on the native backend"
  UNROLL_TEST_BACKEND=native pnpm exec turbo run test "${suites[@]}"
else
  echo "== native backend not built here (no C++ toolchain?): its suites are skipped"
fi
echo "== the same suites on the wasm backend"
UNROLL_TEST_BACKEND=wasm pnpm exec turbo run test "${suites[@]}"
