"""What BuildKit keeps between builds: its build cache, record by record.

Similar to ``docker buildx du --verbose`` (the engine's ``GET /system/df``, its
``BuildCache``): one record per snapshot BuildKit kept, with its size and the step it belongs
to (the record's description is the step's name, ``[stage-0 3/4] COPY a.txt .``). The
classic builder keeps no such records: its cache is the intermediate images.

A session prunes only the records its own builds made (``docker buildx prune --filter
id=...``, :func:`prune_session`), never the learner's other cache.
"""

from __future__ import annotations

from dataclasses import dataclass

import docker.errors

from .. import labels
from .text import human_size

#: records made by each session's builds: session id -> record ids
_MADE: dict[str, set[str]] = {}


@dataclass(frozen=True)
class CacheRecord:
    """One build cache record."""

    id: str
    description: str
    size: int
    type: str
    in_use: bool
    shared: bool
    usage_count: int
    last_used: str
    parent: str = ""

    @classmethod
    def from_api(cls, item: dict) -> CacheRecord:
        parents = item.get("Parents") or ([item["Parent"]] if item.get("Parent") else [])
        return cls(item.get("ID", ""), item.get("Description", ""), int(item.get("Size") or 0),
                   item.get("Type", ""), bool(item.get("InUse")), bool(item.get("Shared")),
                   int(item.get("UsageCount") or 0), item.get("LastUsedAt") or "",
                   parents[0] if parents else "")

    def row(self) -> dict:
        return {"record": self.id[:12], "step": self.description, "size": human_size(self.size),
                "type": self.type, "used": self.usage_count}


def records(client) -> list[CacheRecord]:
    """Every record of the engine's build cache (``[]`` when it has none)."""
    api = getattr(client, "api", client)
    params = {"type": "build-cache"} if _api_at_least(api, (1, 42)) else None
    data = api._result(api._get(api._url("/system/df"), params=params), True)
    return [CacheRecord.from_api(item) for item in data.get("BuildCache") or []]


def _api_at_least(api, wanted: tuple[int, int]) -> bool:
    try:
        return tuple(int(p) for p in str(api.api_version).split(".")[:2]) >= wanted
    except ValueError:
        return False


def record_for(found: list[CacheRecord], step_name: str) -> CacheRecord | None:
    """The record of a step (its vertex name), the most recently used when several are."""
    matching = [record for record in found if record.description == step_name]
    return max(matching, key=lambda record: record.last_used) if matching else None


def session_of(client) -> str | None:
    policy = getattr(client, "policy", None) or getattr(getattr(client, "api", None),
                                                        "policy", None)
    return (getattr(policy, "labels", None) or {}).get(labels.SESSION)


def remember(client, before: set[str], after: list[CacheRecord]) -> set[str]:
    """Note the records a build made (in ``after``, not in ``before``) as its session's."""
    made = {record.id for record in after} - before
    session = session_of(client)
    if session:
        _MADE.setdefault(session, set()).update(made)
    return made


def made_by(session: str) -> set[str]:
    return set(_MADE.get(session, ()))


#: rounds of pruning: a record another record is built on goes once that one is gone
PRUNE_ROUNDS = 10


def prune_session(client, session: str) -> tuple[list[str], list[str]]:
    """Prune the cache records ``session``'s builds made; ``(pruned ids, failures)``.

    The engine takes one ``id`` per prune (``docker buildx prune --filter id=ID``), so each
    record is pruned on its own, children before the parents they are built on."""
    pending = set(_MADE.get(session, ()))
    api = getattr(client, "api", client)
    pruned: list[str] = []
    for _ in range(PRUNE_ROUNDS):
        removed = set()
        for record in sorted(pending):
            try:
                result = api.prune_builds(filters={"id": [record]})
            except docker.errors.APIError as error:
                return pruned, [f"build cache: {error.explanation}"]
            removed |= set(result.get("CachesDeleted") or []) & pending
        pruned += sorted(removed)
        pending -= removed
        if not removed or not pending:
            break
    _MADE.pop(session, None)
    return pruned, []
