/* 在线填报: keyboard, paste, live checks and drafts for the online form page.
 *
 * This script knows no form: the page's structure comes from the server-rendered HTML
 * (tables marked data-nav, inputs with data-r / data-c), and every finding and 合计 from
 * the server, which runs the same validator as `yaojian validate` (POST …/check).  Without
 * this script the page still works: its buttons post the whole form.
 */
(function () {
  "use strict";
  var form = document.getElementById("online");
  if (!form || !window.fetch) { return; }
  var token = form.elements.csrf_token.value;
  var checkUrl = form.getAttribute("data-check-url");
  var draftUrl = form.getAttribute("data-draft-url");
  var status = document.getElementById("draft-status");
  var checkTimer = null, draftTimer = null, seq = 0, dirty = false, submitting = false;

  function cells() { return form.querySelectorAll(".cell"); }

  function values() {
    var out = {};
    var list = cells();
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      if (!el.name) { continue; }
      out[el.name] = el.type === "checkbox" ? (el.checked ? el.value : "") : el.value;
    }
    return out;
  }

  function post(url, body, keepalive) {
    var text = JSON.stringify(body);
    return fetch(url, {
      // a request that outlives the page may carry at most 64 KB; a longer draft was
      // already saved two seconds after the last keystroke
      method: "POST", credentials: "same-origin", keepalive: !!keepalive && new Blob([text]).size < 60000,
      headers: {"Content-Type": "application/json", "X-CSRF-Token": token},
      body: text
    });
  }

  // -- findings, as the server gives them --------------------------------------------
  function clearMarks() {
    var msgs = form.querySelectorAll(".msg");
    for (var i = 0; i < msgs.length; i++) { msgs[i].parentNode.removeChild(msgs[i]); }
    var marked = form.querySelectorAll(".cell.error, .cell.warning");
    for (var j = 0; j < marked.length; j++) { marked[j].classList.remove("error", "warning"); }
  }

  function byName(name) { return document.getElementById("in-" + name); }

  function show(result) {
    clearMarks();
    var list = document.getElementById("problem-list");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    result.findings.forEach(function (f) {
      var li = document.createElement("li");
      li.className = f.severity;
      var el = f.name ? byName(f.name) : null;
      var where;
      if (el) {
        where = document.createElement("a");
        where.href = "#in-" + f.name;
      } else {
        where = document.createElement("span");
      }
      where.textContent = f.where || "整张报表";
      li.appendChild(where);
      li.appendChild(document.createTextNode("：" + f.message));
      list.appendChild(li);
      if (el) {
        if (el.tagName !== "OUTPUT") { el.classList.add(f.severity === "error" ? "error" : "warning"); }
        if (f.severity === "error") { el.classList.remove("warning"); }
        var msg = document.createElement("span");
        msg.className = "msg " + f.severity;
        msg.textContent = f.message + (f.remedy ? " " + f.remedy : "");
        el.parentNode.appendChild(msg);
      }
    });
    Object.keys(result.totals).forEach(function (name) {
      var out = byName(name);
      if (out) { out.textContent = result.totals[name]; }
    });
    var box = document.getElementById("problems");
    box.classList.remove("has-errors", "has-warnings", "clean");
    var verdict = document.getElementById("verdict");
    if (result.errors) {
      box.classList.add("has-errors");
      verdict.textContent = "还有 " + result.errors + " 个错误、" + result.warnings + " 个警告：点击一项可跳到该格。";
    } else if (result.warnings) {
      box.classList.add("has-warnings");
      verdict.textContent = "没有错误，有 " + result.warnings + " 个警告，可以提交。";
    } else {
      box.classList.add("clean");
      verdict.textContent = "没有发现问题，可以提交。";
    }
  }

  function check() {
    var mine = ++seq;
    post(checkUrl, {values: values()}).then(function (r) {
      if (r.status === 429) { schedule(1500); return null; }
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (result) {
      if (result && mine === seq) { show(result); }
    }).catch(function () {
      status.textContent = "暂时无法连接服务器检查；内容仍在本页，可稍后点“检查”或“保存草稿”。";
    });
  }

  function schedule(delay) {
    if (checkTimer) { clearTimeout(checkTimer); }
    checkTimer = setTimeout(check, delay || 350);
  }

  // -- drafts --------------------------------------------------------------------------
  function saveDraft(keepalive) {
    if (submitting) { return; }
    dirty = false;
    status.textContent = "正在保存草稿…";
    post(draftUrl, {values: values()}, keepalive).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (d) {
      status.textContent = "草稿已保存于 " + d.saved_at;
    }).catch(function () {
      dirty = true;
      status.textContent = "草稿未能保存（网络或登录已过期）；请勿关闭本页，稍后再试。";
    });
  }

  function changed(el) {
    if (el) { el.classList.remove("carried"); }
    dirty = true;
    schedule();
    if (draftTimer) { clearTimeout(draftTimer); }
    draftTimer = setTimeout(function () { saveDraft(false); }, 2000);
  }

  form.addEventListener("input", function (e) { if (e.target.classList.contains("cell")) { changed(e.target); } });
  form.addEventListener("change", function (e) {
    if (e.target.type === "checkbox") { changed(e.target); }
  });
  window.addEventListener("pagehide", function () { if (dirty) { saveDraft(true); } });

  // -- keyboard like Excel -------------------------------------------------------------
  function at(table, r, c) {
    return table.querySelector('.cell[data-r="' + r + '"][data-c="' + c + '"]');
  }

  function move(el, dr, dc) {
    var table = el.closest("[data-nav]");
    if (!table) { return false; }
    var target = at(table, Number(el.getAttribute("data-r")) + dr, Number(el.getAttribute("data-c")) + dc);
    if (!target) { return false; }
    target.focus();
    if (target.select && target.type === "text") { target.select(); }
    return true;
  }

  form.addEventListener("keydown", function (e) {
    var el = e.target;
    if (!el.classList || !el.classList.contains("cell") || e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (el.tagName === "TEXTAREA") { return; }  // Enter and arrows edit the text
    var text = el.type === "text";
    var start = text ? el.selectionStart : 0, end = text ? el.selectionEnd : 0, len = text ? el.value.length : 0;
    // Like Excel: a cell just entered (its text all selected) moves with the arrows; while
    // editing, Left/Right move the caret until it reaches the edge.
    var whole = text && start === 0 && end === len;
    var done = false;
    if (e.key === "Enter") { done = move(el, e.shiftKey ? -1 : 1, 0) || true; }
    else if (e.key === "ArrowDown") { done = move(el, 1, 0); }
    else if (e.key === "ArrowUp") { done = move(el, -1, 0); }
    else if (e.key === "ArrowLeft" && (!text || whole || (start === 0 && end === 0))) { done = move(el, 0, -1); }
    else if (e.key === "ArrowRight" && (!text || whole || (start === len && end === len))) { done = move(el, 0, 1); }
    if (done) { e.preventDefault(); }
  });

  // -- paste a block copied from Excel or WPS (tab-separated) --------------------------
  form.addEventListener("paste", function (e) {
    var el = e.target;
    if (!el.classList || !el.classList.contains("cell") || el.tagName === "TEXTAREA") { return; }
    var data = (e.clipboardData || window.clipboardData);
    var text = data ? data.getData("text/plain") : "";
    text = text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) { return; }
    var table = el.closest("[data-nav]");
    if (!table) { return; }
    e.preventDefault();
    var r0 = Number(el.getAttribute("data-r")), c0 = Number(el.getAttribute("data-c"));
    text.split("\n").forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var target = at(table, r0 + i, c0 + j);
        if (!target) { return; }
        if (target.type === "checkbox") { target.checked = value.trim() !== ""; }
        else { target.value = value.trim(); }
        target.classList.remove("carried");
      });
    });
    changed(null);
  });

  // -- 表1: add and remove case rows -----------------------------------------------------
  function renumber(tbody) {
    var rows = tbody.querySelectorAll("tr.case");
    for (var i = 0; i < rows.length; i++) {
      var tr = rows[i];
      tr.setAttribute("data-case", i);
      var n = tr.querySelector("th.n");
      if (n) { n.textContent = String(i + 1); }
      var inputs = tr.querySelectorAll(".cell");
      for (var j = 0; j < inputs.length; j++) {
        var el = inputs[j];
        el.name = el.name.replace(/^([a-z0-9_]+)\.\d+\./, "$1." + i + ".");
        el.id = "in-" + el.name;
        el.setAttribute("data-r", i);
        var label = el.getAttribute("aria-label");
        if (label) { el.setAttribute("aria-label", label.replace(/^案件 \d+/, "案件 " + (i + 1))); }
      }
      var remove = tr.querySelector("button.remove");
      if (remove) { remove.value = remove.value.replace(/\.\d+$/, "." + i); }
    }
  }

  form.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button") : null;
    if (!button || button.type !== "submit") { return; }
    var action = button.value || "";
    if (action === "submit") { submitting = true; return; }  // the whole form is posted
    if (action === "check") { e.preventDefault(); check(); return; }
    if (action === "save") { e.preventDefault(); saveDraft(false); return; }
    if (action === "add-case") {
      e.preventDefault();
      var table = form.querySelector('table[data-cases="' + button.getAttribute("data-add-case") + '"]');
      var tbody = table.tBodies[0];
      var last = tbody.querySelector("tr.case:last-of-type");
      var copy = last.cloneNode(true);
      var inputs = copy.querySelectorAll(".cell");
      for (var i = 0; i < inputs.length; i++) {
        var el = inputs[i];
        if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; }
        el.classList.remove("error", "warning", "carried");
      }
      var msgs = copy.querySelectorAll(".msg");
      for (var k = 0; k < msgs.length; k++) { msgs[k].parentNode.removeChild(msgs[k]); }
      tbody.appendChild(copy);
      renumber(tbody);
      var first = copy.querySelector(".cell");
      if (first) { first.focus(); }
      return;
    }
    if (action.indexOf("remove:") === 0) {
      e.preventDefault();
      var tr = button.closest("tr.case");
      var body = tr.parentNode;
      if (body.querySelectorAll("tr.case").length > 1) { body.removeChild(tr); }
      else {
        var all = tr.querySelectorAll(".cell");
        for (var m = 0; m < all.length; m++) { if (all[m].type === "checkbox") { all[m].checked = false; } else { all[m].value = ""; } }
      }
      renumber(body);
      changed(null);
    }
  });

  form.addEventListener("submit", function () { submitting = true; });
})();
