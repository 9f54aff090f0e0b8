"""The kit's base image, built offline ``FROM scratch`` from a static busybox on the host.

Similar to writing this Dockerfile by hand and running ``docker build``::

    FROM scratch
    COPY rootfs/ /
    CMD ["sh"]

where ``rootfs/`` holds ``/bin/busybox``, one symlink per applet (``/bin/sh``,
``/bin/ls``, ``/usr/bin/wget``...), a minimal ``/etc/passwd`` and ``/tmp``. Nothing is
pulled: a classroom without network gets the same image as everybody else.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import subprocess
import tarfile
from pathlib import Path

from .. import labels
from ..errors import BuildFailed, ImageMissing, translate

BUSYBOX_IMAGE = "dockerlab/busybox:latest"
#: bump when the recipe below changes, so existing base images are rebuilt
RECIPE_VERSION = "1"
VERSION_LABEL = "io.dockerlab.base-version"
BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox")

DOCKERFILE = """\
FROM scratch
COPY rootfs/ /
CMD ["sh"]
"""

PASSWD = "root:x:0:0:root:/root:/bin/sh\nlearner:x:1000:1000:learner:/home/learner:/bin/sh\n" \
         "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
GROUP = "root:x:0:\nlearner:x:1000:\nnogroup:x:65534:\n"


def is_static_elf(path: str | Path) -> bool:
    """True for an ELF executable with no program interpreter (statically linked)."""
    try:
        with open(path, "rb") as file:
            header = file.read(64)
            if header[:4] != b"\x7fELF" or header[4] != 2:  # 64-bit ELF only
                return False
            endian = "<" if header[5] == 1 else ">"
            phoff, = struct.unpack_from(endian + "Q", header, 32)
            phentsize, phnum = struct.unpack_from(endian + "HH", header, 54)
            file.seek(phoff)
            table = file.read(phentsize * phnum)
    except OSError:
        return False
    kinds = [struct.unpack_from(endian + "I", table, i * phentsize)[0] for i in range(phnum)]
    return 3 not in kinds  # PT_INTERP


def find_static_busybox() -> Path | None:
    """A statically linked busybox on this host (``DOCKERLAB_BUSYBOX`` wins), or ``None``."""
    preferred = os.environ.get("DOCKERLAB_BUSYBOX")
    for candidate in ([preferred] if preferred else []) + list(BUSYBOX_CANDIDATES):
        if Path(candidate).is_file() and is_static_elf(candidate):
            return Path(candidate).resolve()
    return None


def applet_paths(busybox: Path) -> list[str]:
    """Where each applet lives (``bin/sh``, ``usr/bin/wget``...), as busybox itself says."""
    listing = subprocess.run([str(busybox), "--list-full"], capture_output=True, text=True,
                             check=True).stdout
    return sorted({line.strip() for line in listing.splitlines() if line.strip()})


def _add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.mode = tarfile.DIRTYPE, mode
    tar.addfile(info)


def busybox_context(busybox: Path) -> bytes:
    """The build context (Dockerfile plus ``rootfs/``) as an in-memory tar."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add_file(tar, "Dockerfile", DOCKERFILE.encode())
        for directory in ("rootfs", "rootfs/bin", "rootfs/sbin", "rootfs/usr",
                          "rootfs/usr/bin", "rootfs/usr/sbin", "rootfs/etc", "rootfs/root",
                          "rootfs/home", "rootfs/home/learner", "rootfs/var",
                          "rootfs/var/www"):
            _add_dir(tar, directory)
        _add_dir(tar, "rootfs/tmp", 0o1777)
        _add_file(tar, "rootfs/bin/busybox", busybox.read_bytes(), 0o755)
        for applet in applet_paths(busybox):
            if applet == "bin/busybox":
                continue
            link = tarfile.TarInfo(f"rootfs/{applet}")
            link.type = tarfile.SYMTYPE
            link.linkname = "/bin/busybox"
            tar.addfile(link)
        _add_file(tar, "rootfs/etc/passwd", PASSWD.encode())
        _add_file(tar, "rootfs/etc/group", GROUP.encode())
        _add_file(tar, "rootfs/var/www/index.html",
                  b"<h1>Hello from a dockerlab container</h1>\n")
    return buffer.getvalue()


def recipe_version(busybox: Path) -> str:
    """Changes when the recipe or the busybox binary changes."""
    digest = hashlib.sha256(busybox.read_bytes()).hexdigest()[:12]
    return f"{RECIPE_VERSION}-{digest}"


def _existing(client, name: str):
    import docker.errors

    try:
        return client.images.get(name)
    except docker.errors.ImageNotFound:
        return None


def ensure_busybox_image(client, rebuild: bool = False):
    """The kit's busybox image, built now if it is missing or outdated."""
    busybox = find_static_busybox()
    existing = _existing(client, BUSYBOX_IMAGE)
    if busybox is None:
        if existing is not None:
            return existing
        raise ImageMissing(
            f"The kit's base image {BUSYBOX_IMAGE} is missing and no static busybox was "
            "found on this machine to build it.",
            "Install Debian's busybox-static package (`sudo apt-get install busybox-static`), "
            "or point DOCKERLAB_BUSYBOX at a statically linked busybox binary.")
    version = recipe_version(busybox)
    if existing is not None and not rebuild and \
            (existing.labels or {}).get(VERSION_LABEL) == version:
        return existing
    return build_busybox_image(client, busybox, version)


def build_busybox_image(client, busybox: Path, version: str):
    """Build :data:`BUSYBOX_IMAGE` from ``busybox``; similar to ``docker build -t``."""
    context = io.BytesIO(busybox_context(busybox))
    image_labels = dict(labels.base_labels("busybox"), **{VERSION_LABEL: version})
    try:
        image, _ = client.images.build(fileobj=context, custom_context=True, tag=BUSYBOX_IMAGE,
                                       labels=image_labels, pull=False, rm=True, forcerm=True)
    except Exception as error:
        translated = translate(error)
        raise BuildFailed(f"Building the kit's base image failed: {translated.message}",
                          "Run `dockerlab doctor` to see what the engine reports.") from None
    return image


def base_images(client) -> list:
    """The kit's base images present in the engine."""
    return client.images.list(filters={"label": [labels.BASE]})
