// Stocktake's repair to Swagger UI's markup, loaded by the page at /api/docs/
// (crates/web/static/api-docs.html) before Swagger UI starts. The buttons
// that copy a code sample or a response are empty, drawn by a background
// image, so a screen reader announces nothing: each is given a name as
// Swagger UI adds it. A long example or answer scrolls inside its box, which
// a keyboard cannot reach: each code box is made focusable, so the arrow
// keys scroll it (WCAG 2.1.1).
(function () {
  'use strict';

  var root = document.getElementById('swagger-ui');
  if (!root) return;

  function nameCopyButtons() {
    root.querySelectorAll('.copy-to-clipboard > button:not([aria-label])').forEach(function (button) {
      button.setAttribute('aria-label', 'Copy to clipboard');
      button.setAttribute('title', 'Copy to clipboard');
    });
  }

  function letKeyboardsScroll() {
    root.querySelectorAll('pre.microlight:not([tabindex])').forEach(function (box) {
      box.setAttribute('tabindex', '0');
    });
  }

  function repair() {
    nameCopyButtons();
    letKeyboardsScroll();
  }

  new MutationObserver(repair).observe(root, { childList: true, subtree: true });
})();
