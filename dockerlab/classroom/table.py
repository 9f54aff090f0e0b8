"""The instructor's table: learners by exercise, built from the learners' progress records.

Each learner's record is the kit's progress file (format 1, ``docs/progress-format.md``)
in their own state directory, ``~<user>/.local/state/dockerlab/progress-<user>.jsonl``.
:func:`build` folds them with :func:`dockerlab.progress.summary` into one row per learner:
for each exercise its best status (not attempted / incorrect / correct) and the most hints
asked, and the learner's last activity; :func:`to_csv` and :func:`to_html` show it.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from .. import progress

KIT_ROOT = Path(__file__).resolve().parents[2]
MARKS = {"not attempted": "·", "incorrect": "✗", "correct": "✓"}


def known_exercises(root: Path = KIT_ROOT / "exercises") -> list[str]:
    """Every exercise id the kit ships (``<notebook>/<name>``), in notebook order."""
    if not root.is_dir():
        return []
    return sorted(f"{notebook.name}/{exercise.name}" for notebook in root.iterdir()
                  if notebook.is_dir() for exercise in notebook.iterdir()
                  if exercise.is_dir() and not exercise.name.startswith(("_", ".")))


def progress_path(name: str, home: str | Path) -> Path:
    """Where a learner's server records their progress (the classroom sets their state dir)."""
    return Path(home) / ".local" / "state" / "dockerlab" / f"progress-{name}.jsonl"


def build(records_by_learner: dict[str, list[dict]], exercises: list[str] | None = None
          ) -> tuple[list[str], list[dict]]:
    """(exercise ids, one row per learner) — a row is ``{"learner", "last", "cells"}`` with
    ``cells[exercise] = {"status", "hints", "checks", "solution_shown"}``."""
    seen = {r["exercise"] for records in records_by_learner.values() for r in records}
    columns = sorted(set(exercises or []) | seen)
    rows = []
    for learner in sorted(records_by_learner):
        done = {row["exercise"]: row for rows_ in
                progress.summary(records_by_learner[learner]).values() for row in rows_}
        cells = {exercise: {"status": done.get(exercise, {}).get("status", "not attempted"),
                            "hints": done.get(exercise, {}).get("hints", 0),
                            "checks": done.get(exercise, {}).get("checks", 0),
                            "solution_shown": done.get(exercise, {}).get("solution_shown",
                                                                         False)}
                 for exercise in columns}
        last = max((row["last"] for row in done.values()), default="")
        rows.append({"learner": learner, "last": last, "cells": cells})
    return columns, rows


#: a row's engine columns in the CSV (when the rows have them): row key -> header
ENGINE_COLUMNS = {"engine_name": "engine", "socket": "engine socket", "engine": "engine status"}


def to_csv(columns: list[str], rows: list[dict]) -> str:
    """The table as CSV: learner, last activity, their engine (name, socket, status) when the
    rows say it, then a status and a hints column per exercise."""
    out = io.StringIO()
    writer = csv.writer(out)
    engine = [key for key in ENGINE_COLUMNS if any(key in row for row in rows)]
    writer.writerow(["learner", "last activity (UTC)", *[ENGINE_COLUMNS[key] for key in engine],
                     *[f"{c} {part}" for c in columns for part in ("status", "hints")]])
    for row in rows:
        writer.writerow([row["learner"], row["last"], *[row.get(key, "") for key in engine],
                         *[value for c in columns for value in
                           (row["cells"][c]["status"], row["cells"][c]["hints"])]])
    return out.getvalue()


def stuck_on(row: dict) -> str | None:
    """The exercise a learner tried and has not got right yet (the latest in order)."""
    tried = [c for c, cell in row["cells"].items() if cell["status"] == "incorrect"]
    return tried[-1] if tried else None


def _cell(cell: dict) -> str:
    hints = f" <small>{cell['hints']}h</small>" if cell["hints"] else ""
    return (f"<td class='{cell['status'].replace(' ', '-')}' title='{cell['status']}, "
            f"{cell['checks']} checks'>{MARKS[cell['status']]}{hints}</td>")


def to_html(columns: list[str], rows: list[dict], actions=None) -> str:
    """The table as an HTML ``<table>`` (one column per exercise, a mark and the hints);
    a row's ``engine`` status, when it has one, and ``actions(row)`` (HTML) in cells of
    their own."""
    head = "".join(f"<th title='{html.escape(c)}'>{html.escape(c.split('/', 1)[-1])}</th>"
                   for c in columns)
    engine = any("engine" in row for row in rows)
    body = []
    for row in rows:
        cells = "".join(_cell(row["cells"][c]) for c in columns)
        stuck = stuck_on(row)
        state = (f"<td class='engine engine-{row['engine'].replace(' ', '-')}'>"
                 f"{html.escape(row['engine'])}</td>" if engine else "")
        more = f"<td>{actions(row)}</td>" if actions else ""
        body.append(f"<tr id='learner-{html.escape(row['learner'])}'><th>"
                    f"{html.escape(row['learner'])}</th>{state}<td>{html.escape(row['last'])}"
                    f"</td><td>{html.escape(stuck or '')}</td>{cells}{more}</tr>")
    return (f"<table><thead><tr><th>learner</th>{'<th>engine</th>' if engine else ''}"
            f"<th>last activity (UTC)</th><th>stuck on</th>{head}"
            f"{'<th>actions</th>' if actions else ''}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")
