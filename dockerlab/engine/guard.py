"""A docker-py client that labels what it creates and never pulls behind the learner's back.

docker-py's ``containers.run`` pulls when the image is missing, and the classic builder pulls
a missing ``FROM`` image. The kit guards at the wire level: :class:`GuardedAPIClient`
overrides the few ``APIClient`` methods that create objects or reach a registry, so every
high-level call (``containers.run``, ``images.build``, ``networks.create``,
``container.commit``...) goes through the guard too. What it enforces:

- the session's labels on every container, image (build, commit, import), network and
  volume;
- no pull from a registry off this machine unless the user opted in
  (``DOCKERLAB_ALLOW_PULL=1`` or ``Lab(allow_pull=True)``); a missing image is a clear
  :class:`~dockerlab.errors.ImageMissing` instead of a silent pull;
- published ports bind to 127.0.0.1 unless an address is given explicitly;
- builds remove their intermediate containers, even when a step fails.
"""

from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from .. import labels as kit_labels
from ..errors import ImageMissing, PullNotAllowed
from ..images.references import is_public, parse_reference, suggest
from .transport import EngineAPIClient

LOOPBACK = "127.0.0.1"
_IMAGE_ID = re.compile(r"^(sha256:)?[a-f0-9]{12,64}$")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)(?:\s+AS\s+(?P<stage>\S+))?",
                   re.I | re.M)
_ARG = re.compile(r"^\s*ARG\s+(?P<name>\w+)(?:=(?P<value>\S*))?", re.I | re.M)


@dataclass
class Policy:
    """What the guard enforces for one session."""

    labels: dict[str, str]
    allow_pull: bool = False
    #: base images the guard may build on demand (name -> callable(client) -> image)
    builders: dict = field(default_factory=dict)


def base_images_of(dockerfile: str, buildargs: dict | None = None) -> list[str]:
    """The images a Dockerfile builds ``FROM`` (stages and ``scratch`` left out)."""
    args = {m.group("name"): m.group("value") or "" for m in _ARG.finditer(dockerfile)}
    args.update(buildargs or {})
    stages: set[str] = set()
    bases = []
    for match in _FROM.finditer(dockerfile):
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)),
                       match.group("image"))
        if image.lower() != "scratch" and image.lower() not in stages:
            bases.append(image)
        if match.group("stage"):
            stages.add(match.group("stage").lower())
    return bases


def _dockerfile_text(path=None, fileobj=None, custom_context=False,
                     dockerfile=None) -> str | None:
    """The Dockerfile a build will use, read the way the engine would find it."""
    name = dockerfile or "Dockerfile"
    if fileobj is not None and not custom_context:
        data = fileobj.read()
        fileobj.seek(0)
        return data.decode() if isinstance(data, bytes) else data
    if fileobj is not None:
        position = fileobj.tell()
        try:
            with tarfile.open(fileobj=fileobj, mode="r:*") as tar:
                member = tar.extractfile(name.lstrip("./"))
                return member.read().decode() if member else None
        except (KeyError, tarfile.TarError):
            return None
        finally:
            fileobj.seek(position)
    if path is not None and not str(path).startswith(("http://", "https://", "git")):
        candidate = Path(name) if Path(name).is_absolute() else Path(path) / name
        try:
            return candidate.read_text()
        except OSError:
            return None
    return None


def loopback_ports(host_config: dict | None) -> dict | None:
    """Bind each published port to 127.0.0.1 unless the caller named an address."""
    for bindings in ((host_config or {}).get("PortBindings") or {}).values():
        for binding in bindings or []:
            if isinstance(binding, dict) and not binding.get("HostIp"):
                binding["HostIp"] = LOOPBACK
    return host_config


