"""Overhead measured for real: containers against plain processes (no timing asserted)."""

import io
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from dockerlab.containers import overhead
from dockerlab.docker_magic import run_docker
from dockerlab.errors import DockerLabError


def test_measure_collects_n_of_each_and_cleans_up(lab):
    result = overhead.measure(lab, n=3)
    assert len(result.container_seconds) == len(result.process_seconds) == 3
    assert len(result.container_memory) == len(result.process_memory) == 3
    assert all(reading.process > 0 for reading in result.process_memory)
    # the engine runs on this machine: each container has its own containerd-shim beside it
    assert all(reading.shim > 0 for reading in result.container_memory)
    assert "median of 3" in result.summary()
    assert lab.containers() == []


def test_the_cli_beside_the_measure_runs_and_reads_a_memory_figure(lab):
    result = overhead.measure(lab, n=1)
    assert result.image == lab.base_image and Path(result.busybox).is_file()
    printed = []
    for command in result.cli:  # `time` is the shell's: what it times is the command after
        words = command.removeprefix("time ")
        if words.startswith("docker "):
            out = io.StringIO()
            run_docker(lab, words.removeprefix("docker "), out=out)
            printed.append(out.getvalue().strip())
        else:
            assert subprocess.run(shlex.split(words)).returncode == 0
    stats = printed[2]  # docker stats --no-stream: "<used> / <limit>" of the sleeper
    assert re.fullmatch(r"[\d.]+[KMG]i?B / [\d.]+[KMGT]i?B", stats), printed
    assert lab.containers() == []  # the last command removed the sleeper


def test_published_figures_name_their_source():
    assert all(f.source.startswith("Firecracker SPECIFICATION.md, https://")
               for f in overhead.PUBLISHED_VM_FIGURES)


@pytest.mark.parametrize("n", [0, 1000])
def test_an_unreasonable_sample_size_is_refused(lab, n):
    with pytest.raises(DockerLabError, match="not a sensible sample"):
        overhead.measure(lab, n=n)
