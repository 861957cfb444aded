/*
 * Rows of a Django formset added and removed without a page reload.
 *
 * Markup: a [data-formset] element with data-formset-prefix, holding the management form,
 * a [data-formset-list] of [data-formset-row] elements, a <template data-formset-empty> with
 * the formset's empty_form (prefix "__prefix__") and a [data-formset-add] button. Rows added
 * here carry a [data-formset-remove] button; saved rows have Django's DELETE checkbox instead.
 * Each row may show its position in a [data-formset-number] element.
 */
(function () {
  "use strict";

  function setUp(root) {
    var prefix = root.dataset.formsetPrefix;
    var total = root.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var initial = parseInt(root.querySelector("#id_" + prefix + "-INITIAL_FORMS").value, 10);
    var maximum = parseInt(root.querySelector("#id_" + prefix + "-MAX_NUM_FORMS").value, 10);
    var list = root.querySelector("[data-formset-list]");
    var template = root.querySelector("template[data-formset-empty]");
    var addButton = root.querySelector("[data-formset-add]");
    // Matches "members-3-" and "members-__prefix__-" in names, and after "id_" in ids.
    var indexed = new RegExp("(^|_)(" + prefix + "-)(\\d+|__prefix__)(-)");

    function rows() {
      return Array.prototype.slice.call(list.querySelectorAll("[data-formset-row]"));
    }

    function setIndex(row, index) {
      row.querySelectorAll("*").forEach(function (element) {
        ["name", "id", "for", "aria-labelledby", "aria-describedby"].forEach(function (attr) {
          var value = element.getAttribute(attr);
          if (value !== null && indexed.test(value)) {
            element.setAttribute(attr, value.replace(indexed, "$1$2" + index + "$4"));
          }
        });
      });
      ["aria-labelledby", "id"].forEach(function (attr) {
        var value = row.getAttribute(attr);
        if (value !== null && indexed.test(value)) {
          row.setAttribute(attr, value.replace(indexed, "$1$2" + index + "$4"));
        }
      });
    }

    function refresh() {
      var all = rows();
      all.forEach(function (row, position) {
        var number = row.querySelector("[data-formset-number]");
        if (number) {
          number.textContent = String(position + 1);
        }
      });
      total.value = String(all.length);
      addButton.disabled = all.length >= maximum;
    }

    function firstField(row) {
      return row.querySelector(
        "input:not([type=hidden]):not([type=checkbox]), select, textarea"
      );
    }

    addButton.addEventListener("click", function () {
      var index = rows().length;
      if (index >= maximum) {
        return;
      }
      var row = template.content.firstElementChild.cloneNode(true);
      setIndex(row, index);
      list.appendChild(row);
      refresh();
      var field = firstField(row);
      if (field) {
        field.focus();
      }
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-formset-remove]");
      if (!button) {
        return;
      }
      var row = button.closest("[data-formset-row]");
      var position = rows().indexOf(row);
      row.remove();
      // Only rows added after the saved ones can be removed, so renumbering them keeps the
      // indexes Django expects: 0 … TOTAL_FORMS - 1, saved rows first.
      rows().forEach(function (other, index) {
        if (index >= initial) {
          setIndex(other, index);
        }
      });
      refresh();
      var next = rows()[Math.min(position, rows().length - 1)];
      (next ? firstField(next) : addButton).focus();
    });

    list.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox][name$='-DELETE']")) {
        event.target.closest("[data-formset-row]").classList.toggle("to-delete", event.target.checked);
      }
    });

    refresh();
  }

  document.querySelectorAll("[data-formset]").forEach(setUp);
})();
