// The rota calendar: arrow keys move between the shift links of the days (Left/Right a day, Up/Down a week).
(function () {
  "use strict";
  function init() {
    var table = document.querySelector("[data-rota]");
    if (!table) { return; }
    var links = Array.prototype.slice.call(table.querySelectorAll("[data-rota-link]"));
    table.addEventListener("keydown", function (event) {
      var index = links.indexOf(document.activeElement);
      if (index < 0) { return; }
      var cell = document.activeElement.closest("td");
      var cells = Array.prototype.slice.call(table.querySelectorAll("td.rota-day"));
      var at = cells.indexOf(cell);
      var step = {ArrowRight: 1, ArrowLeft: -1, ArrowDown: 7, ArrowUp: -7}[event.key];
      if (step === undefined || at < 0) { return; }
      var target = cells[at + step];
      var link = target && target.querySelector("[data-rota-link]");
      if (link) { event.preventDefault(); link.focus(); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
