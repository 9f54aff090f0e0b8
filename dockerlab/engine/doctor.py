"""``dockerlab doctor``: can the kit run here, and what is this engine made of?

Similar to ``docker version`` and ``docker info`` rolled into one page, plus what the kit
itself needs: base images, a local registry, and the rights the under-the-hood demos use.
The exit code is 0 when the kit can run (an engine answers and the base image is present or
can be built), 1 otherwise.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DockerLabError


@dataclass
class Finding:
    """One line of the report."""

    topic: str
    detail: str
    ok: bool = True
    required: bool = False


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def add(self, topic: str, detail: str, ok: bool = True, required: bool = False) -> None:
        self.findings.append(Finding(topic, detail, ok, required))

    @property
    def can_run(self) -> bool:
        return all(f.ok for f in self.findings if f.required)

    def __str__(self) -> str:
        width = max((len(f.topic) for f in self.findings), default=10)
        lines = []
        for finding in self.findings:
            mark = "ok " if finding.ok else ("!! " if finding.required else "-- ")
            lines.append(f"{mark}{finding.topic:<{width}}  {finding.detail}")
        verdict = "The kit can run here." if self.can_run else \
            "The kit cannot run here yet: fix the lines marked !! above."
        return "\n".join(lines + ["", verdict])


def cgroup_version() -> str:
    """``"v2"`` for the unified hierarchy, ``"v1"`` otherwise (read from the host)."""
    return "v2" if Path("/sys/fs/cgroup/cgroup.controllers").exists() else "v1"


def under_the_hood_mode() -> tuple[str, str]:
    """Where the low-level demos run (``host`` or ``helper container``) and why."""
    from ..linux import demo_mode

    mode = demo_mode()
    return str(mode), mode.reason


def _engine_section(report: Report):
    from .locate import connect, find_engine

    try:
        location = find_engine()
    except DockerLabError as error:
        report.add("engine", error.paragraph().replace("\n", " "), ok=False, required=True)
        return None
    report.add("engine", f"{location.url} (found via {location.how})", required=True)
    client = connect(location, timeout=30)
    import docker

    from .facts import engine_facts

    facts = engine_facts(client)
    for topic, detail in facts.rows():
        report.add(topic, detail)
    report.add("docker-py", f"{docker.__version__}; host sees cgroup {cgroup_version()}")
    for note in facts.notes():
        report.add("note", note, ok=False)
    return client


def _images_section(report: Report, client) -> None:
    from ..images.base import BUSYBOX_IMAGE, find_static_busybox

    busybox = find_static_busybox()
    present = [tag for image in client.images.list(filters={"label": ["io.dockerlab.base"]})
               for tag in image.tags]
    if present:
        report.add("base images", ", ".join(sorted(present)), required=True)
    elif busybox:
        report.add("base images", f"{BUSYBOX_IMAGE} not built yet; will be built from "
                   f"{busybox} on first use", required=True)
    else:
        report.add("base images", f"{BUSYBOX_IMAGE} missing and no static busybox to build "
                   "it: install busybox-static", ok=False, required=True)
    registry_image = [t for i in client.images.list(name="registry") for t in i.tags]
    binary = shutil.which("docker-registry")
    where = registry_image[0] if registry_image else binary
    report.add("local registry", f"can start from {where}" if where else
               "cannot start: install docker-registry (Debian) or load a registry:2 image",
               ok=bool(where))


def diagnose() -> Report:
    """Gather every finding; never raises for a missing or broken engine."""
    report = Report()
    client = _engine_section(report)
    if client is not None:
        try:
            _images_section(report, client)
        finally:
            client.close()
    from .install import missing_packages

    missing = missing_packages()
    report.add("system packages", "missing: " + ", ".join(missing) + " (`./kit lab` installs "
               "them as root on Debian/Ubuntu)" if missing else "all the kit's are installed",
               ok=not missing)
    mode, reason = under_the_hood_mode()
    report.add("under the hood", f"demos run on the {mode} ({reason})")
    from ..lab import pulls_allowed_by_environment

    report.add("public pulls", "allowed (DOCKERLAB_ALLOW_PULL is set)"
               if pulls_allowed_by_environment() else
               "refused unless you set DOCKERLAB_ALLOW_PULL=1 (the kit works offline)")
    return report
