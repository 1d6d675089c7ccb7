"""Jurisdiction everywhere: every item a combined view of the built site lists (home,
section indexes, sidebar, search titles, every .ics event) carries its place and year, and
the office's own campaign comes first.  Built for real from the repository's content."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

LABEL = re.compile(r"[\u4e00-\u9fff]+ · \d{4}")
REFERENCE = re.compile(r"[\u4e00-\u9fff]+ · \d{4}(、\d{4})* · 参考")
# Pages that gather items from more than one document.
COMBINED = ["index.html", "documents/index.html", "procedures/index.html", "schedule/index.html",
            "organisations/index.html", "criteria/index.html", "forms/index.html", "errors/index.html",
            "documents/figures.html"]
# Links to an item (a document, procedure, organisation, form, campaign entry or criteria set);
# a clause link (documents/x.html#clause) is a citation inside an item, not an item.
ITEM = re.compile(r"^(documents/(?!index|figures)[^#/]+\.html$|procedures/(?!index)[^#/]+\.html|"
                  r"organisations/(?!index)[^#/]+\.html|forms/(?!index)[^#/]+\.html$|"
                  r"schedule/index\.html#.+|criteria/index\.html#.+)")


class _Blocks(HTMLParser):
    """Each <li> and <tr> of the article, and the sidebar's links: (text, [resolved hrefs])."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.blocks: list[list] = []  # [text parts, hrefs, tag]
        self.open: list[list] = []
        self.nav: list[tuple[str, str]] = []
        self.headings: list[tuple[str, str]] = []  # (id, text) of h2/h3
        self._nav_link: list | None = None
        self._in_article = 0
        self._in_nav = 0
        self._heading: list | None = None
        self._skip = 0

    def _resolve(self, href: str) -> str:
        from posixpath import dirname, join, normpath

        if href.startswith(("http:", "https:", "mailto:")):
            return href
        if href.startswith("#"):
            return self.page + href
        return normpath(join(dirname(self.page), href))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag in ("script", "style", "svg"):
            self._skip += 1
        if tag == "article":
            self._in_article += 1
        if tag == "nav" and "md-nav--primary" in cls:
            self._in_nav += 1
        elif tag == "nav" and self._in_nav:
            self._in_nav += 1
        if self._in_article and tag in ("li", "tr"):
            block = [[], [], tag]
            self.blocks.append(block)
            self.open.append(block)
        if self._in_article and tag in ("h2", "h3"):
            self._heading = [a.get("id") or "", []]
        if tag == "a" and a.get("href"):
            href = self._resolve(a["href"])
            if self._in_article:
                for block in self.open:
                    block[1].append(href)
            if self._in_nav:
                self._nav_link = [href, []]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg"):
            self._skip -= 1
        if tag == "article":
            self._in_article -= 1
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1
        if tag in ("li", "tr") and self.open and self.open[-1][2] == tag:
            self.open.pop()
        if tag in ("h2", "h3") and self._heading is not None:
            self.headings.append((self._heading[0], "".join(self._heading[1])))
            self._heading = None
        if tag == "a" and self._nav_link is not None:
            self.nav.append((self._nav_link[0], "".join(self._nav_link[1]).strip()))
            self._nav_link = None

    def handle_data(self, data):
        if self._skip:
            return
        for block in self.open:
            block[0].append(data)
        if self._heading is not None:
            self._heading[1].append(data)
        if self._nav_link is not None:
            self._nav_link[1].append(data)


def _parse(site: Path, page: str) -> _Blocks:
    parser = _Blocks(page)
    parser.feed((site / page).read_text(encoding="utf-8"))
    return parser


def unlabelled(site: Path) -> list[str]:
    """Every item of a combined view without its place and year, as 'page: text'."""
    out = []
    for page in COMBINED:
        if not (site / page).is_file():
            continue
        parsed = _parse(site, page)
        for text, hrefs, _tag in parsed.blocks:
            text = " ".join("".join(text).split())
            items = [h for h in hrefs if ITEM.match(h)]
            if items and not LABEL.search(text):
                out.append(f"{page}: {text[:80]}")
    for html in sorted(site.rglob("*.html")):
        page = html.relative_to(site).as_posix()
        parsed = _parse(site, page)
        for href, text in parsed.nav:  # the sidebar, on every page
            if ITEM.match(href.partition("#")[0]) and "#" not in href and not LABEL.search(text):
                out.append(f"{page} 导航: {text}")
        if page.startswith("organisations/") and page != "organisations/index.html":
            for hid, text in parsed.headings:  # an organisation's duties, by document
                if hid.startswith("duties-") and not LABEL.search(text):
                    out.append(f"{page}: {text}")
    return sorted(set(out))


