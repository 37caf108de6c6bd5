"""Menus written by JavaScript: the served page has a script where the menu was; the browser's DOM has the menu."""

from __future__ import annotations

import json

import lxml.html

from simulator.model import esc

# Per template: the menu container's opening tag as rendered, the same tag with an id, the markup closing it,
# and the markup of one entry as the array-driven script writes it.
SLOTS: dict[str, tuple[str, str, str, str]] = {
    "wordpress": (
        '<ul id="primary-menu" class="menu">',
        '<ul id="primary-menu" class="menu">',
        "</ul></nav>",
        '<li class="menu-item"><a href="{href}">{label}</a></li>',
    ),
    "bootstrap5": (
        '<ul class="navbar-nav me-auto">',
        '<ul class="navbar-nav me-auto" id="menu-principal">',
        "</ul></div></div></nav>",
        '<li class="nav-item"><a class="nav-link" href="{href}">{label}</a></li>',
    ),
    "joomla": (
        '<ul class="nav menu nav-pills mod-list">',
        '<ul class="nav menu nav-pills mod-list" id="menu-principal">',
        "</ul></nav>",
        '<li><a href="{href}">{label}</a></li>',
    ),
    "table": (
        '<table width="100%">',
        '<table width="100%" id="menu-principal">',
        "</table>",
        '<tr><td class="menu"><a href="{href}">{label}</a></td></tr>',
    ),
}
SLOTS["bootstrap4"] = SLOTS["bootstrap5"]


def js_string(text: str) -> str:
    """A JavaScript string literal that cannot close the <script> element it sits in."""
    return json.dumps(text, ensure_ascii=False).replace("</", "<\\/")


def entries(inner: str) -> list[tuple[str, str]]:
    """(href, label) of every link of the menu, sub-menus flattened, in document order."""
    tree = lxml.html.fragment_fromstring(inner, create_parent="div")
    return [(a.get("href") or "#", " ".join(a.text_content().split())) for a in tree.iter("a")]


def array_script(element_id: str, items: list[tuple[str, str]], entry: str) -> str:
    """A script that renders a menu array into the placeholder (the way many CMS themes build their menus)."""
    data = js_string(json.dumps([[label, href] for href, label in items], ensure_ascii=False))
    left, _, rest = entry.partition("{href}")
    middle, _, right = rest.partition("{label}")
    return (
        f"<script>\n(function () {{\n  var menu = JSON.parse({data});\n  var html = '';\n"
        "  for (var i = 0; i < menu.length; i++) {\n"
        f"    html += {js_string(left)} + menu[i][1] + {js_string(middle)} + menu[i][0] + {js_string(right)};\n"
        f"  }}\n  document.getElementById({js_string(element_id)}).innerHTML = html;\n}}());\n</script>"
    )


def js_menu(template: str, page: str, option: str) -> tuple[str, str]:
    """(served HTML, DOM after the script ran) of a page whose menu a script writes (document.write or array)."""
    opening, with_id, closing, entry = SLOTS[template]
    start = page.index(opening) + len(opening)
    end = page.index(closing, start)
    before, inner, after = page[: start - len(opening)], page[start:end], page[end:]
    if option == "document_write":
        script = f"<script>document.write({js_string(inner)});</script>"
        return before + opening + script + after, before + opening + script + inner + after
    items = entries(inner)
    script = array_script(with_id.split('id="')[1].split('"')[0], items, entry)
    drawn = "".join(entry.format(href=esc(href), label=esc(label)) for href, label in items)
    closed, rest = after[: len(closing)], after[len(closing) :]
    return before + with_id + closed + script + rest, before + with_id + drawn + closed + script + rest
