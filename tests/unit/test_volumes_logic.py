"""Pure logic of dockerlab.volumes: mount specs, refusals, and the prune filter."""

import pytest

from dockerlab import labels, volumes
from dockerlab.errors import BindSourceMissing
from tests.unit.fakes import FakeEngine, FakeLab


def test_named_volume_mount_is_a_volume_mount():
    mount = volumes.named("notes", "/data", read_only=True)
    assert (mount["Type"], mount["Source"], mount["Target"], mount["ReadOnly"]) == \
        ("volume", "notes", "/data", True)


def test_tmpfs_mount_has_no_source_and_an_optional_size():
    mount = volumes.tmpfs("/scratch", size_bytes=1 << 20)
    assert (mount["Type"], mount["Source"], mount["Target"]) == ("tmpfs", None, "/scratch")
    assert mount["TmpfsOptions"]["SizeBytes"] == 1 << 20


def test_bind_mount_of_an_existing_directory(tmp_path):
    mount = volumes.bind(tmp_path, "/host")
    assert (mount["Type"], mount["Source"], mount["Target"]) == ("bind", str(tmp_path), "/host")


def test_bind_mount_of_a_missing_path_is_refused(tmp_path):
    with pytest.raises(BindSourceMissing, match="does not exist") as caught:
        volumes.bind(tmp_path / "missing", "/host")
    assert "host_directory()" in caught.value.advice


def test_bind_mount_of_a_relative_path_is_refused():
    with pytest.raises(BindSourceMissing, match="not an absolute path"):
        volumes.bind("data", "/host")


def test_host_directory_is_temporary():
    holder = volumes.host_directory()
    from pathlib import Path

    path = Path(holder.name)
    assert path.is_dir() and path.name.startswith(volumes.HOST_DIR_PREFIX)
    holder.cleanup()
    assert not path.exists()


def _fake_lab(version="1.41"):
    """A session's two volumes and another session's one, on an engine speaking ``version``."""
    lab = FakeLab(FakeEngine(api_version=version), session="s-123456")
    lab.engine.volumes = {"b": lab.labels, "other": FakeLab(session="s-999999").labels,
                          "a": lab.labels}
    return lab, lab.engine


def test_prune_always_filters_on_the_session_labels():
    lab, engine = _fake_lab()
    assert volumes.prune_volumes(lab) == ["a", "b"]
    assert engine.asked("prune_volumes")["filters"] == labels.session_filter("s-123456")
    assert list(engine.volumes) == ["other"]


def test_prune_on_newer_engines_asks_for_named_volumes_too():
    lab, engine = _fake_lab("1.43")
    volumes.prune_volumes(lab)
    filters = engine.asked("prune_volumes")["filters"]
    assert filters["all"] == ["true"]
    assert filters["label"] == labels.session_filter("s-123456")["label"]


@pytest.mark.parametrize("version, spares", [("1.41", False), ("1.42", True), ("1.45", True)])
def test_prune_scope_follows_the_api_version_in_use(version, spares):
    lab, _ = _fake_lab(version)
    assert volumes.prune_spares_named(lab) is spares
    assert ("--all" in volumes.prune_scope(lab)) is spares
    assert version in volumes.prune_scope(lab)
