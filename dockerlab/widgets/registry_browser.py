"""A registry browser: repositories, their tags, a tag's manifest and its layers.

A thin view over :class:`~dockerlab.registry.api.RegistryAPI` and :func:`describe_tag`
(tested without a browser): pick a repository, pick a tag, read the manifest digest, the
config digest and each layer's digest and size. Every click is a few HTTP requests, the same
ones the notebook makes by hand.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from ..errors import DockerLabError
from ..images.text import human_size
from ..registry.api import RegistryAPI
from ..registry.manifests import FORMATS


@dataclass
class TagSummary:
    """What one tag points at, as the registry describes it."""

    repository: str
    tag: str
    digest: str
    media_type: str
    config_digest: str
    command: list
    layers: list[tuple[str, int]]

    @property
    def size(self) -> int:
        return sum(size for _, size in self.layers)


def describe_tag(api: RegistryAPI, repository: str, tag: str) -> TagSummary:
    """Manifest, config and layers of ``repository:tag``; like ``docker manifest inspect``.

    The digest and media type are the ones the tag names (an OCI index or Docker manifest
    list too); config and layers come from this machine's platform's manifest.
    """
    top = api.manifest(repository, tag)
    manifest = api.platform_manifest(top)
    config = api.config(repository, manifest)
    command = (config.get("config") or {}).get("Cmd") or []
    layers = [(layer["digest"], layer["size"]) for layer in manifest.layers]
    return TagSummary(repository, tag, top.digest, top.media_type,
                      manifest.config["digest"], command, layers)


def summary_html(summary: TagSummary) -> str:
    """The summary as a small HTML table (one row per layer, base layer first)."""
    rows = "".join(
        f"<tr><td>{number}</td><td><code>{html.escape(digest)}</code></td>"
        f"<td style='text-align:right'>{human_size(size)}</td></tr>"
        for number, (digest, size) in enumerate(summary.layers, 1))
    return (f"<p><b>{html.escape(summary.repository)}:{html.escape(summary.tag)}</b><br>"
            f"manifest <code>{html.escape(summary.digest)}</code> "
            f"({html.escape(FORMATS.get(summary.media_type, summary.media_type))}, "
            f"<code>{html.escape(summary.media_type)}</code>)<br>"
            f"config <code>{html.escape(summary.config_digest)}</code><br>"
            f"command <code>{html.escape(' '.join(summary.command))}</code></p>"
            "<table><tr><th>#</th><th>layer digest</th><th>size</th></tr>"
            f"{rows}</table><p>{len(summary.layers)} layers, "
            f"{human_size(summary.size)} compressed</p>")


class RegistryBrowser:
    """Repositories -> tags -> manifest and layers of one registry, live."""

    def __init__(self, api: RegistryAPI):
        self.api = api
        self.repositories = widgets.Select(description="repository", rows=6)
        self.tags = widgets.Select(description="tag", rows=6)
        self.details = widgets.HTML()
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.summary: TagSummary | None = None
        self.repositories.observe(self._on_repository, names="value")
        self.tags.observe(self._on_tag, names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>Registry {html.escape(api.url)}</b>"),
            widgets.HBox([self.repositories, self.tags, self.refresh_button]),
            self.details])
        self.refresh()

    def _show_error(self, error: DockerLabError) -> None:
        self.details.value = (f"<p style='color:#c0392b'>{html.escape(error.message)}</p>"
                              f"<p>{html.escape(error.advice)}</p>")

    def refresh(self) -> None:
        """Read the catalog again (new pushes appear)."""
        try:
            self.repositories.options = self.api.catalog()
        except DockerLabError as error:
            self.repositories.options = []
            self._show_error(error)

    def _on_repository(self, change) -> None:
        self.summary = None
        if not change["new"]:
            self.tags.options = []
            return
        try:
            self.tags.options = self.api.tags(change["new"])
        except DockerLabError as error:
            self.tags.options = []
            self._show_error(error)

    def _on_tag(self, change) -> None:
        if not change["new"] or not self.repositories.value:
            self.details.value = ""
            return
        try:
            self.summary = describe_tag(self.api, self.repositories.value, change["new"])
            self.details.value = summary_html(self.summary)
        except DockerLabError as error:
            self.summary = None
            self._show_error(error)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
