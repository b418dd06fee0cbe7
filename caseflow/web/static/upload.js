// Registering a document: drag and drop onto the file field's area, and a progress bar while
// the file is sent. Without this script the form posts as usual.
"use strict";
(function () {
  const form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("h-file");
  const chosen = document.getElementById("drop-chosen");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  document.getElementById("drop-hint").hidden = false;

  function show(file) {
    chosen.textContent = file ? "Vald fil: " + file.name + " (" + Math.ceil(file.size / 1024) + " kB)" : "";
  }
  input.addEventListener("change", function () { show(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!files || files.length === 0) return;
    if (files.length > 1) {
      status.textContent = "Släpp en fil i taget.";
      return;
    }
    const list = new DataTransfer();
    list.items.add(files[0]);
    input.files = list.files;
    show(files[0]);
  });

  form.addEventListener("submit", function (event) {
    if (!input.files || input.files.length === 0) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "Skickar filen …";
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = "Skickat " + bar.value + " %";
      }
    });
    request.addEventListener("load", function () {
      if (request.status < 400) {
        window.location.assign(request.responseURL || window.location.href);
        return;
      }
      bar.hidden = true;
      let message = "Filen kunde inte registreras (" + request.status + ").";
      const page = new DOMParser().parseFromString(request.responseText, "text/html");
      const alert = page.querySelector("[role=alert]");
      if (alert) message = alert.textContent.trim();
      else if (request.responseText && request.status === 413) message = request.responseText;
      status.textContent = message;
    });
    request.addEventListener("error", function () {
      bar.hidden = true;
      status.textContent = "Anslutningen bröts; försök igen.";
    });
    request.send(new FormData(form));
  });
})();
