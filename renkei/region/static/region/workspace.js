/* The workspace's progress chart: <canvas data-ws-chart="progress" data-source="ID"> from the JSON of
 * <script id="ID"> (json_script): the share of municipalities implementing each item (ア)–(ク) by fiscal year.
 * The table below the chart holds the same numbers: the page works without this script. The map is drawn by
 * directory/map.js. No inline script (CSP: script-src 'self').
 */
(function () {
  "use strict";

  var COLORS = ["#0b5394", "#6aa84f", "#e69138", "#674ea7", "#cc0000", "#3d85c6", "#b45f06", "#45818e"];

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-chart-ready")) { return; }
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    canvas.setAttribute("data-chart-ready", "1");
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.years.map(String),
        datasets: data.items.map(function (item, index) {
          return {label: item.label, data: item.share, borderColor: COLORS[index % COLORS.length],
            backgroundColor: COLORS[index % COLORS.length], tension: 0};
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {legend: {position: "bottom"}},
        scales: {y: {beginAtZero: true, max: 100, ticks: {callback: function (v) { return v + "%"; }}}}
      }
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-ws-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
