"""The syscall layer keeps errno and the call's name; failing calls only (no state changes).

Every call here fails before the kernel changes anything (bad descriptor, missing path,
not a mount point), so the test process keeps its namespaces, mounts and hostname.
"""

from __future__ import annotations

import errno
import os
import pickle

import pytest

from dockerlab.linux import syscalls as sc

pytestmark = pytest.mark.skipif(not sc.available(), reason="needs Linux with glibc/musl")


def test_error_names_the_call_its_arguments_and_the_errno():
    error = sc.SyscallError(errno.EPERM, "unshare", "CLONE_NEWUTS")
    assert isinstance(error, OSError)
    assert error.errno == errno.EPERM
    assert error.syscall == "unshare"
    assert str(error) == "unshare(CLONE_NEWUTS) failed: [EPERM] Operation not permitted"


def test_error_survives_pickling_with_its_fields():
    error = pickle.loads(pickle.dumps(sc.SyscallError(errno.EINVAL, "mount", "'x'")))
    assert (error.errno, error.syscall, error.arguments) == (errno.EINVAL, "mount", "'x'")


def test_flag_names_lists_each_namespace_flag():
    assert sc.flag_names(sc.CLONE_NEWUTS | sc.CLONE_NEWPID) == "CLONE_NEWUTS|CLONE_NEWPID"
    assert sc.flag_names(sc.CLONE_NEWNS) == "CLONE_NEWNS"
    assert sc.flag_names(0) == "0"


def test_setns_on_a_bad_descriptor_raises_ebadf():
    with pytest.raises(sc.SyscallError) as caught:
        sc.setns(-1, sc.CLONE_NEWUTS)
    assert caught.value.errno == errno.EBADF
    assert caught.value.syscall == "setns"
    assert "CLONE_NEWUTS" in str(caught.value)


def test_umount2_of_a_plain_directory_raises_einval(tmp_path):
    with pytest.raises(sc.SyscallError) as caught:
        sc.umount2(tmp_path)
    assert caught.value.errno in (errno.EINVAL, errno.EPERM)
    assert str(tmp_path) in str(caught.value)


def test_mount_onto_a_missing_target_raises_enoent(tmp_path):
    with pytest.raises(sc.SyscallError) as caught:
        sc.mount("tmpfs", tmp_path / "missing", "tmpfs")
    assert caught.value.errno in (errno.ENOENT, errno.EPERM)
    assert caught.value.syscall == "mount"


def test_pivot_root_into_a_missing_directory_fails_with_its_name(tmp_path):
    with pytest.raises(sc.SyscallError) as caught:
        sc.pivot_root(tmp_path / "missing", tmp_path / "old")
    assert caught.value.syscall == "pivot_root"
    assert caught.value.errno in (errno.ENOENT, errno.EPERM, errno.EINVAL)
    assert os.path.exists("/proc/self")  # still our own root
