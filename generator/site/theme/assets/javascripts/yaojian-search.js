/*
 * yaojian search worker: a drop-in replacement for mkdocs-material's search worker.
 *
 * Why: Material's Chinese search tokenises with jieba (at build time) and lunr (in the
 * browser); it matches token prefixes only (整治 misses 专项整治) and its query
 * segmentation drops the last word (药品安全 searches 药品).  Staff type whatever part
 * of a phrase they remember, so this worker matches substrings instead.
 *
 * Protocol (Material's worker messages; the UI is unchanged):
 *   in  {type: 0 SETUP, data: {config, docs, options}}  -> out {type: 1 READY}
 *   in  {type: 2 QUERY, data: "query string"}           -> out {type: 3 RESULT, data: {items}}
 * `docs` is search/search_index.json's list of sections {location, title, text}, text
 * being HTML with jieba's U+200B between words.  `items` is a list of groups, one per
 * page, best first; a group holds the page's own entry (location without '#') and its
 * matching sections {location, title, text, score, terms}, title and text as HTML with
 * <mark> around the matches (Material inserts them as HTML, so all else is escaped).
 *
 * Matching: text and query are folded the same way — NFKC for full-width forms
 * (（二） = (二), ２４ = 24), lower case, and white space, zero-width characters and
 * punctuation removed (每月 1 日前 = 每月1日前, 东区政办发〔2017〕61号 = 东区政办发2017 61号).
 * The query is split on white space; a section matches when it holds every part.
 * A match in a title counts more than one in text; a page ranks by its best section.
 * Written in ES5 for old office browsers.
 */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var EXCERPT_BEFORE = 30, EXCERPT_AFTER = 90, MAX_COUNT = 20;

  // Removed when folding: white space, zero-width and format characters, punctuation.
  var DROP = /[\s\u00a0\u00ad\u00b7\u200b-\u200f\u2010-\u2027\u2028-\u202f\u2030-\u205e\u2060-\u206f\u3000-\u3004\u3008-\u3020\u3030\u303d\u30fb\ufe10-\ufe6b\ufeff!-\/:-@\[-`{-~]/;
  // Characters whose NFKC form differs in ways people type (full-width forms, ①, Ⅳ, ㎡ …).
  var COMPAT = /[\u2150-\u218f\u2460-\u24ff\u2f00-\u2fdf\u3200-\u33ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/;
  var HAS_NFKC = typeof "".normalize === "function";

  var sections = [];   // {location, page, title, text, ftitle, ttitle, ftext, ttext, boost, order}
  var pages = {};      // page path -> its own section (the article)

  /* ---------------------------------------------------------------- text -- */

  var ENTITIES = {amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " "};

  function plain(html) {
    return String(html || "")
      .replace(/<[^>]*>/g, " ")
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, name) {
        if (name.charAt(0) === "#") {
          var code = name.charAt(1).toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
          return isNaN(code) ? all : String.fromCharCode(code);
        }
        var value = ENTITIES[name.toLowerCase()];
        return value === undefined ? all : value;
      })
      .replace(/[\u200b-\u200d\ufeff]/g, "")
      .replace(/\s+/g, " ")
      .replace(/^ | $/g, "");
  }

  /* Fold text for matching; `map[k]` is the index in `text` of folded character k. */
  function fold(text) {
    var out = [], map = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      var n = c;
      if (HAS_NFKC && COMPAT.test(c)) n = c.normalize("NFKC");
      n = n.toLowerCase();
      for (var j = 0; j < n.length; j++) {
        var d = n.charAt(j);
        if (!DROP.test(d)) {
          out.push(d);
          map.push(i);
        }
      }
    }
    return {text: out.join(""), map: map};
  }

  function escapeHTML(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  /* ---------------------------------------------------------------- index - */

  function setup(data) {
    sections = [];
    pages = {};
    var docs = (data && data.docs) || [];
    for (var i = 0; i < docs.length; i++) {
      var doc = docs[i];
      var location = String(doc.location || "");
      var page = location.split("#")[0];
      var title = plain(doc.title), text = plain(doc.text);
      var ft = fold(title), fx = fold(text);
      var section = {
        location: location, page: page, title: title, text: text,
        ftitle: ft.text, mtitle: ft.map, ftext: fx.text, mtext: fx.map,
        boost: typeof doc.boost === "number" ? doc.boost : 1, order: i
      };
      sections.push(section);
      if (location.indexOf("#") < 0 && !pages.hasOwnProperty(page)) pages[page] = section;
    }
  }

  /* ---------------------------------------------------------------- query - */

  function terms(query) {
    var parts = String(query || "").split(/\s+/), out = [], seen = {};
    for (var i = 0; i < parts.length; i++) {
      var t = fold(parts[i]).text;
      if (t && !seen.hasOwnProperty(t)) {
        seen[t] = true;
        out.push({raw: parts[i], folded: t});
      }
    }
    return out;
  }

  function positions(haystack, needle, limit) {
    var out = [], k = haystack.indexOf(needle);
    while (k >= 0 && out.length < limit) {
      out.push(k);
      k = haystack.indexOf(needle, k + needle.length);
    }
    return out;
  }

  /* Ranges [start, end) in the original text of every match, merged and sorted. */
  function ranges(folded, map, list) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var t = list[i].folded, hits = positions(folded, t, 1000);
      for (var j = 0; j < hits.length; j++)
        out.push([map[hits[j]], map[hits[j] + t.length - 1] + 1]);
    }
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    for (var k = 0; k < out.length; k++) {
      var last = merged[merged.length - 1];
      if (last && out[k][0] <= last[1]) last[1] = Math.max(last[1], out[k][1]);
      else merged.push([out[k][0], out[k][1]]);
    }
    return merged;
  }

  function highlight(text, spans, from, to) {
    var html = "", at = from;
    for (var i = 0; i < spans.length; i++) {
      var s = Math.max(spans[i][0], from), e = Math.min(spans[i][1], to);
      if (e <= s) continue;
      html += escapeHTML(text.slice(at, s)) + "<mark>" + escapeHTML(text.slice(s, e)) + "</mark>";
      at = e;
    }
    return html + escapeHTML(text.slice(at, to));
  }

  function excerpt(section, list) {
    var text = section.text;
    if (!text) return "";
    var spans = ranges(section.ftext, section.mtext, list);
    var first = spans.length ? spans[0][0] : 0;
    var from = Math.max(0, first - EXCERPT_BEFORE);
    var to = Math.min(text.length, (spans.length ? spans[0][1] : 0) + EXCERPT_AFTER);
    return "<p>" + (from > 0 ? "…" : "") + highlight(text, spans, from, to) + (to < text.length ? "…" : "") + "</p>";
  }

  function item(section, list, score) {
    var found = {};
    for (var i = 0; i < list.length; i++) found[list[i].raw] = true;
    return {
      location: section.location,
      title: highlight(section.title, ranges(section.ftitle, section.mtitle, list), 0, section.title.length),
      text: excerpt(section, list),
      score: score,
      terms: found
    };
  }

  function score(section, list) {
    var total = 0;
    for (var i = 0; i < list.length; i++) {
      var t = list[i].folded;
      var inTitle = section.ftitle.indexOf(t) >= 0;
      var inText = positions(section.ftext, t, MAX_COUNT).length;
      if (!inTitle && !inText) return 0;
      total += (inTitle ? 10 : 0) + 1 + Math.log(1 + inText);
    }
    // The whole query as one phrase counts extra (terms typed apart, standing together).
    if (list.length > 1) {
      var phrase = "";
      for (var k = 0; k < list.length; k++) phrase += list[k].folded;
      if (section.ftitle.indexOf(phrase) >= 0 || section.ftext.indexOf(phrase) >= 0) total += 2;
    }
    return total * section.boost;
  }

  function search(query) {
    var list = terms(query);
    if (!list.length) return {items: []};
    var groups = {}, order = [];
    for (var i = 0; i < sections.length; i++) {
      var section = sections[i], s = score(section, list);
      if (!s) continue;
      var group = groups[section.page];
      if (!group) {
        group = groups[section.page] = {page: section.page, best: 0, count: 0, first: section.order, items: []};
        order.push(group);
      }
      group.items.push(item(section, list, s));
      group.best = Math.max(group.best, s);
      group.count += 1;
    }
    for (var g = 0; g < order.length; g++) {
      var grp = order[g];
      grp.items.sort(function (a, b) { return b.score - a.score; });
      var has = false;
      for (var j = 0; j < grp.items.length; j++)
        if (grp.items[j].location.indexOf("#") < 0) has = true;
      var article = pages[grp.page];
      if (!has && article)
        grp.items.push({location: article.location, title: escapeHTML(article.title), text: "", score: 0, terms: {}});
      grp.rank = grp.best + Math.min(grp.count - 1, 5) * 0.1;
    }
    order.sort(function (a, b) { return b.rank - a.rank || a.first - b.first; });
    var items = [];
    for (var k = 0; k < order.length; k++) items.push(order[k].items);
    return {items: items};
  }

  /* ------------------------------------------------------------- messages - */

  if (typeof self !== "undefined" && self.addEventListener) self.addEventListener("message", function (ev) {
    var message = ev.data || {};
    if (message.type === SETUP) {
      setup(message.data);
      self.postMessage({type: READY});
    } else if (message.type === QUERY) {
      var result;
      try {
        result = search(message.data);
      } catch (err) {
        result = {items: []};
      }
      self.postMessage({type: RESULT, data: result});
    }
  });

  // For tests outside a browser (node): expose the functions without a worker.
  if (typeof module !== "undefined" && module.exports)
    module.exports = {setup: setup, search: search, fold: fold, plain: plain};
})();
