// The few behaviours that need a script (the Content-Security-Policy forbids inline script):
// a select that submits its form when changed, and "take theirs / keep mine" after a save conflict
// (a field or narrative section by its id; a table row by its cells' names, l:<list>:<row>:<column>).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var shown = document.getElementById(input.getAttribute("aria-describedby"));
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      if (shown) {
        shown.textContent = !names.length ? "未选择文件"
          : names.length === 1 ? "已选择：" + names[0] : "已选择" + names.length + "个文件：" + names.slice(0, 3).join("、")
            + (names.length > 3 ? "等" : "");
      }
    });
  });
  document.querySelectorAll("button[data-take]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = button.getAttribute("data-take");
      var value = button.getAttribute("data-value");
      var first = null;
      if (button.hasAttribute("data-row")) {
        var cells = JSON.parse(value);
        Object.keys(cells).forEach(function (column) {
          var input = document.querySelector('input[name="' + target + ":" + column + '"]');
          if (input) { input.value = cells[column]; first = first || input; }
        });
      } else {
        first = document.getElementById(target);
        if (first) { first.value = value; }
      }
      if (first) { first.focus(); }
      var row = button.closest("tr");
      if (row) { row.setAttribute("data-chosen", button.textContent); }
    });
  });
});
