/* The もれ率 report's trend: draws <canvas data-chart="ID"> from the JSON of <script id="ID"> (json_script).
 * Data: {labels, measured, census, baselines: [{label, value}], unit}; a null is a gap. The table under the
 * chart holds the same numbers: the page works without this script. No inline script (CSP: script-src 'self').
 */
(function () {
  "use strict";

  var COLORS = {measured: "#0b5394", census: "#e69138", baseline: "#a61c00"};

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-chart-ready")) { return; }
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var label = function (name, fallback) { return canvas.getAttribute("data-label-" + name) || fallback; };
    var sets = [
      {label: label("measured", "Measured"), data: data.measured, borderColor: COLORS.measured,
       backgroundColor: COLORS.measured, borderWidth: 3, spanGaps: false, tension: 0},
      {label: label("census", "Survey"), data: data.census, borderColor: COLORS.census,
       backgroundColor: COLORS.census, showLine: false, pointRadius: 6, pointStyle: "rectRot"}
    ];
    (data.baselines || []).forEach(function (baseline) {
      sets.push({label: label("baseline", "Baseline") + " " + baseline.label,
                 data: data.labels.map(function () { return baseline.value; }), borderColor: COLORS.baseline,
                 backgroundColor: COLORS.baseline, borderDash: [6, 4], pointRadius: 0, borderWidth: 2});
    });
    canvas.setAttribute("data-chart-ready", "1");
    new window.Chart(canvas, {
      type: "line",
      data: {labels: data.labels, datasets: sets},
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: {mode: "index", intersect: false},
        plugins: {legend: {position: "bottom"}},
        scales: {y: {min: 0, suggestedMax: 50, title: {display: true, text: data.unit || "%"}}}
      }
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
