"""The procedures site: pages generated from content/ and built with mkdocs-material.

- `page`: `Page` and `File`, what providers return; `SECTIONS`, the navigation sections.
- `registry`: which provider makes which pages; the extension points for the forms
  (`generator.site.forms`) and validator (`generator.findings.site`) parts.
- `context`: `SiteContext`, the content with names, clause links and the clause → extracts index.
- one module per section: `home`, `documents`, `organisations`, `procedures` (+ `flow`,
  the SVG diagrams), `schedule` (+ `timeline`, `ics`), `criteria`, `errors`, `placeholders`.
- `build`: check → generate → mkdocs (strict) into a staging folder → swap into `site/`.
- `theme/`: overrides of mkdocs-material: stylesheet (fonts, print) and the substring
  search worker (`theme/assets/javascripts/yaojian-search.js`).
"""
