"""The CLI's progress display for a batch: a bar on a terminal, plain lines in a log."""

from __future__ import annotations

import sys
import time

__all__ = ["ProgressPrinter"]


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressPrinter:
    """A one-line bar (wells done / total, failures, ETA) on a terminal; otherwise one plain
    line per well, which reads well in a log file or a CI console."""

    WIDTH = 28

    def __init__(self, stream=None, tty: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.start = time.perf_counter()
        self.failed = 0
        self.worked = 0
        self.drawn = False

    def __call__(self, row: dict, done: int, total: int) -> None:
        if row["status"] == "error":
            self.failed += 1
        elif row["status"] == "ok":
            self.worked += 1
        if not self.tty:
            detail = (f": {row['message']}" if row["status"] == "error"
                      else f" -> {row['output']}" + (f" ({row['seconds']} s)"
                                                     if row["status"] == "ok" else " (up to date)"))
            print(f"[{done}/{total}] {row['status']:7s} {row['file']}{detail}",
                  file=self.stream, flush=True)
            return
        if row["status"] == "error":  # failures stay on screen above the bar
            self._clear()
            print(f"error: {row['file']}: {row['message']}", file=self.stream)
        elapsed = time.perf_counter() - self.start
        # ETA from the wells actually computed: skipped ones cost nothing.
        left = total - done
        computed = self.worked + self.failed
        eta = f", ~{_clock(elapsed / computed * left)} left" if left and computed else ""
        filled = int(self.WIDTH * done / max(total, 1))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} files, {self.failed} failed{eta}   ")
        self.stream.flush()
        self.drawn = True
        if done == total:
            self.stream.write("\n")
            self.drawn = False

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.drawn = False
