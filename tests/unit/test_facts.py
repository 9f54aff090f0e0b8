"""Reading an engine's facts from its answers (pure logic; the engine side is
tests/integration/test_engine_facts.py)."""

from dataclasses import replace

import pytest

from dockerlab.engine.facts import (
    CLIFacts,
    EngineFacts,
    image_store_of,
    security_options,
    version_tuple,
)


def _facts(**changes) -> EngineFacts:
    base = EngineFacts(server_version="26.1.5+dfsg1", api_version="1.45",
                       min_api_version="1.24", max_api_version="1.45",
                       default_builder="BuildKit", image_store="classic",
                       storage_driver="overlay2", cgroup_version="v2", cgroup_driver="systemd",
                       rootless=False, userns_remap=False, operating_system="Debian 13",
                       cli=CLIFacts("/usr/bin/docker", "26.1.5", "0.13.1",
                                    "2.26.1 (docker compose)"))
    return replace(base, **changes)


@pytest.mark.parametrize("text, expected", [
    ("26.1.5+dfsg1", (26, 1, 5)), ("20.10.24+dfsg1", (20, 10, 24)), ("v2.26.1-4", (2, 26, 1)),
    ("29.0.0-rc.1", (29, 0, 0)), (None, (0,))])
def test_versions_compare_as_numbers(text, expected):
    assert version_tuple(text) == expected


def test_the_containerd_store_is_told_by_its_snapshotter():
    assert image_store_of({"Driver": "overlayfs",
                           "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]}) \
        == "containerd"
    assert image_store_of({"Driver": "overlay2",
                           "DriverStatus": [["Backing Filesystem", "extfs"]]}) == "classic"
    assert image_store_of({}) == "classic"


def test_security_options_are_named():
    assert security_options({"SecurityOptions": ["name=seccomp,profile=builtin",
                                                 "name=rootless", "name=cgroupns"]}) \
        == {"seccomp", "rootless", "cgroupns"}


@pytest.mark.parametrize("server, layout", [("20.10.24", "docker"), ("24.0.9", "docker"),
                                            ("25.0.0", "oci"), ("29.1.0", "oci")])
def test_docker_save_writes_oci_since_engine_25(server, layout):
    assert _facts(server_version=server).save_layout == layout


def test_the_containerd_store_saves_the_oci_layout_before_engine_25_too():
    assert _facts(server_version="24.0.9", image_store="containerd").save_layout == "oci"


def test_a_cli_before_23_builds_classic_unless_asked_for_buildkit():
    facts = _facts(cli=CLIFacts("/usr/bin/docker", "20.10.24", None, "1.29.2 (docker-compose)"))
    assert facts.builder == ("classic by default; BuildKit with DOCKER_BUILDKIT=1 docker build "
                             "(CLI 20.10.24)")
    assert _facts().builder.startswith("BuildKit (docker buildx 0.13.1)")


def test_an_image_id_names_the_config_or_the_manifest():
    assert _facts().image_id_is == "config"
    assert _facts(image_store="containerd").image_id_is == "manifest"


@pytest.mark.parametrize("cli, client", [
    (CLIFacts("/usr/bin/docker", "26.1.5", "0.13.1"), "docker buildx 0.13.1"),
    (CLIFacts("/usr/bin/docker", "20.10.24"), "DOCKER_BUILDKIT=1 docker build (CLI 20.10.24)"),
    (CLIFacts("/usr/local/bin/docker", "28.2.2"), None),
    (CLIFacts(), None)])
def test_buildkit_needs_buildx_from_cli_23_on(cli, client):
    assert cli.buildkit_client == client


def test_nothing_to_note_on_a_complete_machine():
    assert _facts().notes() == []


def test_each_missing_tool_gets_one_sentence_naming_the_fallback():
    cli = CLIFacts("/usr/local/bin/docker", "28.2.2", None, None,
                   "Error response from daemon: client version 1.52 is too new")
    notes = _facts(cli=cli).notes()
    assert len(notes) == 3
    assert "cannot use this engine" in notes[0] and "too new" in notes[0]
    assert "no buildx plugin" in notes[1] and "classic builder" in notes[1]
    assert "Compose is not installed" in notes[2]


def test_compose_v1_is_named_as_the_fallback():
    cli = CLIFacts("/usr/bin/docker", "20.10.24", None, "1.29.2 (docker-compose)")
    [note] = _facts(cli=cli).notes()
    assert "Compose v1" in note and "project_service_1" in note


def test_rows_and_summary():
    facts = _facts(image_store="containerd", storage_driver="overlayfs")
    rows = dict(facts.rows())
    assert rows["image store"] == ("containerd (overlayfs); an image ID is the manifest digest "
                                   "(an index's, for BuildKit and multi-platform images)")
    assert rows["builder"] == "BuildKit (docker buildx 0.13.1); the engine's default: BuildKit"
    assert facts.summary().count("\n") == 0
