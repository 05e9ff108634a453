"""What a visitor can get wrong, in one place: the one error, the one escape, the one text decoder.

Every check of visitor input (typed text, uploaded files, URL parameters) raises ``InputError``
with a sentence that says what to do; pages show that sentence and nothing else. Every string a
visitor supplied reaches the page through ``escape_markdown`` (Streamlit's Markdown) or ``escape_html``
(plotly's titles, labels and ticks): it is shown, never rendered.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&^=\"'])")
# Markdown turns bare addresses into links even when escaped ("http\://x", "www\.x", "a@b.org"):
# a zero-width space before the ":" of "://", the "." after "www" and every "@" stops it.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])\\:(?=//)|(?<=www)\\\.|@")


class InputError(ValueError):
    """Input a visitor can fix; ``str(error)`` is the sentence to show them."""


def escape_markdown(text: str) -> str:
    """Visitor text shown literally: every Markdown/HTML/LaTeX-special character backslash-escaped, and no
    bare address turned into a link."""
    return _AUTOLINK.sub(lambda match: "\u200b" + match.group(0), _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)))


def escape_html(text: str) -> str:
    """Visitor text for a plotly title, axis label, tick or data label: plotly renders a subset of HTML there
    (``<a href>``, ``<b>``, ``<br>``, ``<span style>``) and a string between ``$`` signs as LaTeX; escaped, it
    shows literally (plotly decodes the entities back to the characters)."""
    return html.escape(str(text), quote=True).replace("$", "&#36;")


def decode_text(raw: bytes, max_bytes: int, what: str = "file") -> tuple[str, list[str]]:
    """An uploaded file as text, with notes for the visitor; ``InputError`` for empty, huge or binary files.

    UTF-8 (with or without a byte-order mark) is read as it is; anything else is read as Latin-1
    with a note, so a file from an old spreadsheet still works.
    """
    if not raw:
        raise InputError(f"The {what} is empty (0 bytes).")
    if len(raw) > max_bytes:
        raise InputError(f"The {what} is {len(raw) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB.")
    if b"\x00" in raw[:65536]:
        raise InputError(f"The {what} looks like a binary file (a PDF, Word document or image?), not text: "
                         "save it as plain text (.txt or .csv) and upload that.")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        return raw.decode("latin-1"), [f"The {what} is not valid UTF-8 (first bad byte at position {error.start}); "
                                       "it was read as Latin-1, so accented letters may look wrong. "
                                       "Save it as UTF-8 for exact text."]
