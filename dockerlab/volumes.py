"""Volumes and mounts: where a container's data lives, and what survives its removal.

::

    vol = create_volume(lab, "notes")                       # docker volume create notes
    lab.run("echo hi > /data/a", mounts=[named("notes", "/data")])
    lab.run("cat /data/a", mounts=[named("notes", "/data")])   # another container, same data
    with host_directory() as path:                          # a temporary host folder
        lab.run("ls /host", mounts=[bind(path, "/host")])   # docker run -v PATH:/host
    lab.run("df /scratch", mounts=[tmpfs("/scratch")])      # docker run --tmpfs /scratch
    survival(lab, path)                                     # what is left after docker rm?

Three kinds of mount: a *named volume* (storage the engine manages, shared by any number
of containers, kept until removed), a *bind mount* (a host directory shown inside the
container) and a *tmpfs* (memory only, gone when the container stops). Everything a
container writes outside them goes to its own writable layer, removed with the container.
"""

from __future__ import annotations

import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docker.errors
from docker.types import Mount

from . import labels
from .errors import BindSourceMissing, VolumeInUse, VolumeNotFound, mapped

HOST_DIR_PREFIX = "dockerlab-bind-"


# --- mounts ----------------------------------------------------------------------------
def named(volume: str, target: str, read_only: bool = False) -> Mount:
    """A named volume mounted at ``target``; similar to ``docker run -v VOLUME:TARGET``."""
    return Mount(target, volume, type="volume", read_only=read_only)


def bind(host_path, target: str, read_only: bool = False) -> Mount:
    """A host path shown at ``target``; similar to ``docker run -v /HOST/PATH:TARGET``.

    The host path must exist: ``docker run -v`` would silently create an empty directory
    owned by root, which hides typos, so the kit refuses instead.
    """
    path = Path(host_path).expanduser()
    if not path.is_absolute() or not path.exists():
        raise BindSourceMissing(
            f"The host path '{host_path}' for the bind mount at {target} does not exist"
            + ("" if path.is_absolute() else " (and it is not an absolute path)") + ".",
            "Create the directory first (for a throwaway one: `with host_directory() as "
            "path:`), or check the path for a typo. Nothing was created.")
    return Mount(target, str(path.resolve()), type="bind", read_only=read_only)


def tmpfs(target: str, size_bytes: int | None = None) -> Mount:
    """A memory-only file system at ``target``; similar to ``docker run --tmpfs TARGET``."""
    return Mount(target, None, type="tmpfs", tmpfs_size=size_bytes)


def host_directory() -> tempfile.TemporaryDirectory:
    """A temporary host directory for bind mounts, deleted when the ``with`` block ends.

    Call ``.cleanup()`` on it when it is not used in a ``with`` block.
    """
    return tempfile.TemporaryDirectory(prefix=HOST_DIR_PREFIX)


# --- volume lifecycle -------------------------------------------------------------------
def create_volume(lab, name: str | None = None):
    """Create a named volume with the session's labels; similar to ``docker volume create``."""
    with mapped(about="volume"):
        return lab.client.volumes.create(name)


def get_volume(lab, name: str):
    """The volume called ``name``; similar to ``docker volume inspect NAME``."""
    with mapped(about="volume"):
        try:
            return lab.client.volumes.get(name)
        except docker.errors.NotFound:
            raise VolumeNotFound(
                f"There is no volume called '{name}' on this engine.",
                "Create it with `create_volume(lab, name)`, or list this session's volumes "
                "with `lab.volumes()`.") from None


@dataclass
class VolumeInfo:
    """The facts ``docker volume inspect`` gives about one volume."""

    name: str
    driver: str
    mountpoint: str
    labels: dict
    used_by: list[str]

    def __str__(self) -> str:
        users = ", ".join(self.used_by) or "no container"
        return (f"volume {self.name} (driver {self.driver}), stored on the engine's host at "
                f"{self.mountpoint}, used by {users}")


def inspect_volume(lab, name: str) -> VolumeInfo:
    """What the engine knows about a volume; similar to ``docker volume inspect``."""
    attrs = get_volume(lab, name).attrs
    return VolumeInfo(attrs["Name"], attrs["Driver"], attrs["Mountpoint"],
                      attrs.get("Labels") or {}, users_of(lab, name))


def users_of(lab, name: str) -> list[str]:
    """Containers (running or not) that use the volume; ``docker ps -a --filter volume=``."""
    with mapped(about="volume"):
        found = lab.client.containers.list(all=True, filters={"volume": name})
    return sorted(c.name for c in found)


