/*
 * Behaviour shared by every page, from data- attributes (the Content-Security-Policy allows no
 * inline script or event handler):
 * - select[data-autosubmit]: choosing an option submits its form (language, year filters);
 * - form[data-confirm]: asks the question before submitting; cancelling keeps the page;
 * - input[data-tick-all="NAME"]: ticks or unticks every box named NAME in its form;
 * - form[data-keep-typed]: when htmx swaps the form for a new one (the benefit and loan forms
 *   reload on a change of programme, member or date), each box typed in since the page opened
 *   keeps what was typed, even while the reload was on its way, and the box being typed in keeps
 *   the focus; the boxes not typed in take what the server sent (the programme's usual amount).
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

  // form id -> {field name: what was typed}, for form[data-keep-typed].
  const typed = {};
  let focused = null;

  function keepsTyped(field) {
    return field.form && field.form.id && field.form.matches("form[data-keep-typed]") &&
      field.name && field.matches("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea");
  }

  document.addEventListener("input", function (event) {
    const field = event.target;
    if (keepsTyped(field)) {
      (typed[field.form.id] = typed[field.form.id] || {})[field.name] = field.value;
    }
  });

  document.addEventListener("htmx:beforeSwap", function () {
    const active = document.activeElement;
    focused = null;
    if (active && active.form && active.form.id && active.form.matches("form[data-keep-typed]") && active.name) {
      focused = { form: active.form.id, name: active.name, start: null, end: null };
      try {
        focused.start = active.selectionStart;
        focused.end = active.selectionEnd;
      } catch (e) { /* no selection in this kind of box */ }
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(typed).forEach(function (id) {
      const form = document.getElementById(id);
      if (!form) return;
      Object.keys(typed[id]).forEach(function (name) {
        const field = form.elements.namedItem(name);
        if (field && keepsTyped(field)) field.value = typed[id][name];
      });
    });
    const form = focused && document.getElementById(focused.form);
    const field = form && form.elements.namedItem(focused.name);
    if (field && typeof field.focus === "function") {
      field.focus();
      try {
        if (focused.start !== null) field.setSelectionRange(focused.start, focused.end);
      } catch (e) { /* no selection in this kind of box */ }
    }
    focused = null;
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
