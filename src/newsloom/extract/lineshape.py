"""Shapes of single lines that decide things without a model, and text repair.

Picture credits ("© Huawei", "@markcjn, Unsplash"), bare web addresses ("WinFuture.de"),
bare datelines ("14.08.2019  16:36 Uhr"), CMS shortcodes and strings glued to themselves are
recognised by their shape alone; :mod:`newsloom.extract.boilerplate` removes them by rule and
the line classifier sees them as features. Mojibake repair runs before anything looks at a
line.
"""

from __future__ import annotations

import contextlib
import re


def _continuation_chars() -> str:
    chars = {chr(b) for b in range(0x80, 0xC0)}
    for b in range(0x80, 0xC0):
        with contextlib.suppress(UnicodeDecodeError):
            chars.add(bytes([b]).decode("cp1252"))
    return "".join(sorted(chars))


_CONT = re.escape(_continuation_chars())
# UTF-8 bytes that were decoded as cp1252/latin-1: "fÃ¼r" for "für", "â€ž" for "„".
_MOJIBAKE = re.compile(rf"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}"
                       rf"|[\u00f0-\u00f4][{_CONT}]{{3}}")


def _to_byte(char: str) -> int:
    return ord(char) if ord(char) < 256 else char.encode("cp1252")[0]


def _unmangle(match: re.Match[str]) -> str:
    try:
        return bytes(_to_byte(c) for c in match.group()).decode("utf-8")
    except (UnicodeError, ValueError):
        return match.group()


def repair_mojibake(line: str) -> str:
    """Undo UTF-8 text that was decoded as cp1252 or latin-1 somewhere upstream. Only whole
    multi-byte sequences are repaired, so genuine accented text is never touched."""
    if "Ã" not in line and "Â" not in line and "â" not in line and "Å" not in line \
            and "Ð" not in line and "Ñ" not in line and "Ä" not in line:
        return line
    return _MOJIBAKE.sub(_unmangle, line)


SHORTCODE = re.compile(r"^\[/?[a-z][\w-]*(?:\s[^\]]*)?\]$", re.IGNORECASE)


def is_self_repeat(line: str) -> bool:
    """``"Mate 10 ProMate 10 Pro"``: the same string two or more times, glued together."""
    # A string is a repetition of a shorter one iff it occurs inside itself doubled.
    return len(line) >= 6 and (line + line).find(line, 1) < len(line)


_CREDIT_START = re.compile(r"^(?:©|\(c\)\s)|^(?:foto|fotos|photo|photos|bild|bilder|image|images|"
                           r"credit|credits|quelle|source|beeld|crédit|crédito|zdjęcie|фото)"
                           r"(?:\s*[:/©]|\s+(?:by|von|de|di|van)\b)", re.IGNORECASE)
_CREDIT_WORD = re.compile(r"@\w|\b(?:unsplash|pixabay|pexels|shutterstock|istock(?:photo)?|"
                          r"getty(?:\s?images)?|gettyimages|imago|dpa|afp|epa|keystone|"
                          r"picture[- ]alliance|adobe\s?stock|stock\.adobe\.com|depositphotos|"
                          r"123rf|flickr|wikimedia|ap photo)\b", re.IGNORECASE)
_LINK_ONLY = re.compile(r"^(?:https?://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)*\.(?:com|de|nl|fr|es|"
                        r"it|pl|ru|org|net|at|ch|be|eu|info|co\.uk|io|pt|br|tv|me)(?:/\S*)?|"
                        r"@\w+)$", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^(?=.*\d[./-]\d{1,2}[./-]\d)[\d\s./:,|-]+"
                        r"(?:uhr|h|am|pm|cet|cest|gmt|utc|mez|mesz)?\.?$", re.IGNORECASE)


def is_credit(line: str) -> bool:
    """A short picture credit: "© Huawei", "Foto: dpa", "@markcjn, Unsplash"."""
    if len(line.split()) > 6 or (line.endswith((".", "!", "?")) and not line.endswith("Inc.")):
        return False
    return bool(_CREDIT_START.match(line) or _CREDIT_WORD.search(line))


def is_link_only(line: str) -> bool:
    """A line that is nothing but a web address, a domain or a handle: "WinFuture.de"."""
    return " " not in line and bool(_LINK_ONLY.match(line))


def is_date_only(line: str) -> bool:
    """A line that is nothing but a numeric date and time: "14.08.2019  16:36 Uhr"."""
    return line[:1].isdigit() and bool(_DATE_ONLY.match(line))


def has_doubled_text(line: str, min_chars: int = 12) -> bool:
    """A long stretch written twice back to back at the end of a line, as when a product box
    or caption is scraped with its alt text: "Ab 06:05 Uhr Mini PC …Type-CMini PC …Type-C"."""
    n = len(line)
    if n < 2 * min_chars:
        return False
    tail = line[-min_chars:]
    end = n - min_chars
    position = line.rfind(tail, 0, end)
    while position >= 0:
        size = end - position  # length of the repeated stretch
        if 2 * size >= 0.5 * n and line[n - 2 * size: n - size] == line[n - size:]:
            return True
        position = line.rfind(tail, 0, position + min_chars - 1)
    return False
