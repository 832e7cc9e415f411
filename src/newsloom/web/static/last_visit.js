// Home page: "N new alerts since your last visit". The browser remembers the newest alert id
// it has shown (ids only grow, so no clock of the browser or the server is compared); the
// first visit only remembers it.
(function () {
  "use strict";
  var line = document.getElementById("since-last-visit");
  if (!line) { return; }
  var key = "newsloom-last-alert";
  var last = window.localStorage.getItem(key);
  fetch("/api/alerts?limit=500").then(function (r) { return r.ok ? r.json() : []; })
    .then(function (alerts) {
      var newest = alerts.length ? alerts[0].id : 0;
      window.localStorage.setItem(key, String(Math.max(newest, Number(last || 0))));
      if (last === null) { return; }
      var fresh = alerts.filter(function (a) { return a.id > Number(last); }).length;
      if (!fresh) { return; }
      var link = document.createElement("a");
      link.href = "/alerts";
      link.textContent = (fresh === 1 ? "1 new alert" : fresh + " new alerts") +
        " since your last visit";
      line.textContent = "";
      line.appendChild(link);
      line.hidden = false;
    });
})();
