"""batch_report.csv: one row per well, kept across runs so a re-run knows what it did.

Rows are appended as wells finish (``ReportJournal``), so an interrupted run still says what it
did, and rewritten in input order, atomically, at the end. ``carried_row`` decides from the last
report which wells a re-run keeps without touching them.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from sonic_model.serving.atomic import atomic_write
from sonic_model.serving.batch.jobs import (
    INTERNAL,
    REPORT_COLUMNS,
    STATUSES,
    BatchWriteError,
    Job,
    ModelChoice,
    is_up_to_date,
    report_row,
)

__all__ = ["REPORT_NAME", "SKIP_MESSAGE", "read_report", "carried_row", "ReportJournal"]

REPORT_NAME = "batch_report.csv"
SKIP_MESSAGE = "output is newer than the input and the model; kept (--force recomputes)"


def read_report(path: str | os.PathLike) -> dict[str, dict]:
    """Rows of an earlier report by file (an interrupted run's report may end mid-line)."""
    rows: dict[str, dict] = {}
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("file") and row.get("status") in STATUSES:
                    rows[row["file"]] = row
    except (OSError, csv.Error, UnicodeDecodeError):
        pass
    return rows


def carried_row(job: Job, choice: ModelChoice, earlier: dict[str, dict], report_time: float,
                newest_model: float, force: bool) -> dict | None:
    """The row a re-run keeps without touching the well, or None when it must be scored.

    A well is kept when its output is newer than the input and the model. A file refused last
    time is refused again without re-reading when neither it nor the model changed since that
    report (a batch of many bad files would otherwise re-run them all); a refusal caused by
    our own bug (internal error) is always retried. --force re-reads everything.
    """
    if force:
        return None
    old = earlier.get(job.label, {})
    if is_up_to_date(job, newest_model):
        same = old.get("output") == Path(job.output).name
        kept = {k: old.get(k, "") if same else "" for k in
                ("rows", "qc_flagged_share", "rmse_dtc", "rmse_dts", "model", "model_reason")}
        return report_row(job, "skipped", **kept, seconds=0.0, message=SKIP_MESSAGE)
    if (old.get("status") == "error" and not old.get("message", "").startswith(INTERNAL)
            and old.get("model", "").split(" ")[0] == choice.label
            and report_time > newest_model):
        try:
            unchanged = os.stat(job.source).st_mtime < report_time
        except OSError:
            unchanged = False
        if unchanged:
            return report_row(job, "error", seconds=0.0, model=old["model"],
                              message=old["message"])
    return None


class ReportJournal:
    """Rows appended as wells finish, so an interrupted run still says what it did; rewritten
    in input order (atomically) at the end."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = open(path, "w", newline="", encoding="utf-8")
        self.writer = csv.DictWriter(self.fh, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        self.writer.writeheader()

    def add(self, row: dict) -> None:
        self.writer.writerow(row)
        self.fh.flush()

    def finish(self, rows: list[dict]) -> None:
        self.fh.close()
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        try:
            atomic_write(self.path, buf.getvalue().encode("utf-8"))
        except OSError as exc:
            raise BatchWriteError(f"cannot write the report '{self.path}' ({exc.strerror or exc})"
                                  "; check the free space and permissions of the output folder"
                                  ) from None


