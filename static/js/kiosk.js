// The store kiosk: after data-kiosk-idle seconds without a touch, a warning counts down
// data-kiosk-warning seconds with a "continue" button; at the end (or data-kiosk-reset-after
// seconds after a result) the "done" form is sent, which ends the member's session.
// Without JavaScript the server ends an idle session all the same.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var idle = parseInt(body.dataset.kioskIdle, 10);
    var warning = parseInt(body.dataset.kioskWarning, 10);
    var doneForm = document.querySelector("[data-kiosk-done-form]");
    var dialog = document.querySelector("[data-testid='kiosk-idle-warning']");
    if (!(idle > 0) || !(warning > 0) || !doneForm || !dialog) {
      return;
    }
    var count = dialog.querySelector("[data-kiosk-count]");
    var idleTimer = null, tickTimer = null, left = warning, lastPing = Date.now();

    function finish() {
      window.clearTimeout(idleTimer);
      window.clearInterval(tickTimer);
      doneForm.submit();
    }

    function warn() {
      left = warning;
      count.textContent = left;
      dialog.hidden = false;
      dialog.querySelector("[data-testid='kiosk-continue']").focus();
      tickTimer = window.setInterval(function () {
        left -= 1;
        count.textContent = Math.max(left, 0);
        if (left <= 0) { finish(); }
      }, 1000);
    }

    // The server counts the member as there while requests come; a touch that asks for no
    // page tells it so, now and then.
    function stillHere() {
      if (Date.now() - lastPing < 15000) { return; }
      lastPing = Date.now();
      var data = new FormData(doneForm);
      window.fetch(doneForm.action.replace(/done$/, "still-here"),
                   { method: "POST", body: data, credentials: "same-origin" });
    }

    function restart() {
      window.clearTimeout(idleTimer);
      window.clearInterval(tickTimer);
      dialog.hidden = true;
      idleTimer = window.setTimeout(warn, idle * 1000);
    }

    ["pointerdown", "keydown", "touchstart", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () {
        if (dialog.hidden) { restart(); stillHere(); }
      }, { passive: true });
    });
    dialog.querySelector("[data-testid='kiosk-continue']").addEventListener("click", function () {
      lastPing = 0;
      stillHere();
      restart();
    });
    var resetAfter = parseInt(body.dataset.kioskResetAfter, 10);
    if (resetAfter > 0) {
      window.setTimeout(finish, resetAfter * 1000);
    }
    // Shown again from the back/forward cache: the page may belong to a session that ended.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { window.location.reload(); }
    });
    restart();
  });
})();
