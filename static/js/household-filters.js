/*
 * The household list's filters (#household-filters): offer only the chosen ward's quarters and
 * hamlets (without JavaScript all are listed), and keep empty filters out of the address, so a
 * bookmarked link shows only what was chosen.
 */
(function () {
  "use strict";
  const ward = document.getElementById("id_ward");
  const quarter = document.getElementById("id_quarter");
  if (ward && quarter) {
    const sync = function () {
      for (const option of quarter.querySelectorAll("option[data-ward]")) {
        option.hidden = option.disabled = Boolean(ward.value) && option.dataset.ward !== ward.value;
      }
      for (const group of quarter.querySelectorAll("optgroup")) {
        group.hidden = !Array.from(group.children).some((option) => !option.hidden);
      }
      if (quarter.selectedOptions.length && quarter.selectedOptions[0].hidden) quarter.value = "";
    };
    ward.addEventListener("change", sync);
    sync();
  }
  const filters = document.getElementById("household-filters");
  if (filters) {
    filters.addEventListener("formdata", (event) => {
      for (const [name, value] of Array.from(event.formData.entries())) {
        if (value === "") event.formData.delete(name);
      }
    });
  }
})();
