/* The wide-area rule's trend: draws <canvas data-chart="ID"> from the JSON of <script id="ID"> (json_script).
 * Data: {labels, measured, info, survey, unit}; a null is a gap. The table under the chart holds the same
 * numbers: the page works without this script. No inline script (CSP: script-src 'self').
 */
(function () {
  "use strict";

  var COLORS = {measured: "#0b5394", info: "#38761d", survey: "#e69138"};

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-chart-ready")) { return; }
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var label = function (name, fallback) { return canvas.getAttribute("data-label-" + name) || fallback; };
    canvas.setAttribute("data-chart-ready", "1");
    new window.Chart(canvas, {
      type: "line",
      data: {labels: data.labels, datasets: [
        {label: label("measured", "Measured"), data: data.measured, borderColor: COLORS.measured,
         backgroundColor: COLORS.measured, borderWidth: 3, spanGaps: false, tension: 0},
        {label: label("info", "Admission information"), data: data.info, borderColor: COLORS.info,
         backgroundColor: COLORS.info, borderWidth: 2, borderDash: [6, 4], spanGaps: false, tension: 0},
        {label: label("survey", "Survey"), data: data.survey, borderColor: COLORS.survey,
         backgroundColor: COLORS.survey, showLine: false, pointRadius: 6, pointStyle: "rectRot"}
      ]},
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: {mode: "index", intersect: false},
        plugins: {legend: {position: "bottom"}},
        scales: {y: {min: 0, max: 100, title: {display: true, text: data.unit || "%"}}}
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
