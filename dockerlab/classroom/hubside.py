"""What runs inside the classroom's JupyterHub: the log-in names and each server's start.

:class:`ClassroomAuthenticator` is JupyterHub's own ``SharedPasswordAuthenticator`` (the
workshop code for learners, the instructor's own password) with one change: the name typed
is turned into the learner's system user name (:func:`~dockerlab.classroom.names.system_name`),
and a name that cannot be is refused with a message saying what to type.

:func:`pre_spawn_hook` runs before a learner's server starts: it creates their system user
and copy of the notebooks, starts their own engine, builds the offline base images in it and
sets ``DOCKER_HOST`` in the server's environment, and gives the server a port of its own
(:func:`server_port`). More learners than ``--learners`` are refused with a message.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from tornado import web

from ..host import port_is_free
from . import engines, users
from .config import SETTINGS_ENV
from .names import BadLearnerName, system_name

log = logging.getLogger("JupyterHub")  # the hub's own log (its file: the kit echoes these)
#: learners' Jupyter servers listen below Linux's ephemeral range (32768-60999), where
#: JupyterHub's random ports and every kernel's ZMQ sockets land: with ten learners at once a
#: kernel took the port the hub had picked for another learner's server, which then listened
#: elsewhere while the hub waited on the kernel's socket ("Bad status line: \xff\x00...")
SERVER_PORTS = range(20000, 30000)


def settings() -> dict:
    """The classroom's settings (written by the kit, read by the hub's config)."""
    return json.loads(Path(os.environ[SETTINGS_ENV]).read_text())


class ClassroomAuthenticator(SharedPasswordAuthenticator):
    """The shared-password log-in, with learner names made into system user names."""

    def normalize_username(self, username: str) -> str:
        try:
            return system_name(username)
        except BadLearnerName:
            return username  # authenticate() refuses it, with the reason

    async def authenticate(self, handler, data):
        try:
            system_name(data.get("username", ""))
        except BadLearnerName as error:
            raise web.HTTPError(403, "%s", str(error)) from None
        return await super().authenticate(handler, data)


def _full(name: str, limit: int) -> bool:
    """Whether ``limit`` other learners already have an engine (so ``name`` gets none)."""
    others = {e.name for e in engines.running_engines()}
    try:
        mine = engines.engine_for(users.pwd.getpwnam(name)).name
    except KeyError:
        mine = None
    return mine not in others and len(others) >= limit


@functools.cache
def preparing(limit: int) -> ThreadPoolExecutor:
    """Threads for learners' preparations, one per learner of the class (and the instructor):
    the event loop's default pool has only CPUs + 4, so on a 2-CPU machine the 7th learner's
    engine waited for the first learner's base images."""
    return ThreadPoolExecutor(max_workers=limit + 1, thread_name_prefix="classroom-prepare")


def _prepare(name: str) -> dict:
    """Make the learner's user, notebooks and engine (blocking; run off the event loop)."""
    user = users.ensure_user(name)
    users.copy_notebooks(user)
    engine = engines.start_for(user, settings().get("engine", "rootful"))
    log.info("classroom: %s's engine %s is up; building the base images in it", name,
             engine.name)
    built = engines.build_base_images(engine)
    if built.returncode != 0:
        raise RuntimeError(f"Building the base images in {name}'s engine failed: "
                           f"{built.stderr.strip()[-400:]}")
    state = users.state_dir(user)
    return {"DOCKER_HOST": engine.url, "DOCKERLAB_STATE_DIR": str(state)}


def server_port(uid: int, is_free=None, tries: int = 50) -> int:
    """The port of the learner's Jupyter server: one of :data:`SERVER_PORTS` picked by uid (so
    learners never share one), the next free one if something holds it."""
    is_free = is_free or port_is_free
    first = uid % len(SERVER_PORTS)
    for offset in range(tries):
        port = SERVER_PORTS[(first + offset) % len(SERVER_PORTS)]
        if is_free(port):
            return port
    return 0  # JupyterHub then picks a random one, as it does by itself


async def pre_spawn_hook(spawner) -> None:
    """Before a learner's server starts: their user, notebooks and own engine."""
    name = spawner.user.name
    limit = int(settings()["learners"])
    if not spawner.user.admin and _full(name, limit):
        log.warning("classroom: %s refused: the class is full (%d learners)", name, limit)
        raise web.HTTPError(503, "%s", f"The classroom is full: it was started for {limit} "
                            "learners. Ask the instructor to start it with more.")
    log.info("classroom: preparing %s (user, notebooks, own engine starting)", name)
    prepared = asyncio.get_running_loop().run_in_executor(preparing(limit), _prepare, name)
    spawner.environment.update(await prepared)
    spawner.port = server_port(users.pwd.getpwnam(name).pw_uid)
    log.info("classroom: %s is ready on %s", name, spawner.environment["DOCKER_HOST"])
