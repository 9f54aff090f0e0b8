"""The instructor's view: a JupyterHub service showing every learner's progress.

Started by the hub (a managed service, as root, so it reads every learner's record), reached
at ``/services/instructor/`` through the hub's OAuth: only the instructor's account passes.

- ``/services/instructor/``: the table of learners by exercise (refreshes every 15 s);
- ``/services/instructor/progress.csv``: the same table as CSV, with each learner's engine
  (its name, socket and status);
- ``POST /services/instructor/reset/<learner>``: remove that learner's engine (their next
  server start makes a fresh one);
- ``POST /services/instructor/restart/<learner>``: start that learner's engine again when it
  is down (its dockerd killed or crashed; their data and their server's ``DOCKER_HOST``
  stay), the other learners' engines untouched;
- ``POST /services/instructor/reset-exercise/<learner>`` (form field ``exercise``): append a
  reset line to that learner's progress record (``docs/progress-format.md``).

Every POST needs the page's XSRF token (tornado's ``xsrf_cookies``), as the hub's own forms.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import pwd
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import ioloop, web

from .. import progress
from . import engines, table, users
from .names import system_name

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Classroom progress</title>
<meta http-equiv="refresh" content="15"><style>
body{{font-family:sans-serif}} td,th{{border:1px solid #ccc;padding:2px 6px;text-align:center}}
table{{border-collapse:collapse}} .correct{{background:#cfc}} .incorrect{{background:#fcc}}
</style></head><body><h1>Classroom progress</h1>
<p>{count} learners · ✓ correct · ✗ incorrect · · not attempted · <i>N</i>h: hints asked ·
<a href="progress.csv">download as CSV</a></p>{table}
<h2>Reset a learner's engine</h2>{resets}</body></html>"""
DONE = """<!doctype html><html><head><meta charset="utf-8"><title>Classroom</title></head>
<body><p id="done">{said}</p><p><a href="{back}">back to the table</a></p></body></html>"""


#: learners' engines asked at once for the table (each may take up to 3 s to answer)
PINGS_AT_ONCE = 8


def settings() -> dict:
    return json.loads(Path(os.environ["DOCKERLAB_CLASSROOM_SETTINGS"]).read_text())


def engine_of(name: str) -> dict:
    """A learner's engine for their row: its status, and its name and socket if it has one."""
    user = pwd.getpwnam(name)
    said = engines.status(user)
    if said == engines.NONE:
        return {"engine": said, "engine_name": "", "socket": ""}
    engine = engines.engine_for(user)
    return {"engine": said, "engine_name": engine.name, "socket": str(engine.socket)}


def with_engines(rows: list[dict]) -> list[dict]:
    """The rows with each learner's engine (:func:`engine_of`), the engines asked in
    parallel (at most :data:`PINGS_AT_ONCE` at a time)."""
    with ThreadPoolExecutor(max_workers=PINGS_AT_ONCE) as pool:
        found = pool.map(engine_of, [row["learner"] for row in rows])
        for row, engine in zip(rows, found, strict=True):
            row.update(engine)
    return rows


def records_by_learner(instructor: str) -> dict[str, list[dict]]:
    """Each learner's progress records (the instructor's own account left out)."""
    return {user.pw_name: progress.read(table.progress_path(user.pw_name, user.pw_dir))
            for user in users.learners() if user.pw_name != instructor}


class InstructorHandler(HubOAuthenticated, web.RequestHandler):
    """Only the instructor's account (the hub's admin user) gets past ``prepare``."""

    def initialize(self, instructor: str):
        self.instructor = instructor

    def prepare(self):
        user = self.current_user
        if user is None:
            return
        if user.get("name") != self.instructor:
            raise web.HTTPError(403, "The instructor's view is for the instructor only.")

    def current_table(self):
        return table.build(records_by_learner(self.instructor), table.known_exercises())

    async def table_with_engines(self):
        """The table, with each learner's engine asked off the event loop."""
        columns, rows = self.current_table()
        return columns, await asyncio.to_thread(with_engines, rows)

    def learner(self, name: str) -> pwd.struct_passwd:
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            raise web.HTTPError(404, "No such learner.") from None
        if user.pw_name == self.instructor or user not in users.learners():
            raise web.HTTPError(404, "No such learner.")
        return user

    def done(self, said: str) -> None:
        self.finish(DONE.format(said=html.escape(said), back=html.escape(self.reverse_url(
            "table"))))


