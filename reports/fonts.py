"""The report's fonts: TrueType, embedded as subsets, with CJK glyphs for Chinese.

reportlab embeds only TrueType outlines, so the CJK face is WenQuanYi Micro Hei
(Debian `fonts-wqy-microhei`) and the Latin faces are DejaVu Sans (Debian
`fonts-dejavu-core`); `report.cjk_font`, `report.latin_font` and
`report.latin_bold_font` in the configuration point elsewhere.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from reports.errors import FontMissing

log = logging.getLogger(__name__)

CJK = "BayCJK"
LATIN = "BayLatin"
LATIN_BOLD = "BayLatinBold"

CJK_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)
LATIN_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
LATIN_BOLD_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)


@dataclass(frozen=True)
class FontFiles:
    cjk: Path
    latin: Path
    latin_bold: Path


def _first(configured: str | None, candidates: tuple[str, ...], package: str) -> Path:
    for name in (configured,) if configured else candidates:
        path = Path(name)
        if path.is_file():
            return path
    raise FontMissing(
        f"font not found ({configured or ', '.join(candidates)}): install the Debian package {package}"
    )


def find_fonts(
    cjk: str | None = None, latin: str | None = None, latin_bold: str | None = None
) -> FontFiles:
    return FontFiles(
        cjk=_first(cjk, CJK_CANDIDATES, "fonts-wqy-microhei"),
        latin=_first(latin, LATIN_CANDIDATES, "fonts-dejavu-core"),
        latin_bold=_first(latin_bold, LATIN_BOLD_CANDIDATES, "fonts-dejavu-core"),
    )


_registered: dict[str, Path] = {}


def register(files: FontFiles) -> None:
    """Register the three faces with reportlab once per process (per file)."""
    for name, path, index in (
        (CJK, files.cjk, 0),
        (LATIN, files.latin, 0),
        (LATIN_BOLD, files.latin_bold, 0),
    ):
        if _registered.get(name) == path:
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        except (TTFError, OSError) as err:
            raise FontMissing(f"cannot use the font {path}: {err}") from err
        _registered[name] = path


def _covers(font_name: str, char: str) -> bool:
    font = pdfmetrics.getFont(font_name)
    return ord(char) in font.face.charToGlyph


def markup(text: str, base: str) -> str:
    """Paragraph markup for `text` in `base`, with runs the base face lacks set in the CJK face.

    reportlab has no font fallback; without this an English report would show
    boxes for a Chinese customer or workshop name.
    """
    if base == CJK:
        return html.escape(text, quote=False)
    out: list[str] = []
    run: list[str] = []
    run_is_cjk = False
    for char in text:
        needs_cjk = not _covers(base, char) and char not in "\n\t"
        if run and needs_cjk != run_is_cjk:
            out.append(_run("".join(run), run_is_cjk))
            run = []
        run.append(char)
        run_is_cjk = needs_cjk
    if run:
        out.append(_run("".join(run), run_is_cjk))
    return "".join(out)


def _run(text: str, cjk: bool) -> str:
    escaped = html.escape(text, quote=False)
    return f'<font name="{CJK}">{escaped}</font>' if cjk else escaped
