/* The reach page's bar chart: <canvas data-reach-chart="ID"> drawn from the JSON of <script id="ID"> (json_script):
 * {labels: professions, datasets: [{label: fiscal year, data: people}]}. The table under it holds the same numbers;
 * the page works without this script. No inline script (CSP: script-src 'self').
 */
(function () {
  "use strict";

  var COLORS = ["#0b5394", "#e69138", "#6aa84f", "#a64d79", "#3d85c6", "#cc0000", "#999999", "#45818e",
                "#bf9000", "#674ea7"];

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-chart-ready")) { return; }
    var source = document.getElementById(canvas.getAttribute("data-reach-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    data.datasets.forEach(function (set, i) { set.backgroundColor = COLORS[i % COLORS.length]; });
    canvas.setAttribute("data-chart-ready", "1");
    new window.Chart(canvas, {
      type: "bar",
      data: data,
      options: {responsive: true, maintainAspectRatio: false, animation: false,
                plugins: {legend: {position: "bottom"}}, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
    });
  }

  function start() { document.querySelectorAll("canvas[data-reach-chart]").forEach(draw); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
