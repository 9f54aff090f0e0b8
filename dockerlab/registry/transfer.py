"""Push, pull and login through the SDK, with a progress bar per layer.

The engine reports a push or a pull as a stream of small JSON items, one per event::

    {"status": "Preparing", "id": "11819788e9df", "progressDetail": {}}
    {"status": "Pushing", "id": "11819788e9df", "progressDetail": {"current": 512, "total": 1068986}}
    {"status": "Layer already exists", "id": "5f70bf18a086"}
    {"status": "v1: digest: sha256:... size: 528"}
    {"aux": {"Tag": "v1", "Digest": "sha256:...", "Size": 528}}
    {"error": "...", "errorDetail": {"message": "..."}}      <- an error arrives as an item!

Engines differ in how much they say: the classic image store reports "Preparing" and
"Pushing" items and an ``aux`` item with the digest; the containerd image store (Engine 26)
reports fewer progress items, no ``aux`` (the digest comes from the status line), and pushes
the image's own manifest, often an OCI one, whose digest *is* the local image ID.

:class:`TransferProgress` reads that stream: it keeps one :class:`LayerState` per layer id,
feeds an optional view (ipywidgets bars in a notebook) and turns every error item into the
kit's :class:`~dockerlab.errors.RegistryError` family, so a failed push never looks like
success.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import docker.errors

from ..errors import (
    DigestMismatch,
    RegistryAuthFailed,
    RegistryError,
    RegistryNotFound,
    RegistryUnreachable,
    TransferFailed,
    mapped,
)
from ..images.references import parse_reference
from ..notebook import ipython_shell

_DONE = re.compile(r"^(Pushed|Layer already exists|Mounted from .*|Pull complete|"
                   r"Already exists|Download complete)$")
_DIGEST_LINE = re.compile(r"digest: (sha256:[0-9a-f]{64})")
_KINDS = [
    (re.compile(r"connection refused|dial tcp|no such host|i/o timeout|"
                r"server gave HTTP response to HTTPS", re.I), RegistryUnreachable,
     "Is the registry running on that port? `registry.host` gives its address and "
     "`registry.logs()` what it did."),
    (re.compile(r"no basic auth credentials|unauthorized|authentication required|"
                r"status: 401|incorrect username or password", re.I), RegistryAuthFailed,
     "Log in first with `lab.client.login(username, password, registry=registry.host)`; "
     "check the user name and the password."),
    (re.compile(r"manifest unknown|not found|name unknown|repository does not exist|"
                r"blob unknown", re.I), RegistryNotFound,
     "Check the repository and tag: `registry.api().tags(repository)` lists what exists."),
    (re.compile(r"digest (invalid|mismatch)|does not match|verification failed", re.I),
     DigestMismatch, "The content did not hash to its digest; push the image again."),
]


def classify(message: str, action: str, reference: str | None = None) -> RegistryError:
    """The kit's error for an engine message about a push/pull/login (``action``).

    Engines word the same fault differently (the classic store says "manifest unknown",
    the containerd store "failed to resolve reference ...: not found"): the error's class
    is the meaning, and a missing ``reference`` is named in the kit's own words.
    """
    for pattern, kind, advice in _KINDS:
        if pattern.search(message):
            if kind is RegistryNotFound and reference:
                return kind(f"The {action} failed: the registry has no '{reference}'. The "
                            f"engine said: {message.strip()}", advice)
            return kind(f"The {action} failed: {message.strip()}", advice)
    return TransferFailed(f"The {action} failed: {message.strip()}",
                          "Read the engine's words above; `registry.logs()` shows the "
                          "registry's side.")


@dataclass
class LayerState:
    """Where one layer is: its short id, last status and bytes done/total."""

    id: str
    status: str = ""
    current: int = 0
    total: int = 0

    @property
    def done(self) -> bool:
        return bool(_DONE.match(self.status))


@dataclass
class TransferReport:
    """The outcome of a push or pull: each layer's final status and the manifest digest."""

    action: str
    reference: str
    layers: dict[str, LayerState] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    digest: str | None = None
    #: the local image, after a pull
    image: object = None

    def statuses(self) -> list[str]:
        """The final status of each layer, in the order the engine reported them."""
        return [layer.status for layer in self.layers.values()]

    def __str__(self) -> str:
        lines = [f"{self.action} {self.reference}"]
        lines += [f"  {layer.id}: {layer.status}" for layer in self.layers.values()]
        if self.digest:
            lines.append(f"  manifest digest: {self.digest}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


class TransferProgress:
    """Reads a push/pull stream item by item; raises on the first error item."""

    def __init__(self, action: str, reference: str, view=None):
        self.report = TransferReport(action, reference)
        self.view = view

    def feed(self, item: dict) -> None:
        if "error" in item or "errorDetail" in item:
            detail = item.get("errorDetail") or {}
            missing = self.report.reference if self.report.action == "pull" else None
            raise classify(detail.get("message") or item.get("error") or str(item),
                           self.report.action, missing)
        aux = item.get("aux") or {}
        if aux.get("Digest"):
            self.report.digest = aux["Digest"]
        status = item.get("status") or ""
        if "id" not in item or not item["id"] or status.startswith(("Pulling from", "Digest")):
            self._message(status)
            return
        layer = self.report.layers.setdefault(item["id"], LayerState(item["id"]))
        layer.status = status
        progress = item.get("progressDetail") or {}
        layer.total = progress.get("total") or layer.total
        layer.current = progress.get("current") or layer.current
        if layer.done and layer.total:
            layer.current = layer.total
        if self.view is not None:
            self.view.update(layer)

    def _message(self, status: str) -> None:
        if not status:
            return
        self.report.messages.append(status)
        found = _DIGEST_LINE.search(status)
        if found and self.report.digest is None:
            self.report.digest = found.group(1)

    def follow(self, stream) -> TransferReport:
        for item in stream:
            self.feed(item)
        if self.view is not None:
            self.view.finish(self.report)
        return self.report


class LayerBars:
    """A notebook view: one ipywidgets progress bar per layer, updated as items arrive."""

    def __init__(self, title: str, show: bool = True):
        import ipywidgets as widgets

        self._widgets = widgets
        self.title = widgets.HTML(f"<b>{title}</b>")
        self.box = widgets.VBox([self.title])
        self.rows: dict[str, tuple] = {}
        if show:
            from IPython.display import display

            display(self.box)

    def update(self, layer: LayerState) -> None:
        if layer.id not in self.rows:
            bar = self._widgets.IntProgress(value=0, min=0, max=1, description=layer.id,
                                            layout={"width": "420px"})
            label = self._widgets.Label()
            self.rows[layer.id] = (bar, label)
            self.box.children = (*self.box.children, self._widgets.HBox([bar, label]))
        bar, label = self.rows[layer.id]
        bar.max = max(layer.total, 1)
        bar.value = min(layer.current, bar.max) if not layer.done else bar.max
        bar.bar_style = "success" if layer.done else ""
        label.value = layer.status

    def finish(self, report: TransferReport) -> None:
        digest = f" (digest {report.digest[:19]}…)" if report.digest else ""
        self.title.value = f"<b>{report.action} {report.reference}: done{digest}</b>"


def _default_view(title: str, progress):
    if progress is True:
        shell = ipython_shell()
        return LayerBars(title) if shell is not None and hasattr(shell, "kernel") else None
    return progress or None


def _require_loopback(reference: str) -> None:
    if not parse_reference(reference).is_loopback_registry:
        raise RegistryError(
            f"'{reference}' names a registry off this machine; the kit only pushes to and "
            "pulls from registries on 127.0.0.1.",
            "Start one with `LocalRegistry.start(lab)` and use `registry.reference(name, tag)`.")


@mapped(about="image")
def push(lab, image: str, reference: str, *, progress=True) -> TransferReport:
    """Tag ``image`` as ``reference`` and push it; similar to ``docker tag`` + ``docker push``.

    ``progress`` is True (bars in a notebook), False, or a view with ``update``/``finish``.
    """
    _require_loopback(reference)
    parsed = parse_reference(reference)
    repository, tag = f"{parsed.registry}/{parsed.path}", parsed.tag or "latest"
    try:
        lab.client.images.get(image).tag(repository, tag)
        stream = lab.client.api.push(repository, tag=tag, stream=True, decode=True)
        return TransferProgress("push", f"{repository}:{tag}",
                                _default_view(f"push {repository}:{tag}", progress)
                                ).follow(stream)
    except docker.errors.ImageNotFound:  # the image to push is not local: ImageMissing
        raise
    except docker.errors.APIError as error:  # the kit's refusals are APIErrors too
        raise classify(str(error.explanation or error), "push") from None


@mapped(about="image")
def pull(lab, reference: str, *, progress=True) -> TransferReport:
    """Pull ``reference`` (a tag or ``@sha256:`` digest); similar to ``docker pull``.

    The report's ``image`` is the pulled image.
    """
    _require_loopback(reference)
    try:
        stream = lab.client.api.pull(reference, stream=True, decode=True)
        report = TransferProgress("pull", reference,
                                  _default_view(f"pull {reference}", progress)).follow(stream)
        report.image = lab.client.images.get(reference)
        return report
    except docker.errors.APIError as error:  # the kit's refusals are APIErrors too
        raise classify(str(error.explanation or error), "pull", reference) from None


@mapped()
def login(lab, registry: str, username: str, password: str) -> dict:
    """Log the engine in to ``registry``; ``lab.client.login(..., registry=...)`` underneath.

    Similar to ``docker login``, without writing the password to ``~/.docker/config.json``:
    the SDK keeps it in memory and sends it with each push/pull. Returns only the status.
    """
    try:
        answer = lab.client.login(username=username, password=password, registry=registry,
                                  reauth=True)
    except docker.errors.APIError as error:
        raise classify(str(error.explanation or error), f"login to {registry}") from None
    return {"Status": answer.get("Status", "")}
