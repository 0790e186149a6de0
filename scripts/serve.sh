#!/usr/bin/env bash
# Builds Surligneur and serves it on http://127.0.0.1:8080 (the default
# article opens first). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.tools/node_modules/.bin:${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin:$PATH"
echo "Surligneur: http://127.0.0.1:8080"
exec trunk serve --release "$@"
