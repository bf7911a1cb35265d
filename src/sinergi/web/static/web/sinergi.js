/* Sinergi's few behaviours; the pages work without them.
 * - An error summary takes the focus when it appears (on load and after an htmx swap), so
 *   screen-reader and keyboard users hear the problem first.
 * - A form marked data-prevent-double-submit ignores a second submit while the first is on
 *   its way (the server also refuses a duplicate by its idempotency key).
 */
(function () {
  "use strict";

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector(".sg-error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.target);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-prevent-double-submit")) {
      return;
    }
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
    window.setTimeout(function () {
      form.dataset.submitting = "false";
      form.querySelectorAll("[aria-disabled=true]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
    }, 5000);
  });
})();
