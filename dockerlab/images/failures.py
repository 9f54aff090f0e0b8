"""A BuildKit build that failed, as one paragraph: the step, what it printed, BuildKit's words.

The four failures a learner meets first, and what the kit says of each:

- a failing ``RUN``: the step, the last lines it printed, its exit code;
- a syntax error: the line BuildKit names (no step ran);
- a missing ``COPY`` source: the file is not in the build context (or ``.dockerignore``
  keeps it out);
- an unknown stage (``COPY --from=nostage``, ``--target nostage``): checked before the
  build, since BuildKit would take an unknown name for an image to pull.

A failed BuildKit build leaves no container and no image behind; the cache records of the
steps that did finish stay in the build cache (the session's cleanup prunes them).
"""

from __future__ import annotations

import re

from ..errors import BuildFailed
from .steps import BuildStep

#: buildx 0.29 (Docker 28) says "ERROR: failed to build: failed to solve: ..."
_ERROR = re.compile(r"^(?:(?:ERROR|error): )?(?:failed to build: )?(?P<text>failed to solve\b.*)$")
#: the layers of wording around BuildKit's own message (20.10's CLI adds the frontend's)
_PREFIXES = re.compile(r"^(?:failed to solve(?: with frontend \S+)?: |failed to create LLB "
                       r"definition: |rpc error: code = \w+ desc = )+")
_COPY_FROM = re.compile(r"^\s*(?:COPY|ADD)\s+(?:--\S+\s+)*?--from=(?P<source>\S+)", re.I | re.M)
KEEP_LINES = 20
#: containerd's snapshotter losing a base layer's snapshot while BuildKit unpacks on top of it
#: (moby/buildkit#6521): the image store garbage-collects as a tag moves; building again works
_SNAPSHOT_RACE = re.compile(r"failed to prepare extraction snapshot|parent snapshot \S+ does "
                            r"not exist")
SNAPSHOT_RACE = "moby/buildkit#6521"


def final_message(lines: list[str]) -> str:
    """BuildKit's own last word (``ERROR: failed to solve: ...``), without the prefix."""
    for line in reversed(lines):
        if match := _ERROR.match(line.strip()):
            return _PREFIXES.sub("", match["text"]).strip()
    return ""


def stage_names(dockerfile: str) -> list[str]:
    """The stages as BuildKit names them: ``AS`` names, else ``stage-N``."""
    names = []
    for index, match in enumerate(re.finditer(r"^\s*FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?",
                                              dockerfile, re.I | re.M)):
        names.append(match.group(1).lower() if match.group(1) else f"stage-{index}")
    return names


def copy_sources(dockerfile: str) -> list[str]:
    """What ``COPY --from=`` names: a stage (name or index) or an image."""
    return [match["source"] for match in _COPY_FROM.finditer(dockerfile)]


def unknown_stage(source: str, stages: list[str], target: bool = False) -> BuildFailed:
    named = ", ".join(s for s in stages if not s.startswith("stage-")) or "none"
    what = f"`--target {source}`" if target else f"`COPY --from={source}`"
    return BuildFailed(
        f"{what} names no stage of this Dockerfile (its named stages: {named}; or a number "
        f"from 0 to {len(stages) - 1}), and no image of the engine's store. No step ran.",
        "Use a stage name given with `FROM ... AS name` (spelled the same), or its number.",
        step=what)


def syntax_error(message: str) -> BuildFailed:
    return BuildFailed(f"The Dockerfile has a syntax error: {message}.",
                       "Fix the line it names (instructions are words like FROM, RUN, COPY, "
                       "CMD), then build again. No step ran, nothing was created.")


def step_failed(step: BuildStep, message: str) -> BuildFailed:
    """A step that failed: which, what it printed, what BuildKit said, what to do."""
    where = f"Step {_label(step)} `{step.instruction}`"
    output = "\n".join(step.output[-KEEP_LINES:])
    printed = f" It printed:\n{output}\n" if output else " "
    said = message or step.error
    advice = "Fix that step and build again."
    if step.keyword in {"COPY", "ADD"} and "not found" in said:
        advice = ("The file is not in the build context: add it to the context (the `files` "
                  "you pass to build), take it out of .dockerignore, or fix the name in the "
                  "Dockerfile.")
        return BuildFailed(f"{where} failed: the file it copies is not in the build context. "
                           f"BuildKit said: {said}", advice, step=step.instruction, output="")
    if "did not complete successfully" in said or "executor failed running" in said:
        advice = ("The command in that step failed: read what it printed, fix the command, "
                  "and build again. The steps before it stay in the build cache.")
    return BuildFailed(f"{where} failed.{printed}BuildKit said: {said}", advice,
                       step=step.instruction, output=output)


def _label(step: BuildStep) -> str:
    stage = f"{step.stage} " if step.stage else ""
    return f"[{stage}{step.number}/{step.total}]"


def is_snapshot_race(failed: BuildStep | None, lines: list[str]) -> bool:
    """Whether a build failed on containerd's snapshot race (no step of the Dockerfile
    failed; the engine lost a snapshot while unpacking): worth building once more."""
    return failed is None and bool(_SNAPSHOT_RACE.search(final_message(lines)))


def snapshot_race_twice(lines: list[str]) -> BuildFailed:
    return BuildFailed(f"The engine lost a layer while preparing the build, twice: a known race "
                       f"of the containerd image store ({SNAPSHOT_RACE}), not a mistake in "
                       f"the Dockerfile. BuildKit said: {final_message(lines)}",
                       "Build again. If it keeps happening, restart the engine "
                       "(`sudo systemctl restart docker`) and build again.")


def build_failed(failed: BuildStep | None, lines: list[str], status: int) -> BuildFailed:
    """The error for a build the CLI ended with a non-zero ``status``."""
    message = final_message(lines)
    if failed is not None:
        return step_failed(failed, message)
    if "parse error" in message or "unknown instruction" in message:
        return syntax_error(message.rstrip("."))
    tail = "\n".join(line for line in lines[-5:] if line.strip())
    return BuildFailed(f"The build stopped before any step ran (exit status {status}). "
                       f"BuildKit said: {message or tail}",
                       "Read BuildKit's message: it names the line or option it refused.")
