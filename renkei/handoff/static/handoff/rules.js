// The rule form's "Add a step": clones the formset's empty row and counts it in TOTAL_FORMS.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("add-step");
    var template = document.getElementById("step-row-template");
    var total = document.getElementById("id_steps-TOTAL_FORMS");
    var rows = document.getElementById("step-rows");
    if (!button || !template || !total || !rows) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild.querySelector("select, input");
      if (first) { first.focus(); }
    });
  });
})();
