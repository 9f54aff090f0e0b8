"""Building against the real engine: per-step view, the cache, failures that leave nothing."""

from __future__ import annotations

import re
import secrets

import pytest

from dockerlab.errors import BuildFailed, ImageMissing
from dockerlab.images.builder import build
from dockerlab.widgets.build_playground import BuildPlayground

pytestmark = pytest.mark.engine
#: this file is the classic builder's (BuildKit's: test_buildkit_engine.py)
CLASSIC = {"network_mode": "none", "builder": "classic"}

APP = """\
FROM dockerlab/busybox
WORKDIR /app
COPY deps.txt .
RUN cp deps.txt installed && dd if=/dev/zero of=/app/blob bs=1k count=20 2>/dev/null
COPY app.sh .
CMD ["sh", "app.sh"]
"""


def test_build_steps_cache_and_sizes(lab):
    files = {"deps.txt": "dep==1\n", "app.sh": f"echo {secrets.token_hex(4)}\n"}
    first = build(lab, APP, files, tag="dockerlab-test/build:1", **CLASSIC)
    steps = first.learner_steps
    assert [s.instruction.split()[0] for s in steps] == ["FROM", "WORKDIR", "COPY", "RUN",
                                                         "COPY", "CMD"]
    assert all(step.kit for step in first.steps[len(steps):]) and len(first.steps) == 9
    run = steps[3]
    assert run.made_layer and run.size is not None and run.size >= 20 * 1024 and run.container
    assert steps[1].made_layer  # WORKDIR of a directory that does not exist creates it
    assert steps[5].made_layer is False and steps[5].size == 0  # CMD makes no layer
    assert [s.made_layer for s in first.steps[len(steps):]] == [False] * 3
    assert not any("intermediate container" in line for s in first.steps for line in s.output)
    assert lab.client.api.inspect_image("dockerlab-test/build:1")["Id"] == first.image_id

    again = build(lab, APP, files, tag="dockerlab-test/build:1", **CLASSIC)
    assert (again.cached_count, again.ran_count) == (5, 0)
    assert again.image_id == first.image_id

    files["app.sh"] = "echo changed\n"  # only the app changed: deps step still cached
    edited = build(lab, APP, files, tag="dockerlab-test/build:1", **CLASSIC)
    assert [s.status for s in edited.learner_steps] == ["base", "cached", "cached", "cached",
                                                        "ran", "ran"]
    assert lab.run("sh app.sh", image="dockerlab-test/build:1").strip() == "changed"


def _new_images_with(lab, marker: str, before: set[str]) -> list[str]:
    found = []
    for image in lab.client.api.images(all=True):
        if image["Id"] in before:
            continue
        attrs = lab.client.api.inspect_image(image["Id"])
        if marker in str((attrs.get("ContainerConfig") or {}).get("Cmd")):
            found.append(image["Id"])
    return found


def _containers_with(lab, marker: str) -> list[str]:
    return [c["Id"] for c in lab.client.api.containers(all=True)
            if marker in (c.get("Command") or "")]


def test_failing_step_reports_step_output_and_message_and_leaves_nothing(lab):
    marker = f"marker-{secrets.token_hex(4)}"
    before = {image["Id"] for image in lab.client.api.images(all=True)}
    dockerfile = (f"FROM dockerlab/busybox\nRUN echo {marker} > /made\n"
                  f"RUN echo {marker} said this; exit 3\n")
    with pytest.raises(BuildFailed) as caught:
        build(lab, dockerfile, **CLASSIC)
    error = caught.value
    assert error.message.startswith(f"Step 3/3 `RUN echo {marker} said this; exit 3` failed.")
    assert f"{marker} said this" in error.output and "non-zero code: 3" in error.message
    assert _containers_with(lab, marker) == []
    assert _new_images_with(lab, marker, before) == []


def test_syntax_error(lab):
    with pytest.raises(BuildFailed, match="syntax error.*line 2.*FORM"):
        build(lab, "FROM dockerlab/busybox\nFORM oops\n", builder="classic")


def test_copy_of_a_missing_file(lab):
    with pytest.raises(BuildFailed, match="COPY failed") as caught:
        build(lab, "FROM dockerlab/busybox\nCOPY missing.txt /\n", {"other.txt": "x"},
              builder="classic")
    assert "not in the build context" in caught.value.advice


def test_from_an_image_with_a_typo(lab):
    with pytest.raises(ImageMissing, match="Did you mean 'dockerlab/busybox:latest'"):
        build(lab, "FROM dockerlab/busybx\nRUN true\n", builder="classic")


def test_build_playground_rebuild_shows_the_cache(lab):
    playground = BuildPlayground(lab, tag="dockerlab-test/playground:1")
    playground.build_button.click()
    assert playground.error is None, playground.status.value
    assert "Built" in playground.status.value and "installing" in playground.log_view.value
    playground.set_file("app.sh", "echo edited\n")
    playground.build_button.click()
    last = playground.results[-1]
    # BuildKit makes no step of CMD (it changes only the image's configuration)
    expected = (3, 2) if last.builder == "classic" else (3, 1)
    assert (last.cached_count, last.ran_count) == expected
    assert f"build 2: 3 cached, {expected[1]} ran" in playground.history.value
    assert playground.progress.value == playground.progress.max == 3 + expected[1] + 1
    playground.dockerfile.value += "RUN exit 7\n"
    playground.build_button.click()
    assert playground.error is not None and "BuildFailed" in playground.status.value
    assert re.search("non-zero code: 7|exit code: 7", playground.status.value)
