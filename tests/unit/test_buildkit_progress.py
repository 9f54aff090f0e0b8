"""BuildKit's progress parsed into steps, from streams recorded on the lanes: buildx 0.13's
rawjson (debian13) and the docker 20.10 CLI's plain text with DOCKER_BUILDKIT=1 (bookworm)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockerlab.engine import clis
from dockerlab.errors import BuildFailed
from dockerlab.images import buildkit, failures
from dockerlab.images.build_cache import CacheRecord, record_for
from dockerlab.images.builder import _record_names, choose_builder, in_dockerfile_order
from dockerlab.images.progress import PlainParser, RawJSONParser
from dockerlab.images.steps import BuildResult

RECORDED = Path(__file__).parent / "recorded"
#: the Dockerfile both recordings built (three stages; the middle one is never needed)
DOCKERFILE = ("FROM dockerlab/busybox\nWORKDIR /app\nCOPY a.txt .\n"
              "RUN echo hello; echo err >&2; sleep 1\nFROM dockerlab/busybox AS other\n"
              "RUN echo skipped\nFROM dockerlab/busybox\nCOPY --from=0 /app/a.txt /b.txt\n"
              'CMD ["cat","/b.txt"]\n')
STAGES = failures.stage_names(DOCKERFILE)


def parsed(name: str, chunk: int = 97):
    text = (RECORDED / name).read_text()
    parser = RawJSONParser() if name.endswith(".rawjson") else PlainParser()
    if isinstance(parser, RawJSONParser):
        for start in range(0, len(text), chunk):  # as the pipe hands it over: in pieces
            parser.feed_text(text[start:start + chunk])
    else:
        parser.feed_text(text)
    parser.finish()
    return parser


def result_of(parser) -> BuildResult:
    return BuildResult("sha256:x", "rec:1", in_dockerfile_order(parser.steps, STAGES),
                       parser.log, builder="BuildKit", stages=STAGES)


@pytest.mark.parametrize("name", ["buildx013_cold.rawjson", "cli2010_cold.plain"])
def test_a_cold_build_every_step_ran_and_the_unused_stage_was_skipped(name):
    result = result_of(parsed(name))
    assert [(s.stage, s.number, s.keyword) for s in result.steps] == [
        ("stage-0", 2, "WORKDIR"), ("stage-0", 3, "COPY"), ("stage-0", 4, "RUN"),
        ("stage-2", 1, "FROM"), ("stage-2", 2, "COPY")] or \
        [(s.stage, s.number, s.keyword) for s in result.steps] == [
        ("stage-0", 1, "FROM"), ("stage-0", 2, "WORKDIR"), ("stage-0", 3, "COPY"),
        ("stage-0", 4, "RUN"), ("stage-2", 2, "COPY")]
    assert result.skipped_stages == ["other"]
    assert result.cached_count == 0 and result.ran_count == 4
    run = result.step("RUN echo hello")
    assert sorted(run.output) == ["err", "hello"] and run.duration >= 1.0
    assert all(step.done for step in result.steps)


@pytest.mark.parametrize("name", ["buildx013_cold.rawjson", "cli2010_cold.plain"])
def test_the_bytes_of_the_build_context_not_those_of_dockerignore(name):
    assert parsed(name).context_bytes in (26, 35)  # the context, not .dockerignore's 2 B


def test_a_rebuild_is_all_cache_hits_with_their_inputs():
    result = result_of(parsed("buildx013_warm.rawjson"))
    assert result.cached_count == 4 and result.ran_count == 0
    copy = result.step("COPY --from=0")
    assert len(copy.inputs) == 2  # its stage's parent and the RUN step of stage 0
    assert result.step("RUN echo").vertex in copy.inputs


def test_cli_2010_rebuild_reads_cached():
    result = result_of(parsed("cli2010_warm.plain"))
    assert result.cached_count == 4 and result.ran_count == 0


@pytest.mark.parametrize(("name", "said"), [
    ("buildx013_fail.rawjson", "did not complete successfully: exit code: 3"),
    ("cli2010_fail.plain", "executor failed running [/bin/sh -c echo out; exit 3]: exit code: 3")])
def test_a_failing_run_is_one_paragraph_with_its_output(name, said):
    parser = parsed(name)
    error = failures.build_failed(parser.failed_step, parser.other + parser.log, 1)
    assert error.message.startswith("Step [2/2] `RUN echo out; exit 3` failed. It printed:\nout")
    assert said in error.message and error.output == "out"
    assert "steps before it stay in the build cache" in error.advice


@pytest.mark.parametrize("name", ["buildx013_copy.rawjson", "cli2010_copy.plain"])
def test_a_missing_copy_source_names_the_build_context(name):
    parser = parsed(name)
    error = failures.build_failed(parser.failed_step, parser.other + parser.log, 1)
    assert "`COPY missing.txt /` failed: the file it copies is not in the build context" \
        in error.message and '"/missing.txt"' in error.message
    assert ".dockerignore" in error.advice


def test_a_syntax_error_names_the_line():
    parser = parsed("buildx013_syntax.rawjson")
    error = failures.build_failed(parser.failed_step, parser.other + parser.log, 1)
    assert isinstance(error, BuildFailed) and error.message == (
        "The Dockerfile has a syntax error: dockerfile parse error on line 2: unknown "
        "instruction: FORM (did you mean FROM?).")
    old = ["failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
           "dockerfile parse error line 2: unknown instruction: FORM"]
    assert "syntax error: dockerfile parse error line 2" in str(failures.build_failed(None, old, 1))
    # buildx 0.29 (Debian 14's docker.io 28.5) says it once more, as its last line
    new = ["2 | >>> FORM oops", "ERROR: failed to build: failed to solve: dockerfile parse error "
           "on line 2: unknown instruction: FORM (did you mean FROM?)"]
    assert failures.build_failed(None, new, 1).message == error.message


def test_stages_and_copy_sources():
    assert STAGES == ["stage-0", "other", "stage-2"]
    assert failures.copy_sources(DOCKERFILE) == ["0"]
    error = failures.unknown_stage("bilder", ["builder", "stage-1"])
    assert "`COPY --from=bilder` names no stage" in error.message and "builder" in error.message


def test_a_steps_cache_record_by_its_name_or_its_exec_mount():
    records = [CacheRecord("a", "[stage-0 3/4] COPY a.txt .", 3, "regular", False, False, 1,
                           "2026-01-01T00:00:00Z"),
               CacheRecord("b", "[stage-0 3/4] COPY a.txt .", 4, "regular", False, False, 1,
                           "2026-01-02T00:00:00Z"),
               CacheRecord("c", "mount / from exec /bin/sh -c echo hi", 9, "regular", False,
                           False, 1, "2026-01-01T00:00:00Z")]
    assert record_for(records, "[stage-0 3/4] COPY a.txt .").id == "b"  # the newest use
    run = result_of(parsed("buildx013_cold.rawjson")).step("RUN echo hello")
    assert _record_names(run)[1] == "mount / from exec /bin/sh -c echo hello; echo err >&2; " \
                                    "sleep 1"
    run.instruction = 'RUN --mount=type=cache,target=/c ["sh", "-c", "echo hi"]'
    assert _record_names(run)[1] == "mount / from exec sh -c echo hi"


def test_the_builder_is_chosen_as_docker_does(monkeypatch):
    found = clis.BuildKitClient("/usr/bin/docker", "26.1.5", "0.13.1")
    old = clis.BuildKitClient("/usr/bin/docker", "20.10.24")
    assert found.progress == "rawjson" and found.command()[1:3] == ["buildx", "build"]
    assert old.progress == "plain" and old.command()[1:] == ["build"]
    assert old.environment({})["DOCKER_BUILDKIT"] == "1"
    monkeypatch.setattr(clis, "find_buildkit", lambda environ=None: (None, "docker 28 at "
                                                                       "/x has no buildx plugin"))
    assert choose_builder("auto") == ("classic", None, "docker 28 at /x has no buildx plugin")
    with pytest.raises(BuildFailed, match="No client for BuildKit"):
        choose_builder("buildkit")
    assert clis._find.__wrapped__  # cached per PATH: one look per session


def test_docker_buildkit_0_asks_for_the_classic_builder():
    assert clis.find_buildkit({"DOCKER_BUILDKIT": "0", "PATH": ""})[0] is None


def test_cli_args():
    args = buildkit.cli_args(context="/c", tag="t:1", iidfile="/i", progress="plain",
                             labels={"io.dockerlab.kit": "dockerlab"}, nocache=True,
                             target="builder", network_mode="none", buildargs={"V": "1"})
    assert args == ["--progress", "plain", "--iidfile", "/i", "--tag", "t:1", "--label",
                    "io.dockerlab.kit=dockerlab", "--build-arg", "V=1", "--no-cache",
                    "--target", "builder", "--network", "none", "/c"]


class _PruneAPI:
    """Prunes one id per call, as the engine does; a parent only once its child is gone."""

    def __init__(self, parents: dict[str, str]):
        self.parents = dict(parents)  # record -> its parent
        self.calls = []

    def prune_builds(self, filters):
        (record,) = filters["id"]
        self.calls.append(record)
        if record in self.parents.values() and any(
                parent == record for child, parent in self.parents.items() if child != record):
            return {"CachesDeleted": []}
        self.parents.pop(record, None)
        return {"CachesDeleted": [record]}


def test_the_session_prunes_its_own_records_children_first():
    from types import SimpleNamespace

    from dockerlab import labels
    from dockerlab.images import build_cache

    policy = SimpleNamespace(labels={labels.SESSION: "s-1"})
    client = SimpleNamespace(policy=policy, api=_PruneAPI({"child": "parent", "parent": ""}))
    after = [CacheRecord(i, "", 0, "regular", False, False, 1, "") for i in
             ("child", "parent", "learners")]
    assert build_cache.remember(client, {"learners"}, after) == {"child", "parent"}
    pruned, failed = build_cache.prune_session(client, "s-1")
    assert sorted(pruned) == ["child", "parent"] and not failed
    assert "learners" not in client.api.calls  # never another session's, nor the learner's
    assert build_cache.made_by("s-1") == set()


RACE = ('ERROR: failed to solve: failed to prepare extraction snapshot "extract-850134084-PEes '
        'sha256:baf3cd49cced020370dfb5eef1b23ac46c2eb773cd5379c7dc953c3454eb4713": parent '
        'snapshot sha256:cc878af8621ae7dafedb76e6daf7a038bea02c5d4b14449ecf0fd7bb92629df5 does '
        'not exist: not found')


def test_containerds_snapshot_race_is_recognised_as_worth_a_second_build():
    assert failures.is_snapshot_race(None, ["#5 resolve", RACE])
    assert failures.is_snapshot_race(None, ["ERROR: failed to solve: parent snapshot sha256:ab "
                                            "does not exist: not found"])


def test_a_failing_step_or_a_typo_is_no_snapshot_race():
    failing = parsed("buildx013_fail.rawjson")
    assert not failures.is_snapshot_race(failing.failed_step, failing.other + failing.log)
    typo = parsed("buildx013_syntax.rawjson")
    assert not failures.is_snapshot_race(typo.failed_step, typo.other + typo.log)
    assert not failures.is_snapshot_race(None, ['ERROR: failed to solve: "/missing.txt": not '
                                                "found"])


def test_the_race_twice_says_it_is_the_engine_and_to_build_again():
    error = failures.snapshot_race_twice([RACE])
    assert "moby/buildkit#6521" in error.message and "not a mistake in the Dockerfile" \
        in error.message and "parent snapshot sha256:cc87" in error.message
    assert error.advice.startswith("Build again")
