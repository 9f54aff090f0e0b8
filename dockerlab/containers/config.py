"""An image plus options, and the writable layer (``docker inspect``, ``diff``, ``commit``)."""

from __future__ import annotations

from ..errors import mapped
from ..images.reading import read_image
from .run import launch, remove_quietly, run_to_end

#: what each variant prints, so output and inspect can be compared
SHOW_CONFIG = 'echo "user=$(id -u) host=$(hostname) dir=$(pwd) greeting=${GREETING:-none}"'

VARIANTS = {
    "defaults": {},
    "command": {"command": "echo a different command"},
    "environment": {"environment": {"GREETING": "hello"}},
    "working_dir": {"working_dir": "/tmp"},
    "user": {"user": "1000"},
    "hostname": {"hostname": "lab-box"},
}

INSPECT_FIELDS = (("Image", "Image"), ("Cmd", "Cmd"), ("Env", "Env"),
                  ("WorkingDir", "WorkingDir"), ("User", "User"), ("Hostname", "Hostname"))


def config_of(container) -> dict:
    """The fields of ``docker inspect`` that the options change (``Config.*``)."""
    config = container.attrs["Config"]
    row = {}
    for label, key in INSPECT_FIELDS:
        value = config.get(key)
        if key == "Cmd":
            value = " ".join(value or [])
        elif key == "Env":
            value = ",".join(e for e in (value or []) if not e.startswith("PATH=")) or "-"
        elif key == "Hostname" and len(value or "") == 12 and value == container.id[:12]:
            value = "<its own ID>"
        row[label] = value if value not in (None, "") else "-"
    return row


def compare_options(lab, variants: dict | None = None) -> dict[str, dict]:
    """Run the same image once per variant and return each one's inspect fields and output.

    Similar to ``docker run`` with ``--env``, ``--workdir``, ``--user``, ``--hostname`` or
    a different command, followed by ``docker inspect``.
    """
    rows = {}
    for name, options in (variants or VARIANTS).items():
        options = dict(options)
        command = options.pop("command", SHOW_CONFIG)
        container = launch(lab, command, **options)
        try:
            container.wait(timeout=30)
            container.reload()
            row = config_of(container)
            row["Output"] = container.logs().decode(errors="replace").strip()
            rows[name] = row
        finally:
            remove_quietly(container)
    return rows


def side_by_side(rows: dict[str, dict]) -> str:
    """The rows of :func:`compare_options` as a text table, one line per variant.

    The long "print my settings" command is shown as ``<show config>``.
    """
    fields = [f for f in next(iter(rows.values())) if f not in ("Image", "Output")]
    shown = {name: {f: str(row[f]).replace(SHOW_CONFIG, "<show config>") for f in fields}
             for name, row in rows.items()}
    width = {f: max(len(f), *(len(shown[n][f]) for n in rows)) for f in fields}
    name_width = max(len("variant"), *(len(n) for n in rows))
    lines = [f"{'variant':<{name_width}}  " + "  ".join(f"{f:<{width[f]}}" for f in fields)]
    for name in rows:
        lines.append(f"{name:<{name_width}}  " + "  ".join(
            f"{shown[name][f]:<{width[f]}}" for f in fields))
    images = sorted({row["Image"] for row in rows.values()})
    lines += ["", f"image of every variant: {', '.join(images)}", ""]
    lines += [f"{name:<{name_width}}  printed: {row['Output']}" for name, row in rows.items()]
    return "\n".join(lines)


CHANGE_KINDS = {0: "changed", 1: "added", 2: "deleted"}

#: adds a file, changes one and deletes one: each kind of change ``docker diff`` shows
TOUCH_FILES = ("mkdir -p /data && echo 'written inside' > /data/notes.txt && "
               "echo 'guest:x:2000:2000::/tmp:/bin/sh' >> /etc/passwd && rm /var/www/index.html "
               "&& echo changes-done")


def changes(container) -> dict[str, list[str]]:
    """The writable layer's changes by kind; similar to ``docker diff``."""
    found = {kind: [] for kind in CHANGE_KINDS.values()}
    for change in container.diff() or []:
        found[CHANGE_KINDS[change["Kind"]]].append(change["Path"])
    return {kind: sorted(paths) for kind, paths in found.items()}


def file_after_removal(lab, path: str = "/data/notes.txt", volume: str | None = None) -> str:
    """Write ``path`` in one container, remove it, and look for the file in a new one.

    With ``volume`` (a volume name), ``/data`` is that volume in both containers, similar to
    ``docker run -v NAME:/data``. Returns what the second container found.
    """
    mounts = {volume: {"bind": "/data", "mode": "rw"}} if volume else None
    folder = path.rsplit("/", 1)[0] or "/"
    run_to_end(lab, f"mkdir -p {folder} && echo 'kept?' > {path}", volumes=mounts)
    _, output = run_to_end(lab, f"cat {path} 2>/dev/null || echo 'no such file'",
                           volumes=mounts)
    return output.strip()


def commit(container, repository: str, tag: str = "latest", message: str = ""):
    """A new image from the container's current file system; similar to ``docker commit``."""
    with mapped("container"):
        return container.commit(repository=repository, tag=tag, message=message or None)


def top_layer_paths(client, image) -> dict[str, list[str]]:
    """The paths stored in an image's newest layer, read from ``docker save``'s stream.

    The save stream is read once, as it arrives (:func:`dockerlab.images.read_image`):
    never held whole in memory, never written to disk. Deletions are stored as
    ``.wh.<name>`` "whiteout" files; they are reported as deleted.
    """
    found = read_image(client, getattr(image, "id", image), find_base=False)
    return layer_paths(found.layers[-1])


def layer_paths(layer) -> dict[str, list[str]]:
    """A layer's paths, ``present`` (files and folders it stores) and ``deleted``.

    A whiteout deletes one path; an opaque folder (recreated, hiding all it held below)
    is reported as deleted with a trailing ``/``.
    """
    present = ["/" + entry.path for entry in layer.entries]
    deleted = ["/" + path for path in layer.whiteouts]
    deleted += ["/" + path + "/" for path in layer.opaque_dirs]
    return {"present": sorted(present), "deleted": sorted(deleted)}
