"""The shape of dockerlab.containers (no engine): small modules, one way down to a container,
one state machine, and every lifecycle verb naming the docker command it is like."""

import ast
import re
from pathlib import Path

import pytest

from dockerlab import containers as C
from dockerlab import networks
from dockerlab.containers import failures, machine, pictures
from dockerlab.containers.config import layer_paths
from dockerlab.images.model import FileEntry, Layer
from dockerlab.lab import Lab

PACKAGE = Path(C.__file__).resolve().parents[1]  # dockerlab/
MAX_LINES = 400

#: every name notebooks, exercises, tests and benchmarks took from the module before it
#: became a package (``from dockerlab import containers as C``)
NAMES_BEFORE_THE_SPLIT = (
    "OPERATIONS STATES ALLOWED_FROM MIN_MEMORY DEFAULT_CPU_PERIOD shell find State state_of "
    "wait_for parse_memory check_cpu_quota checked_options create launch start_failure "
    "run_to_end operate refused Step Lifecycle explain_exit_code ExitCase TRAPS_TERM "
    "IGNORES_TERM exit_code_cases exit_table CRASH_ONCE with_restart_policy wait_for_restart "
    "LogLine parse_log_line wait_for_output timestamped_logs stream_logs ExecOutcome exec_in "
    "SHOW_CONFIG VARIANTS INSPECT_FIELDS config_of compare_options side_by_side CHANGE_KINDS "
    "TOUCH_FILES changes file_after_removal commit top_layer_paths CAPABILITIES "
    "decode_capabilities interfaces try_write capabilities try_chown processes "
    "host_process_count IsolationRow isolation_report isolation_table EAT_MEMORY OomResult "
    "oom_kill COUNT_LOOPS StatsSample cpu_percent sample_stats LoopRun busy_loop "
    "throttle_comparison Summary summaries CommandNotFound ContainerError DockerLabError "
    "InvalidContainerState ObjectNotFound ResourceLimitInvalid").split()


def test_no_module_in_the_package_is_over_400_lines():
    sizes = {str(path.relative_to(PACKAGE.parent)): len(path.read_text().splitlines())
             for path in sorted(PACKAGE.rglob("*.py"))}
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert len(sizes) > 40, "the whole package was looked at"
    assert too_long == {}, f"split these modules (over {MAX_LINES} lines): {too_long}"


def test_the_face_still_offers_every_name_it_had():
    missing = [name for name in NAMES_BEFORE_THE_SPLIT if not hasattr(C, name)]
    assert missing == []
    assert sorted(C.__all__) == sorted(set(C.__all__))
    assert all(hasattr(C, name) for name in C.__all__)


LIFECYCLE_VERBS = [
    (C.Lifecycle.create, "create"), (C.Lifecycle.start, "start"),
    (C.Lifecycle.pause, "pause"), (C.Lifecycle.unpause, "unpause"),
    (C.Lifecycle.stop, "stop"), (C.Lifecycle.kill, "kill"),
    (C.Lifecycle.restart, "restart"), (C.Lifecycle.remove, "rm"),
    (C.create, "create"), (C.launch, "run"), (C.run_to_end, "run"), (C.operate, "start"),
    (C.remove_quietly, "rm"), (C.find, "container inspect"), (C.state_of, "inspect"),
    (C.with_restart_policy, "run"), (C.exec_in, "exec"), (C.commit, "commit"),
    (C.changes, "diff"), (C.timestamped_logs, "logs"), (C.stream_logs, "logs"),
    (Lab.run, "run"), (Lab.start, "run"), (networks.start, "run"),
]


@pytest.mark.parametrize("function, verb", LIFECYCLE_VERBS,
                         ids=[f"{f.__qualname__}" for f, _ in LIFECYCLE_VERBS])
def test_every_lifecycle_verb_says_which_docker_command_it_is_like(function, verb):
    doc = " ".join((function.__doc__ or "").split())
    assert re.search(rf"[Ss]imilar to ``docker {verb}\b", doc), doc


