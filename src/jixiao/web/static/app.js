// The few behaviours that need a script (the Content-Security-Policy forbids inline script):
// a select that submits its form when changed, and "use the other person's value" after a save conflict.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("button[data-take]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-take"));
      if (input) { input.value = button.getAttribute("data-value"); input.focus(); }
    });
  });
});
