// Layout check run inside a report page by scripts/browser-check.sh (injected before </body>). Writes one line per
// problem into a pre element with the id layout-check, or "ok" — the script reads it back from chromium --dump-dom.
(function () {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const say = (text) => { if (problems.length < 40) problems.push(text); };
  const name = (el) => {
    const cls = el.getAttribute("class");
    const text = (el.textContent || "").trim().slice(0, 40);
    return el.tagName.toLowerCase() + (cls ? "." + cls.replace(/ /g, ".") : "") + (text ? ` "${text}"` : "");
  };
  const visible = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (getComputedStyle(e).display === "none") return false;
    }
    return true;
  };
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll") return true;
    }
    return false;
  };
  const overlap = (a, b, slack) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;
  try {
    if (window.__layoutErrors && window.__layoutErrors.length) say("script errors: " + window.__layoutErrors.join("; "));
    const page = document.documentElement.scrollWidth;
    if (page > vw + 1) say(`the page scrolls sideways: ${page} px wide in a ${vw} px viewport`);
    // Nothing reaches past the viewport except inside a scroll container (the wide run tables).
    for (const el of document.body.querySelectorAll("*")) {
      if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
      const r = el.getBoundingClientRect();
      if ((r.width || r.height) && r.right > vw + 1 && !inScroller(el) && visible(el)) {
        say(`wider than the viewport: ${name(el)} ends at ${Math.round(r.right)} px`);
      }
    }
    const charts = [...document.querySelectorAll("svg.chart")].filter(visible);
    if (charts.length === 0) say("no visible chart");
    for (const svg of charts) {
      const title = svg.getAttribute("aria-label");
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      const wrap = svg.closest(".chart-wrap");
      if (wrap && wrap.scrollWidth > wrap.clientWidth + 1) say(`${title}: the chart scrolls sideways`);
      const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() !== "");
      const rects = texts.map((t) => t.getBoundingClientRect());
      texts.forEach((t, i) => {
        const r = rects[i];
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          say(`${title}: label clipped at the chart's edge: ${name(t)}`);
        }
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (px < 7.5) say(`${title}: text drawn at ${px.toFixed(1)} px: ${name(t)}`);
      });
      // No two labels on top of each other (ticks, titles, legends, values).
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          if (overlap(rects[i], rects[j], 1.5)) say(`${title}: labels overlap: ${name(texts[i])} and ${name(texts[j])}`);
        }
      }
      // Legends stay off the plot area.
      const plot = svg.querySelector("rect.plot");
      if (plot) {
        const p = plot.getBoundingClientRect();
        texts.forEach((t, i) => {
          if (t.getAttribute("class") === "legend" && overlap(rects[i], p, 0.5)) say(`${title}: legend on the plot: ${name(t)}`);
        });
      }
    }
  } catch (error) {
    say("the check itself failed: " + error);
  }
  const out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = problems.length ? problems.join("\n") : "ok";
  document.body.appendChild(out);
})();
