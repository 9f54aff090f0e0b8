"""The instructor's view: a JupyterHub service showing every learner's progress.

Started by the hub (a managed service, as root, so it reads every learner's record), reached
at ``/services/instructor/`` through the hub's OAuth: only the instructor's account passes.

- ``/services/instructor/``: the table of learners by exercise (refreshes every 15 s);
- ``/services/instructor/progress.csv``: the same table as CSV;
- ``POST /services/instructor/reset/<learner>``: remove that learner's engine (their next
  server start makes a fresh one).
"""

from __future__ import annotations

import json
import os
import pwd
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


def settings() -> dict:
    return json.loads(Path(os.environ["DOCKERLAB_CLASSROOM_SETTINGS"]).read_text())


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


class TablePage(InstructorHandler):
    @web.authenticated
    def get(self):
        columns, rows = self.current_table()
        xsrf = self.xsrf_form_html()
        resets = "".join(f"<form method='post' action='reset/{row['learner']}'>{xsrf}"
                         f"<button>reset {row['learner']}'s engine</button></form>"
                         for row in rows)
        self.finish(PAGE.format(count=len(rows), table=table.to_html(columns, rows),
                                resets=resets))


class TableCSV(InstructorHandler):
    @web.authenticated
    def get(self):
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", "attachment; filename=classroom-progress.csv")
        self.finish(table.to_csv(*self.current_table()))


class TableJSON(InstructorHandler):
    @web.authenticated
    def get(self):
        columns, rows = self.current_table()
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


def app() -> web.Application:
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    instructor = {"instructor": system_name(settings()["instructor"])}
    return web.Application([
        (prefix, TablePage, instructor),
        (url_path_join(prefix, "progress.csv"), TableCSV, instructor),
        (url_path_join(prefix, "progress.json"), TableJSON, instructor),
        (url_path_join(prefix, r"reset/([a-z0-9-]+)"), ResetEngine, instructor),
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
    ], cookie_secret=os.urandom(32), xsrf_cookies=True)


def main() -> None:
    from urllib.parse import urlparse

    where = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app().listen(where.port, where.hostname)
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
