"""A progress bar for long writes."""

import sys
import time


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per quarter otherwise."""

    def __init__(self, label: str, total: int, *, enabled: bool, stream=None):
        self.label, self.total, self.enabled = label, max(total, 1), enabled
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.shown = -1

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        percent = min(self.done * 100 // self.total, 100)
        now = time.monotonic()
        if self.tty and (now - self.drawn_at >= 0.1 or percent == 100):
            self.drawn_at = now
            self.stream.write(f"\r{self._line(percent, now)}")
            self.stream.flush()
        elif not self.tty and percent // 25 > self.shown // 25:
            self.shown = percent
            self.stream.write(f"{self._line(percent, now)}\n")

    def _line(self, percent: int, now: float) -> str:
        bar = "#" * (percent // 4)
        return (
            f"{self.label:<14} [{bar:<25}] {percent:3d}% "
            f"{self.done:>9,}/{self.total:,} {now - self.started:6.1f}s"
        )

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
