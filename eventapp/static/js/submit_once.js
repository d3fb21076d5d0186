// A form marked data-submit-once sends once: at the first tap its button turns busy (a
// spinner and the form's data-busy-label) and disabled, so a second tap on a slow hall
// network sends nothing. The server stays safe against double votes by itself.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-submit-once]");

  function label(button, text) {
    if (button.tagName === "INPUT") {
      button.value = text;
    } else {
      button.textContent = text;
    }
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      // "Continue" on the ballot only shows the check step on the page (live.js): not sent.
      if (event.submitter && event.submitter.hasAttribute("data-confirm-ask")) return;
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      var button = event.submitter || form.querySelector("[type=submit]");
      form.dataset.sent = "1";
      if (!button) return;
      button.dataset.label = button.tagName === "INPUT" ? button.value : button.textContent;
      button.setAttribute("aria-busy", "true");
      label(button, form.dataset.busyLabel || button.dataset.label);
      if (button.tagName !== "INPUT") {
        var spinner = document.createElement("span");
        spinner.className = "spinner-border spinner-border-sm me-2";
        spinner.setAttribute("aria-hidden", "true");
        button.prepend(spinner);
      }
      // Disabled only after this event: the browser collects the form's values (the
      // button's own included) right after it.
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  // Back to a page the browser kept: its form may send again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    forms.forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("[aria-busy=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        label(button, button.dataset.label);
      });
    });
  });
})();
