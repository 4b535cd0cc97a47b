// The few behaviours that need a script (the Content-Security-Policy forbids inline script):
// a select that submits its form when changed, "take theirs / keep mine" after a save conflict
// (a field or narrative section by its id; a table row by its cells' names, l:<list>:<row>:<column>),
// and cells copied from Excel or WPS pasted into the form or the tables (below).

// Cells copied from a spreadsheet arrive as lines of tab-separated text. Pasted into one field, they went into that
// field whole ("100	200	300", refused as not a number): spread them over the fields instead, as the
// spreadsheet holds them — into the tables by rows and columns from the cell pasted into, into the form's fields
// (one column or one row) one after another from the field pasted into. Read-only cells (the approved targets)
// are left as they are. What was filled is said in a note, to be checked before saving.
function pastedCells(event) {
  var text = (event.clipboardData || window.clipboardData).getData("text");
  if (!text || (text.indexOf("\t") < 0 && text.replace(/\r?\n$/, "").indexOf("\n") < 0)) { return null; }
  return text.replace(/\r/g, "").replace(/\n$/, "").split("\n").map(function (line) { return line.split("\t"); });
}

function fill(input, value) {
  input.value = value.trim();
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

function pasteNote(form, text) {
  var note = form.querySelector(".paste-note");
  if (!note) {
    note = document.createElement("p");
    note.className = "paste-note msg warn";
    note.setAttribute("role", "status");
    form.insertBefore(note, form.firstChild);
  }
  note.textContent = text;
}

function pasteIntoTable(event, input, rows) {
  var cell = input.closest("td");
  var row = input.closest("tr");
  var column = Array.prototype.indexOf.call(row.children, cell);
  var filled = 0;
  var left = 0;
  rows.forEach(function (values, r) {
    var target = row;
    for (var k = 0; k < r && target; k++) { target = target.nextElementSibling; }
    if (!target) { left += 1; return; }
    values.forEach(function (value, c) {
      var box = target.children[column + c] && target.children[column + c].querySelector("input");
      if (box && !box.readOnly) { fill(box, value); filled += 1; }
    });
  });
  pasteNote(input.form, "已从粘贴的" + rows.length + "行表格填入" + filled + "格" + (left
    ? "；另有" + left + "行超出表格的空行，未填入：请先保存（保存后会多出空行），再粘贴其余各行" : "")
    + "。请核对后按“保存表格”。");
}

function pasteIntoFields(event, input, rows) {
  var values = rows.length === 1 ? rows[0] : rows.map(function (values) { return values[0]; });
  if (rows.length > 1 && rows.some(function (values) { return values.length > 1; })) { return false; }
  var fields = Array.prototype.filter.call(input.form.querySelectorAll("input[type=text]"), function (box) {
    return !box.readOnly;
  });
  var start = fields.indexOf(input);
  var filled = fields.slice(start, start + values.length);
  filled.forEach(function (box, i) { fill(box, values[i]); });
  var label = function (box) { return box.labels && box.labels[0] ? "“" + box.labels[0].textContent.trim() + "”" : ""; };
  pasteNote(input.form, "已把粘贴的" + filled.length + "个值依次填入" + label(filled[0])
    + (filled.length > 1 ? "至" + label(filled[filled.length - 1]) : "")
    + (values.length > filled.length ? "；另有" + (values.length - filled.length) + "个值超出下方的栏目，未填入" : "")
    + "。请核对后保存。");
  return true;
}

document.addEventListener("paste", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("#data-form input[type=text], #lists-form td input[type=text]")) { return; }
  var rows = pastedCells(event);
  if (!rows) { return; }
  if (input.closest("#lists-form")) {
    event.preventDefault();
    pasteIntoTable(event, input, rows);
  } else if (pasteIntoFields(event, input, rows)) {
    event.preventDefault();
  }
});

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
