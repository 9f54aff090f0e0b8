"""BuildKit builds against the real engine, through whichever CLI reaches it on this lane
(buildx with rawjson, or Debian 12's docker 20.10 with DOCKER_BUILDKIT=1 and plain)."""

from __future__ import annotations

import secrets

import pytest

from dockerlab.errors import BuildFailed, ImageMissing
from dockerlab.images import build_cache
from dockerlab.images.builder import build, choose_builder, describe_builder

pytestmark = pytest.mark.engine

APP = """\
FROM dockerlab/busybox
WORKDIR /app
COPY deps.txt .
RUN cp deps.txt installed && dd if=/dev/zero of=/app/blob bs=1k count=20 2>/dev/null
COPY app.sh .
CMD ["sh", "app.sh"]
"""

MULTI = """\
FROM dockerlab/busybox AS builder
RUN mkdir /out && echo built > /out/app && dd if=/dev/zero of=/junk bs=1k count=50 2>/dev/null
FROM dockerlab/busybox AS unused
RUN echo this stage is never needed
FROM dockerlab/busybox
COPY --from=builder /out/app /app
CMD ["cat", "/app"]
"""


@pytest.fixture(scope="module", autouse=True)
def _buildkit_here():
    name, client, why = choose_builder("auto")
    assert name == "BuildKit", f"every lane has a BuildKit client: {why}"


def test_steps_cache_and_layers_with_buildkit(lab):
    print(describe_builder())
    files = {"deps.txt": "dep==1\n", "app.sh": f"echo {secrets.token_hex(4)}\n"}
    first = build(lab, APP, files, tag="dockerlab-test/bk:1", network_mode="none")
    assert first.builder == "BuildKit" and first.image_id.startswith("sha256:")
    steps = first.steps
    # CMD changes only the image's configuration: BuildKit makes no vertex of it
    assert [s.keyword for s in steps] == ["FROM", "WORKDIR", "COPY", "RUN", "COPY"]
    run = first.step("RUN cp")
    assert not run.cached and run.duration is not None and run.made_layer
    assert run.size >= 20 * 1024
    assert first.context_bytes and first.context_bytes > 0
    image = lab.client.api.inspect_image("dockerlab-test/bk:1")
    assert image["Id"] == first.image_id
    assert image["Config"]["Labels"]["io.dockerlab.session"] == lab.session

    again = build(lab, APP, files, tag="dockerlab-test/bk:1", network_mode="none")
    assert again.ran_count == 0 and again.cached_count == len(again.steps) - 1
    assert again.image_id == first.image_id

    files["app.sh"] = "echo changed\n"
    edited = build(lab, APP, files, tag="dockerlab-test/bk:1", network_mode="none")
    assert edited.step("RUN cp").cached and not edited.step("COPY app.sh").cached
    assert lab.run("sh app.sh", image="dockerlab-test/bk:1").strip() == "changed"
    fresh = build(lab, APP, files, tag="dockerlab-test/bk:1", network_mode="none",
                  nocache=True)
    assert not fresh.step("RUN cp").cached and fresh.ran_count >= 3, fresh.table()


def test_multi_stage_skips_the_stage_the_target_does_not_need(lab):
    result = build(lab, MULTI, tag="dockerlab-test/bk-multi:1", network_mode="none")
    assert result.skipped_stages == ["unused"]
    assert lab.run([], image="dockerlab-test/bk-multi:1").strip() == "built"
    final = lab.client.api.inspect_image("dockerlab-test/bk-multi:1")["Size"]
    builder = build(lab, MULTI, tag="dockerlab-test/bk-builder:1", target="builder",
                    network_mode="none")
    assert builder.skipped_stages == ["unused", "stage-2"]
    assert lab.client.api.inspect_image("dockerlab-test/bk-builder:1")["Size"] > final


