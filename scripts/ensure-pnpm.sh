#!/usr/bin/env bash
# Installs pnpm when it is missing. corepack is not used (its signature check fails on some
# machines), and package.json has no `packageManager` pin: pnpm 12 then tries to resolve its own
# platform binaries from the registry on every run, which fails intermittently offline. The
# version is pinned here instead, and `engines.pnpm` states the minimum.
set -euo pipefail
want=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$want" ]; then
  npm install -g "pnpm@$want" >/dev/null
fi
