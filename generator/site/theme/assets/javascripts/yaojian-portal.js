/*
 * The site and the upload service on one address (`yaojian serve`: site at /, service at
 * /filing/).  Asks the service who is logged in (filing/api/me); when it answers:
 *   [data-yj-portal-link]   the header's 报送 link is shown;
 *   [data-yj-account]       登录, or the unit and account (linking to its filings);
 *   [data-yj-mine]          首页: 我的待报 of a logged-in unit (what is due and when);
 *   [data-yj-service]       a form's page: upload and 在线填报 links instead of the note.
 * A copy of site/ on any other web server (or opened from a folder) gets no answer: all
 * of these stay hidden and the form pages keep their explanation.  ES5, no libraries.
 */
(function () {
  "use strict";
  var me = document.currentScript || (function () {
    var s = document.getElementsByTagName("script");
    return s[s.length - 1];
  })();
  var root = String(me.src).replace(/assets\/javascripts\/yaojian-portal\.js(\?.*)?$/, "");
  if (!/^https?:/.test(root) || !window.XMLHttpRequest) return;

  function each(list, fn) { for (var i = 0; i < list.length; i++) fn(list[i], i); }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text) e.appendChild(document.createTextNode(text));
    for (var k in attrs || {}) if (attrs.hasOwnProperty(k)) e.setAttribute(k, attrs[k]);
    return e;
  }
  function here() { return location.pathname + location.search + location.hash; }

  function account(data) {
    each(document.querySelectorAll("[data-yj-portal-link]"), function (a) {
      a.href = data.service;
      a.hidden = false;
    });
    each(document.querySelectorAll("[data-yj-account]"), function (box) {
      box.textContent = "";
      if (data.account) {
        box.appendChild(el("a", data.account.unit + " · " + data.account.username, {href: data.home}));
      } else {
        box.appendChild(el("a", "登录", {href: data.login + "?next=" + encodeURIComponent(here())}));
      }
      box.hidden = false;
    });
  }

  function services(data) {
    each(document.querySelectorAll("[data-yj-service]"), function (box) {
      each(box.querySelectorAll("[data-yj-href]"), function (a) {
        a.href = data.service + a.getAttribute("data-yj-href");
      });
      each(box.querySelectorAll("[data-yj-static]"), function (p) { p.hidden = true; });
      each(box.querySelectorAll("[data-yj-live]"), function (p) { p.hidden = false; });
    });
  }

  function mine(data) {
    var box = document.querySelector("[data-yj-mine]");
    if (!box || !data.account || data.account.office) return;
    box.textContent = "";
    box.appendChild(el("h2", "我的待报", {id: "mine"}));
    var due = data.due || [];
    if (!due.length) {
      box.appendChild(el("p", data.account.unit + "：目前没有待报或待改的报表。"));
    } else {
      var table = el("table", "", {"class": "yj-mine-table"});
      var head = el("tr");
      each(["报表", "期限", "状态"], function (t) { head.appendChild(el("th", t)); });
      table.appendChild(el("thead")).appendChild(head);
      var body = table.appendChild(el("tbody"));
      each(due, function (d) {
        var tr = el("tr", "", {"class": d.overdue ? "yj-late" : ""});
        var what = el("td", d.form_title);
        what.appendChild(el("br"));
        what.appendChild(el("small", d.period_label));
        tr.appendChild(what);
        var left = d.overdue ? "已过期" : d.days_left === 0 ? "今天截止" : "还有 " + d.days_left + " 天";
        var when = el("td", d.due_label);
        when.appendChild(el("br"));
        when.appendChild(el("small", left));
        tr.appendChild(when);
        var act = el("td", d.status, {"class": "yj-state"});
        act.appendChild(el("br"));
        act.appendChild(el("a", d.filing && d.status === "已报有错" ? "改正后重报" : "上传", {href: d.upload}));
        tr.appendChild(act);
        body.appendChild(tr);
      });
      box.appendChild(table);
    }
    box.hidden = false;
  }

  var xhr = new XMLHttpRequest();
  xhr.open("GET", root + "filing/api/me", true);
  xhr.setRequestHeader("Accept", "application/json");
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 4 || xhr.status !== 200) return;
    var data;
    try { data = JSON.parse(xhr.responseText); } catch (e) { return; }
    if (!data || typeof data.service !== "string") return;
    account(data);
    services(data);
    mine(data);
  };
  try { xhr.send(); } catch (e) { /* no service: the static site stays as it is */ }
})();