def _actions(xsrf: str, columns: list[str]):
    def actions(row: dict) -> str:
        learner = row["learner"]
        restart = (f"<form method='post' action='restart/{learner}'>{xsrf}"
                   f"<button class='restart'>restart engine</button></form>"
                   if row["engine"] == engines.DOWN else "")
        tried = [c for c in columns if row["cells"][c]["checks"]]
        options = "".join(f"<option>{html.escape(c)}</option>" for c in tried)
        reset = (f"<form method='post' action='reset-exercise/{learner}'>{xsrf}"
                 f"<select name='exercise'>{options}</select>"
                 f"<button class='reset-exercise'>reset exercise</button></form>"
                 if tried else "")
        return restart + reset
    return actions


class TablePage(InstructorHandler):
    @web.authenticated
    async def get(self):
        columns, rows = await self.table_with_engines()
        xsrf = self.xsrf_form_html()
        resets = "".join(f"<form method='post' action='reset/{row['learner']}'>{xsrf}"
                         f"<button>reset {row['learner']}'s engine</button></form>"
                         for row in rows)
        shown = table.to_html(columns, rows, actions=_actions(xsrf, columns))
        self.finish(PAGE.format(count=len(rows), table=shown, resets=resets))


class TableCSV(InstructorHandler):
    @web.authenticated
    async def get(self):
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", "attachment; filename=classroom-progress.csv")
        self.finish(table.to_csv(*await self.table_with_engines()))


class TableJSON(InstructorHandler):
    @web.authenticated
    async def get(self):
        columns, rows = await self.table_with_engines()
        self.finish({"exercises": columns, "learners": rows})


class ResetEngine(InstructorHandler):
    @web.authenticated
    def post(self, learner: str):
        try:
            user = pwd.getpwnam(learner)
        except KeyError:
            raise web.HTTPError(404, "No such learner.") from None
        said = engines.reset(engines.engine_for(user))
        self.finish(f"{said} {learner}'s next server start makes a fresh engine.")


class RestartEngine(InstructorHandler):
    @web.authenticated
    async def post(self, learner: str):
        user = self.learner(learner)
        if engines.status(user) == engines.RUNNING:
            return self.done(f"{learner}'s engine is running already.")
        engine = await asyncio.to_thread(engines.start_for, user)
        self.done(f"{learner}'s engine {engine.name} is running again (their containers "
                  "stopped when it went down; their images and volumes are still there).")


class ResetExercise(InstructorHandler):
    @web.authenticated
    def post(self, learner: str):
        user = self.learner(learner)
        exercise = self.get_body_argument("exercise", "")
        path = table.progress_path(user.pw_name, user.pw_dir)
        tried = {r["exercise"] for r in progress.read(path)}
        if exercise not in tried:
            raise web.HTTPError(404, "That learner has no record of that exercise.")
        progress.append(progress.make_reset(exercise, user.pw_name), path)
        self.done(f"{exercise} starts again from nothing for {learner} (a reset line was "
                  "added to their progress record).")


def app() -> web.Application:
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    instructor = {"instructor": system_name(settings()["instructor"])}
    return web.Application([
        web.url(prefix, TablePage, instructor, name="table"),
        (url_path_join(prefix, "progress.csv"), TableCSV, instructor),
        (url_path_join(prefix, "progress.json"), TableJSON, instructor),
        (url_path_join(prefix, r"reset/([a-z0-9-]+)"), ResetEngine, instructor),
        (url_path_join(prefix, r"restart/([a-z0-9-]+)"), RestartEngine, instructor),
        (url_path_join(prefix, r"reset-exercise/([a-z0-9-]+)"), ResetExercise, instructor),
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
    ], cookie_secret=os.urandom(32), xsrf_cookies=True)


def main() -> None:
    from urllib.parse import urlparse

    where = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app().listen(where.port, where.hostname)
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
