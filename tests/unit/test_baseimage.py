import io
import shutil
import sys
import tarfile
from pathlib import Path

import pytest

from dockerlab.images.base import busybox_context, find_static_busybox, is_static_elf


def test_a_dynamically_linked_program_is_not_static():
    assert not is_static_elf(Path(sys.executable).resolve())
    assert not is_static_elf(__file__)


@pytest.mark.skipif(find_static_busybox() is None,
                    reason="no static busybox here (Debian: busybox-static)")
def test_the_context_holds_a_dockerfile_busybox_and_applet_links():
    busybox = find_static_busybox()
    assert is_static_elf(busybox)
    with tarfile.open(fileobj=io.BytesIO(busybox_context(busybox))) as tar:
        members = {member.name: member for member in tar.getmembers()}
        assert tar.extractfile("Dockerfile").read().startswith(b"FROM scratch")
    assert members["rootfs/bin/busybox"].size == busybox.stat().st_size
    assert members["rootfs/bin/sh"].issym()
    assert members["rootfs/bin/sh"].linkname == "/bin/busybox"
    assert members["rootfs/tmp"].mode == 0o1777


def test_busybox_can_be_pointed_at_explicitly(monkeypatch, tmp_path):
    if find_static_busybox() is None:
        pytest.skip("no static busybox here (Debian: busybox-static)")
    copy = tmp_path / "busybox"
    shutil.copy(find_static_busybox(), copy)
    monkeypatch.setenv("DOCKERLAB_BUSYBOX", str(copy))
    assert find_static_busybox() == copy.resolve()
