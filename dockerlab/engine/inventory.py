"""What an engine manages: how many objects of each kind, and the disk they use.

:func:`describe` reads ``docker version``, ``docker info`` and ``docker system df`` of one
engine into an :class:`EngineInventory`: its version and storage, the images, containers,
networks, volumes and plugins it holds, and the bytes each kind uses and could give back.
What the engine *is* (builder, image store, cgroups, API versions: what the kit asks before
it acts) is :mod:`dockerlab.engine.facts`'s :class:`~dockerlab.engine.facts.EngineFacts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import mapped


@dataclass
class EngineInventory:
    """What one engine holds and where: ``docker version``, ``docker info`` and
    ``docker system df``, in short."""

    server_version: str
    api_version: str
    min_api_version: str
    os: str
    storage_driver: str
    root_dir: str
    cgroup: str
    counts: dict[str, int]
    disk: dict[str, dict]

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        return (f"Docker Engine {self.server_version} (API {self.min_api_version} to "
                f"{self.api_version}) on {self.os}, storage {self.storage_driver} in "
                f"{self.root_dir}: {counts}")


def usage_of(disk_usage: dict, kind: str) -> dict:
    """One kind of ``docker system df`` (``Images``, ``Containers``, ``Volumes``,
    ``BuildCache``): how many, their bytes, and the bytes ``docker system df`` calls
    reclaimable (images no container uses, stopped containers' writable layers, volumes
    no container mounts, build cache not in use)."""
    items = disk_usage.get(kind) or []
    if kind == "Images":
        total = sum(i.get("Size", 0) for i in items)
        unused = sum(i.get("Size", 0) for i in items if not i.get("Containers"))
    elif kind == "Containers":
        total = sum(i.get("SizeRw", 0) or 0 for i in items)
        unused = sum(i.get("SizeRw", 0) or 0 for i in items if i.get("State") != "running")
    elif kind == "Volumes":
        sizes = [(v.get("UsageData") or {}) for v in items]
        total = sum(max(s.get("Size", 0), 0) for s in sizes)
        unused = sum(max(s.get("Size", 0), 0) for s in sizes if s.get("RefCount", 0) == 0)
    else:  # BuildCache
        total = sum(i.get("Size", 0) for i in items)
        unused = sum(i.get("Size", 0) for i in items if not i.get("InUse"))
    return {"count": len(items), "size": total, "reclaimable": unused}


def describe(client) -> EngineInventory:
    """What one engine holds; similar to ``docker version``, ``docker info`` and
    ``docker system df``."""
    with mapped():
        version, info = client.version(), client.info()
        disk_usage = client.df()
        plugins = client.api.plugins()
        networks = client.api.networks()
        images = client.api.images()  # tagged and top-level: like `docker images`
    counts = {"images": len(images), "containers": info.get("Containers", 0),
              "running": info.get("ContainersRunning", 0), "networks": len(networks),
              "volumes": len(disk_usage.get("Volumes") or []), "plugins": len(plugins)}
    disk = {kind.lower(): usage_of(disk_usage, kind)
            for kind in ("Images", "Containers", "Volumes", "BuildCache")}
    system = f"{info.get('OperatingSystem', '?')} ({info.get('Architecture', '?')})"
    cgroup = f"{info.get('CgroupDriver', '?')}, v{info.get('CgroupVersion', '?')}"
    return EngineInventory(version.get("Version", "?"), version.get("ApiVersion", "?"),
                           version.get("MinAPIVersion", "?"), system, info.get("Driver", "?"),
                           info.get("DockerRootDir", "?"), cgroup, counts, disk)

