/* Transparency Center: a client-side app; the page has no content without JavaScript. */
(function () {
  var root = document.getElementById("root");
  fetch("/api/transparency.json")
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var html = "<h1>" + data.title + "</h1><p>" + data.intro + "</p><table><tr><th>Period</th><th>Removal requests</th><th>URLs removed</th></tr>";
      data.periods.forEach(function (p) {
        html += "<tr><td>" + p.period + "</td><td>" + p.requests + "</td><td>" + p.urls_removed + "</td></tr>";
      });
      root.innerHTML = html + "</table>";
    })
    .catch(function () { root.textContent = "The Transparency Center could not be loaded."; });
})();
