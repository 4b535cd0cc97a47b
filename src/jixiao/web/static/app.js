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

// The browser's own messages for a field left empty or too short ("Please fill out this field.") follow the
// browser's language, not the page's: every one is said in Chinese here, naming the field, when the browser finds
// the field invalid (on submitting, or checkValidity); cleared as soon as the field is changed.
function fieldName(el) {
  var label = el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute("aria-label") || "";
  label = label.replace(/（[^）]*）/g, "").replace(/\s+/g, "").replace(/[：:]$/, "");
  return label ? "“" + label + "”" : "此项";
}

function validityMessage(el) {
  var v = el.validity;
  var name = fieldName(el);
  if (v.valueMissing) {
    if (el.type === "file") { return "请先选择文件" + (name === "此项" ? "" : "（" + name + "）") + "。"; }
    if (el.type === "checkbox") { return "请勾选" + name + "后再提交。"; }
    if (el.tagName === "SELECT") { return "请选择" + name + "。"; }
    return "请填写" + name + "。";
  }
  if (v.tooShort) { return name + "至少需要" + el.minLength + "个字符，现有" + el.value.length + "个。"; }
  if (v.tooLong) { return name + "最多" + el.maxLength + "个字符，现有" + el.value.length + "个。"; }
  if (v.badInput) { return name + "应为数字，请只填写数字。"; }
  if (v.rangeUnderflow || v.rangeOverflow) {
    return name + "应在" + (el.min || "") + "至" + (el.max || "") + "之间，现为" + el.value + "。";
  }
  if (v.stepMismatch) { return name + "应为整数。"; }
  if (v.typeMismatch || v.patternMismatch) {
    return el.getAttribute("data-format") || name + "的格式不正确，请按提示填写。";
  }
  return "";
}

document.addEventListener("invalid", function (event) {
  var el = event.target;
  if (!el.setCustomValidity || el.validity.customError) { return; }
  var message = validityMessage(el);
  if (message) { el.setCustomValidity(message); }
}, true);

// A submit button clicked (or Enter in a field): the messages said before are cleared, so the browser checks the
// fields as they are now (a value set by a script, the conflict table's buttons, fires no input event).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button, input[type=submit]");
  if (!button || button.type !== "submit" || !button.form) { return; }
  Array.prototype.forEach.call(button.form.elements, function (el) {
    if (el.setCustomValidity) { el.setCustomValidity(""); }
  });
}, true);

["input", "change"].forEach(function (kind) {
  document.addEventListener(kind, function (event) {
    var el = event.target;
    if (el.setCustomValidity && el.validity && el.validity.customError) { el.setCustomValidity(""); }
  }, true);
});

// What is typed into a form marked data-draft (the evaluation page's, the cycle pages' editors, the administrator's
// forms: one mechanism for every form a user types into) is kept in this window (sessionStorage, gone with the tab)
// until it is saved. A session that ended while the officer typed (the save then asked to sign in again), a sign-in in
// another window (the form's token no longer valid), a save of another part of the page or a reload lost it all. Back
// on the page, what was not saved is put back into its fields, with a note and a way to discard it. A field whose
// saved value changed since the typing began (saved meanwhile, by anyone) is not put back unseen: the note names it,
// and a button puts the typed text back for the user to save over it knowingly. A password is never kept.
var DRAFT_SENT = "jixiao-draft-sent";
var DRAFT_INPUTS = ["text", "number", "search", "email", "tel", "url"];

// a draft is the signed-in user's (body data-user): another user of the same window never sees it; two forms sending
// to one address (基本信息 and 定性事实) each keep their own, by the form's id
function draftKey(form) {
  return "jixiao-draft:" + document.body.getAttribute("data-user") + ":" + form.getAttribute("action")
    + (form.id ? "#" + form.id : "");
}

function draftVersion(form) {  // the version the form's values were shown from (an evaluation's, a cycle document's)
  var field = form.elements.version || form.elements.doc_version;
  return field ? field.value : "";
}

function draftFields(form) {
  return Array.prototype.filter.call(form.elements, function (el) {
    return el.name && el.name !== "csrf_token" && el.name !== "version" && !el.readOnly && !el.disabled
      && (el.tagName === "TEXTAREA" || el.tagName === "SELECT"
        || (el.tagName === "INPUT" && DRAFT_INPUTS.indexOf(el.type) >= 0));
  });
}

function shownAtLoad(el) {  // the value the server put into the field
  if (el.tagName !== "SELECT") { return el.defaultValue; }
  var chosen = Array.prototype.filter.call(el.options, function (o) { return o.defaultSelected; })[0] || el.options[0];
  return chosen ? chosen.value : "";
}

