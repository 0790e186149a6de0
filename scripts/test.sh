#!/usr/bin/env bash
# Runs every test: native (core, format, store, model: unit + property),
# browser (wasm-bindgen-test in headless Chromium), then a release build
# with its size report, a smoke test of the served build and an
# accessibility check (axe-core) of its main states.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.tools/node_modules/.bin:${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "release build (trunk) and size report"
trunk build --release >/dev/null
bash scripts/size-report.sh

step "served release build shows the default article"
bash scripts/smoke.sh

step "accessibility of the served build (axe-core in chromium)"
node scripts/a11y.mjs

step "native tests: core, format, store, model"
cargo test --locked --quiet 2>&1 | tee target/native-tests.log | grep -Ev '^$|^running 0 tests|^test result: ok\. 0 passed; 0 failed'

step "benchmark generator checks (node)"
node --test bench/gen.test.mjs 2>&1 | tail -8

step "browser tests: headless Chromium"
# wasm-bindgen-test-runner passes webdriver.json's capabilities
# (--headless --no-sandbox: CI runs as root) to chromedriver.
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300 \
  cargo test --locked --target wasm32-unknown-unknown --tests 2>&1 | tee target/browser-tests.log | grep -Ev '^\s*(Compiling|Finished|Running|Executing)'
