// On a phone the menu starts folded, so the page itself (the home page's attention section first) is on the
// first screen. It is open in the HTML: without JavaScript nothing is out of reach. Runs right after the menu.
(function () {
  var menu = document.currentScript && document.currentScript.parentNode.querySelector("details.nav-menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 56rem)");  // the breakpoint of renkei.css's side menu
  if (!wide.matches) menu.removeAttribute("open");
  var reopen = function (event) { if (event.matches) menu.setAttribute("open", ""); };
  if (wide.addEventListener) wide.addEventListener("change", reopen);
})();
