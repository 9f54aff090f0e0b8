"""The classic builder's stream, parsed into steps (recorded streams, a fake clock)."""

from __future__ import annotations

import itertools
import tarfile

import docker.errors
import pytest

from dockerlab.errors import BuildFailed
from dockerlab.images.builder import BuildResult, StepParser, build, make_context
from tests.unit.fakes import FakeEngine, image

FIRST_BUILD = [
    {"stream": "Step 1/6 : FROM dockerlab/busybox"}, {"stream": "\n"},
    {"stream": " ---> f33672bb105e\n"},
    {"stream": "Step 2/6 : COPY app.txt /app/"}, {"stream": "\n"},
    {"stream": " ---> a07953fc3856\n"},
    {"stream": "Step 3/6 : RUN echo building && echo done"}, {"stream": "\n"},
    {"stream": " ---> Running in e137c9ebdb1e\n"},
    {"stream": "building\n"}, {"stream": "\x1b[91mwarning on stderr\n\x1b[0m"},
    {"stream": "done\n"},
    {"stream": "Removing intermediate container e137c9ebdb1e\n"},
    {"stream": " ---> e90a06409bb0\n"},
    {"stream": "Step 4/6 : LABEL io.dockerlab.kit=dockerlab"}, {"stream": "\n"},
    {"stream": " ---> Running in 5dbeaa90d03d\n"},
    {"stream": "Removing intermediate container 5dbeaa90d03d\n"},
    {"stream": " ---> bbd6df0750c7\n"},
    {"stream": "Step 5/6 : LABEL io.dockerlab.notebook=x"}, {"stream": "\n"},
    {"stream": " ---> Using cache\n"}, {"stream": " ---> aa05c4f3d916\n"},
    {"stream": "Step 6/6 : LABEL io.dockerlab.session=x-123456"}, {"stream": "\n"},
    {"stream": " ---> Running in d2e100c0c008\n"},
    {"stream": "Removing intermediate container d2e100c0c008\n"},
    {"stream": " ---> a71126fe31f8\n"},
    {"aux": {"ID": "sha256:a71126fe31f88a64dbf39fb894befa3ce5e2135897d3fc5f0d5ec36ca141b38f"}},
    {"stream": "Successfully built a71126fe31f8\n"},
    {"stream": "Successfully tagged demo:1\n"},
]

CACHED_THEN_FAIL = [
    {"stream": "Step 1/4 : FROM dockerlab/busybox"}, {"stream": "\n"},
    {"stream": " ---> f33672bb105e\n"},
    {"stream": "Step 2/4 : RUN echo hi"}, {"stream": "\n"},
    {"stream": " ---> Using cache\n"}, {"stream": " ---> effb3ea377f7\n"},
    {"stream": "Step 3/4 : RUN echo out; echo err >&2; exit 3"}, {"stream": "\n"},
    {"stream": " ---> Running in a772161671a7\n"},
    {"stream": "out\n"}, {"stream": "\x1b[91merr\n\x1b[0m"},
    {"stream": "Removing intermediate container a772161671a7\n"},
    {"errorDetail": {"code": 3, "message": "The command '/bin/sh -c echo out; echo err >&2; "
                                           "exit 3' returned a non-zero code: 3"},
     "error": "The command ... returned a non-zero code: 3"},
]


def parse(items):
    ticks = itertools.count()
    parser = StepParser(clock=lambda: float(next(ticks)))
    for item in items:
        parser.feed(item)
    return parser


def test_steps_instructions_images_and_output():
    parser = parse(FIRST_BUILD)
    steps = parser.steps
    assert [s.instruction for s in steps][:3] == ["FROM dockerlab/busybox", "COPY app.txt /app/",
                                                  "RUN echo building && echo done"]
    assert [s.image_id for s in steps] == ["f33672bb105e", "a07953fc3856", "e90a06409bb0",
                                           "bbd6df0750c7", "aa05c4f3d916", "a71126fe31f8"]
    assert steps[2].container == "e137c9ebdb1e"
    assert steps[2].output == ["building", "warning on stderr", "done"]  # colours stripped
    assert parser.image_id.startswith("sha256:a71126fe31f8")
    assert all(step.duration is not None and step.duration >= 0 for step in steps)


def test_kit_label_steps_are_marked_and_left_out_of_the_learners_count():
    result = BuildResult("x", "demo:1", parse(FIRST_BUILD).steps, [])
    assert [s.kit for s in result.steps] == [False, False, False, True, True, True]
    assert len(result.learner_steps) == 3
    assert (result.cached_count, result.ran_count) == (0, 2)  # the kit's cached LABEL ignored
    assert [row["status"] for row in result.table()] == ["base", "ran", "ran"]
    assert len(result.table(include_kit=True)) == 6


def test_cache_hits_and_failure():
    parser = parse(CACHED_THEN_FAIL)
    first, second, third = parser.steps
    assert second.cached and second.status == "cached" and second.row()["cache"] == "hit"
    assert third.failed and third.status == "failed" and not third.image_id
    assert third.output == ["out", "err"]
    assert "non-zero code: 3" in parser.error