def unlabelled_search(site: Path) -> list[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    out = []
    for doc in index["docs"]:
        loc = doc["location"]
        title = doc["title"].replace("\u200b", "")  # the index holds jieba's word breaks
        if "#" not in loc and ITEM.match(loc) and not LABEL.search(title):
            out.append(f"{loc}: {doc['title']}")
    return out


def unlabelled_events(site: Path) -> list[str]:
    from icalendar import Calendar

    out = []
    files = sorted((site / "schedule").glob("*.ics"))
    assert files
    for path in files:
        cal = Calendar.from_ical(path.read_bytes())
        for ev in cal.walk("VEVENT"):
            summary, description = str(ev.get("summary")), str(ev.get("description"))
            if not LABEL.search(summary):
                out.append(f"{path.name}: SUMMARY {summary}")
            if not LABEL.search(description) or "依据：《" not in description:
                out.append(f"{path.name}: DESCRIPTION of {summary}: {description[:60]}")
    return out


def test_every_item_of_a_combined_view_says_its_place_and_year(real_site):
    assert unlabelled(real_site) == []
    assert unlabelled_search(real_site) == []


def test_every_calendar_event_says_its_place_year_and_clause(real_site):
    assert unlabelled_events(real_site) == []


def test_the_offices_campaign_comes_first_and_the_others_are_marked_reference(real_site):
    home = (real_site / "index.html").read_text(encoding="utf-8")
    home = home[home.index("<article"):]
    ours, reference = home.index("永川区药品安全专项打击整治行动"), home.index('id="reference"')
    assert ours < reference < home.index("乌拉特前旗药品安全专项整治行动")
    assert "永川区工作小组办公室" in home
    # Our own items are never marked 参考; every other document's are.
    assert not re.search(r"永川区 · 2022 · 参考", home)
    assert REFERENCE.search(home[reference:])
    procs = _parse(real_site, "procedures/index.html")
    rows = [" ".join("".join(t).split()) for t, hrefs, tag in procs.blocks if tag == "tr" and hrefs]
    first_ref = next(i for i, r in enumerate(rows) if "参考" in r)
    assert all("永川区 · 2022" in r for r in rows[:first_ref]) and first_ref > 0
    assert all("参考" in r for r in rows[first_ref:])
    # The two 区市场监管局 are told apart wherever they are listed.
    orgs = (real_site / "organisations" / "index.html").read_text(encoding="utf-8")
    assert "东营区 · 2017 · 参考" in orgs and "永川区 · 2022" in orgs


def test_the_checker_finds_an_unlabelled_item(real_site, tmp_path):
    """The label check is not vacuous: a copy of the site with one label removed fails it."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(real_site, copy)
    page = copy / "procedures" / "index.html"
    text = page.read_text(encoding="utf-8")
    first = re.search(r'</a> ?(<span class="yj-where yj-ref">[^<]*</span>)</td>', text)  # one table row's
    page.write_text(text[:first.start(1)] + text[first.end(1):], encoding="utf-8")
    ics = copy / "schedule" / "yaojian.ics"
    ics.write_bytes(ics.read_bytes().replace("（永川区 · 2022）".encode(), b"", 1))
    assert any(p.startswith("procedures/index.html") for p in unlabelled(copy))
    assert unlabelled_events(copy)


def test_the_profile_and_its_fallback(content):
    from generator.content.office import from_content, label, make_profile, where

    profile = from_content(content)
    assert profile.declared and profile.office == "永川区工作小组办公室"
    assert profile.campaign == "yongchuan-2022" and profile.document == "yongchuan-2022"
    assert profile.units[:3] == ["区市场监管局", "区公安局", "区食品药品检验所"]
    # Without content/office.yaml: the one campaign with a form reporting schedule is ours.
    bare = make_profile(None, content.campaigns, content.organisations)
    assert (bare.campaign, bare.document, bare.units, bare.declared) == ("yongchuan-2022", "yongchuan-2022", [], False)
    dongying = content.documents["dongying-2017-61"]
    assert where(dongying) == "东营区 · 2017"
    assert label(dongying, ours=False) == "东营区 · 2017 · 参考"
    assert label(content.documents["yongchuan-2022"], ours=True) == "永川区 · 2022"


def test_error_code_examples_from_a_form_say_whose_form(real_site):
    """The 错误代码 page's worked examples quote a form's cells: each says the form's place and year."""
    text = (real_site / "errors" / "index.html").read_text(encoding="utf-8")
    examples = re.findall(r'<p class="yj-example">(.*?)</p>', text, re.S)
    from_forms = [e for e in examples if "提示示例（表" in e]
    assert from_forms, "the page has worked examples from the forms"
    assert all(LABEL.search(re.sub(r"<[^>]+>", "", e.split("</span><br>")[0])) for e in from_forms)
