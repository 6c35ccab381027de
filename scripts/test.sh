#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs pnpm if missing, the dependencies (building
# the native kernels when a C++ compiler is there), type-checks, runs every package's tests on
# the reference JS backend (tests read sources directly, no build needed), then runs the
# backend-sensitive suites and the CLI's again on each fast backend that is available (on
# native, tensor and cells once more on the AVX2 kernels when the CPU has AVX-512).
# The browser test (apps/e2e: training on the WASM backend in headless Chromium) needs Chromium,
# installed here when missing.
#
# Under CI (CI=true), a native build that failed on a machine with a C++ compiler fails the run
# (scripts/native-status.sh prints the compiler output); without a compiler the native suites
# are skipped, as a user's install falls back to WASM/JS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
bash scripts/ensure-chromium.sh
pnpm install --frozen-lockfile
native=$(bash scripts/native-status.sh)
# without the addon, its own tests skip instead of failing
[ "$native" = built ] || export UNROLL_SKIP_NATIVE=1

# Tests never replay turbo's cache (--force): a cached result is keyed on the package's files
# and dependencies' sources, not on the native addon that the native reruns load, nor on
# UNROLL_NATIVE_SIMD (the AVX2 rerun below would replay the AVX-512 run's log).
turbo_test() { pnpm exec turbo run test "$@" --force; }

pnpm run lint       # biome over every package (src, assembly, scripts), bench and the root files
pnpm run typecheck
pnpm --filter @unroll/backend-wasm check:wasm   # the committed WASM module is the one its AssemblyScript sources compile to
turbo_test
suites=(--filter=@unroll/tensor --filter=@unroll/autograd --filter=@unroll/cells --filter=@unroll/seq2seq --filter=@unroll/tasks)
if [ "$native" = built ]; then
  simd=$(node -p "require('./packages/backend-native/build/Release/unroll_native.node').info().best")
  echo "== the same suites and the CLI's on the native backend ($simd kernels, the best this CPU has)"
  UNROLL_TEST_BACKEND=native turbo_test "${suites[@]}" --filter=@unroll/cli
  if [ "$simd" = avx512 ]; then
    echo "== tensor and cells again on the native AVX2 kernels (UNROLL_NATIVE_SIMD=avx2)"
    UNROLL_TEST_BACKEND=native UNROLL_NATIVE_SIMD=avx2 turbo_test --filter=@unroll/tensor --filter=@unroll/cells
    exercised="avx512 (every native suite), avx2 (tensor, cells, backend-native), scalar (backend-native)"
  elif [ "$simd" = avx2 ]; then
    exercised="avx2 (every native suite), scalar (backend-native); NOT avx512: this CPU has no AVX-512F"
  else
    exercised="scalar only; NOT avx512 or avx2: this CPU (or build) has neither"
  fi
else
  echo "== native backend not built here: its suites are skipped"
  exercised="none (native addon not built)"
fi
echo "== the same suites and the CLI's on the wasm backend"
UNROLL_TEST_BACKEND=wasm turbo_test "${suites[@]}" --filter=@unroll/cli
echo "== the benchmark's Unroll configurations once each on native and wasm (a smoke run: each builds, trains and samples; no timing is judged)"
(cd bench && pnpm bench -- --quick --only unroll-native,unroll-wasm --no-write --no-install --budget 2)
echo "== native SIMD paths exercised: $exercised"
