// Live progress of a report run: polls the job's JSON status until it ends.
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
    if (data.error) {
      var error = document.getElementById("job-error");
      error.textContent = data.error;
      error.hidden = false;
    }
    if (data.finished) {
      if (data.download) { document.getElementById("job-download").hidden = false; }
      window.location.reload();
      return true;
    }
    return false;
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) { if (!show(data)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
