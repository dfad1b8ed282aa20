/* Indicator dashboards: draws each <canvas data-chart="ID"> from the JSON of <script id="ID"> (json_script).
 *
 * The data: {labels, own, prefecture, nation, target, unit, decimals}; a null is a gap (no value, or a small
 * count suppressed on the residents' page). The series' names come from the canvas's data-label-* attributes
 * (translated on the server). The table under every chart holds the same numbers: the chart is decoration for
 * those who can see it. No inline script (CSP: script-src 'self').
 * After htmx swaps in the map section, the directory's map.js is asked to draw the new map.
 */
(function () {
  "use strict";

  var COLORS = {own: "#0b5394", prefecture: "#e69138", nation: "#6aa84f", target: "#a61c00"};

  function dataset(key, label, values, extra) {
    var set = {
      label: label, data: values, borderColor: COLORS[key], backgroundColor: COLORS[key],
      spanGaps: false, pointRadius: values.length > 40 ? 0 : 3, borderWidth: key === "own" ? 3 : 2, tension: 0
    };
    Object.keys(extra || {}).forEach(function (name) { set[name] = extra[name]; });
    return set;
  }

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-chart-ready")) { return; }
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var label = function (name, fallback) { return canvas.getAttribute("data-label-" + name) || fallback; };
    var sets = [dataset("own", label("own", "Municipality"), data.own)];
    if (data.prefecture) { sets.push(dataset("prefecture", label("prefecture", "Prefecture"), data.prefecture)); }
    if (data.nation) { sets.push(dataset("nation", label("nation", "Nation"), data.nation)); }
    if (data.target) {
      sets.push(dataset("target", label("target", "Target"), data.target, {borderDash: [6, 4], pointRadius: 0, spanGaps: true}));
    }
    canvas.setAttribute("data-chart-ready", "1");
    canvas._renkeiChart = new window.Chart(canvas, {
      type: "line",
      data: {labels: data.labels, datasets: sets},
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: {mode: "index", intersect: false},
        plugins: {legend: {position: "bottom"}},
        scales: {y: {title: {display: !!data.unit, text: data.unit || ""}}}
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  function start() {
    drawAll(document);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      drawAll(event.target);
      if (window.RenkeiMap) { window.RenkeiMap.init(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
