"""Containers: the life of one, what it is made of, how it is fenced in, and what it may use.

A container is an image plus the options given when it is created or started. The modules
here drive real containers through the engine and return plain facts read back from
``inspect``, so a notebook can show what really happened::

    life = Lifecycle(lab)                 # docker create / start / pause ... / rm
    life.create(); life.start(); life.pause(); life.unpause(); life.stop(); life.remove()
    life.path                             # ['created', 'running', 'paused', ..., 'removed']
    exit_code_cases(lab)                  # 0, 3, 137 after kill, 143 after stop ...
    changes(container)                    # docker diff: added / changed / deleted
    oom_kill(lab, "20m")                  # OOMKilled: true, exit code 137

Every container is made by :func:`run.launch` through ``lab.client`` (so it carries the
session's labels, and its limits are checked first), and the functions that make throwaway
containers remove them before returning.

This package's face re-exports the names notebooks use (``from dockerlab import containers
as C``); each topic lives in its own module: ``machine`` (states, operations, reading a
state), ``limits`` (memory and CPU), ``run`` (the one way to create and start a container),
``failures``, ``lifecycle``, ``exits`` (exit codes, restart policy), ``logs_exec``,
``config`` (options, diff, commit), ``isolation``, ``resources`` and ``overview``.
"""

from __future__ import annotations

from ..errors import (  # the errors these functions raise, as notebooks catch them
    CommandNotFound,
    ContainerError,
    DockerLabError,
    InvalidContainerState,
    ObjectNotFound,
    ResourceLimitInvalid,
)
from .config import (
    CHANGE_KINDS,
    INSPECT_FIELDS,
    SHOW_CONFIG,
    TOUCH_FILES,
    VARIANTS,
    changes,
    commit,
    compare_options,
    config_of,
    file_after_removal,
    layer_paths,
    side_by_side,
    top_layer_paths,
)
from .exits import (
    CRASH_ONCE,
    IGNORES_TERM,
    ExitCase,
    exit_code_cases,
    exit_table,
    explain_exit_code,
    wait_for_restart,
    with_restart_policy,
)
from .failures import refused, start_failure
from .isolation import (
    CAPABILITIES,
    IsolationRow,
    capabilities,
    decode_capabilities,
    host_process_count,
    interfaces,
    isolation_report,
    isolation_table,
    processes,
    try_chown,
    try_write,
)
from .lifecycle import READY, TRAPS_TERM, Lifecycle, Step, operate
from .limits import DEFAULT_CPU_PERIOD, MIN_MEMORY, check_cpu_quota, checked_options, parse_memory
from .logs_exec import (
    ExecOutcome,
    LogLine,
    exec_in,
    parse_log_line,
    require_output,
    stream_logs,
    timestamped_logs,
    wait_for_output,
)
from .machine import (
    ALLOWED_FROM,
    ENGINE_MOVES,
    OPERATIONS,
    STATES,
    TRANSITIONS,
    State,
    Transition,
    find,
    state_of,
    wait_for,
)
from .overview import Summary, summaries
from .resources import (
    COUNT_LOOPS,
    EAT_MEMORY,
    LoopRun,
    OomResult,
    StatsSample,
    busy_loop,
    cpu_percent,
    oom_kill,
    sample_stats,
    throttle_comparison,
)
from .run import create, launch, remove_quietly, run_to_end, shell

__all__ = [
    "ALLOWED_FROM", "CAPABILITIES", "CHANGE_KINDS", "COUNT_LOOPS", "CRASH_ONCE",
    "CommandNotFound", "ContainerError", "DEFAULT_CPU_PERIOD", "DockerLabError", "EAT_MEMORY",
    "ENGINE_MOVES", "ExecOutcome", "ExitCase", "IGNORES_TERM", "INSPECT_FIELDS",
    "InvalidContainerState", "IsolationRow", "Lifecycle", "LogLine", "LoopRun", "MIN_MEMORY",
    "OPERATIONS", "ObjectNotFound", "OomResult", "READY", "ResourceLimitInvalid",
    "SHOW_CONFIG", "STATES", "State", "StatsSample", "Step", "Summary", "TOUCH_FILES",
    "TRANSITIONS", "TRAPS_TERM", "Transition", "VARIANTS", "busy_loop", "capabilities",
    "changes", "check_cpu_quota", "checked_options", "commit", "compare_options", "config_of",
    "cpu_percent", "create", "decode_capabilities", "exec_in", "exit_code_cases", "exit_table",
    "explain_exit_code", "file_after_removal", "find", "host_process_count", "interfaces",
    "isolation_report", "isolation_table", "launch", "layer_paths", "oom_kill", "operate",
    "parse_log_line", "parse_memory", "processes", "refused", "remove_quietly",
    "require_output", "run_to_end", "sample_stats", "shell", "side_by_side", "start_failure",
    "state_of", "stream_logs", "summaries", "throttle_comparison", "timestamped_logs",
    "top_layer_paths", "try_chown", "try_write", "wait_for", "wait_for_output",
    "wait_for_restart", "with_restart_policy",
]
