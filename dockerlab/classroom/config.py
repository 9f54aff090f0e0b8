"""The classroom's JupyterHub configuration, made from a few settings.

:func:`plan` makes the settings (learners, address, ports, workshop code, the instructor's
password, where state lives); :func:`configure` turns them into JupyterHub's configuration
(``c``, as in a ``jupyterhub_config.py``). Both are plain functions, tested without a hub.

- log-in: JupyterHub's shared-password authenticator (see :mod:`.hubside`);
- servers: ``LocalProcessSpawner``, one system user per learner, notebooks in ``~/notebooks``;
- proxy: the Python ``configurable-http-proxy`` (from PyPI: no Node.js needed), through
  :mod:`.proxy`, which adds the HTTPS it lacks;
- address: 127.0.0.1 by default; any other address only over HTTPS with the kit's own
  certificate (:func:`needs_tls`);
- the instructor's view: a hub-managed service, reached through the hub's OAuth.
"""

from __future__ import annotations

import ipaddress
import secrets
import sys
from pathlib import Path

from ..host import free_port

LOOPBACK = "127.0.0.1"
INSTRUCTOR = "instructor"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SETTINGS_ENV = "DOCKERLAB_CLASSROOM_SETTINGS"  # the settings file, for the hub and the view
HUB_CONFIG = """\
# Written by `dockerlab classroom`; the settings are in the file $DOCKERLAB_CLASSROOM_SETTINGS
from dockerlab.classroom.config import configure
from dockerlab.classroom.hubside import pre_spawn_hook, settings

configure(c, settings())  # noqa: F821 - JupyterHub's config object
c.Spawner.pre_spawn_hook = pre_spawn_hook  # noqa: F821
"""


def needs_tls(address: str) -> bool:
    """Whether serving on ``address`` must be HTTPS (anything but loopback)."""
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address != "localhost"


#: where a classroom keeps its settings, hub database, pid files and log
DEFAULT_STATE = Path("/var/lib/dockerlab/classroom")


def plan(learners: int, listen: str = LOOPBACK, port: int = 8000, state: Path | None = None,
         code: str | None = None, instructor_password: str | None = None,
         learner_python: str | None = None, engine: str = "rootful") -> dict:
    """The classroom's settings (JSON-able; written to a 0600 file: it holds the passwords).
    ``learner_python`` is what learners' servers run (:mod:`.learner_venv`; the kit's own
    Python by default); ``engine`` is the kind of engine each learner gets."""
    if learners < 1:
        raise ValueError("A classroom needs at least one learner (--learners N).")
    state = Path(state or DEFAULT_STATE)
    return {"learners": learners, "listen": listen, "port": port,
            "tls": needs_tls(listen), "state": str(state),
            "engine": engine,  # rootful, rootless or auto (rootless, else rootful)
            "code": code or secrets.token_hex(4),
            "instructor": INSTRUCTOR,
            "instructor_password": instructor_password or secrets.token_urlsafe(24),
            "hub_port": free_port(), "proxy_api_port": free_port(),
            "service_port": free_port(), "python": sys.executable,
            "learner_python": learner_python or sys.executable,
            "cert": str(state / "tls" / "server-cert.pem"),
            "key": str(state / "tls" / "server-key.pem")}


def url(settings: dict) -> str:
    """Where learners open the classroom."""
    scheme = "https" if settings["tls"] else "http"
    host = settings["listen"]
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{settings['port']}/"


def configure(c, s: dict) -> None:
    """Set JupyterHub's configuration ``c`` from the settings ``s``."""
    state = Path(s["state"])
    c.JupyterHub.bind_url = url(s)
    if s["tls"]:
        c.JupyterHub.ssl_cert = s["cert"]
        c.JupyterHub.ssl_key = s["key"]
    c.JupyterHub.hub_ip = LOOPBACK
    c.JupyterHub.hub_port = s["hub_port"]
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.command = [s["python"], "-m", "dockerlab.classroom.proxy"]
    c.ConfigurableHTTPProxy.api_url = f"http://{LOOPBACK}:{s['proxy_api_port']}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    _configure_login(c, s)
    _configure_servers(c, s)
    _configure_instructor_view(c, s)


def _configure_login(c, s: dict) -> None:
    from .names import system_name

    c.JupyterHub.authenticator_class = "dockerlab.classroom.hubside.ClassroomAuthenticator"
    c.ClassroomAuthenticator.user_password = s["code"]
    c.ClassroomAuthenticator.admin_password = s["instructor_password"]
    c.ClassroomAuthenticator.admin_users = {system_name(s["instructor"])}
    c.ClassroomAuthenticator.allow_all = True


def _configure_servers(c, s: dict) -> None:
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    learner_bin = Path(s.get("learner_python", s["python"])).parent
    c.Spawner.cmd = [str(learner_bin / "jupyterhub-singleuser")]
    c.Spawner.notebook_dir = "~/notebooks"
    c.Spawner.default_url = "/lab"
    # on the port the hub gave it or not at all: a server that moved on to the next port would
    # leave the hub waiting on whatever holds the first (hubside.server_port)
    c.Spawner.args = ["--ServerApp.port_retries=0"]
    c.Spawner.start_timeout = 300  # the first start builds the learner's base images
    c.Spawner.http_timeout = 120
    # the learners' Python first: `python`, `dockerlab` and `pip` in a learner's terminal
    c.Spawner.environment = {"DOCKERLAB_CLASSROOM": "1", "PATH": f"{learner_bin}:{SYSTEM_PATH}"}


def _configure_instructor_view(c, s: dict) -> None:
    c.JupyterHub.services = [{
        "name": "instructor",
        "url": f"http://{LOOPBACK}:{s['service_port']}",
        "command": [s["python"], "-m", "dockerlab.classroom.instructor"],
        "environment": {"DOCKERLAB_CLASSROOM_SETTINGS": str(Path(s["state"]) /
                                                           "settings.json")},
        "oauth_no_confirm": True,
    }]
