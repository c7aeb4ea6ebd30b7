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

  /* Conditional survey questions: <fieldset data-show-if="q-status" data-show-if-values="working self_employed">
     is shown only while an input named q-status with one of those values is checked (the server ignores the
     answers of a question that is not asked). Without this script every question stays visible. */
  function applyConditions(root) {
    var scope = root || document;
    var items = scope.querySelectorAll("[data-show-if]");
    for (var i = 0; i < items.length; i++) {
      var form = items[i].closest("form");
      if (!form) { continue; }
      var name = items[i].getAttribute("data-show-if");
      var wanted = (items[i].getAttribute("data-show-if-values") || "").split(" ");
      var shown = false;
      var inputs = form.querySelectorAll("input");
      for (var k = 0; k < inputs.length; k++) {
        if (inputs[k].name === name && inputs[k].checked && wanted.indexOf(inputs[k].value) !== -1) { shown = true; }
      }
      items[i].hidden = !shown;
      var hint = items[i].querySelector(".condition-hint");
      if (hint) { hint.hidden = true; }
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.form && event.target.form.querySelector("[data-show-if]")) { applyConditions(event.target.form); }
  });
  applyConditions(document);

  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(applyWidths);  // the whole page once, then each swapped-in fragment
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  } else {
    applyWidths(document);
  }
})();
