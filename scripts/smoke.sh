#!/usr/bin/env bash
# Serves dist/ on 127.0.0.1 and checks, in headless Chromium, that the
# built app renders the default article's title inside #article (with the
# page's Content-Security-Policy in force).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${SMOKE_PORT:-8099}
# The built page keeps its strict CSP and has no inline script.
grep -q "script-src 'self' 'wasm-unsafe-eval'" dist/index.html || { echo "smoke: FAILED, CSP missing from dist/index.html"; exit 1; }
if grep -Pzo '<script(?![^>]*\bsrc=)[^>]*>' dist/index.html >/dev/null; then
  echo "smoke: FAILED, dist/index.html has an inline script"; exit 1
fi
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory dist >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
profile=$(mktemp -d)
dom=$(timeout 60 chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --virtual-time-budget=5000 --dump-dom "http://127.0.0.1:$PORT/" 2>/dev/null)
rm -rf "$profile"
python3 - "$dom" <<'PY'
import sys, html.parser
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.depth = 0; s.text = []
    def handle_starttag(s, tag, attrs):
        if s.depth: s.depth += 1
        elif dict(attrs).get("id") == "article": s.depth = 1
    def handle_endtag(s, tag):
        if s.depth: s.depth -= 1
    def handle_data(s, d):
        if s.depth: s.text.append(d)
p = P(); p.feed(sys.argv[1]); text = "".join(p.text)
want = "Patrick Starck cède la présidence de Cloudwatt"
if not text.startswith(want):
    print("smoke: FAILED, #article text starts with %r" % text[:80]); sys.exit(1)
print("smoke: served app shows %r in #article (%d characters)" % (want, len(text)))
PY
