// Watchlists page: create, edit and delete through the API with the token as a Bearer header.
(function () {
  "use strict";
  var form = document.getElementById("watch-form");
  var token = document.getElementById("token");
  var statusLine = document.getElementById("watch-status");
  var editing = document.getElementById("watch-editing");
  var saved = window.localStorage.getItem("newsloom-token");
  if (saved) { token.value = saved; }
  function say(text) { statusLine.textContent = text; }
  function field(id) { return document.getElementById(id); }
  function send(method, name, body) {
    var init = { method: method, headers: { "Authorization": "Bearer " + token.value } };
    if (body) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch("/api/watchlists/" + encodeURIComponent(name), init).then(function (r) {
      if (r.status === 204) { return [r.status, {}]; }
      return r.json().then(function (data) { return [r.status, data]; });
    });
  }
  function detail(data) {
    var d = data.detail;
    return typeof d === "string" ? d : JSON.stringify(d);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = { languages: field("watch-languages").value.split(/[\s,]+/).filter(Boolean),
                 min_sources: parseInt(field("watch-min-sources").value || "1", 10),
                 webhook: field("watch-webhook").value || null,
                 email: field("watch-email").value || null };
    body[field("watch-kind").value] = field("watch-target").value;
    var name = field("watch-name").value;
    send(editing.value ? "PUT" : "POST", name, body).then(function (pair) {
      if (pair[0] === 200 || pair[0] === 201) {
        window.localStorage.setItem("newsloom-token", token.value);
        say("Saved watchlist " + name + ".");
        window.location.reload();
      } else { say("Refused (" + pair[0] + "): " + detail(pair[1])); }
    }).catch(function (err) { say("Failed: " + err); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("#watchlists tr[data-name]"), function (row) {
    row.querySelector(".delete").addEventListener("click", function () {
      send("DELETE", row.dataset.name).then(function (pair) {
        if (pair[0] === 204) { row.remove(); say("Deleted " + row.dataset.name + "."); }
        else { say("Refused (" + pair[0] + "): " + detail(pair[1])); }
      });
    });
    row.querySelector(".edit").addEventListener("click", function () {
      field("watch-name").value = row.dataset.name;
      field("watch-name").readOnly = true;
      field("watch-kind").value = row.dataset.kind;
      field("watch-target").value = row.dataset.target;
      field("watch-languages").value = row.dataset.languages;
      field("watch-min-sources").value = row.dataset.minSources;
      field("watch-webhook").value = row.dataset.webhook;
      field("watch-email").value = row.dataset.email;
      editing.value = row.dataset.name;
      document.getElementById("form-title").textContent = "Edit " + row.dataset.name;
    });
  });
})();
