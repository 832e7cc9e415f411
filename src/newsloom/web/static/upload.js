// Upload page: sends the files with the token as a Bearer header, then polls the job.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var statusLine = document.getElementById("upload-status");
  var token = document.getElementById("token");
  var remember = document.getElementById("remember");
  var saved = window.localStorage.getItem("newsloom-token");
  if (saved) { token.value = saved; remember.checked = true; }
  function say(text) { statusLine.textContent = text; }
  function poll(id) {
    fetch("/api/jobs/" + encodeURIComponent(id), {
      headers: { "Authorization": "Bearer " + token.value } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.status === "done") {
          var s = job.stats;
          say("Done: " + s.added + " added, " + s.unchanged + " unchanged, " + s.skipped +
              " skipped; " + s.clustered + " articles clustered.");
        } else if (job.status === "failed") {
          say("Failed: " + job.error);
        } else {
          say("Job " + job.id + ": " + job.status + "…");
          window.setTimeout(function () { poll(id); }, 1000);
        }
      });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (remember.checked) {
      window.localStorage.setItem("newsloom-token", token.value);
      document.cookie = "newsloom_token=" + encodeURIComponent(token.value) +
        "; path=/; SameSite=Strict";
    } else {
      window.localStorage.removeItem("newsloom-token");
      document.cookie = "newsloom_token=; path=/; max-age=0; SameSite=Strict";
    }
    var data = new FormData();
    Array.prototype.forEach.call(document.getElementById("files").files, function (f) {
      data.append("files", f, f.name);
    });
    say("Uploading…");
    fetch("/api/ingest", { method: "POST", body: data,
                           headers: { "Authorization": "Bearer " + token.value } })
      .then(function (r) { return r.json().then(function (body) { return [r.status, body]; }); })
      .then(function (pair) {
        if (pair[0] !== 202) { say("Refused (" + pair[0] + "): " + pair[1].detail); return; }
        poll(pair[1].id);
      })
      .catch(function (err) { say("Upload failed: " + err); });
  });
})();
