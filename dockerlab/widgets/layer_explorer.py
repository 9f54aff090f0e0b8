"""A layer explorer: pick an image, see its layers, pick a layer, see what it changed.

Similar to ``dive IMAGE`` or ``docker image history`` plus ``tar -tvf layer.tar``. The work is
done by :func:`dockerlab.images.layers.read_image` and :func:`dockerlab.images.tree.layer_tree`
(the tree, cut by :func:`~dockerlab.images.tree.prune` so big images stay responsive); the
chart by :func:`dockerlab.images.pictures.layer_sizes_chart`. Layout, top to bottom::

    [image ▾] [Read layers]           status line
    layers table   (number, size, instruction, +added ~modified -deleted, base or own)
    [layer ▾]  [merged view]          that layer's files as a collapsible tree (+ added,
                                      ~ modified, - deleted, sizes), or the merged view
    chart of layer sizes (red: wasted bytes)
    wasted files   (largest first, each with the sentence saying why)

Errors (a missing image, a corrupted archive) are shown in the status line, not raised.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..errors import translate
from ..images.layers import ImageLayers, human_size, read_image
from ..images.pictures import layer_sizes_chart
from ..images.tree import TreeNode, layer_tree, prune

MERGED = 0  # the layer dropdown's value for the merged view


def layers_html(image: ImageLayers) -> str:
    """The layers as an HTML table, bottom layer first."""
    rows = "".join(
        f"<tr style='color:{'#7f8c8d' if row['from'] == 'base' else 'inherit'}'>"
        f"<td>{row['layer']}</td><td>{row['size']}</td><td>{html.escape(row['instruction'][:90])}"
        f"</td><td>+{row['added']} ~{row['modified']} -{row['deleted']}</td>"
        f"<td>{row['from']}</td></tr>" for row in image.layer_table())
    return ("<table style='font-family:monospace;font-size:90%'><tr><th>layer</th><th>size</th>"
            "<th>instruction</th><th>files</th><th>from</th></tr>" + rows + "</table>")


#: how the kit's figures differ from dive's, in one sentence (see dockerlab.images.dive)
DIVE_DIFFERENCE = ("The kit counts a deleted file as one more copy of its size and, in wasted "
                   "bytes, only the copies nobody can reach; dive counts a deleted file as a "
                   "0-byte copy, ignores what deleted folders held, and counts every copy "
                   "(the one in use too) of a path written twice.")
COLOURS = {"added": "#27ae60", "modified": "#d68910", "deleted": "#c0392b", None: "inherit"}
MARKS = {"added": "+", "modified": "~", "deleted": "-", None: "&nbsp;"}


def _label(node: TreeNode) -> str:
    name = html.escape(node.name) + ("/" if node.is_dir else "")
    if node.kind == "symlink":
        name += f" → {html.escape(node.linkname)}"
    where = f" <span style='color:#7f8c8d'>L{node.layer}</span>" if node.layer else ""
    return (f"<span style='color:{COLOURS[node.mark]}'>{MARKS[node.mark]} {name}</span> "
            f"<span style='color:#7f8c8d'>{human_size(node.size)}</span>{where}")


def tree_html(node: TreeNode, merged: bool = False) -> str:
    """A pruned tree as nested ``<details>`` (a folder opens on click), one line a file."""
    parts = []
    for child in node.children:
        label = _label(child) if not merged else _label(child).replace("&nbsp;", "", 1)
        if child.is_dir and (child.children or child.hidden):
            parts.append(f"<details data-path='{html.escape(child.path)}'><summary>{label}"
                         f"</summary>{tree_html(child, merged)}</details>")
        else:
            parts.append(f"<div data-path='{html.escape(child.path)}'>{label}</div>")
    if node.hidden:
        parts.append(f"<div style='color:#7f8c8d'>… and {node.hidden} more</div>")
    return f"<div style='margin-left:1.1em'>{''.join(parts)}</div>"


def waste_html(image: ImageLayers, limit: int = 15) -> str:
    """The wasted copies, largest first, each with its reason; the kit's and dive's figures."""
    waste, dive = image.waste(), image.dive()
    head = (f"<p>Kit efficiency {image.efficiency:.1%}; wasted (unreachable) "
            f"{human_size(waste.wasted_bytes)} (base image: {human_size(waste.base_bytes)}, "
            f"your layers: {human_size(waste.own_bytes)}). dive would say "
            f"{dive.efficiency:.1%} and {human_size(dive.wasted_bytes)}: "
            f"{DIVE_DIFFERENCE}</p>")
    if not waste.files:
        return head + "<p><i>No wasted files: nothing was overwritten or deleted later.</i></p>"
    rows = "".join(f"<tr><td>{html.escape(r['path'])}</td><td>{r['size']}</td>"
                   f"<td>{'base' if r['base'] else 'own'}</td><td>{html.escape(r['why'])}</td></tr>"
                   for r in waste.table(limit))
    more = f"<p>... and {len(waste.files) - limit} more.</p>" if len(waste.files) > limit else ""
    return (head + "<table style='font-family:monospace;font-size:90%'><tr><th>path</th>"
            "<th>size</th><th>layer of</th><th>why it is wasted</th></tr>" + rows + "</table>"
            + more)


class LayerExplorer(widgets.VBox):
    """Browse an image's layers, one layer's changes, the merged view, the waste."""

    def __init__(self, lab, image: str | None = None):
        self.lab = lab
        self.image: ImageLayers | None = None
        self.image_picker = widgets.Combobox(options=self._image_names(), value=image or "",
                                             placeholder="image name, e.g. dockerlab/busybox",
                                             description="Image")
        self.read_button = widgets.Button(description="Read layers", button_style="primary")
        self.status = widgets.HTML()
        self.layers_table = widgets.HTML()
        self.layer_picker = widgets.Dropdown(options=[("merged view", MERGED)], value=MERGED,
                                             description="Layer")
        self.tree = widgets.HTML()
        self.chart = widgets.Output()
        self.waste = widgets.HTML()
        self.read_button.on_click(lambda _: self.load())
        self.layer_picker.observe(lambda _: self.show_layer(), names="value")
        super().__init__([widgets.HBox([self.image_picker, self.read_button]), self.status,
                          self.layers_table, self.layer_picker, self.tree, self.chart,
                          self.waste])
        if image:
            self.load()

    def _image_names(self) -> list[str]:
        try:
            return sorted({tag for image in self.lab.client.images.list() for tag in image.tags})
        except Exception:  # noqa: BLE001 - an empty list is fine; load() reports errors
            return []

    def load(self, name: str | None = None) -> ImageLayers | None:
        """Read the image named in the picker (or ``name``) and show it."""
        name = (name or self.image_picker.value).strip()
        self.status.value = f"Reading <code>{html.escape(name)}</code>..."
        try:
            self.image = read_image(self.lab.client, name)
        except Exception as error:  # noqa: BLE001 - shown, never raised into the notebook
            explained = translate(error)
            self.image = None
            self.status.value = (f"<span style='color:#c0392b'><b>{type(explained).__name__}"
                                 f"</b>: {html.escape(explained.message)} "
                                 f"{html.escape(explained.advice)}</span>")
            for view in (self.layers_table, self.tree, self.waste):
                view.value = ""
            return None
        image = self.image
        self.status.value = (f"<b>{html.escape(name)}</b>: {len(image.layers)} layers "
                             f"({len(image.base_layers)} from the base image), "
                             f"{human_size(image.size)}, {len(image.merged)} paths. "
                             f"{html.escape(image.id_sentence())}")
        self.layers_table.value = layers_html(image)
        options = [("merged view", MERGED)] + [
            (f"{layer.number}: {layer.instruction[:60]}", layer.number) for layer in image.layers]
        self.layer_picker.options = options
        self.layer_picker.value = image.layers[-1].number if image.layers else MERGED
        self.show_layer()
        self.waste.value = waste_html(image)
        self.chart.clear_output()
        with self.chart:
            from IPython.display import display

            display(layer_sizes_chart(image))
        return image

    def show_layer(self) -> None:
        """Show the picked layer's changes (or the merged view) as a file tree."""
        if self.image is None:
            return
        number = self.layer_picker.value
        tree = prune(layer_tree(self.image, None if number == MERGED else number))
        body = tree_html(tree, merged=number == MERGED) if tree.children else "(no changes)"
        self.tree.value = ("<div class='dockerlab-layer-tree' style='max-height:360px;"
                           f"overflow:auto;font-family:monospace;font-size:85%'>{body}</div>")
