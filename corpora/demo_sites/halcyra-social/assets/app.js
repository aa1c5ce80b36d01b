document.querySelectorAll("[data-consent]").forEach(function (b) {
  b.addEventListener("click", function () {
    document.cookie = "hc_consent=" + b.dataset.consent + "; max-age=31536000; path=/";
    document.getElementById("consent-bar").remove();
  });
});
