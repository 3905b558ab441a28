#!/usr/bin/env bash
# Renders report.html in headless Chromium at 1400 and 400 px and checks its layout from inside the page
# (scripts/browser/layout-check.js): no page-wide sideways scroll, nothing wider than the viewport outside a
# scroll container, no chart that scrolls, no label clipped at a chart's edge or drawn below 7.5 px, no two labels
# on top of each other, no legend on a plot, no script error. Reports: the CI baselines and results/example,
# rebuilt with `replsim report`. A page made to fail is checked first, so a check that cannot fail fails.
# Usage: scripts/browser-check.sh REPLSIM   (needs chromium: scripts/setup-system.sh --tests installs it)
set -euo pipefail
replsim=$(realpath "$1")
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "browser-check: chromium is missing (apt-get install chromium)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check_js=$(realpath scripts/browser/layout-check.js)

# check PAGE WIDTH → prints the problems; exit 0 when there are none.
check() {
    local page=$1 width=$2
    local probe="$tmp/probe-$width.html"
    python3 - "$page" "$check_js" "$probe" <<'PY'
import sys
page, js, out = sys.argv[1:]
html = open(page, encoding="utf-8").read()
trap = "<script>window.__layoutErrors=[];addEventListener('error',e=>__layoutErrors.push(e.message))</script>"
html = html.replace("<head>", "<head>" + trap, 1)
html = html.replace("</body>", "<script>" + open(js, encoding="utf-8").read() + "</script></body>", 1)
open(out, "w", encoding="utf-8").write(html)
PY
    timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,2000" \
        --dump-dom "file://$probe" 2>/dev/null > "$tmp/dom.html" || true
    python3 - "$tmp/dom.html" <<'PY'
import html, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
found = re.findall(r'<pre id="layout-check">(.*?)</pre>', dom, re.S)
result = html.unescape(found[-1]) if found else "no result from the page (chromium failed to render it)"
if result != "ok":
    print(result)
    sys.exit(1)
PY
}

# The checker must see a broken page as broken: a table wider than a phone and two legends on one spot.
cat > "$tmp/broken.html" <<'HTML'
<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head><body>
<div style="width:900px">too wide</div>
<svg class="chart" viewBox="0 0 380 100" aria-label="broken" style="width:100%"><rect class="plot" x="40" y="10" width="300" height="60"/>
<text class="legend" x="50" y="40">legend on the plot</text><text class="legend" x="55" y="42">overlapping</text></svg>
</body></html>
HTML
if check "$tmp/broken.html" 400 > "$tmp/broken.txt"; then
    echo "browser-check: the check passed a page made to fail" >&2
    exit 1
fi
for problem in "wider than the viewport" "labels overlap" "legend on the plot"; do
    grep -q "$problem" "$tmp/broken.txt" || { echo "browser-check: missed '$problem' on the broken page" >&2; exit 1; }
done

failed=0
for source in results/baseline/reference-quick results/baseline/failover-quick results/example; do
    dir="$tmp/$(basename "$source")"
    mkdir -p "$dir"
    cp "$source/result.json" "$dir/"
    "$replsim" report "$dir" > /dev/null
    for width in 1400 400; do
        if problems=$(check "$dir/report.html" "$width"); then
            echo "browser-check: $source at $width px: ok"
        else
            echo "browser-check: $source at $width px:"
            echo "$problems" | sed 's/^/  /'
            failed=1
        fi
    done
done
exit $failed
