"""Pure logic of dockerlab.engine.compose: which Compose is chosen, and the file it is given."""

from dockerlab.engine import compose
from dockerlab.engine.compose import ComposeTool
from tests.unit.fakes import FakeLab

PLUGIN = ComposeTool(("/usr/bin/docker", "compose"), "2.26.1-4")
V2_BINARY = ComposeTool(("/usr/local/bin/docker-compose",), "2.29.7")
V1_BINARY = ComposeTool(("/usr/bin/docker-compose",), "1.29.2")


def test_compose_v2_is_preferred_and_v1_is_only_the_fallback():
    assert compose.choose([PLUGIN, V1_BINARY]) is PLUGIN
    assert compose.choose([V1_BINARY, V2_BINARY]) is V2_BINARY
    assert compose.choose([V1_BINARY]) is V1_BINARY
    assert compose.choose([]) is None


def test_a_tool_says_which_generation_it_is():
    assert (PLUGIN.major, V2_BINARY.major, V1_BINARY.major) == (2, 2, 1)
    assert PLUGIN.name == "docker compose" and V1_BINARY.name == "docker-compose"
    assert "v2, the CLI plugin" in str(PLUGIN)
    assert "v2, a standalone binary" in str(V2_BINARY)
    assert "v1, the fallback" in str(V1_BINARY)


def test_the_compose_file_has_no_obsolete_version_key_and_carries_the_labels():
    lab = FakeLab(session="s-1")
    spec = compose.two_services(lab)
    assert "version" not in spec
    assert all(service["labels"] == lab.labels for service in spec["services"].values())
    assert spec["networks"]["default"]["labels"] == lab.labels


def test_only_the_lines_saying_a_step_is_done_are_kept():
    v2 = [" Container p-web-1  Creating", " Container p-web-1  Created", ""]
    v1 = ["Creating network \"p_default\" with the default driver", "Creating p_web_1 ...",
          "Creating p_web_1 ... done"]
    assert [line for line in v2 + v1 if not compose._progress(line)] == [
        " Container p-web-1  Created", v1[0], v1[2]]


def test_a_warning_ending_in_ing_is_kept():
    warning = "WARN[0000] the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion: the file has something missing"
    assert not compose._progress(warning)
    assert not compose._progress(" Network p_default  Warning: subnet string")