function readDraft(form) {
  try { return JSON.parse(sessionStorage.getItem(draftKey(form)) || "null"); } catch (e) { return null; }
}

function keepDraft(form, sent) {
  var kept = readDraft(form);
  var version = draftVersion(form);
  var same = kept && kept.version === version && kept.base;  // the value each field had when its typing began
  var values = {};
  var base = {};
  draftFields(form).forEach(function (el) {
    values[el.name] = el.value;
    base[el.name] = same && typeof kept.base[el.name] === "string" ? kept.base[el.name] : shownAtLoad(el);
  });
  try {
    sessionStorage.setItem(draftKey(form), JSON.stringify({ version: version, values: values, base: base }));
    if (sent) { sessionStorage.setItem(DRAFT_SENT, draftKey(form)); }
  } catch (e) { /* storage disabled or full: nothing kept */ }
}

function fieldLabel(el) {
  var label = el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute("aria-label") || "";
  return "“" + (label.replace(/\s+/g, "") || "全部数据") + "”";
}

function restoreDraft(form) {
  var kept = readDraft(form);
  if (!kept || !kept.values) { return; }
  var restored = [];
  var changed = [];
  draftFields(form).forEach(function (el) {
    var typed = kept.values[el.name];
    var began = kept.base ? kept.base[el.name] : undefined;
    if (typeof typed !== "string" || typed === el.value || typed === began) { return; }
    if (typeof began !== "string" || began === el.value) {
      restored.push([el, el.value]);
      el.value = typed;
    } else {
      changed.push([el, typed]);
    }
  });
  if (!restored.length && !changed.length) { return; }
  var note = document.createElement("div");
  note.className = "msg warn draft-note";
  note.setAttribute("role", "status");
  note.textContent = (restored.length ? "已恢复您在本窗口填写但未保存的" + restored.length + "项内容，请核对后保存。" : "")
    + (changed.length ? "另有" + changed.length + "项（" + changed.map(function (p) { return fieldLabel(p[0]); }).join("、")
      + "）在您填写之后已另行保存，未恢复您填写的内容。" : "");
  if (changed.length) {
    var mine = document.createElement("button");
    mine.type = "button";
    mine.className = "secondary";
    mine.textContent = "仍用我填写的内容";
    mine.addEventListener("click", function () {
      changed.forEach(function (pair) { restored.push([pair[0], pair[0].value]); pair[0].value = pair[1]; });
      changed = [];
      mine.remove();
    });
    note.appendChild(document.createTextNode(" "));
    note.appendChild(mine);
  }
  var discard = document.createElement("button");
  discard.type = "button";
  discard.className = "secondary";
  discard.textContent = "放弃恢复";
  discard.addEventListener("click", function () {
    restored.forEach(function (pair) { pair[0].value = pair[1]; });
    try { sessionStorage.removeItem(draftKey(form)); } catch (e) { /* nothing kept */ }
    note.remove();
  });
  note.appendChild(document.createTextNode(" "));
  note.appendChild(discard);
  form.insertBefore(note, form.firstChild);
}

document.addEventListener("DOMContentLoaded", function () {
  var signOut = document.querySelector("form[action='/logout']");
  if (signOut) {  // signing out on purpose leaves nothing typed in the window
    signOut.addEventListener("submit", function () {
      try {
        Object.keys(sessionStorage).forEach(function (key) {
          if (key.indexOf("jixiao-draft") === 0) { sessionStorage.removeItem(key); }
        });
      } catch (e) { /* storage disabled */ }
    });
  }
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-draft]"));
  if (!forms.length || !document.body.getAttribute("data-user")) { return; }
  var query = new URLSearchParams(location.search);
  try {
    // the form last sent was saved (the administrator's page says so in its signed message): its draft is done with
    if (query.get("saved") || query.get("done") || query.get("message")) {
      var sent = sessionStorage.getItem(DRAFT_SENT);
      if (sent) { sessionStorage.removeItem(sent); sessionStorage.removeItem(DRAFT_SENT); }
    }
  } catch (e) { /* storage disabled */ }
  // after a save conflict the page shows the user's text merged with the other person's: nothing to put back
  var conflict = document.getElementById("conflict") || document.getElementById("text-changes");
  forms.forEach(function (form) {
    if (!conflict) { restoreDraft(form); }
    if (location.pathname === form.getAttribute("action")) { keepDraft(form, false); }  // refused: shown as typed
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { keepDraft(form, false); }, 300);
    });
    form.addEventListener("change", function () { keepDraft(form, false); });
    form.addEventListener("submit", function () { clearTimeout(timer); keepDraft(form, true); });
  });
});
