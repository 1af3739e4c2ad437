"""Progress of an export: a bar on stderr when it is a terminal, nothing otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator


class Progress:
    """Counts what an export has written. Shows a tqdm bar on stderr only when ``enabled``."""

    def __init__(
        self, total: int | None = None, *, enabled: bool = False, unit: str = "record", desc: str = "exporting"
    ) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit=unit,
                desc=desc,
                file=sys.stderr,
                dynamic_ncols=True,
                leave=False,
                mininterval=0.2,
                unit_scale=False,
            )

    def advance(self, count: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def track(self, items: Iterable) -> Iterator:
        for item in items:
            yield item
            self.advance()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