def test_failing_run_is_one_paragraph_and_leaves_no_image(lab):
    marker = f"marker-{secrets.token_hex(4)}"
    before = {image["Id"] for image in lab.client.api.images(all=True)}
    with pytest.raises(BuildFailed) as caught:
        build(lab, f"FROM dockerlab/busybox\nRUN echo {marker} said this; exit 3\n",
              network_mode="none")
    error = caught.value
    assert error.message.startswith(f"Step [2/2] `RUN echo {marker} said this; exit 3` failed")
    assert f"{marker} said this" in error.output and "exit code: 3" in error.message
    assert {image["Id"] for image in lab.client.api.images(all=True)} == before
    assert not [c for c in lab.client.api.containers(all=True)
                if marker in (c.get("Command") or "")]


def test_syntax_error_missing_file_unknown_stage_and_missing_base(lab):
    with pytest.raises(BuildFailed, match="syntax error.*line 2.*FORM"):
        build(lab, "FROM dockerlab/busybox\nFORM oops\n")
    with pytest.raises(BuildFailed, match="not in the build context") as caught:
        build(lab, "FROM dockerlab/busybox\nCOPY missing.txt /\n", {"other.txt": "x"})
    assert "missing.txt" in caught.value.message
    with pytest.raises(BuildFailed, match="names no stage"):
        build(lab, "FROM dockerlab/busybox AS base\nCOPY --from=bsae /x /\n")
    with pytest.raises(BuildFailed, match="--target nope"):
        build(lab, "FROM dockerlab/busybox AS base\nRUN true\n", target="nope")
    with pytest.raises(ImageMissing, match="Did you mean 'dockerlab/busybox:latest'"):
        build(lab, "FROM dockerlab/busybx\nRUN true\n")


def test_dockerignore_keeps_a_file_out_and_a_change_there_reruns_nothing(lab):
    dockerfile = "FROM dockerlab/busybox\nCOPY . /ctx\nRUN ls /ctx > /listing\n"
    files = {"app.sh": "echo hi\n", "big.bin": b"\0" * 300_000, ".dockerignore": "big.bin\n"}
    first = build(lab, dockerfile, files, network_mode="none")
    assert first.context_bytes < 100_000
    files["big.bin"] = b"\1" * 300_000
    second = build(lab, dockerfile, files, network_mode="none")
    assert second.ran_count == 0
    listing = lab.run("cat /listing", image=second.image_id)
    assert "big.bin" not in listing and "app.sh" in listing


def test_cleanup_prunes_only_the_sessions_cache_records(lab, engine_location):
    from dockerlab import Lab

    other = Lab("test-other-cache", engine=engine_location)
    try:
        token = secrets.token_hex(4)
        build(other, f"FROM dockerlab/busybox\nRUN echo {token} > /mine\n", network_mode="none")
        theirs = build_cache.made_by(other.session)
        mine_lab = Lab("test-own-cache", engine=engine_location)
        build(mine_lab, f"FROM dockerlab/busybox\nRUN echo {token}-x > /mine\n",
              network_mode="none")
        mine = build_cache.made_by(mine_lab.session)
        assert mine and theirs and not mine & theirs
        report = mine_lab.cleanup()
        left = {record.id for record in build_cache.records(lab.client)}
        assert not mine & left and set(report.cache_pruned) <= mine
        assert theirs <= left
    finally:
        other.cleanup()


def test_the_cli_builds_on_the_sessions_engine_over_tls(monkeypatch):
    """The CLI is pointed at the lab's engine and its TLS files, whatever the shell says."""
    from dockerlab import Lab
    from dockerlab.engine.private import PrivateEngine, availability

    if availability() is not None:
        pytest.fail(f"every lane can start a private engine: {availability()}")
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")  # not the lab's engine
    engine = PrivateEngine().start()
    try:
        with Lab("test-bk-tls", engine=engine.location(tls=True)) as lab:
            assert lab.location.url.startswith("tcp://")
            result = build(lab, "FROM dockerlab/busybox\nRUN echo over tls > /tls\n",
                           tag="dockerlab-test/tls:1", network_mode="none")
            assert result.builder == "BuildKit"
            assert lab.run("cat /tls", image="dockerlab-test/tls:1") == "over tls\n"
    finally:
        engine.remove()
