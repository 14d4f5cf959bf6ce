// The kiosk's keypad without a round trip per key: each key fills the field in the page.
// Without this file every key is a submit button and the server adds the digit.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var key = event.target.closest("[data-keypad] button[name=key]");
    if (!key) { return; }
    var field = key.form.querySelector("[data-keypad-target]");
    if (!field) { return; }
    event.preventDefault();
    var most = parseInt(field.getAttribute("maxlength"), 10) || 11;
    if (key.value === "back") {
      field.value = field.value.slice(0, -1);
    } else if (key.value === "clear") {
      field.value = "";
    } else if (/^[0-9]$/.test(key.value) && field.value.length < most) {
      field.value += key.value;
    }
  });
})();
