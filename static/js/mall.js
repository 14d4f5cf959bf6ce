// Points Mall: the expiry countdown ticks once a second. Everything else works without it.
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  function render(el) {
    var left = Math.max(0, Date.parse(el.dataset.expiresAt) - Date.now());
    var s = Math.floor(left / 1000);
    var days = Math.floor(s / 86400);
    var hms = pad(Math.floor(s % 86400 / 3600)) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
    var label = days > 1 ? el.dataset.labelDays : days === 1 ? el.dataset.labelOneDay : el.dataset.labelToday;
    el.textContent = label.replace("{days}", days).replace("{hms}", hms);
  }

  function tick() {
    document.querySelectorAll("[data-expires-at][data-label-days]").forEach(render);
  }

  // A swapped-in confirm or result may open under the phone's tab bar: scroll the page
  // just enough to show it. (scrollIntoView would move the visual viewport on phones and
  // slide the sticky header out of sight.)
  function revealAboveTabBar(el) {
    var bar = document.querySelector(".tabbar");
    var limit = bar && bar.getClientRects().length ? bar.getBoundingClientRect().top : window.innerHeight;
    var overflow = el.getBoundingClientRect().bottom - limit + 8;
    if (overflow > 0) {
      window.scrollBy({ top: overflow, behavior: "smooth" });
    }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var el = event.detail.elt;
    if (el && el.classList && el.classList.contains("redeem") && el.isConnected) {
      revealAboveTabBar(el);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
  });
})();
