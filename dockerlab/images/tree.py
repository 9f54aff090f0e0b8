"""A layer's files (or the merged view) as a tree of folders, the way dive shows them: each
entry with its mark (``added``, ``modified``, ``deleted``, or none: a folder only carried
along, or the merged view) and its size (a folder: everything below it), and, for big
images, only the first entries of each folder with a count of the rest. Pure: an
:class:`~dockerlab.images.model.ImageLayers` in, nested :class:`TreeNode` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import FileEntry

#: the entries shown per folder, and in all, before "... and K more"
PER_FOLDER = 50
BUDGET = 2000
MARKS = {"added": "+", "modified": "~", "deleted": "-", None: " "}


@dataclass
class TreeNode:
    """One path of the tree; ``children`` sorted folders first, then by name."""

    name: str
    path: str
    kind: str = "dir"
    size: int = 0
    mark: str | None = None
    layer: int | None = None  # the layer the content comes from (merged view)
    linkname: str = ""
    children: list[TreeNode] = field(default_factory=list)
    hidden: int = 0  # children left out by :func:`prune`

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"

    def find(self, path: str) -> TreeNode | None:
        """The node at ``path`` (``"etc/apt"``), or None."""
        node = self
        for part in [p for p in path.split("/") if p]:
            node = next((c for c in node.children if c.name == part), None)
            if node is None:
                return None
        return node

    def count(self) -> int:
        """Entries below this node (shown ones, hidden ones counted)."""
        return sum(1 + child.count() for child in self.children) + self.hidden


def build_tree(rows) -> TreeNode:
    """``rows`` of (path, kind, size, mark, layer, linkname) -> the root of their tree.
    Folders the rows do not name are made (unmarked); a folder's size is its contents' (a
    deleted folder's: what was deleted). A path named twice keeps its last row."""
    root = TreeNode("", "")
    folders, nodes = {"": root}, {}
    for path, kind, size, mark, layer, linkname in sorted(rows, key=lambda row: row[0]):
        if path in nodes or (kind == "dir" and path in folders):
            node = nodes.get(path) or folders[path]
            node.kind, node.size, node.mark, node.layer = kind, size, mark, layer
            node.linkname = linkname
            continue
        parent = _folder(folders, path.rpartition("/")[0])
        node = TreeNode(path.rpartition("/")[2], path, kind, size, mark, layer, linkname)
        parent.children.append(node)
        nodes[path] = node
        if kind == "dir":
            folders[path] = node
    _finish(root)
    return root


def _folder(folders: dict, path: str) -> TreeNode:
    if path not in folders:
        parent = _folder(folders, path.rpartition("/")[0])
        folders[path] = TreeNode(path.rpartition("/")[2], path)
        parent.children.append(folders[path])
    return folders[path]


def _finish(node: TreeNode) -> int:
    """Sort the children and add up folder sizes (iterative: deep trees are fine)."""
    order, todo = [], [node]
    while todo:
        current = todo.pop()
        order.append(current)
        todo.extend(child for child in current.children if child.is_dir)
    for current in reversed(order):
        current.children.sort(key=lambda c: (not c.is_dir, c.name))
        if current.is_dir:
            deleted = current.mark == "deleted"
            current.size = sum(child.size for child in current.children
                               if deleted or child.mark != "deleted")
    return node.size


def layer_rows(image, layer_number: int | None) -> list[tuple]:
    """The rows of one layer's tree (its changes and the folders it carried along), or of
    the merged view when ``layer_number`` is None."""
    if layer_number is None:
        return [(path, item.entry.kind, item.entry.size, None, item.layer, item.entry.linkname)
                for path, item in image.merged.items()]
    layer = image.layers[layer_number - 1]
    entries = {entry.path: entry for entry in layer.entries}
    rows = []
    for change in layer.changes:
        entry = entries.get(change.path) or FileEntry(change.path, change.kind, change.size)
        rows.append((change.path, entry.kind, change.size, change.action, layer.number,
                     entry.linkname))
    changed = {change.path for change in layer.changes}
    rows += [(entry.path, "dir", 0, None, layer.number, "") for entry in layer.entries
             if entry.is_dir and entry.path not in changed]
    return rows


def layer_tree(image, layer_number: int | None = None) -> TreeNode:
    """One layer's changes as a tree, or the merged view (``None``)."""
    return build_tree(layer_rows(image, layer_number))


def prune(node: TreeNode, per_folder: int = PER_FOLDER, budget: int = BUDGET) -> TreeNode:
    """A copy of ``node`` showing at most ``per_folder`` entries of each folder and
    ``budget`` in all (breadth first: the top of the tree stays whole); what is left out is
    counted in each folder's ``hidden``."""
    copy = _shallow(node)
    queue, left = [(node, copy)], budget
    while queue:
        original, shown = queue.pop(0)
        keep = original.children[:max(0, min(per_folder, left))]
        left -= len(keep)
        shown.hidden = original.hidden + len(original.children) - len(keep)
        for child in keep:
            child_copy = _shallow(child)
            shown.children.append(child_copy)
            queue.append((child, child_copy))
    return copy


def _shallow(node: TreeNode) -> TreeNode:
    return TreeNode(node.name, node.path, node.kind, node.size, node.mark, node.layer,
                    node.linkname)


def tree_lines(node: TreeNode, human_size, depth: int = 0) -> list[str]:
    """The tree as indented text lines (``+ name  (size)``), folders with a ``/``."""
    lines = []
    for child in node.children:
        name = child.name + ("/" if child.is_dir else "")
        if child.kind == "symlink":
            name += f" -> {child.linkname}"
        lines.append(f"{MARKS[child.mark]} {'  ' * depth}{name}  ({human_size(child.size)})")
        lines += tree_lines(child, human_size, depth + 1)
    if node.hidden:
        lines.append(f"  {'  ' * depth}… and {node.hidden} more")
    return lines
