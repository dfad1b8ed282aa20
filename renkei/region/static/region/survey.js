/* The survey report's horizontal stacked bar charts: <canvas data-survey-chart="KEY" data-source="ID"> from the
 * JSON of <script id="ID"> (json_script): {KEY: {labels, columns, percents: [[p, …] per row]}}. Each row's bar is
 * 100 %, one segment per column. The table under each chart holds the same figures: the page works without this
 * script. No inline script (CSP: script-src 'self').
 */
(function () {
  "use strict";

  var COLORS = ["#0b5394", "#93c47d", "#cccccc", "#e69138", "#674ea7", "#c27ba0"];

  function draw(canvas, data) {
    if (!window.Chart || canvas.getAttribute("data-chart-ready")) { return; }
    var chart = data[canvas.getAttribute("data-survey-chart")];
    if (!chart) { return; }
    var stacked = chart.columns.length > 1;
    var datasets = chart.columns.map(function (column, index) {
      return {label: column, backgroundColor: COLORS[index % COLORS.length],
              data: chart.percents.map(function (row) { return row[index]; })};
    });
    canvas.setAttribute("data-chart-ready", "1");
    var box = canvas.parentNode;
    var bars = parseInt(box.getAttribute("data-bars"), 10) || chart.labels.length;
    box.style.height = (bars * 2 + (stacked ? 4 : 2)) + "rem";
    new window.Chart(canvas, {
      type: "bar",
      data: {labels: chart.labels, datasets: datasets},
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {legend: {display: stacked, position: "bottom"},
                  tooltip: {callbacks: {label: function (item) { return item.dataset.label + ": " + item.parsed.x + "%"; }}}},
        scales: {x: {stacked: stacked, min: 0, max: 100, ticks: {callback: function (v) { return v + "%"; }}},
                 y: {stacked: stacked, ticks: {autoSkip: false, callback: function (value) {
                   var label = this.getLabelForValue(value);
                   return label.length > 18 ? label.slice(0, 17) + "…" : label;
                 }}}}
      }
    });
  }

  function drawAll() {
    var source = document.getElementById("survey-chart-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-survey-chart]").forEach(function (canvas) { draw(canvas, data); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  window.addEventListener("load", drawAll);
})();
