#!/usr/bin/env bash
# Installs pnpm (the version pinned by `packageManager` in package.json) when it is missing.
# corepack is not used: its signature check fails on some machines.
set -euo pipefail
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$want" ]; then
  npm install -g "pnpm@$want" >/dev/null
fi
