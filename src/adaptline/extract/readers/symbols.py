"""Characters from symbol fonts, which Office stores as the font's own codes, not as Unicode.

A character inserted from the Symbol font ("Insert > Symbol") is kept as its code in that font:
Word writes ``<w:sym w:font="Symbol" w:char="F06D"/>``, PowerPoint the private-use character
U+F06D in a run whose symbol font is Symbol. Text typed in the Symbol font is kept as the letters
typed: "m" in Symbol shows "µ", "W" shows "Ω". Read as they are, "10 µF" and "±5 %" lose their µ
and ±, "10 µF" even reads "10 mF", or they carry a private-use character no model knows. The
Symbol font's codes are mapped here to Unicode (Adobe's Symbol encoding). Pictographic fonts
(Wingdings, Webdings) have no text.
"""

from __future__ import annotations

import re
import sys

# The Symbol font's characters for codes 0x20-0xFF, "\x00" where it has none that is text.
# fmt: off
_SYMBOL_FONT = (
    " !∀#∃%&∋()∗+,−./0123456789:;<=>?"  # 0x20
    "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"  # 0x40
    "\x00αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼\x00"  # 0x60
    + "\x00" * 32  # 0x80
    + "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…\x00\x00↵"  # 0xA0
    "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"  # 0xC0
    "◊〈®©™∑" + "\x00" * 11 + "〉∫⌠\x00⌡" + "\x00" * 10  # 0xE0
)
# fmt: on
_SYMBOL_FONT_FIRST = 0x20
_PRIVATE_USE = 0xF000  # Office writes a symbol font's code c as U+F000 + c
FONT_CODES = re.compile("[\uf020-\uf0ff]")  # text holding these may be in a symbol font


def symbol_text(font: str, code: str) -> str:
    """The character a Word ``w:sym`` shows: a Symbol font code mapped to Unicode, a Unicode code
    as it is; "" for other fonts' own codes and for codes that are not hexadecimal."""
    try:
        number = int(code, 16)
    except ValueError:
        return ""
    if number < _PRIVATE_USE and not is_symbol_font(font):
        return chr(number) if number <= sys.maxunicode and chr(number).isprintable() else ""
    return _symbol_character(font, number)


def font_text(font: str, text: str) -> str:
    """Text of a run in ``font``, its symbol font codes (U+F020-U+F0FF) mapped to Unicode, or
    left out where the font is not Symbol."""
    return FONT_CODES.sub(lambda match: _symbol_character(font, ord(match.group())), text)


def symbol_font_text(text: str) -> str:
    """Text typed in the Symbol font, as Unicode. Documents from older Word keep it as the
    letters typed: "10 mF" in Symbol shows "10 µF", "4.7 kW" shows "4.7 kΩ". Characters the font
    does not have (outside 0x20-0xFF and its private-use codes) stay as they are."""
    return "".join(
        _symbol_character("Symbol", code)
        if _SYMBOL_FONT_FIRST <= (code := ord(char)) <= 0xFF or FONT_CODES.match(char)
        else char
        for char in text
    )


def is_symbol_font(font: str | None) -> bool:
    """Whether ``font`` (a font name from a run's properties) is the Symbol font."""
    return font is not None and font.strip().lower() == "symbol"


def _symbol_character(font: str, number: int) -> str:
    if not is_symbol_font(font):
        return ""
    offset = (number - _PRIVATE_USE if number >= _PRIVATE_USE else number) - _SYMBOL_FONT_FIRST
    character = _SYMBOL_FONT[offset] if 0 <= offset < len(_SYMBOL_FONT) else "\x00"
    return "" if character == "\x00" else character