def remove_volume(lab, name: str) -> None:
    """Remove a volume and its data; similar to ``docker volume rm NAME``.

    A volume a container still uses (even a stopped one) is refused with
    :class:`VolumeInUse`, naming those containers.
    """
    volume = get_volume(lab, name)
    with mapped(about="volume"):
        try:
            volume.remove()
        except docker.errors.APIError as error:
            if error.status_code != 409:
                raise
            users = users_of(lab, name)
            raise VolumeInUse(
                f"The volume '{name}' is still used by {', '.join(users) or 'a container'}, "
                "so the engine keeps it (and its data).",
                "Remove those containers first (`container.remove(force=True)`), then remove "
                "the volume again.") from None


def prune_volumes(lab) -> list[str]:
    """Remove this session's volumes that no container uses, named ones included.

    Similar to ``docker volume prune --all --filter label=io.dockerlab.session=SESSION``
    (``--all`` only where the engine needs it: :func:`prune_spares_named`): the filter is
    always the session's labels, so a volume the kit did not make (or another session made)
    is never touched. Returns the names of the removed volumes.
    """
    filters = labels.session_filter(lab.session)
    if prune_spares_named(lab):  # ask for named ones too, like `docker volume prune --all`
        filters["all"] = ["true"]
    with mapped(about="volume"):
        result = lab.client.api.prune_volumes(filters=filters)
    return sorted(result.get("VolumesDeleted") or [])


#: the API version since which ``docker volume prune`` spares named volumes (Engine 23.0)
PRUNE_SPARES_NAMED_SINCE = "1.42"
#: the label those engines put on an anonymous volume (``docker run -v /data``, an image's
#: VOLUME) and that a plain prune looks for
ANONYMOUS_LABEL = "com.docker.volume.anonymous"


def prune_spares_named(lab) -> bool:
    """Whether ``docker volume prune`` keeps unused *named* volumes when talking to this
    engine: it does when the API version in use is 1.42 (Engine 23.0) or later, unless
    asked with ``--all`` (the ``all=true`` filter); before, it removed every unused volume."""
    from docker.utils import version_gte

    return version_gte(lab.client.api.api_version, PRUNE_SPARES_NAMED_SINCE)


def prune_scope(lab) -> str:
    """What ``docker volume prune`` removes on this engine, in one sentence."""
    api = lab.client.api.api_version
    if prune_spares_named(lab):
        return (f"With API {api}, `docker volume prune` removes only unused anonymous "
                f"volumes (the ones labelled {ANONYMOUS_LABEL}, as `docker run -v /data` "
                "makes them); unused named volumes go too only with `docker volume prune "
                "--all` (the filter all=true).")
    return (f"With API {api} (older than {PRUNE_SPARES_NAMED_SINCE}, Engine 23.0), "
            "`docker volume prune` removes every unused volume, named or anonymous.")


# --- what survives a container ----------------------------------------------------------
SURVIVAL_TARGETS = {"named volume": "/named", "bind mount": "/bound", "tmpfs": "/scratch",
                    "container layer": "/layer"}


class Kept(dict):
    """Per kind of storage, whether the file written there outlived the container; ``cli``:
    the same two containers typed in a terminal."""

    def __init__(self, kept: dict[str, bool], cli: list[str]):
        super().__init__(kept)
        self.cli = cli


def survival(lab, host_path, volume: str | None = None) -> Kept:
    """Write a file into each kind of storage, remove the container, look again.

    A first container writes ``note.txt`` into a named volume, a bind mount of
    ``host_path``, a tmpfs and its own writable layer; it is removed (``docker rm``); a
    second container with the same mounts reports which files are still there.
    """
    volume = volume or create_volume(lab).name
    mounts = [named(volume, "/named"), bind(host_path, "/bound"), tmpfs("/scratch")]
    write = "; ".join(f"mkdir -p {d} && echo kept > {d}/note.txt"
                      for d in SURVIVAL_TARGETS.values())
    lab.run(write, mounts=mounts)
    look = "; ".join(f"test -f {d}/note.txt && echo {d}"
                     for d in SURVIVAL_TARGETS.values()) + "; true"
    present = set(lab.run(look, mounts=mounts).split())
    flags = ["-v", f"{volume}:/named", "-v", f"{Path(host_path).resolve()}:/bound",
             "--tmpfs", "/scratch"]
    cli = [shlex.join(["docker", "run", "--rm", *flags, lab.base_image, "sh", "-c", script])
           for script in (write, look)]
    return Kept({kind: directory in present for kind, directory in SURVIVAL_TARGETS.items()},
                cli)
