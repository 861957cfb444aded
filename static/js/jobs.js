/*
 * A background job's page: asks the server for the job's status every second and moves the
 * progress bar; once the job has finished, loads the job's page again, which then shows the
 * download or the message. Without JavaScript the page says to refresh it.
 */
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box || !box.dataset.polling || !window.fetch) return;
  const bar = document.getElementById("job-bar");
  const count = document.getElementById("job-count");
  const label = document.getElementById("job-label");
  const waiting = document.getElementById("job-waiting");
  const INTERVAL_MS = 1000;
  let failures = 0;

  function show(state) {
    if (state.finished) {
      // The job's own address: the import page shows this one in place of its own.
      window.location.assign(box.dataset.pageUrl);
      return false;
    }
    label.textContent = state.label;
    if (state.percent === null) {
      bar.removeAttribute("value"); // an indeterminate bar until the total is known
    } else {
      bar.value = state.percent;
    }
    count.textContent = state.total ? state.done + " / " + state.total : "";
    if (waiting) waiting.hidden = !state.waiting_long;
    return true;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (show(state)) window.setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () {
        // Signed out or the server restarting: try a little longer, then stop quietly.
        failures += 1;
        if (failures < 30) window.setTimeout(poll, INTERVAL_MS * 2);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
