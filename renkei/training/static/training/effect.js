// The effect page's chart of before/after means (the table above it is the accessible version).
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("effect-chart");
    var source = document.getElementById("effect-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {labels: data.labels, datasets: [
        {label: data.before_label, data: data.before, backgroundColor: "#9bb7d4"},
        {label: data.after_label, data: data.after, backgroundColor: "#0b5cad"}]},
      options: {indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
                scales: {x: {beginAtZero: true}}}
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
