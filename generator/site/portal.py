"""The site's side of the one address (`yaojian serve`: site at /, service at /filing/).

Pages carry hooks that theme/assets/javascripts/yaojian-portal.js fills in when the site is
served by yaojian (it asks `filing/api/me`); a copy of `site/` on any other web server gets
no answer and shows the explanation instead.  Also the place-and-year label every combined
view puts on its items.
"""

from __future__ import annotations

from generator.content import office
from generator.site.md import html

SERVICE = "filing/"  # the service's path under the site root (generator.service.web.portal.PREFIX)


def tag(text: str) -> str:
    """The place-and-year label as inline HTML (Markdown passes it through); 参考 styled apart."""
    if not text:
        return ""
    cls = "yj-where yj-ref" if text.endswith(office.REFERENCE) else "yj-where"
    return f' <span class="{cls}">{html(text)}</span>'


def content_label(content, doc_id: str | None) -> str:
    """A document's label ("永川区 · 2022", or "东营区 · 2017 · 参考") from the loaded content."""
    if not doc_id or content is None:
        return ""
    profile = office.from_content(content)
    return office.label(content.documents.get(doc_id), profile.ours(doc_id))


def service_links(form_id: str) -> str:
    """On a form's page: upload and 在线填报 in the service, when there is one."""
    fid = html(form_id)
    return (
        '<div class="yj-service" data-yj-service>'
        '<p data-yj-static>填好的报表交到本办的报送服务：登录后上传，或在线填报。'
        "从报送服务的网址打开本站时，这里有上传和在线填报的入口；现在打开的是网站的副本，"
        "报送网址请问工作小组办公室。</p>"
        f'<p data-yj-live hidden><a class="md-button" data-yj-href="upload?form={fid}">上传填好的报表</a> '
        f'<a class="md-button" data-yj-href="online/{fid}">在线填报</a></p>'
        "</div>\n"
    )
