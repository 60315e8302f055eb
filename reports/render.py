"""The health report as an A4 PDF (reportlab), from `ReportData` alone.

Rendering is deterministic: reportlab's invariant mode fixes the document ID
and dates, the data carries its own date and ordering, and photos come scaled
from a cache, so the same data renders to the same bytes (before signing).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing, PolyLine, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports import fonts, live_plot, texts
from reports.data import (
    AlignmentLine,
    PhotoRef,
    ReportData,
    ScanSummary,
    SignatureDrawing,
    data_sha256,
)
from reports.photo_cache import pixels_for

log = logging.getLogger(__name__)

# (original SHA-256, max width px, max height px) -> JPEG bytes at that size
PhotoLoader = Callable[[str, int, int], bytes]

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
PAIR_W, PAIR_H = 86.0, 64.5  # mm: a before/after photo
GRID_W, GRID_H = 57.0, 42.75  # mm: a walk-around photo, three per row
RATING_COLOURS = {
    "green": colors.HexColor("#2e7d32"),
    "amber": colors.HexColor("#e69b00"),
    "red": colors.HexColor("#c62828"),
}
STATE_COLOURS = {
    "repaired": colors.HexColor("#2e7d32"),
    "approved": colors.HexColor("#2e7d32"),
    "declined": colors.HexColor("#757575"),
    "pending": colors.HexColor("#e69b00"),
}
GRID_COLOUR = colors.HexColor("#b0b7bf")
HEAD_FILL = colors.HexColor("#eef1f4")


class _Styles:
    """Paragraph styles for one language: Chinese text wraps per character."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.base = fonts.CJK if language == "zh" else fonts.LATIN
        self.bold = fonts.CJK if language == "zh" else fonts.LATIN_BOLD
        wrap = "CJK" if language == "zh" else "LTR"
        self.body = ParagraphStyle(
            "body", fontName=self.base, fontSize=9, leading=12.5, wordWrap=wrap
        )
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=10)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8.5, leading=11)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=self.bold)
        self.title = ParagraphStyle(
            "title", parent=self.body, fontName=self.bold, fontSize=18, leading=23
        )
        self.section = ParagraphStyle(
            "section",
            parent=self.body,
            fontName=self.bold,
            fontSize=12.5,
            leading=16,
            spaceBefore=9,
            spaceAfter=4,
            textColor=colors.HexColor("#1a3d5c"),
        )

    def p(self, text: str, style: ParagraphStyle | None = None, colour: Any = None) -> Paragraph:
        body = fonts.markup(text, (style or self.body).fontName)
        if colour is not None:
            body = f'<font color="{colour.hexval()}">{body}</font>'
        return Paragraph(body, style or self.body)

    def t(self, key: str, **values: object) -> str:
        return texts.label(key, self.language, **values)

    @property
    def colon(self) -> str:
        return "：" if self.language == "zh" else ": "


def pdf_date(issued_instant: str) -> str:
    """The PDF date of "2026-11-30T14:05:09.120Z" (UTC): what readers show as the file's
    creation time, converted to their own zone."""
    digits = "".join(ch for ch in issued_instant if ch.isdigit())[:14]
    return f"D:{digits}+00'00'"


def render_pdf(
    data: ReportData,
    load_photo: PhotoLoader,
    font_files: fonts.FontFiles,
    logo: bytes | None = None,
) -> bytes:
    """The report's PDF bytes; the same data, photos, logo and fonts give the same bytes."""
    fonts.register(font_files)
    s = _Styles(data.language)
    digest = data_sha256(data)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{s.t('title')} {data.number}",
        author=data.workshop["name"],
        subject=f"report {data.report_id}",
        creator="Bay Station",
        invariant=True,  # no random document id; the date is the issue time, set below
        initialFontName=s.base,  # not Helvetica: every font in the file is embedded
        lang="zh-CN" if data.language == "zh" else "en",
    )
    story: list[Flowable] = []
    story += _heading(data, s, logo)
    story += _parties(data, s)
    story += _summary(data, s)
    story += _work_done(data, s, load_photo)
    story += _quality(data, s)
    story += _findings(data, s)
    story += _totals(data, s)
    story += _codes(data, s)
    story += live_plot.flowables(data.live_recordings, data.language, s.base, s.section, s.small)
    story += _alignment(data, s)
    story += _measurements(data, s)
    story += _next_service(data, s)
    story += _approvals(data, s)
    story += _photos(data, s, load_photo)
    story += _verification(data, s, digest)
    issued = pdf_date(data.issued_instant)

    def footer(canvas: Canvas, document: Any) -> None:
        canvas.setDateFormatter(lambda *_date: issued)
        canvas.saveState()
        canvas.setFont(s.base, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        text = s.t("footer", number=data.number, page=document.page)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, text)
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.line(MARGIN, MARGIN + 1 * mm, A4[0] - MARGIN, MARGIN + 1 * mm)
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


