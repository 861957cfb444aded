/*
 * The import page: upload with a progress bar, then a "checking" notice while the server reads
 * the file; the page that comes back replaces this one. Without JavaScript the form posts as usual.
 */
(function () {
  const form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const box = document.getElementById("import-progress");
  const bar = document.getElementById("upload-bar");
  const processing = document.getElementById("processing");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.upload.onload = function () {
      bar.value = 100;
      processing.hidden = false;
    };
    xhr.onload = function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = function () { form.submit(); };
    box.hidden = false;
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    xhr.send(new FormData(form));
  });
  for (const confirm of document.querySelectorAll("form.js-processing")) {
    confirm.addEventListener("submit", function () {
      for (const button of confirm.querySelectorAll("button")) button.disabled = true;
      processing.hidden = false;
      box.hidden = false;
      document.getElementById("upload-label").hidden = true;
      bar.hidden = true;
    });
  }
})();
