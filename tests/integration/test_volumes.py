"""Volumes and mounts against the real engine: sharing, survival, lifecycle, prune scope,
and the bad inputs (missing bind source, volume in use)."""

import io
from pathlib import Path

import docker
import pytest

from dockerlab import labels, volumes
from dockerlab.docker_magic import run_docker
from dockerlab.errors import BindSourceMissing, ContainerError, ObjectNotFound, VolumeInUse

pytestmark = pytest.mark.engine


def test_a_named_volume_is_shared_by_two_containers(lab):
    vol = volumes.create_volume(lab, f"shared-{lab.session}")
    reader = lab.start("sleep 600", mounts=[volumes.named(vol.name, "/data", read_only=True)])
    lab.run("echo written by the writer > /data/note", mounts=[volumes.named(vol.name, "/data")])
    assert volumes_text(reader, "/data/note") == "written by the writer"
    assert volumes.users_of(lab, vol.name) == [reader.name]


def volumes_text(container, path):
    result = container.exec_run(["cat", path])
    assert result.exit_code == 0, result.output
    return result.output.decode().strip()


def test_only_volumes_and_bind_mounts_survive_the_container(lab):
    with volumes.host_directory() as path:
        kept = volumes.survival(lab, path)
        assert (Path(path) / "note.txt").read_text() == "kept\n"
    assert kept == {"named volume": True, "bind mount": True, "tmpfs": False,
                    "container layer": False}
    assert not Path(path).exists()  # the temporary host directory is gone


def test_the_cli_beside_survival_finds_what_the_sdk_found(lab):
    vol = volumes.create_volume(lab, f"kept-{lab.session}")
    with volumes.host_directory() as path:
        kept = volumes.survival(lab, path, vol.name)
        # forget what the SDK's containers wrote, so that only the CLI's can be found
        lab.run("rm /named/note.txt /bound/note.txt", mounts=[
            volumes.named(vol.name, "/named"), volumes.bind(path, "/bound")])
        assert len(kept.cli) == 2 and all(c.startswith("docker run --rm ") for c in kept.cli)
        printed = []
        for command in kept.cli:  # as %docker runs them: the docker CLI, the lab's engine
            out = io.StringIO()
            run_docker(lab, command.removeprefix("docker "), out=out)
            printed.append(out.getvalue())
        assert (Path(path) / "note.txt").read_text() == "kept\n"
    assert printed[0] == "" and printed[1].split() == ["/named", "/bound"]
    assert printed[1].split() == [volumes.SURVIVAL_TARGETS[k] for k, v in kept.items() if v]


def test_tmpfs_is_a_memory_file_system_inside(lab):
    output = lab.run("grep ' /scratch ' /proc/mounts", mounts=[volumes.tmpfs("/scratch")])
    assert output.split()[2] == "tmpfs"


def test_a_bind_mount_shows_host_files_and_can_be_read_only(lab):
    with volumes.host_directory() as path:
        Path(path, "from-host.txt").write_text("hello from the host\n")
        mount = volumes.bind(path, "/host", read_only=True)
        assert lab.run("cat /host/from-host.txt", mounts=[mount]) == "hello from the host\n"
        with pytest.raises(ContainerError, match="Read-only file system"):
            lab.run("touch /host/new", mounts=[mount])


def test_volume_lifecycle_create_inspect_remove(lab):
    name = f"life-{lab.session}"
    volumes.create_volume(lab, name)
    info = volumes.inspect_volume(lab, name)
    assert (info.name, info.driver, info.used_by) == (name, "local", [])
    assert info.labels[labels.SESSION] == lab.session
    assert info.mountpoint.endswith(f"/volumes/{name}/_data")
    volumes.remove_volume(lab, name)
    with pytest.raises(ObjectNotFound, match=f"no volume called '{name}'"):
        volumes.inspect_volume(lab, name)


def test_a_volume_in_use_is_refused_and_kept(lab):
    name = f"busy-{lab.session}"
    volumes.create_volume(lab, name)
    user = lab.start("sleep 600", mounts=[volumes.named(name, "/data")])
    user.stop(timeout=0)  # even a stopped container holds its volumes
    with pytest.raises(VolumeInUse, match=f"still used by {user.name}") as caught:
        volumes.remove_volume(lab, name)
    assert "Remove those containers first" in caught.value.advice
    assert volumes.inspect_volume(lab, name).used_by == [user.name]
    user.remove()
    volumes.remove_volume(lab, name)
    assert lab.volumes() == []


def test_a_missing_bind_source_creates_nothing(lab, tmp_path):
    with pytest.raises(BindSourceMissing, match="does not exist"):
        lab.start("sleep 1", mounts=[volumes.bind(tmp_path / "typo", "/data")])
    assert lab.containers() == []
    assert not (tmp_path / "typo").exists()


def test_prune_removes_only_this_sessions_unused_volumes(lab, engine_location):
    from dockerlab import Lab

    unused = volumes.create_volume(lab, f"unused-{lab.session}").name
    busy = volumes.create_volume(lab, f"inuse-{lab.session}").name
    lab.start("sleep 600", mounts=[volumes.named(busy, "/data")])
    other_lab = Lab("test-volumes-other", engine=engine_location, base_images=False)
    plain = docker.APIClient(base_url=engine_location.url, version="auto")
    stranger = f"unlabelled-{lab.session}"
    plain.create_volume(stranger)
    try:
        other = volumes.create_volume(other_lab, f"other-{lab.session}").name
        assert volumes.prune_volumes(lab) == [unused]
        existing = {v["Name"] for v in plain.volumes()["Volumes"] or []}
        assert {busy, other, stranger} <= existing and unused not in existing
    finally:
        plain.remove_volume(stranger)
        plain.close()
        other_lab.cleanup()


def test_a_plain_prune_does_what_prune_scope_says_this_engine_does(lab):
    """Engine 23 (API 1.42) changed `docker volume prune`: only anonymous volumes, unless
    all=true. The kit asks the engine instead of assuming either."""
    named = volumes.create_volume(lab, f"named-{lab.session}").name
    # what `docker run -v /data` leaves behind on engines that know anonymous volumes
    anonymous = [lab.client.volumes.create(labels={volumes.ANONYMOUS_LABEL: ""}).name]
    deleted = lab.client.api.prune_volumes(
        filters=labels.session_filter(lab.session)).get("VolumesDeleted") or []
    assert set(anonymous) <= set(deleted)
    assert (named in deleted) is not volumes.prune_spares_named(lab)
    assert ("only unused anonymous" in volumes.prune_scope(lab)) is \
        volumes.prune_spares_named(lab)
    assert volumes.prune_volumes(lab) == ([named] if volumes.prune_spares_named(lab) else [])


def test_cleanup_removes_volumes_even_while_containers_used_them(engine_location):
    from dockerlab import Lab

    lab = Lab("test-volume-cleanup", engine=engine_location, base_images=False)
    name = volumes.create_volume(lab, f"gone-{lab.session}").name
    lab.start("sleep 600", mounts=[volumes.named(name, "/data")])
    report = lab.cleanup()
    assert name in report.removed["volumes"]
    assert lab.volumes() == []
