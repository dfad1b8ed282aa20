// The directory search inside a case form: Enter searches (htmx listens for it) instead of submitting the form,
// so a keyboard user does not record a half-filled case by pressing Enter in the search box.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.key === "Enter" && target.matches && target.matches(".facility-picker input[type=search]")) {
    event.preventDefault();
  }
});
