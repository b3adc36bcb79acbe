"""One-line notices for the user (on stderr), raised by pure code, printed by the command line.

Pure code calls :func:`notice`; only the command line listens (:func:`listening`) and prints.
Without a listener a notice goes nowhere, so library use and worker processes stay quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

_listeners: list[Callable[[str], None]] = []


def notice(message: str) -> None:
    for listener in _listeners:
        listener(message)


@contextmanager
def listening(listener: Callable[[str], None]) -> Iterator[None]:
    """Send every notice raised inside the block to ``listener``, each distinct one once."""
    said: set[str] = set()

    def once(message: str) -> None:
        if message not in said:
            said.add(message)
            listener(message)

    _listeners.append(once)
    try:
        yield
    finally:
        _listeners.remove(once)
