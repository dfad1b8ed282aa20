/* The desk report's bar charts: <canvas data-desk-chart="months|requester_kind|…" data-source="ID"> from the JSON
 * of <script id="ID"> (json_script). A masked count is null and draws no bar. The tables hold the same numbers:
 * the page works without this script. No inline script (CSP: script-src 'self').
 */
(function () {
  "use strict";

  var COLORS = {received: "#0b5394", closed: "#6aa84f", count: "#674ea7"};

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-chart-ready")) { return; }
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var key = canvas.getAttribute("data-desk-chart");
    var label = function (name, fallback) { return canvas.getAttribute("data-label-" + name) || fallback; };
    var config;
    if (key === "months") {
      config = {labels: data.months.labels, datasets: [
        {label: label("received", "Received"), data: data.months.received, backgroundColor: COLORS.received},
        {label: label("closed", "Closed"), data: data.months.closed, backgroundColor: COLORS.closed}]};
    } else {
      var breakdown = data.breakdowns[key];
      if (!breakdown) { return; }
      config = {labels: breakdown.labels, datasets: [
        {label: label("count", "Cases"), data: breakdown.counts, backgroundColor: COLORS.count}]};
    }
    canvas.setAttribute("data-chart-ready", "1");
    new window.Chart(canvas, {
      type: "bar",
      data: config,
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: key === "months" ? "x" : "y",
        plugins: {legend: {display: key === "months", position: "bottom"}},
        scales: {x: {beginAtZero: true, ticks: {precision: 0}}, y: {beginAtZero: true, ticks: {precision: 0}}}
      }
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-desk-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
