// Progressive enhancement only: every page works without this script.
// Moves focus to an error summary when a form comes back with problems, so
// keyboard and screen reader users hear the problems first (GOV.UK pattern);
// opens the scorecard's choosers on a wide screen.
(function () {
  "use strict";
  function ready() {
    var summary = document.querySelector("[data-focus]");
    if (summary) {
      summary.focus();
    }
    // The scorecard's choosers start folded (a phone's first screen is for
    // figures); on a wide screen there is room, so they open.
    var wide = window.matchMedia && window.matchMedia("(min-width: 56.3em)").matches;
    if (wide) {
      var folded = document.querySelectorAll("details[data-open-wide]");
      for (var i = 0; i < folded.length; i++) {
        folded[i].open = true;
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
