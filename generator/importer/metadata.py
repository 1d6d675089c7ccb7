"""The document's metadata guessed from its frame, each guess with the reason for it.

Title, 文号, kind, place, issuing bodies (matched against content/organisations), 发文单位,
date (成文日期, else the 印发 date, else an article's date) and an article's author and
publisher.  Every value carries a `why` that the draft prints beside it ("待核对：……") and
the review report lists; what cannot be guessed is left out and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importer.tree import Node

DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DATE_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
ADMIN = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|省|市|区|县|旗|盟|州)")
ORG_TAIL = re.compile(
    r"(人民政府办公室|人民政府办公厅|人民政府|市场监督管理局|市场监管局|药品监督管理局|药监局|公安局|公安分局|"
    r"卫生健康委员会|卫生健康局|卫生和计划生育局|市场监督管理所|委员会|办公室|办公厅)"
)
KINDS = (("实施方案", "实施方案"), ("工作方案", "方案"), ("方案", "方案"), ("意见", "意见"), ("办法", "办法"),
         ("通知", "通知"))


@dataclass
class Guess:
    value: object
    why: str


@dataclass
class Meta:
    fields: dict[str, Guess] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # Chinese: what could not be guessed
    unknown_orgs: list[str] = field(default_factory=list)


def parse_date(text: str) -> str | None:
    for pattern in (DATE_ZH, DATE_ISO):
        m = pattern.search(text or "")
        if m:
            y, mo, d = (int(x) for x in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def place_of(name: str) -> str | None:
    """The last administrative unit in an organisation's name: 重庆市永川区人民政府办公室 → 永川区."""
    m = ORG_TAIL.search(name)
    prefix = name[: m.start()] if m else name
    units = ADMIN.findall(prefix)
    return units[-1] if units else None


def _find(nodes: list[Node], role: str) -> Node | None:
    for top in nodes:
        for node in top.walk():
            if node.role == role:
                return node
    return None


def guess(top: list[Node], *, article: bool, orgs: dict[str, str]) -> Meta:
    meta = Meta()
    f = meta.fields
    body, heading, notice = _find(top, "正文"), _find(top, "标题"), _find(top, "通知")
    if body is not None and body.title:
        f["title"] = Guess(body.title, "取自正文标题")
    elif heading is not None and heading.text:
        f["title"] = Guess(heading.text, "取自文首标题")
    elif notice is not None and notice.title:
        f["title"] = Guess(notice.title, "取自通知标题")
    else:
        first = next((n.text or n.title for t in top for n in t.walk() if n.text or n.title), "")
        if first:
            f["title"] = Guess(first[:60], "没有找到标题，暂取第一段的开头")
    title = str(f["title"].value) if "title" in f else ""

    if article:
        f["kind"] = Guess("报道", "有作者、来源等署名，按报道处理")
    else:
        for ending, kind in KINDS:
            if title.endswith(ending):
                why = f"由标题末尾“{ending}”推测"
                if ending != kind:
                    why += f"（文件类别中没有“{ending}”，记为“{kind}”）"
                f["kind"] = Guess(kind, why)
                break
        else:
            if notice is not None:
                f["kind"] = Guess("通知", "只有通知，没有单独的正文标题")
            else:
                f["kind"] = Guess("其他", "无法从标题判断文件类别")

    number = _find(top, "发文字号")
    if number is not None and number.text:
        why = "取自文号行"
        if re.search(r"[\[(（【]\s*\d{4}\s*[\])）】]", number.text):
            why += "；原文年份用的不是六角括号〔〕，照原文保留"
        f["doc_number"] = Guess(number.text, why)

    # issuing bodies: the notice's signature, else the 印发 line, else the masthead, else the title
    names: list[tuple[str, str]] = []
    sign = _find(top, "落款")
    printed = _find(top, "印发")
    masthead = _find(top, "版头")
    if sign is not None and sign.text:
        names.append((sign.text, "落款"))
    elif printed is not None and printed.text:
        org = re.sub(r"\s*\d{4}\s*年.*$", "", printed.text).strip()
        if org:
            names.append((org, "印发行"))
    elif masthead is not None and masthead.text:
        names.append((re.sub(r"文件$", "", masthead.text), "版头"))
    if not names and title:
        for name in sorted(orgs, key=len, reverse=True):
            if len(name) >= 5 and name in title:
                names.append((name, "标题"))
                break
    ids, unknown = [], []
    for name, where in names:
        if name in orgs:
            ids.append(orgs[name])
        else:
            unknown.append(name)
    if ids:
        f["issuers"] = Guess(ids, f"由{names[0][1]}“{names[0][0]}”与 content/organisations/ 中的机构名称对照得出")
    if unknown:
        meta.unknown_orgs.extend(unknown)
        meta.missing.append(
            f"发文机关“{'、'.join(unknown)}”不在 content/organisations/ 中：请先在那里添加该机构，再在 issuers 中写它的编号"
        )

    authors = _find(top, "发文单位")
    if authors is not None and authors.text:
        parts = authors.text.split()
        known = [orgs[p] for p in parts if p in orgs]
        missing = [p for p in parts if p not in orgs]
        if known and not missing:
            f["authors"] = Guess(known, f"由发文单位行“{authors.text}”对照机构名称得出")
        elif missing:
            meta.unknown_orgs.extend(missing)
            meta.missing.append(f"发文单位“{'、'.join(missing)}”不在 content/organisations/ 中，未填写 authors")

    place = None
    for name, _where in names:
        place = place_of(name)
        if place:
            f["place"] = Guess(place, f"由发文机关“{name}”推测")
            break
    if not place and title:
        place = place_of(title)
        if place:
            f["place"] = Guess(place, "由标题推测")
    if not place:
        meta.missing.append("无法推测适用地域（place），请填写")

    byline = _find(top, "署名")
    if byline is not None:
        for child in byline.children:
            text = child.text or ""
            m = re.match(r"^(作者|记者)\s*[:：]\s*(.+)$", text)
            if m:
                f["author"] = Guess(m.group(2).strip(), "取自署名")
            m = re.match(r"^来源\s*[:：]\s*(.+)$", text)
            if m:
                f["publisher"] = Guess(m.group(1).strip(), "取自署名")

    date_node = _find(top, "成文日期")
    date, why = None, ""
    if date_node is not None:
        date, why = parse_date(date_node.text or ""), f"取自成文日期“{date_node.text}”"
    if not date and printed is not None:
        date, why = parse_date(printed.text or ""), f"取自印发日期“{printed.text}”"
    if not date and byline is not None:
        for child in byline.children:
            date = parse_date(child.text or "")
            if date:
                why = f"取自署名中的日期“{child.text}”"
                break
    if date:
        f["date"] = Guess(date, why)
    else:
        meta.missing.append("没有找到成文日期或印发日期（date），请填写，格式如 2022-05-06")
    return meta
