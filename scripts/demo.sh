#!/usr/bin/env bash
# One command for a newcomer: install what is missing, then run the demo on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "Node.js >= 20 is required: https://nodejs.org" >&2; exit 1; }
if ! command -v redis-server >/dev/null; then
  echo "installing redis-server (apt)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq redis-server >/dev/null
fi
# npm ci builds dist/ (prepare); an existing install gets a fresh build of the current sources.
if [ -d node_modules ]; then npm run build --silent; else npm ci --no-audit --no-fund; fi
exec node bin/tradewire.js demo "$@"