def test_engine_23_removal_line_is_not_the_steps_output():
    items = [{"stream": "Step 1/2 : FROM dockerlab/busybox\n"},
             {"stream": " ---> f33672bb105e\n"},
             {"stream": "Step 2/2 : RUN echo hi\n"},
             {"stream": " ---> Running in e137c9ebdb1e\n"}, {"stream": "hi\n"},
             {"stream": " ---> Removed intermediate container e137c9ebdb1e\n"},
             {"stream": " ---> e90a06409bb0\n"}]
    step = parse(items).steps[1]
    assert step.output == ["hi"] and step.image_id == "e90a06409bb0"


def test_step_header_split_across_items_is_joined():
    parser = parse([{"stream": "Step 1/2 : FR"}, {"stream": "OM x\n"},
                    {"stream": " ---> 0123456789ab\n"}])
    assert parser.steps[0].instruction == "FROM x"


def test_make_context_holds_dockerfile_and_files():
    context = make_context("FROM scratch\n", {"app.txt": "hello", "bin.dat": b"\x00\x01"})
    with tarfile.open(fileobj=context) as tar:
        assert tar.getnames() == ["Dockerfile", "app.txt", "bin.dat"]
        assert tar.extractfile("app.txt").read() == b"hello"


def build_engine(items=(), error=None):
    """An engine holding the images FIRST_BUILD makes, each on its parent: COPY and RUN add
    a 100 B layer each, the LABEL steps none."""
    chain = [("f33672bb105e", 1, 0), ("a07953fc3856", 2, 100), ("e90a06409bb0", 3, 100),
             ("bbd6df0750c7", 3, 0), ("aa05c4f3d916", 3, 0), ("a71126fe31f8", 3, 0)]
    images, parent = [], ""
    for image_id, layers, size in chain:
        images.append(image(image_id, layers, parent=parent, size=size))
        parent = image_id
    return FakeEngine(images, build_stream=items, build_error=error)


def test_build_reports_every_step_live_and_returns_a_result():
    seen = []
    engine = build_engine(FIRST_BUILD)
    result = build(engine.client, "FROM x\n", tag="demo:1", builder="classic",
                   on_step=lambda step: seen.append((step.number, step.status)))
    assert (1, "base") in seen and (3, "running") in seen and (3, "ran") in seen
    assert result.steps[1].size == 100 and result.steps[0].size is None
    assert [step.made_layer for step in result.steps] == [None, True, True, False, False,
                                                          False]
    assert [step.row()["layer"] for step in result.steps[:4]] == ["", "100 B", "100 B",
                                                                 "no layer"]
    asked = engine.asked("build")
    assert asked["forcerm"] and asked["rm"] and asked["decode"] and asked["tag"] == "demo:1"


def test_failed_step_raises_build_failed_and_removes_new_intermediate_images():
    items = CACHED_THEN_FAIL[:3] + [
        {"stream": "Step 2/4 : RUN echo new > /x"}, {"stream": "\n"},
        {"stream": " ---> Running in 0123456789ab\n"}, {"stream": " ---> 9999aaaabbbb\n"},
    ] + CACHED_THEN_FAIL[6:]
    engine = FakeEngine([image("f33672bb105e"), image("effb3ea377f7", 2, parent="f33672bb105e"),
                         image("9999aaaabbbb", 3, parent="effb3ea377f7")], build_stream=items)
    with pytest.raises(BuildFailed) as caught:
        build(engine.client, "FROM x\n", builder="classic")
    error = caught.value
    assert "Step 3/4 `RUN echo out; echo err >&2; exit 3` failed" in error.message
    assert "out\nerr" in error.message and "non-zero code: 3" in error.message
    assert error.step.startswith("RUN echo out") and error.output == "out\nerr"
    assert engine.removed == ["9999aaaabbbb"]  # not the base image, not cached images
    assert engine.asked("remove_image")["noprune"]


def test_syntax_error_is_a_build_failed_paragraph():
    response = type("R", (), {"status_code": 400, "reason": "Bad Request", "url": "u"})()
    error = docker.errors.APIError("400 Client Error", response=response,
                                   explanation="dockerfile parse error line 2: unknown "
                                               "instruction: FORM")
    with pytest.raises(BuildFailed, match="syntax error.*line 2: unknown instruction: FORM"):
        build(FakeEngine(build_error=error).client, "FROM x\nFORM y\n", builder="classic")


def test_totals_leave_out_the_kits_label_steps_and_only_the_kits_labels_are_its_own():
    parser = StepParser(clock=lambda: 0.0, kit_steps=3)
    for item in FIRST_BUILD:
        parser.feed(item)
    assert {step.total for step in parser.steps} == {3}
    parser.feed({"stream": "Step 7/9 : LABEL io.dockerlab.mine=yes\n"})
    assert not parser.steps[-1].kit  # a learner's own label under the same prefix


def test_kit_step_count_reads_the_guards_labels():
    from dockerlab.images.builder import kit_step_count

    class Policy:
        labels = {"a": "1", "b": "2", "c": "3"}

    class Guarded:
        policy = Policy()
        api = None

    assert kit_step_count(Guarded()) == 3
    assert kit_step_count(FakeEngine().client) == 0