def _container_creations(path: Path) -> list[int]:
    """Lines calling ``<something>.containers.create(...)`` or ``.containers.run(...)``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("create", "run")
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "containers"):
            found.append(node.lineno)
    return found


def test_one_way_down_to_a_container():
    the_way = PACKAGE / "containers" / "run.py"
    others = {str(path.relative_to(PACKAGE.parent)): lines
              for path in sorted(PACKAGE.rglob("*.py")) if path != the_way
              for lines in [_container_creations(path)] if lines}
    assert _container_creations(the_way), "the search finds the one that is there"
    assert others == {}, "start containers with dockerlab.containers.run.launch"


def test_the_state_machine_is_defined_once():
    assert C.ALLOWED_FROM["stop"] == ("running", "paused", "restarting", "created", "exited")
    assert C.ALLOWED_FROM["remove"] == ("created", "exited", "dead")
    assert list(C.ALLOWED_FROM) == [op for op in C.OPERATIONS if op != "create"]
    states = {"image", *C.STATES}
    for move in machine.TRANSITIONS:
        assert {move.source, move.target} <= states, move
        assert move.operation in C.OPERATIONS or move.operation in machine.ENGINE_MOVES
    moves = {(m.source, m.target) for m in machine.TRANSITIONS}
    assert set(pictures.BENDS) <= moves, "the picture draws only moves the machine has"
    assert set(pictures.POSITIONS) == states
    labels = {(s, t): label for s, t, label, _ in pictures.drawn_transitions()}
    assert labels[("running", "exited")] == "stop / kill /\nprocess ends"
    assert labels[("exited", "removed")] == "rm"


@pytest.mark.parametrize("text, missing", [
    ('exec: "nope": executable file not found in $PATH: unknown', True),
    ('OCI runtime create failed: exec: "/no/such": stat /no/such: no such file or directory',
     True),
    ('error mounting "/x" to rootfs at "/data": stat /x: no such file or directory', False),
    ("port is already allocated", False)])
def test_a_missing_command_is_told_from_other_missing_files(text, missing):
    assert failures._command_missing(text) is missing


def test_a_failed_start_uses_the_callers_explanation_unless_the_command_is_missing():
    class Refused(Exception):
        explanation = "driver failed programming external connectivity"

    class Missing(Exception):
        explanation = 'exec: "nope": executable file not found in $PATH'

    mine = C.ContainerError("mine", "advice")
    assert failures.start_failure(Refused(), "x", "img", explain=lambda e: mine) is mine
    found = failures.start_failure(Missing(), ["nope"], "img", explain=lambda e: mine)
    assert isinstance(found, C.CommandNotFound) and "'nope'" in found.message
    already = C.ResourceLimitInvalid("too small", "more")
    assert failures.start_failure(already, "x", "img") is already


def test_a_layers_paths_come_from_its_entries_and_whiteouts():
    layer = Layer(1, "sha256:" + "0" * 64, 0,
                  [FileEntry("data", "dir"), FileEntry("data/notes.txt", "file", 15),
                   FileEntry("etc", "dir"), FileEntry("etc/passwd", "file", 400)],
                  ["var/www/index.html"], ["cache"])
    assert layer_paths(layer) == {
        "present": ["/data", "/data/notes.txt", "/etc", "/etc/passwd"],
        "deleted": ["/cache/", "/var/www/index.html"]}


def test_the_term_trap_says_ready_only_after_the_trap_is_set():
    trap, ready = C.TRAPS_TERM.index("trap 'exit 143' TERM"), C.TRAPS_TERM.index("echo ready")
    assert trap < ready < C.TRAPS_TERM.index("while")
    assert C.Lifecycle(lab=None).ready == "ready"
    assert C.Lifecycle(lab=None, command="sleep 60").ready is None
