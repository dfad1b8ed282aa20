// The implementation-status questionnaire: show an item's contractor fields only when it is contracted out and
// its partner list only when it is run jointly. Without this script every field stays visible (and the server
// checks the same rule).
(function () {
  "use strict";
  function fieldOf(input) {
    return input ? input.closest(".field") : null;
  }
  function sync(select) {
    var item = select.name.replace("operation_", "");
    var form = select.form;
    var contracted = select.value === "contracted";
    var joint = select.value === "joint";
    [form.elements["contractor_" + item], form.elements["contractor_name_" + item]].forEach(function (input) {
      var field = fieldOf(input);
      if (field && !(input.value && !contracted)) { field.hidden = !contracted; }
    });
    var partners = form.elements["joint_with_" + item];
    var partnerField = fieldOf(partners);
    if (partnerField && !(partners.selectedOptions && partners.selectedOptions.length && !joint)) {
      partnerField.hidden = !joint;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.survey-answer select[name^=operation_]").forEach(function (select) {
      sync(select);
      select.addEventListener("change", function () { sync(select); });
    });
  });
})();
