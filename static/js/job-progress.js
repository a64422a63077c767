// Live progress of a background job (an import, a report run): polls the
// job's JSON status and reloads the page once the job ends (the page then
// shows the outcome: the preview, the error, the download). Without JavaScript
// the page says to reload it.
(function () {
  "use strict";
  var box = document.getElementById("job-status");
  if (!box || box.dataset.finished === "true") { return; }
  var url = box.dataset.progressUrl;
  function show(data) {
    document.getElementById("job-status-label").textContent = data.status_label;
    document.getElementById("job-message").textContent = data.message;
    document.getElementById("job-progress").value = data.progress;
    document.getElementById("job-percent").textContent = data.progress + " %";
    if (data.finished) {
      window.location.reload();
      return true;
    }
    return false;
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) { if (!show(data)) { window.setTimeout(poll, 700); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 300);
})();
