#!/usr/bin/env bash
# Whether the native suites can run, from the outcome of the native build that `pnpm install`
# ran (packages/backend-native/scripts/build.cjs records it in build/status). Prints one word on
# stdout, `built` or `skipped`; everything else goes to stderr.
#
#   built                               the addon is there: run the native suites
#   skipped, no C++ compiler on PATH    a user's machine without a toolchain: install succeeded,
#                                       Unroll falls back to WASM/JS, the native suites are skipped
#   skipped, UNROLL_SKIP_NATIVE_BUILD=1 the build was opted out of
#   not built, compiler on PATH         CI (CI set and not false/0): prints the build log and exits 1,
#                                       so that a broken C++ file fails the run; elsewhere a warning
#                                       and `skipped`
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=packages/backend-native
addon=$pkg/build/Release/unroll_native.node
log=$pkg/native-build.log
status=$(head -n 1 "$pkg/build/status" 2>/dev/null || true)

has_compiler() {
  command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1 || command -v clang++ >/dev/null 2>&1
}
in_ci() {
  case "${CI:-}" in '' | false | 0) return 1 ;; *) return 0 ;; esac
}

case "${status:-unknown}" in
  built)
    if [ -f "$addon" ]; then echo built; exit 0; fi
    why="$pkg/build/status says built but $addon is missing" ;;
  unknown)
    # no status file: built before build.cjs recorded one, or built by hand with node-gyp
    if [ -f "$addon" ]; then echo built; exit 0; fi
    why="$addon is missing and there is no $pkg/build/status (did pnpm run the package's install script?)" ;;
  skipped)
    echo "== native addon not built (UNROLL_SKIP_NATIVE_BUILD=1): its suites are skipped" >&2
    echo skipped
    exit 0 ;;
  failed | no-compiler)
    why="the native addon build failed" ;;
  *)
    why="unexpected $pkg/build/status '$status'" ;;
esac

if ! has_compiler; then
  echo "== native addon not built (no C++ compiler: c++, g++ or clang++ on PATH): its suites are skipped" >&2
  echo skipped
  exit 0
fi
if in_ci; then
  {
    echo "== FAILED: $why, and a C++ compiler is on PATH ($(command -v c++ || command -v g++ || command -v clang++))."
    if [ -s "$log" ]; then
      echo "== $log:"
      cat "$log"
    else
      echo "== no build log at $log; rebuild with: pnpm --filter @unroll/backend-native run build:native"
    fi
  } >&2
  exit 1
fi
echo "== WARNING: $why although a C++ compiler is on PATH; the native suites are skipped" >&2
echo "   (see $log, or rebuild with: pnpm --filter @unroll/backend-native run build:native; CI fails here)" >&2
echo skipped
