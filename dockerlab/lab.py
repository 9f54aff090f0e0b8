"""The lab session: one per notebook, owning every Docker object the notebook creates.

::

    lab = Lab("00_welcome")              # finds the engine, makes sure base images exist
    lab.client.containers.run(lab.base_image, "echo hi", remove=True)   # labelled, no pull
    lab.run("echo hi")                   # the same, shorter: returns the output text
    lab.cleanup()                        # removes exactly what this session created

``lab.client`` is a real ``docker.DockerClient`` (see :mod:`dockerlab.engine.guard`), so everything a
learner learns about the Docker SDK works as documented, with the kit's labels and
no-pull guard underneath.
"""

from __future__ import annotations

import atexit
import os
import time

from . import labels
from .cleanup import CleanupReport, clean_session
from .containers.run import launch, remove_quietly
from .engine.guard import LabClient, Policy
from .engine.locate import API_TIMEOUT, EngineLocation, client_for, find_engine
from .errors import ContainerError, DockerLabError, mapped, translate
from .images.base import BUSYBOX_IMAGE, ensure_busybox_image

ALLOW_PULL_ENV = "DOCKERLAB_ALLOW_PULL"


def pulls_allowed_by_environment() -> bool:
    """True when the user opted in to public pulls with ``DOCKERLAB_ALLOW_PULL``."""
    return os.environ.get(ALLOW_PULL_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


class Lab:
    """A session on the Docker Engine: labelled objects, no implicit pulls, full cleanup."""

    def __init__(self, notebook: str = "notebook", *, engine: EngineLocation | None = None,
                 allow_pull: bool | None = None, base_images: bool = True,
                 timeout: int = API_TIMEOUT):
        self.notebook = notebook
        self.session = labels.new_session_id(notebook)
        self.started = time.time() - 1  # the engine's Created times are whole seconds
        self.labels = labels.session_labels(self.session, notebook)
        self.location = engine or find_engine()
        allow = pulls_allowed_by_environment() if allow_pull is None else allow_pull
        self.policy = Policy(labels=self.labels, allow_pull=allow)
        self.client = self._connect(timeout)
        self.base_image = BUSYBOX_IMAGE
        self.policy.builders[BUSYBOX_IMAGE] = self._ensure_base_images
        if base_images:
            try:
                self._ensure_base_images()
            except BaseException:
                self.client.close()  # no session came of it: nothing keeps its connection
                raise
        self._cleanup_callbacks: list = []
        atexit.register(self._cleanup_at_exit)

    def _connect(self, timeout: int) -> LabClient:
        with mapped(url=self.location.url):
            return LabClient(self.policy, base_url=self.location.url, tls=self.location.tls,
                             version="auto", timeout=timeout)

    def _ensure_base_images(self):
        """Base images belong to no session: built on a plain client, so the guard's session
        labels are not added (their own labels come from :mod:`dockerlab.images.base`)."""
        plain = client_for(self.location.url, self.location.tls)
        try:
            return ensure_busybox_image(plain)
        finally:
            plain.close()

    # --- context manager ----------------------------------------------------------------
    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        return f"<Lab session={self.session!r} engine={self.location.url!r}>"

    # --- small conveniences over lab.client ---------------------------------------------
    def run(self, command, image: str | None = None, **kwargs) -> str:
        """Run ``command`` to completion and return its output; similar to ``docker run --rm``.

        A string is run by the image's ``sh -c`` (so ``;`` and ``|`` work); a list is run as
        it is. The output (stdout and stderr) is read from the finished container's log, so
        a last line without a newline is never lost. A non-zero exit raises
        :class:`~dockerlab.errors.ContainerError` with that output.
        """
        container = launch(self, command, image, **kwargs)
        try:
            status = container.wait()["StatusCode"]
            output = container.logs(stdout=True, stderr=True).decode(errors="replace")
        except Exception as error:
            raise self.explain(error) from None
        finally:
            remove_quietly(container)
        if status != 0:
            shown = f" It printed:\n{output.strip()}" if output.strip() else ""
            raise ContainerError(
                f"The command {command!r} exited with status {status} in image "
                f"'{image or self.base_image}'.{shown}",
                "Read what the command printed; run it with `lab.start(...)` and look at "
                "`container.logs()` to investigate.")
        return output

    def start(self, command=None, image: str | None = None, **kwargs):
        """Start a container in the background; similar to ``docker run -d``.

        A string command is run by ``sh -c``, as in :meth:`run`; memory and CPU limits are
        checked first. When the container cannot start (a port already taken, a missing
        command...), it is removed again. See :func:`dockerlab.containers.run.launch`.
        """
        return launch(self, command, image, **kwargs)

    def explain(self, error: BaseException) -> DockerLabError:
        """The kit's error for any SDK/transport error, naming this session's engine
        (:func:`dockerlab.errors.translate`; a kit error is returned as it is)."""
        return translate(error, url=self.location.url)

    def mapped(self, about: str | None = None) -> mapped:
        """``with lab.mapped():`` an error raised inside becomes the kit's, naming this
        session's engine (:class:`dockerlab.errors.mapped`)."""
        return mapped(about, url=self.location.url)

    # --- what this session owns ---------------------------------------------------------
    def containers(self) -> list:
        """This session's containers (running or not)."""
        return self.client.containers.list(all=True,
                                           filters=labels.session_filter(self.session))

    def images(self) -> list:
        return self.client.images.list(filters=labels.session_filter(self.session))

    def networks(self) -> list:
        return self.client.networks.list(filters=labels.session_filter(self.session))

    def volumes(self) -> list:
        return self.client.volumes.list(filters=labels.session_filter(self.session))

    def on_cleanup(self, callback) -> None:
        """Run ``callback()`` at the start of every :meth:`cleanup` (e.g. stop a registry
        process the session started), before the session's objects are removed."""
        self._cleanup_callbacks.append(callback)

    def cleanup(self) -> CleanupReport:
        """Remove every object this session created so far, then close the session's
        connections to the engine (its streams too); safe to call again later, and
        ``lab.client`` still works afterwards (it reconnects)."""
        for callback in list(self._cleanup_callbacks):
            callback()
        try:
            with mapped(url=self.location.url):
                return clean_session(self.client, self.session, since=self.started)
        finally:
            self.client.close()

    def _cleanup_at_exit(self) -> None:
        try:
            self.cleanup()
        except DockerLabError:
            pass  # the engine is gone: `dockerlab clean` removes the rest later
