"""The health report at the desk: preview its pages, issue and sign it, verify it,
print or export it. Rendering, signing and page images run in workers."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.equipment import Progress
from ui.report_jobs import issue_signed, render_preview, verify_issued
from ui.texts import date_time
from ui.widgets.base import View, heading, push_button
from ui.workers import Job

log = logging.getLogger(__name__)

PAGE_DPI = 80


@dataclass(frozen=True)
class Rendered:
    pdf: Path | None
    pages: list[Path]
    issued_version: int | None = None
    verdict: str = ""
    valid: bool = False


def page_images(pdf: Path, folder: Path, dpi: int = PAGE_DPI) -> list[Path]:
    """The PDF's pages as PNG files (poppler's pdftoppm)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RuntimeError("pdftoppm (poppler-utils) is not installed: no preview")
    subprocess.run(
        [tool, "-png", "-r", str(dpi), str(pdf), str(folder / "page")], check=True, timeout=120
    )
    return sorted(folder.glob("page*.png"))


class ReportView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("report")
        self.title = heading()
        self.state = QLabel()
        self.state.setObjectName("report_state")
        self.state.setWordWrap(True)
        self.preview_button = push_button("report_preview")
        self.preview_button.clicked.connect(self.preview)
        self.issue_button = push_button("report_issue", accent=True)
        self.issue_button.clicked.connect(self.issue)
        self.verify_button = push_button("report_verify")
        self.verify_button.clicked.connect(self.verify)
        self.print_button = push_button("report_print")
        self.print_button.clicked.connect(self.print_pages)
        self.export_button = push_button("report_export")
        self.export_button.clicked.connect(self.export)
        # The report is the customer's: in their language unless the advisor switches it.
        self.language_button = push_button("report_language")
        self.language_button.clicked.connect(self.switch_language)
        self.language = ""
        self._language_of: int | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 3)
        self.pages_host = QWidget()
        self.pages_box = QVBoxLayout(self.pages_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages_host)
        buttons = QHBoxLayout()
        for button in (
            self.preview_button,
            self.issue_button,
            self.verify_button,
            self.print_button,
            self.export_button,
            self.language_button,
        ):
            buttons.addWidget(button)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.state)
        box.addLayout(buttons)
        box.addWidget(self.progress)
        box.addWidget(scroll, 1)
        self.job: Job | None = None
        self.rendered: Rendered | None = None
        self.page_labels: list[QLabel] = []
        self._temp = tempfile.TemporaryDirectory(prefix="bay-report-")

        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Health report"))
        self.preview_button.setText(self.tr("Preview"))
        self.issue_button.setText(self.tr("Issue and sign"))
        self.verify_button.setText(self.tr("Verify signature"))
        self.print_button.setText(self.tr("Print"))
        self.export_button.setText(self.tr("Export PDF"))
        self._name_language()

    def _name_language(self) -> None:
        names = {"zh": self.tr("Chinese"), "en": self.tr("English")}
        self.language_button.setText(
            self.tr("Report in %1").replace("%1", names.get(self.language, "—"))
        )

    def switch_language(self) -> None:
        """One tap: the next preview or issue in the other language."""
        self.language = "en" if self.language == "zh" else "zh"
        self.rendered = None
        self.refresh()

    def _issued(self) -> dict[str, object] | None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return None
        return self.model.workshop.latest_report(wo_id)

    def _issued_path(self) -> Path | None:
        issued = self._issued()
        return (
            None if issued is None else self.model.data_dir / "reports" / str(issued["file_name"])
        )

    def refresh(self) -> None:
        super().refresh()
        wo_id = self.model.work_order_id
        busy = self.job is not None and self.job.running
        issued = self._issued()
        has_wo = wo_id is not None
        if wo_id is not None and self._language_of != wo_id:
            self.language = self.model.workshop.customer_language(wo_id)
            self._language_of = wo_id
        self._name_language()
        self.language_button.setEnabled(has_wo and not busy)
        self.preview_button.setEnabled(has_wo and not busy)
        self.issue_button.setEnabled(has_wo and not busy and self.model.may("report.issue"))
        self.verify_button.setEnabled(issued is not None and not busy)
        self.export_button.setEnabled(issued is not None and not busy)
        self.print_button.setEnabled(bool(self.rendered and self.rendered.pages) and not busy)
        if wo_id is None:
            self.state.setText(self.tr("Choose a work order on the board"))
        elif issued is None:
            self.state.setText(self.tr("Not issued yet"))
        else:
            text = (
                self.tr("Version %1 issued at %2")
                .replace("%1", str(issued["version"]))
                .replace("%2", date_time(str(issued["issued_at"]), self.model.language))
            )
            if self.rendered is not None and self.rendered.verdict:
                text += "\n" + self.rendered.verdict
            self.state.setText(text)

    def _show_pages(self, rendered: Rendered) -> None:
        self.rendered = rendered
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels = []
        for page in rendered.pages:
            label = QLabel()
            label.setPixmap(QPixmap(str(page)))
            self.pages_box.addWidget(label)
            self.page_labels.append(label)

    def _run(self, work: Callable[[Progress], Rendered], done_text: str) -> None:
        def done(rendered: Rendered) -> None:
            self.progress.setValue(3)
            if rendered.pages:
                self._show_pages(rendered)
            elif self.rendered is not None:
                self.rendered = Rendered(
                    self.rendered.pdf,
                    self.rendered.pages,
                    verdict=rendered.verdict,
                    valid=rendered.valid,
                )
            else:
                self.rendered = rendered
            self.model.notify(done_text)
            self.model.events.changed.emit()

        def failed(message: str) -> None:
            self.model.notify(message, True)
            self.refresh()

        self.progress.setValue(0)
        self.job = self.ctx.workers.start(
            work, done, failed, lambda v, _n, _t: self.progress.setValue(v)
        )
        self.refresh()

    def _folder(self) -> Path:
        folder = Path(tempfile.mkdtemp(dir=self._temp.name))
        return folder

    def preview(self) -> None:
        wo_id = self.model.work_order_id
        database = self.model.workshop.store.path
        if wo_id is None or database is None:
            return
        data_dir = self.model.data_dir
        issued = self._issued_path()
        folder = self._folder()
        pool = self.ctx.reports.pool
        language = self.language or None
        if issued is not None:
            latest = self._issued()
            if latest is not None and latest["language"] != language:
                issued = None  # the issued version is in the other language: preview this one

        def work(progress: Progress) -> Rendered:
            progress(1, 3, "render")
            pdf = issued
            if pdf is None:
                target = folder / "preview.pdf"
                pdf = pool.submit(
                    render_preview, database, data_dir, wo_id, target, language
                ).result()
            progress(2, 3, "pages")
            return Rendered(pdf, page_images(pdf, folder))

        self._run(work, self.tr("Preview ready"))

    def issue(self) -> None:
        wo_id = self.model.work_order_id
        database = self.model.workshop.store.path
        if wo_id is None or database is None:
            return
        actor = self.model.require_actor()
        data_dir = self.model.data_dir
        folder = self._folder()
        pool = self.ctx.reports.pool
        language = self.language or None

        def work(progress: Progress) -> Rendered:
            progress(1, 3, "sign")
            path, version = pool.submit(
                issue_signed, database, data_dir, actor, wo_id, language
            ).result()
            progress(2, 3, "pages")
            return Rendered(path, page_images(path, folder), version)

        self._run(work, self.tr("Report issued and signed"))

    def verify(self) -> None:
        path = self._issued_path()
        if path is None:
            return
        data_dir = self.model.data_dir
        valid_text = self.tr("Signature valid: %1")
        invalid_text = self.tr("Signature NOT valid: %1")
        pool = self.ctx.reports.pool

        def work(progress: Progress) -> Rendered:
            progress(1, 3, "verify")
            ok, reason = pool.submit(verify_issued, path, data_dir).result()
            text = (valid_text if ok else invalid_text).replace("%1", reason)
            return Rendered(path, [], verdict=text, valid=ok)

        self._run(work, self.tr("Verified"))

    def export(self) -> None:
        path = self._issued_path()
        if path is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the report to"))
        if folder:
            target = Path(folder) / path.name
            shutil.copyfile(path, target)
            self.model.notify(self.tr("Exported to %1").replace("%1", str(target)))

    def print_pages(self) -> None:
        if self.rendered is None or not self.rendered.pages:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() != QPrintDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        for index, page in enumerate(self.rendered.pages):
            if index:
                printer.newPage()
            pixmap = QPixmap(str(page))
            target = painter.viewport()
            scaled = pixmap.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawPixmap(0, 0, scaled.width(), scaled.height(), pixmap)
        painter.end()
