"""The learner's progress: one JSON line per check, in a local file only its user can read.

Each :meth:`~dockerlab.checker.Exercise.check` appends a record (format 1, documented in
``docs/progress-format.md``)::

    {"format": 1, "time": "2026-12-02T15:04:05Z", "user": "ada", "notebook": "00_welcome",
     "exercise": "00_welcome/first_container", "status": "correct", "hints": 2,
     "solution_shown": false, "seconds": 1.4}

The file is ``<state dir>/progress-<user>.jsonl`` (the kit's state directory, see
:func:`dockerlab.engine.install.state_dir`), or ``DOCKERLAB_PROGRESS`` (a path; ``off``
records nothing). It is created with mode 0600 and every append holds an exclusive lock, so
two notebooks checking at once never interleave their lines. Nothing leaves the machine.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import time
from pathlib import Path

FORMAT = 1
PROGRESS_ENV = "DOCKERLAB_PROGRESS"
OFF = {"off", "none", "0", "no"}
STATUSES = ("not attempted", "incorrect", "correct")  # worst to best


def user() -> str:
    """The learner's login name (the uid when the system knows no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def progress_file() -> Path | None:
    """Where this user's progress is recorded; ``None`` when recording is switched off."""
    configured = os.environ.get(PROGRESS_ENV)
    if configured is not None and configured.strip():
        if configured.strip().lower() in OFF:
            return None
        return Path(configured).expanduser()
    from .engine.install import state_dir

    return state_dir() / f"progress-{user()}.jsonl"


def make_record(exercise: str, status: str, hints: int = 0, solution_shown: bool = False,
                seconds: float | None = None, when: float | None = None) -> dict:
    """One record of format 1 (see the module's documentation)."""
    moment = time.time() if when is None else when
    return {"format": FORMAT,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment)),
            "user": user(), "notebook": exercise.split("/", 1)[0], "exercise": exercise,
            "status": status, "hints": int(hints), "solution_shown": bool(solution_shown),
            "seconds": None if seconds is None else round(seconds, 1)}


def make_reset(exercise: str, user_name: str, when: float | None = None) -> dict:
    """A reset line: the summary forgets every earlier line of ``exercise`` (the
    instructor's "reset exercise"; see ``docs/progress-format.md``)."""
    record = make_record(exercise, "not attempted", when=when)
    record.update(user=user_name, reset=True)
    return record


def append(record: dict, path: Path | None = None) -> Path | None:
    """Append ``record`` as one line, under an exclusive lock; returns the file (or None
    when recording is off)."""
    path = progress_file() if path is None else Path(path)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = (json.dumps(record, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)  # one write of one line: O_APPEND puts it at the end
    finally:
        os.close(fd)  # closing releases the lock
    return path


def read(path: Path | None = None) -> list[dict]:
    """Every record of a format this kit knows, oldest first (a torn or foreign line is
    skipped, never fatal)."""
    path = progress_file() if path is None else Path(path)
    if path is None or not path.exists():
        return []
    with open(path, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        raw = handle.read().decode(errors="replace")
    records = []
    for line in raw.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("format") == FORMAT and "exercise" in record:
            records.append(record)
    return records


def summary(records: list[dict]) -> dict[str, list[dict]]:
    """Notebook -> one row per exercise: best status, checks, most hints, last check."""
    rows: dict[str, dict[str, dict]] = {}
    for record in records:
        if record.get("reset"):  # a reset line: the exercise starts again from nothing
            rows.get(record.get("notebook", "?"), {}).pop(record["exercise"], None)
            continue
        row = rows.setdefault(record.get("notebook", "?"), {}).setdefault(
            record["exercise"], {"exercise": record["exercise"], "status": "not attempted",
                                 "checks": 0, "hints": 0, "solution_shown": False,
                                 "last": ""})
        row["checks"] += 1
        row["hints"] = max(row["hints"], int(record.get("hints") or 0))
        row["solution_shown"] = row["solution_shown"] or bool(record.get("solution_shown"))
        row["last"] = max(row["last"], record.get("time", ""))
        status = record.get("status")
        if status in STATUSES and STATUSES.index(status) > STATUSES.index(row["status"]):
            row["status"] = status
    return {notebook: list(exercises.values()) for notebook, exercises in sorted(rows.items())}


def table(records: list[dict]) -> str:
    """The summary as plain text, one block per notebook."""
    if not records:
        return "No exercise checked yet: run `ex.check(...)` in a notebook."
    blocks = []
    for notebook, rows in summary(records).items():
        lines = [notebook, f"  {'exercise':<28} {'status':<14} {'checks':>6} {'hints':>5}  "
                 "last check (UTC)"]
        for row in rows:
            name = row["exercise"].split("/", 1)[-1]
            hints = f"{row['hints']}{'+s' if row['solution_shown'] else ''}"
            lines.append(f"  {name:<28} {row['status']:<14} {row['checks']:>6} {hints:>5}  "
                         f"{row['last'].replace('T', ' ').rstrip('Z')}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class Progress(str):
    """The progress table, displayed as plain text in a notebook."""

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def show(path: Path | None = None) -> Progress:
    """This user's progress as a table (what ``dockerlab progress`` prints)."""
    where = progress_file() if path is None else Path(path)
    if where is None:
        return Progress(f"Progress is not recorded ({PROGRESS_ENV} is off).")
    return Progress(table(read(where)))
