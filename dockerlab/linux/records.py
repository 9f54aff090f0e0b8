"""What the kernel's files said about a demo's objects just before a ``with`` block removed them.

A cgroup or an overlay tree lives only as long as its ``with`` block; afterwards its
directories are gone, and with them the kernel's record of what happened inside (the memory
limit, the OOM-kill counter, the whiteouts in an upper directory). Just before removing them,
:class:`~dockerlab.linux.cgroups.Cgroup` and :class:`~dockerlab.linux.overlay.OverlayTree`
read those files once more and keep the answers here, keyed by the directory, so that an
exercise check can compare a learner's answer with what the kernel recorded. Similar in
spirit to ``docker inspect`` of a container that has exited: its state, after the fact.

Only the most recent records are kept (this is a small in-memory table, nothing is written).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

KEEP = 64
_records: OrderedDict[str, object] = OrderedDict()
_lock = threading.Lock()


def keep(directory: str, record) -> None:
    """Remember ``record`` for ``directory`` (the newest replaces an older one)."""
    with _lock:
        _records.pop(directory, None)
        _records[directory] = record
        while len(_records) > KEEP:
            _records.popitem(last=False)


def find(directory: str):
    """The record kept for ``directory``, or ``None`` when none was kept."""
    with _lock:
        return _records.get(directory)


def forget(directory: str) -> None:
    with _lock:
        _records.pop(directory, None)


@dataclass(frozen=True)
class CgroupRecord:
    """A cgroup's memory limit and OOM-kill count, as its files said before its removal."""

    name: str
    version: int
    memory_limit: int | None
    oom_kills: int


@dataclass(frozen=True)
class TreeRecord:
    """An overlay tree's folders, as listed just before the tree was removed."""

    root: str
    upper: str
    lowers: tuple
    #: the upper folder's listing, and each lower's top level (lists of ``Entry``)
    listings: dict = field(default_factory=dict)

    def folder_of(self, directory: str) -> str | None:
        """``"upper"``, ``"lower-N"``, ``"merged"`` or ``"work"`` for a folder of this tree."""
        if directory.startswith(self.root + "/"):
            return directory[len(self.root) + 1:]
        return None
