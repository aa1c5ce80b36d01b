// Hide the cookie banner once a choice is stored.
(function () {
  var banner = document.getElementById("cookie-consent");
  if (!banner) return;
  if (localStorage.getItem("nimbus-consent")) { banner.hidden = true; return; }
  banner.addEventListener("click", function (e) {
    if (e.target.tagName !== "BUTTON") return;
    localStorage.setItem("nimbus-consent", e.target.className);
    banner.hidden = true;
  });
})();
