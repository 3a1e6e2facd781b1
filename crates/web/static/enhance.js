// Progressive enhancement only: every page works without this script.
// Moves focus to an error summary when a form comes back with problems, so
// keyboard and screen reader users hear the problems first (GOV.UK pattern).
(function () {
  "use strict";
  function ready() {
    var summary = document.querySelector("[data-focus]");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
