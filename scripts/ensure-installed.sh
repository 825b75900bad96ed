#!/bin/sh
# Installs the workspace's dependencies when they are missing or older than the lock file, so the README's
# commands work on a fresh clone. Plain sh: it runs before Node 22 (an npm package) is installed.
set -e
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies…"
  # Not `npm ci`: the lock file cannot list other platforms' optional packages the registry here does not serve.
  npm install --no-audit --no-fund --loglevel=error
fi