# -- sections -------------------------------------------------------------------


def _section(s: _Styles, key: str) -> list[Flowable]:
    return [CondPageBreak(30 * mm), s.p(s.t(key), s.section)]


def _style(font: str, commands: list[Any]) -> TableStyle:
    """A table style whose cells default to our font (reportlab's default is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands])


def _grid(s: _Styles, rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    table.setStyle(_style(s.base, style))
    return table


def _qr(url: str, size_mm: float, font: str) -> Drawing:
    """The cloud link as a QR code (the drawing's font only keeps Helvetica out of the file)."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    scale = size_mm * mm / max(x1 - x0, y1 - y0)
    drawing = Drawing(
        size_mm * mm,
        size_mm * mm,
        transform=[scale, 0, 0, scale, -x0 * scale, -y0 * scale],
        initialFontName=font,
    )
    drawing.add(widget)
    return drawing


def _heading(data: ReportData, s: _Styles, logo: bytes | None) -> list[Flowable]:
    shop = data.workshop
    contact = " · ".join(
        part
        for part in (
            shop["address"],
            f"{s.t('phone')} {shop['phone']}" if shop["phone"] else "",
            f"{s.t('tax_id')} {shop['tax_id']}" if shop["tax_id"] else "",
        )
        if part
    )
    left: list[Flowable] = [s.p(shop["name"], s.head)]
    if contact:
        left.append(s.p(contact, s.small))
    left += [
        s.p(s.t("title"), s.title),
        s.p(f"{s.t('report_number')} {data.number} · {s.t('version')} {data.version}"),
        s.p(f"{s.t('issued')} {data.issued_at}"),
    ]
    right: list[Flowable] = []
    if data.public_url:
        right = [_qr(data.public_url, 26, s.base), s.p(s.t("scan_qr"), s.small)]
    cells: list[Any] = [left, right]
    widths = [WIDTH - 34 * mm, 34 * mm]
    if logo is not None:
        cells.insert(0, _logo(logo))
        widths = [26 * mm, WIDTH - 60 * mm, 34 * mm]
    table = Table([cells], colWidths=widths)
    table.setStyle(
        _style(
            s.base,
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (-1, 0), (-1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ],
        )
    )
    return [table, Spacer(1, 3 * mm)]


def _logo(image: bytes) -> Image:
    """The workshop's logo in a 24 mm square, its proportions kept."""
    logo = Image(io.BytesIO(image))
    ratio = min(24 * mm / max(logo.imageWidth, 1), 24 * mm / max(logo.imageHeight, 1))
    logo.drawWidth, logo.drawHeight = logo.imageWidth * ratio, logo.imageHeight * ratio
    return logo


def _parties(data: ReportData, s: _Styles) -> list[Flowable]:
    def block(title: str, pairs: list[tuple[str, str]]) -> list[Flowable]:
        cells: list[Flowable] = [s.p(title, s.head)]
        for key, value in pairs:
            if value:
                cells.append(s.p(f"{s.t(key)}{s.colon}{value}", s.cell))
        return cells

    wo, v, c, people = data.work_order, data.vehicle, data.customer, data.people
    row = [
        block(
            s.t("work_order"),
            [
                ("number", wo["number"]),
                ("bay", wo["bay"]),
                ("checked_in", wo["checked_in"]),
                ("complaint", wo["complaint"]),
                ("advisor", people["advisor"]),
                ("technicians", people["technicians"]),
            ],
        ),
        block(
            s.t("vehicle"),
            [
                ("vin", v["vin"]),
                ("plate", v["plate"]),
                ("model", v["model"]),
                ("powertrain", v["powertrain"]),
                ("mileage", v["mileage"]),
            ],
        ),
        block(s.t("customer"), [("name", c["name"]), ("phone", c["phone"])]),
    ]
    return [_grid(s, [row], [64, 70, 46], header=False)]


def _summary(data: ReportData, s: _Styles) -> list[Flowable]:
    counts = data.summary
    total = sum(counts.values())
    shown = [("green", "green"), ("amber", "amber"), ("red", "red")]
    if counts.get("replaced"):
        shown.append(("replaced", "replaced_count"))
    fills = {**RATING_COLOURS, "replaced": colors.HexColor("#1a3d5c")}
    cells = []
    for key, label in shown:
        style = ParagraphStyle(
            f"sum-{key}", parent=s.head, fontSize=11, leading=14, textColor=colors.white
        )
        cells.append(s.p(f"{counts.get(key, 0)} · {s.t(label)}", style))
    table = Table([cells], colWidths=[WIDTH / len(shown)] * len(shown))
    table.setStyle(
        _style(
            s.base,
            [("BACKGROUND", (i, 0), (i, 0), fills[key]) for i, (key, _label) in enumerate(shown)]
            + [("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)],
        )
    )
    return [*_section(s, "summary"), table, s.p(f"{total} {s.t('items_checked')}", s.small)]


def _photo(ref: PhotoRef, load_photo: PhotoLoader, box_w: float, box_h: float) -> Image:
    """A photo fitted into a box (mm), scaled for print at the box's size."""
    ratio = min(box_w / max(ref.width, 1), box_h / max(ref.height, 1))
    width, height = ref.width * ratio, ref.height * ratio
    jpeg = load_photo(ref.sha256, pixels_for(box_w), pixels_for(box_h))
    return Image(io.BytesIO(jpeg), width=width * mm, height=height * mm)


def _work_done(data: ReportData, s: _Styles, load_photo: PhotoLoader) -> list[Flowable]:
    out = _section(s, "work_done")
    done = [item for item in data.work_done if item.state == "done"]
    if not done:
        out.append(s.p(s.t("no_work")))
    for item in done:
        kind = s.t("extra") if item.extra else s.t("booked")
        who = s.t("worked_by", names=", ".join(item.technicians), minutes=item.minutes)
        out.append(s.p(f"• {item.description} · {kind} · {who} · {item.finished}"))
        for pair in item.photo_pairs:
            rows = [
                [s.p(s.t("before"), s.head), s.p(s.t("after"), s.head)],
                [
                    _photo(pair.before, load_photo, PAIR_W, PAIR_H),
                    _photo(pair.after, load_photo, PAIR_W, PAIR_H),
                ],
                [s.p(pair.before.caption, s.small), s.p(pair.after.caption, s.small)],
            ]
            table = Table(rows, colWidths=[WIDTH / 2] * 2)
            table.setStyle(_style(s.base, [("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out.append(KeepTogether([table, Spacer(1, 2 * mm)]))
    not_done = [item for item in data.work_done if item.state != "done"]
    if not_done:
        out += _section(s, "not_done")
        for item in not_done:
            out.append(
                s.p(f"• {item.description} · {s.t(item.state)}", colour=RATING_COLOURS["amber"])
            )
    return out


def _quality(data: ReportData, s: _Styles) -> list[Flowable]:
    if not data.quality_checks:
        return []
    out = _section(s, "quality")
    for check in data.quality_checks:
        verdict = s.t("qc_passed" if check.passed else "qc_failed")
        note = f"{s.colon}{check.note}" if check.note else ""
        colour = None if check.passed else RATING_COLOURS["red"]
        out.append(s.p(f"• {verdict}{note} · {check.by} · {check.at}", colour=colour))
    return out


def _findings(data: ReportData, s: _Styles) -> list[Flowable]:
    out = _section(s, "findings")
    if not data.findings:
        return [*out, s.p(s.t("no_findings"))]
    rows: list[list[Any]] = [
        [
            s.p(s.t(k), s.head)
            for k in ("finding", "measured", "meaning", "action", "price", "state")
        ]
    ]
    for f in data.findings:
        measured = f.measured
        if f.after:
            measured = f"{measured} → {f.after}" if measured else f.after
        rows.append(
            [
                s.p(
                    f.title,
                    s.cell,
                    RATING_COLOURS["red"]
                    if f.severity == "urgent" and f.state != "repaired"
                    else None,
                ),
                s.p(measured, s.cell),
                s.p(f.meaning, s.cell),
                s.p(f.action, s.cell),
                s.p(f.price, s.cell),
                s.p(s.t(f.state), s.head, STATE_COLOURS[f.state]),
            ]
        )
    return [*out, _grid(s, rows, [36, 21, 48, 35, 21, 19])]


def _totals(data: ReportData, s: _Styles) -> list[Flowable]:
    t = data.totals
    lines = [
        ("total_done", t.done, False),
        ("total_not_done", t.not_done, False),
        ("total_declined", t.declined, False),
        ("total_waiting", t.waiting, False),
    ]
    rows: list[list[Any]] = [
        [s.p(s.t(key), s.cell), s.p(value, s.cell)] for key, value, _bold in lines if value
    ]
    rows.append([s.p(s.t("tax", rate=t.tax_rate), s.cell), s.p(t.tax, s.cell)])
    rows.append([s.p(s.t("payable"), s.head), s.p(t.payable, s.head)])
    table = _grid(s, rows, [120, 60], header=False)
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT")]))
    return [*_section(s, "totals"), table]


def _scan_depth(scan: ScanSummary, s: _Styles) -> list[Flowable]:
    """The control units' own fault memory (UDS codes with their status in words) and the
    traction battery block, where the car gave them."""
    out: list[Flowable] = []
    if scan.uds_codes:
        out.append(s.p(s.t("uds_codes"), s.head))
        rows: list[list[Any]] = [
            [s.p(s.t(k), s.head) for k in ("code", "code_text", "ecu", "uds_status")]
        ]
        for code in scan.uds_codes:
            rows.append(
                [
                    s.p(code.code, s.head),
                    s.p(code.text, s.cell),
                    s.p(code.ecu, s.cell),
                    s.p(code.status, s.cell),
                ]
            )
        out += [_grid(s, rows, [25, 75, 35, 45]), Spacer(1, 2 * mm)]
    for battery in scan.batteries:
        out.append(s.p(f"{s.t('traction_battery')} · {battery.ecu}", s.head))
        rows = [[s.p(name, s.cell), s.p(value, s.cell)] for name, value in battery.lines]
        table = _grid(s, rows, [60, 40], header=False)
        table.hAlign = "LEFT"
        out += [table, Spacer(1, 2 * mm)]
    return out


def _codes(data: ReportData, s: _Styles) -> list[Flowable]:
    if not data.scans:
        return []
    out = _section(s, "codes")
    kinds = {"stored": "stored", "pending": "pending_code", "permanent": "permanent"}
    for scan in data.scans:
        out.append(s.p(f"{s.t('scan_' + scan.stage)} · {scan.at}", s.head))
        if scan.incomplete:
            out.append(s.p(s.t("scan_incomplete"), colour=RATING_COLOURS["amber"]))
            for reason in scan.reasons:
                out.append(s.p(f"• {reason}", s.small, RATING_COLOURS["amber"]))
        if scan.other_vin:
            out.append(
                s.p(s.t("scan_other_vin", vin=scan.other_vin), colour=RATING_COLOURS["amber"])
            )
        if not scan.codes:
            # "No trouble codes" would be false for a unit that never answered
            unheard = scan.incomplete or (
                scan.stage == "post" and any(v.verdict == "not_checked" for v in data.code_verdicts)
            )
            out.append(s.p(s.t("no_codes_answered" if unheard else "no_codes")))
            out += _scan_depth(scan, s)
            continue
        rows: list[list[Any]] = [
            [s.p(s.t(k), s.head) for k in ("code", "code_text", "ecu", "kind")]
        ]
        for code in scan.codes:
            rows.append(
                [
                    s.p(code.code, s.head),
                    s.p(code.text, s.cell),
                    s.p(code.ecu, s.cell),
                    s.p(s.t(kinds.get(code.kind, "stored")), s.cell),
                ]
            )
        out.append(_grid(s, rows, [20, 100, 35, 25]))
        out.append(Spacer(1, 2 * mm))
        out += _scan_depth(scan, s)
    colours = {
        "still_present": RATING_COLOURS["amber"],
        "new": RATING_COLOURS["red"],
        "declined": RATING_COLOURS["red"],
        "not_checked": RATING_COLOURS["amber"],
        "permanent_only": RATING_COLOURS["amber"],
        "cleared": RATING_COLOURS["green"],
    }
    for line in data.code_verdicts:
        out.append(
            s.p(
                f"{s.t('verdict_' + line.verdict)}{s.colon}{', '.join(line.codes)}",
                s.head,
                colours[line.verdict],
            )
        )
    return out


def _alignment_cell(s: _Styles, value: str, rating: str | None, beyond: str | None) -> Paragraph:
    text = value
    if beyond:
        text += f" ▲ {s.t('out_of_spec', d=beyond)}"
    return s.p(text, s.head if rating == "red" else s.cell, RATING_COLOURS.get(rating or ""))


def _alignment(data: ReportData, s: _Styles) -> list[Flowable]:
    if not data.alignment:
        return []
    rows: list[list[Any]] = [
        [s.p(s.t(k), s.head) for k in ("position", "quantity", "spec", "before", "after")]
    ]
    line: AlignmentLine
    for line in data.alignment:
        rows.append(
            [
                s.p(line.position, s.cell),
                s.p(line.quantity, s.cell),
                s.p(line.spec, s.cell),
                _alignment_cell(s, line.before, line.before_rating, line.before_out),
                _alignment_cell(s, line.after, line.after_rating, line.after_out),
            ]
        )
    note = [s.p(data.alignment_note, s.small)] if data.alignment_note else []
    return [*_section(s, "alignment"), _grid(s, rows, [24, 34, 36, 43, 43]), *note]


def _measurements(data: ReportData, s: _Styles) -> list[Flowable]:
    if not data.measurements:
        return []
    rows: list[list[Any]] = [[s.p(s.t(k), s.head) for k in ("item", "value", "rating", "life")]]
    for m in data.measurements:
        rows.append(
            [
                s.p(m.item, s.cell),
                s.p(m.value, s.cell),
                s.p(s.t(m.rating), s.head, RATING_COLOURS[m.rating])
                if m.rating
                else s.p("—", s.cell),
                s.p(m.life, s.cell),
            ]
        )
    return [*_section(s, "measurements"), _grid(s, rows, [62, 30, 38, 50])]


def _next_service(data: ReportData, s: _Styles) -> list[Flowable]:
    return [*_section(s, "next_service"), s.p(data.next_service)]


def _signature_drawing(
    signature: SignatureDrawing, box_w_mm: float, box_h_mm: float, font: str
) -> Drawing:
    """The customer's pen strokes, fitted into the box (pad y grows downwards)."""
    width, height = box_w_mm * mm, box_h_mm * mm
    scale = min(width / max(signature.width, 1), height / max(signature.height, 1))
    drawing = Drawing(width, height, initialFontName=font)
    drawing.add(Rect(0, 0, width, height, strokeColor=GRID_COLOUR, fillColor=None, strokeWidth=0.4))
    for stroke in signature.strokes:
        points: list[float] = []
        for x, y in stroke:
            points += [x * scale, height - y * scale]
        if len(points) >= 4:
            drawing.add(PolyLine(points, strokeColor=colors.HexColor("#0d2a6b"), strokeWidth=1.1))
    return drawing


def _approvals(data: ReportData, s: _Styles) -> list[Flowable]:
    if not data.approvals:
        return []
    channels = {"desk": "desk", "bay": "bay_channel", "remote": "remote"}
    rows: list[list[Any]] = [
        [s.p(s.t(k), s.head) for k in ("finding", "decision", "by", "channel", "at")]
    ]
    for a in data.approvals:
        rows.append(
            [
                s.p(a.finding, s.cell),
                s.p(s.t(a.decision), s.head, STATE_COLOURS[a.decision]),
                s.p(a.customer, s.cell),
                s.p(s.t(channels.get(a.channel, "desk")), s.cell),
                s.p(a.at, s.cell),
            ]
        )
    out = [*_section(s, "approvals"), _grid(s, rows, [66, 24, 34, 22, 34])]
    for signature in data.signatures:
        out.append(Spacer(1, 2 * mm))
        out.append(
            KeepTogether(
                [
                    s.p(s.t("your_signature"), s.small),
                    _signature_drawing(
                        signature, 70, 70 * signature.height / max(signature.width, 1), s.base
                    ),
                ]
            )
        )
    return out


def _photos(data: ReportData, s: _Styles, load_photo: PhotoLoader) -> list[Flowable]:
    if not data.photos:
        return []
    cells: list[list[Flowable]] = []
    for ref in data.photos:
        caption = ref.caption or s.t("walk_around" if ref.stage == "walk_around" else ref.stage)
        cells.append([_photo(ref, load_photo, GRID_W, GRID_H), s.p(caption, s.small)])
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    rows[-1] += [[]] * (3 - len(rows[-1]))
    table = Table(rows, colWidths=[WIDTH / 3] * 3)
    table.setStyle(_style(s.base, [("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [*_section(s, "photos"), table]


def _verification(data: ReportData, s: _Styles, digest: str) -> list[Flowable]:
    """The long identifiers, once, for whoever checks the file; every page has the short number."""
    rows = [
        [s.p(s.t("report_number"), s.cell), s.p(data.number, s.cell)],
        [s.p(s.t("report_id"), s.cell), s.p(data.report_id, s.cell)],
        [s.p(s.t("fingerprint"), s.cell), s.p(digest, s.small)],
    ]
    text = s.t("verification_text", workshop=data.workshop["name"], station=data.station_id)
    return [
        *_section(s, "verification"),
        s.p(text, s.small),
        _grid(s, rows, [50, 130], header=False),
    ]
