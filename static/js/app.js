/*
 * Behaviour shared by every page, from data- attributes (the Content-Security-Policy allows no
 * inline script or event handler):
 * - select[data-autosubmit]: choosing an option submits its form (language, year filters);
 * - form[data-confirm]: asks the question before submitting; cancelling keeps the page;
 * - input[data-tick-all="NAME"]: ticks or unticks every box named NAME in its form.
 * Without JavaScript the forms still work: a <noscript> button submits, nothing is asked.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    } else if (target.matches("input[data-tick-all]") && target.form) {
      const name = target.dataset.tickAll;
      target.form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === name) box.checked = target.checked;
      });
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
