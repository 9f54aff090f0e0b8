"""overlayfs: how read-only image layers and one writable layer become a container's ``/``.

An overlay mount joins *lower* directories (read-only, the image's layers, top first) and an
*upper* directory (writable, the container's own layer) into a *merged* view; a *work*
directory on the upper's filesystem is the kernel's scratch space. Similar to::

    mount -t overlay overlay -o lowerdir=L2:L1,upperdir=U,workdir=W merged

Two rules make it a container filesystem:

- **copy-up**: writing to a file that lives in a lower layer first copies the whole file
  into the upper directory; the lower copy is never touched;
- **whiteout**: deleting a lower file leaves, in the upper directory, a character device
  with device number 0/0 under the same name; it hides the file from the merged view.
  (In an image layer tar the same fact is written as an empty file ``.wh.<name>``.)

The mount is made inside a child's private mount namespace, so it disappears with the child;
the upper directory stays on disk to be looked at, until the ``with`` block removes it.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import tarfile
from dataclasses import dataclass, field

from ..errors import DemoFailed
from . import records
from .boxes import Entry, Run
from .isolation import Isolation, Mount

WHITEOUT_PREFIX = ".wh."
OPAQUE = ".wh..wh..opq"


class OverlayTree:
    """Temporary ``lower-N``, ``upper``, ``work`` and ``merged`` directories in a box.

    ::

        with OverlayTree(box, layers=2) as tree:
            box.write(f"{tree.lowers[0]}/hello.txt", "hi\\n")
            tree.run("echo more >> hello.txt; rm gone.txt")   # in the merged view
            tree.upper_listing()                              # copy-ups and whiteouts
    """

    def __init__(self, box, layers: int = 1):
        if layers < 1:
            raise DemoFailed("An overlay needs at least one lower directory.",
                             "Ask for layers=1 or more.")
        self.box = box
        self.layers = layers
        self._stack = contextlib.ExitStack()
        self.root = ""
        self.lowers: list[str] = []

    def __enter__(self) -> OverlayTree:
        self.root = self._stack.enter_context(self.box.tempdir("dockerlab-linux-overlay-"))
        try:
            self.lowers = [f"{self.root}/lower-{n}" for n in range(1, self.layers + 1)]
            for directory in self.lowers + [self.upper, self.work, self.merged]:
                self.box.mkdir(directory)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._keep_record()
        finally:
            self._stack.close()

    def _keep_record(self) -> None:
        """List the upper folder (and each lower's top level) once more, for the checks."""
        if not self.root:
            return
        try:
            listings = {self.upper: self.upper_listing()}
            for lower in self.lowers:
                listings[lower] = self.box.listing(lower, depth=1)
        except Exception:  # the record is a courtesy: the removal goes on regardless
            return
        records.keep(self.root, records.TreeRecord(self.root, self.upper, tuple(self.lowers),
                                                   listings))

    upper = property(lambda self: f"{self.root}/upper")
    work = property(lambda self: f"{self.root}/work")
    merged = property(lambda self: f"{self.root}/merged")

    @property
    def options(self) -> str:
        """The mount options: ``lowerdir`` lists the TOP layer first."""
        return (f"lowerdir={':'.join(reversed(self.lowers))},upperdir={self.upper},"
                f"workdir={self.work}")

    def mount(self) -> Mount:
        return Mount("overlay", self.merged, "overlay", self.options)

    def run(self, script: str, isolation: Isolation | None = None) -> Run:
        """Mount the overlay in a child's own mount namespace and run ``script`` in it."""
        recipe = isolation or Isolation()
        recipe.mounts = [self.mount()] + list(recipe.mounts)
        recipe.__post_init__()
        run = self.box.run(f"cd {self.merged} && {script}", recipe)
        return run

    def upper_listing(self) -> list[Entry]:
        return self.box.listing(self.upper)

    def merged_listing(self) -> list[Entry]:
        """The merged view, as a child with the overlay mounted sees it."""
        from .boxes import listing_script, parse_listing

        return parse_listing(self.run(listing_script(self.merged)).output, root=self.merged)


@dataclass
class CopyUpDemo:
    """What each directory holds after editing and deleting lower files through the merge."""

    lower: list
    upper: list
    merged: list
    edited: str = ""
    lower_text: str = ""

    def whiteouts(self) -> list[str]:
        return [entry.path for entry in self.upper if entry.kind == "whiteout"]

    def __str__(self) -> str:
        parts = []
        for title, entries in (("lower", self.lower), ("upper", self.upper),
                               ("merged", self.merged)):
            parts.append(f"{title}/")
            parts += [f"  {entry}" for entry in entries] or ["  (empty)"]
        return "\n".join(parts)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def copy_up_demo(box) -> CopyUpDemo:
    """Edit one lower file and delete another through the merged view, then look at each dir."""
    with OverlayTree(box) as tree:
        lower = tree.lowers[0]
        box.write(f"{lower}/hello.txt", "written in the lower layer\n")
        box.write(f"{lower}/keep.txt", "nobody touches me\n")
        box.write(f"{lower}/gone.txt", "about to be deleted\n")
        tree.run("echo 'appended through the merged view' >> hello.txt && rm gone.txt && "
                 "echo 'a brand new file' > new.txt")
        return CopyUpDemo(box.listing(lower), tree.upper_listing(), tree.merged_listing(),
                          box.read(f"{tree.upper}/hello.txt"), box.read(f"{lower}/hello.txt"))


# --- a real image's layers as an overlay --------------------------------------------------
def convert_layer(layer_tar: tarfile.TarFile) -> tuple[bytes, list[str]]:
    """A layer tar rewritten for overlayfs: each ``.wh.NAME`` becomes a 0/0 character device.

    Returns the new tar and the opaque directories (``.wh..wh..opq``), which overlayfs marks
    with the ``trusted.overlay.opaque`` extended attribute instead of a file.
    """
    buffer, opaque = io.BytesIO(), []
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as out:
        for member in layer_tar:
            directory, name = posixpath.split(member.name.rstrip("/"))
            if name == OPAQUE:
                opaque.append(directory)
            elif name.startswith(WHITEOUT_PREFIX):
                whiteout = tarfile.TarInfo(posixpath.join(directory, name[len(WHITEOUT_PREFIX):]))
                whiteout.type, whiteout.devmajor, whiteout.devminor = tarfile.CHRTYPE, 0, 0
                out.addfile(whiteout)
            elif member.isfile():
                out.addfile(member, layer_tar.extractfile(member))
            else:
                out.addfile(member)
    return buffer.getvalue(), opaque


def _layers_of(client, image: str):
    """(diff_id, layer tar bytes, opaque dirs) bottom first, from the layer reader."""
    from ..images.layers import iter_layer_tars

    converted = {}
    for layer in iter_layer_tars(client, image):
        data, opaque = convert_layer(layer.tar)
        converted[layer.diff_id] = (data, opaque)
    order = client.api.inspect_image(image)["RootFS"]["Layers"]
    return [(diff_id, *converted[diff_id]) for diff_id in order]


@contextlib.contextmanager
def image_overlay(box, client, image: str):
    """An :class:`OverlayTree` whose lower directories are ``image``'s layers, bottom first.

    Similar to what the overlay2 driver prepares for ``docker run``: one ``diff`` directory
    per layer, stacked read-only under an empty upper directory.
    """
    layers = _layers_of(client, image)
    with OverlayTree(box, layers=len(layers)) as tree:
        tree.diff_ids = [diff_id for diff_id, _, _ in layers]
        for directory, (_, data, opaque) in zip(tree.lowers, layers, strict=True):
            box.put_tar(directory, io.BytesIO(data))
            for path in opaque:
                box.set_opaque(f"{directory}/{path}")
        yield tree


FIND_SCRIPT = "find . -xdev | sort"
#: what ``docker run`` adds to every container's tree (mount points and its own files)
DOCKER_ADDS = {"./.dockerenv", "./etc/hostname", "./etc/hosts", "./etc/resolv.conf",
               "./etc/mtab", "./dev", "./proc", "./sys"}


@dataclass
class TreeComparison:
    ours: set = field(default_factory=set)
    docker: set = field(default_factory=set)

    @property
    def only_ours(self) -> list[str]:
        return sorted(self.ours - self.docker)

    @property
    def only_docker(self) -> list[str]:
        return sorted(self.docker - self.ours)

    @property
    def same(self) -> bool:
        return not self.only_ours and not set(self.only_docker) - DOCKER_ADDS

    def __str__(self) -> str:
        return (f"paths in our overlay: {len(self.ours)}, in `docker run`: {len(self.docker)}\n"
                f"only in ours: {self.only_ours or 'none'}\n"
                f"only in docker's: {self.only_docker or 'none'}")


def compare_with_docker_run(lab, box, image: str) -> TreeComparison:
    """Our stack of ``image``'s layers vs. the tree a ``docker run`` container sees."""
    with image_overlay(box, lab.client, image) as tree:
        ours = set(tree.run(FIND_SCRIPT).lines())
    docker = set(lab.run(f"cd / && {FIND_SCRIPT}", image).splitlines())
    return TreeComparison(ours, docker)


def docker_overlay2(box, container) -> dict:
    """The overlay2 directories the engine made for a container (``docker inspect``),
    with the entries of its upper directory (read only; never modified)."""
    container.reload()
    driver = container.attrs.get("GraphDriver") or {}
    if driver.get("Name") != "overlay2":
        raise DemoFailed(f"This engine stores containers with '{driver.get('Name')}', not "
                         "overlay2, so there are no LowerDir/UpperDir to show.",
                         "The overlay demos above still show the same mechanism.")
    data = driver["Data"]
    return {"LowerDir": data["LowerDir"].split(":"), "UpperDir": data["UpperDir"],
            "MergedDir": data["MergedDir"], "WorkDir": data["WorkDir"],
            "upper": box.engine_listing(data["UpperDir"])}