class GuardedAPIClient(EngineAPIClient):
    """``docker.APIClient`` with the kit's guard on create, build, commit and pull."""

    def __init__(self, policy: Policy, **kwargs):
        super().__init__(**kwargs)
        self.policy = policy

    # --- images must exist locally --------------------------------------------------
    def require_image(self, image: str) -> None:
        """Raise :class:`ImageMissing` (with advice) unless ``image`` is in the local store."""
        if not _IMAGE_ID.match(image):
            parse_reference(image)
        try:
            self.inspect_image(image)
            return
        except docker.errors.ImageNotFound:
            pass
        builder = self.policy.builders.get(image)
        if builder is not None:
            builder()
            return
        raise self.missing(image)

    def missing(self, image: str) -> ImageMissing:
        tags = [tag for listed in self.images() for tag in (listed.get("RepoTags") or [])]
        close = suggest(image, tags)
        hint = f"Did you mean '{close}'? " if close else ""
        return ImageMissing(
            f"The image '{image}' is not in this engine's local image store, and the kit "
            "does not pull images behind your back.",
            f"{hint}Build it first (`dockerlab base-images` makes the kit's own), pull it from "
            "the kit's local registry, or opt in to public pulls with DOCKERLAB_ALLOW_PULL=1.")

    # --- the guarded endpoints ----------------------------------------------------------
    def create_container(self, image, *args, labels=None, host_config=None, **kwargs):
        self.require_image(image)
        return super().create_container(
            image, *args, labels=kit_labels.with_labels(labels, self.policy.labels),
            host_config=loopback_ports(host_config), **kwargs)

    def build(self, path=None, tag=None, *args, fileobj=None, custom_context=False,
              dockerfile=None, labels=None, pull=False, buildargs=None, rm=True,
              forcerm=True, **kwargs):
        """Build with the session's labels; intermediate containers are always removed."""
        text = _dockerfile_text(path, fileobj, custom_context, dockerfile)
        for base in base_images_of(text or "", buildargs):
            self.require_image(base)
        labels = kit_labels.with_labels(labels, self.policy.labels)
        return super().build(path, tag, *args, fileobj=fileobj, custom_context=custom_context,
                             dockerfile=dockerfile, pull=pull and self.policy.allow_pull,
                             buildargs=buildargs, labels=labels, rm=rm, forcerm=forcerm,
                             **kwargs)

    def commit(self, container, repository=None, tag=None, message=None, author=None,
               pause=True, changes=None, conf=None):
        conf = dict(conf or {})
        conf["Labels"] = kit_labels.with_labels(conf.get("Labels"), self.policy.labels)
        return super().commit(container, repository, tag, message, author, pause, changes,
                              conf)

    def import_image(self, src=None, repository=None, tag=None, image=None, changes=None,
                     stream_src=False):
        """``docker import`` with the session's labels, as one more ``--change 'LABEL ...'``."""
        label = "LABEL " + " ".join(f'{key}="{value}"' for key, value in self.policy.labels.items())
        return super().import_image(src, repository, tag, image, [*(changes or []), label],
                                    stream_src)

    def pull(self, repository, tag=None, *args, **kwargs):
        separator = "@" if tag and tag.startswith("sha256:") else ":"
        name = f"{repository}{separator}{tag}" if tag and "@" not in repository else repository
        if is_public(name) and not self.policy.allow_pull:
            raise PullNotAllowed(
                f"Pulling '{name}' would contact a public registry, which the kit never does "
                "unless you opt in.",
                "Use the kit's local images and local registry, or opt in with "
                "DOCKERLAB_ALLOW_PULL=1 (or `Lab(..., allow_pull=True)`) when you have "
                "network access.")
        return super().pull(repository, tag, *args, **kwargs)

    def create_network(self, name, *args, labels=None, **kwargs):
        return super().create_network(
            name, *args, labels=kit_labels.with_labels(labels, self.policy.labels), **kwargs)

    def create_volume(self, name=None, driver=None, driver_opts=None, labels=None):
        return super().create_volume(name, driver, driver_opts,
                                     kit_labels.with_labels(labels, self.policy.labels))


class LabClient(docker.DockerClient):
    """``docker.DockerClient`` whose wire-level client is the guarded one."""

    def __init__(self, policy: Policy, **kwargs):  # not super(): it would build a plain API
        self.api = GuardedAPIClient(policy, **kwargs)

    @property
    def policy(self) -> Policy:
        return self.api.policy

