/* Sisnaker's only script of its own: small behaviours that used to be inline attributes, which the
   Content-Security-Policy refuses. Pages work without it; it runs on load and on every htmx swap. */
(function () {
  "use strict";

  /* Bars: <span data-width="42.5"> gets width 42.5% (progress of issuing, survey summaries). */
  function applyWidths(root) {
    var bars = (root || document).querySelectorAll("[data-width]");
    for (var i = 0; i < bars.length; i++) {
      var value = parseFloat(bars[i].getAttribute("data-width"));
      if (!isFinite(value)) { continue; }
      bars[i].style.width = Math.max(0, Math.min(100, value)) + "%";
    }
  }

  /* "Select all" checkbox: <input type="checkbox" data-select-all="ids"> (un)checks every
     input[name=ids] of its form. Delegated, so it keeps working after htmx replaces the table. */
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-select-all]")) { return; }
    var form = box.closest("form");
    if (!form) { return; }
    var name = box.getAttribute("data-select-all");
    var inputs = form.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].name === name) { inputs[i].checked = box.checked; }
    }
  });

  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(applyWidths);  // the whole page once, then each swapped-in fragment
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  } else {
    applyWidths(document);
  }
})();
