"""Removing what the kit created, and only that.

Similar to ``docker rm -f $(docker ps -aq --filter label=...)`` followed by the same for
networks, volumes and images, in the order that lets each removal succeed. Objects without
the kit's labels are never listed, so never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import docker.errors

from . import labels


@dataclass
class CleanupReport:
    """What was removed, per kind, and what could not be."""

    removed: dict[str, list[str]] = field(
        default_factory=lambda: {"containers": [], "networks": [], "volumes": [], "images": []})
    failed: list[str] = field(default_factory=list)
    #: untagged kit images pruned after the removals (build steps the containerd store keeps)
    pruned: list[str] = field(default_factory=list)
    #: build cache records of the session's BuildKit builds, pruned last
    cache_pruned: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(names) for names in self.removed.values())

    def __str__(self) -> str:
        counts = ", ".join(f"{len(names)} {kind}" for kind, names in self.removed.items())
        text = f"Removed {counts}."
        if self.failed:
            text += " Could not remove: " + "; ".join(self.failed)
        return text


def _containers(client, report, filters):
    for container in client.containers.list(all=True, filters=filters):
        try:
            container.remove(force=True, v=True)
            report.removed["containers"].append(container.name)
        except docker.errors.NotFound:
            pass  # removed meanwhile (``--rm``)
        except docker.errors.APIError as error:
            report.failed.append(f"container {container.name}: {error.explanation}")


def _networks(client, report, filters):
    for network in client.networks.list(filters=filters):
        try:
            network.remove()
            report.removed["networks"].append(network.name)
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as error:
            report.failed.append(f"network {network.name}: {error.explanation}")


def _volumes(client, report, filters):
    for volume in client.volumes.list(filters=filters):
        try:
            volume.remove(force=True)
            report.removed["volumes"].append(volume.name)
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as error:
            report.failed.append(f"volume {volume.name}: {error.explanation}")


def _images(client, report, filters):
    """Children before parents: retry the ones a dependent image held back."""
    pending = client.images.list(all=True, filters=filters)
    while pending:
        held_back = []
        for image in pending:
            try:
                client.images.remove(image.id, force=True, noprune=False)
                report.removed["images"].append(image.tags[0] if image.tags else image.short_id)
            except docker.errors.ImageNotFound:
                pass  # deleted with its child
            except docker.errors.APIError as error:
                held_back.append((image, error))
        if len(held_back) == len(pending):
            report.failed += [f"image {i.short_id}: {e.explanation}" for i, e in held_back]
            return
        pending = [image for image, _ in held_back]


#: rounds of pruning: each removes one generation of a chain of parents
PRUNE_ROUNDS = 20


def _remove_dangling_since(client, kit_dangling: dict, since: float) -> tuple[list, list]:
    """One round: remove the kit's dangling images created at ``since`` or later."""
    removed, failed = [], []
    for image in client.api.images(filters=kit_dangling):
        if image.get("Created", 0) < since:
            continue
        try:
            client.api.remove_image(image["Id"])
            removed.append(image["Id"][7:19])
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as error:  # still a parent of a live image
            failed.append(f"image {image['Id'][7:19]}: {error.explanation}")
    return removed, failed


def prune_dangling_kit_images(client, since: float | None = None) -> tuple[list[str], list[str]]:
    """Untagged kit images nothing uses any more: the steps of a build whose tag moved on, or
    of a removed image. The classic store removes such parents with their child; the
    containerd image store keeps each step's image listed, so they are pruned here. Only
    images with the kit's label (similar to ``docker image prune --filter
    label=io.dockerlab.kit``), and with ``since``, only those created since then (a
    session's own), so another notebook's build steps stay."""
    kit_dangling = {"dangling": True, "label": [f"{labels.KIT}={labels.KIT_VALUE}"]}
    pruned: list[str] = []
    failed: list[str] = []
    for _ in range(PRUNE_ROUNDS):
        try:
            if since is None:
                deleted = client.api.prune_images(filters=kit_dangling).get("ImagesDeleted")
                removed = [entry["Deleted"][7:19] for entry in deleted or []
                           if entry.get("Deleted")]
            else:
                removed, failed = _remove_dangling_since(client, kit_dangling, since)
        except docker.errors.APIError as error:  # a prune already running, for one
            return pruned, [f"dangling kit images: {error.explanation}"]
        pruned += removed
        if not removed:
            break
    return pruned, failed


def remove_labelled(client, filters: dict, since: float | None = None) -> CleanupReport:
    """Remove every container, network, volume and image matching ``filters``, then the
    kit's images this left dangling (created since ``since``, when given)."""
    report = CleanupReport()
    for step in (_containers, _networks, _volumes, _images):
        step(client, report, filters)
    report.pruned, failed = prune_dangling_kit_images(client, since)
    report.failed += failed
    return report


def clean_session(client, session: str, since: float | None = None) -> CleanupReport:
    """Remove one session's objects: what ``lab.cleanup()`` does (``since``: when the
    session began, so the dangling build steps pruned are its own), then the build cache
    records the session's BuildKit builds made (:mod:`dockerlab.images.build_cache`)."""
    from .images.build_cache import prune_session

    report = remove_labelled(client, labels.session_filter(session), since)
    report.cache_pruned, failed = prune_session(client, session)
    report.failed += failed
    return report


def clean_all_sessions(client, include_base_images: bool = False) -> CleanupReport:
    """Remove every session's objects (and the base images too, when asked)."""
    report = remove_labelled(client, {"label": [f"{labels.KIT}={labels.KIT_VALUE}",
                                                labels.SESSION]})
    if include_base_images:
        base = remove_labelled(client, {"label": [f"{labels.KIT}={labels.KIT_VALUE}",
                                                  labels.BASE]})
        for kind, names in base.removed.items():
            report.removed[kind] += names
        report.failed += base.failed
        report.pruned += base.pruned
    return report
