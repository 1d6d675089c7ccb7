/*
 * 首页: where today falls in each campaign, for the reader's date.
 *
 * The page is generated with the build date's status, current phase and next deadlines;
 * a site is not rebuilt every day, so this recomputes them from the data-* attributes the
 * generator writes (generator/site/home.py):
 *   [data-yj-campaign data-start data-end]   one campaign
 *     [data-yj=status]                       the status text
 *     [data-yj=phases] tr[data-start][data-end][data-title]   its phases
 *     [data-yj=over]                         "all deadlines have passed" note
 *     [data-yj=next] tr[data-date]           every dated deadline, in date order
 * Without script the build date's view stays.  ES5, for old office browsers.
 */
(function () {
  "use strict";
  var NEXT = 6, LAST = 4;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function zh(s) {
    var p = String(s || "").split("-");
    return p.length === 3 ? (+p[0]) + "年" + (+p[1]) + "月" + (+p[2]) + "日" : "";
  }
  function each(list, fn) { for (var i = 0; i < list.length; i++) fn(list[i], i); }
  function strong(text) {
    var el = document.createElement("strong");
    el.appendChild(document.createTextNode(text));
    return el;
  }

  function update(box, today) {
    var start = box.getAttribute("data-start"), end = box.getAttribute("data-end");
    var current = [];
    each(box.querySelectorAll("[data-yj=phases] tr[data-start]"), function (tr) {
      var on = tr.getAttribute("data-start") <= today && today <= tr.getAttribute("data-end");
      tr.className = on ? "yj-current" : "";
      if (on) current.push(tr.getAttribute("data-title"));
    });
    var status = box.querySelector("[data-yj=status]");
    if (status) {
      while (status.firstChild) status.removeChild(status.firstChild);
      if (start && today < start) {
        status.appendChild(strong("未开始"));
        status.appendChild(document.createTextNode("，" + zh(start) + "开始"));
      } else if (end && today > end) {
        status.appendChild(strong("已结束"));
        status.appendChild(document.createTextNode("（" + zh(end) + "）"));
      } else {
        status.appendChild(strong("进行中"));
        status.appendChild(document.createTextNode("，当前阶段："));
        status.appendChild(strong(current.length ? current.join("、") : "（不在任何阶段内）"));
      }
    }
    var rows = box.querySelectorAll("[data-yj=next] tr[data-date]"), upcoming = [];
    each(rows, function (tr, i) { if (tr.getAttribute("data-date") >= today && upcoming.length < NEXT) upcoming.push(i); });
    var show = {};
    if (upcoming.length) each(upcoming, function (i) { show[i] = true; });
    else for (var k = Math.max(0, rows.length - LAST); k < rows.length; k++) show[k] = true;
    each(rows, function (tr, i) { if (show[i]) tr.removeAttribute("hidden"); else tr.setAttribute("hidden", ""); });
    var over = box.querySelector("[data-yj=over]");
    if (over) { if (upcoming.length) over.setAttribute("hidden", ""); else over.removeAttribute("hidden"); }
  }

  var today = iso(new Date());
  each(document.querySelectorAll("[data-yj-campaign]"), function (box) { update(box, today); });
})();
