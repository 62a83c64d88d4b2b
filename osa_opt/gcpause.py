"""Python's cyclic garbage collector paused while a step builds many objects that live on.

Reading 100,000 projects, or writing their run folder, makes millions of lists, dicts and
tuples that survive; each allocation burst makes the collector walk every object the
process holds, again and again (1.2 s of 4.7 s reading such a round). None of these
objects form cycles that need collecting right away, so the collector waits until the
step ends, as Pyomo's ``PauseGC`` does around its model writers. The previous state is
restored, so a caller that disabled the collector keeps it disabled.

>>> with paused_gc():
...     rows = [[] for _ in range(1000)]
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector off inside the block (if it was on), back on after it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
