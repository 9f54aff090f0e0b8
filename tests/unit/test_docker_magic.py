"""The %docker magic's argument handling: which command it is, what the kit adds, what it
refuses and says, what it hides. No engine: the CLI run itself is tested in
tests/integration/test_docker_magic.py."""

from __future__ import annotations

import io
import sys

import pytest

from dockerlab import docker_magic as magic
from dockerlab.engine import clis

LABELS = {"io.dockerlab.kit": "dockerlab", "io.dockerlab.session": "s-1",
          "io.dockerlab.notebook": "nb"}


def added(line: str, allow_pull: bool = False) -> list[str]:
    args = magic.split_line(line)
    start, words = magic.command_words(args)
    return magic.kit_additions(words, args[start:], LABELS, allow_pull)


@pytest.mark.parametrize("line, start, words", [
    ("ps -a", 1, ("ps",)),
    ("--log-level debug run -d busybox", 3, ("run",)),
    ("-l=debug images", 2, ("images",)),
    ("network create net1", 2, ("network", "create")),
    ("container run --rm busybox true", 2, ("container", "run")),
    ("image ls", 2, ("image", "ls")),
    ("--debug volume create", 3, ("volume", "create")),
])
def test_the_command_words_come_after_the_global_options(line, start, words):
    assert magic.command_words(magic.split_line(line)) == (start, words)


@pytest.mark.parametrize("line", ["run -d busybox sleep 9", "create busybox",
                                  "container run busybox", "build -t x .",
                                  "image build .", "network create n", "volume create v"])
def test_commands_that_create_objects_get_the_session_labels(line):
    extra = added(line)
    pairs = [extra[i + 1] for i, word in enumerate(extra) if word == "--label"]
    assert pairs == [f"{key}={value}" for key, value in LABELS.items()]


def test_the_labels_go_before_the_image_so_the_cli_reads_them_as_options():
    args = magic.split_line("--debug run -d busybox-static sleep 60")
    start, words = magic.command_words(args)
    full = args[:start] + magic.kit_additions(words, args[start:], LABELS, False) + args[start:]
    assert full[:2] == ["--debug", "run"]
    assert full.index("busybox-static") > max(i for i, a in enumerate(full) if a == "--label")
    assert full[-3:] == ["busybox-static", "sleep", "60"]


def test_commit_and_import_get_a_label_change():
    extra = added("commit web snapshot:1")
    assert extra == ["--change", "LABEL io.dockerlab.kit=dockerlab io.dockerlab.session=s-1 "
                                 "io.dockerlab.notebook=nb"]


def test_run_never_pulls_unless_pulls_are_allowed_or_the_learner_chose():
    assert added("run busybox")[-2:] == ["--pull", "never"]
    assert "--pull" not in added("run busybox", allow_pull=True)
    assert "--pull" not in added("run --pull=missing busybox")
    assert "--pull" not in added("build .")


@pytest.mark.parametrize("line", ["ps", "images", "logs web", "inspect web", "rm -f web"])
def test_commands_that_create_nothing_are_run_as_typed(line):
    assert added(line) == []


@pytest.mark.parametrize("words", [("pull",), ("load",), ("compose", "up"), ("image", "load")])
def test_objects_no_label_can_reach_are_announced(words):
    assert "lab.cleanup() will not remove it" in magic.unlabelled_note(words)


def test_no_note_for_labelled_or_harmless_commands():
    assert magic.unlabelled_note(("run",)) is None
    assert magic.unlabelled_note(("ps",)) is None


@pytest.mark.parametrize("line, refused", [
    ("-H tcp://elsewhere:2375 ps", ["-H"]), ("--context=other ps", ["--context"]),
    ("--tlsverify --tlscacert ca.pem ps", ["--tlsverify", "--tlscacert"]),
    ("run -H busybox", []),  # after the command: the command's own option, not the engine
])
def test_options_that_choose_another_engine_are_found(line, refused):
    assert magic.engine_options_given(magic.split_line(line)) == refused


def test_refusing_another_engine_says_why_and_what_instead():
    with pytest.raises(magic.CLICommandFailed, match="refused") as caught:
        magic.run_docker(object(), "--host tcp://1.2.3.4:2375 ps")
    assert "@other" in caught.value.advice


def test_an_empty_command_and_an_open_quote_are_explained():
    with pytest.raises(magic.CLICommandFailed, match="needs a command"):
        magic.run_docker(object(), "  ")
    with pytest.raises(magic.CLICommandFailed, match="cannot be split"):
        magic.run_docker(object(), "run busybox echo 'hi")


@pytest.mark.parametrize("args, shown", [
    (["login", "-u", "me", "-p", "hunter2", "reg:5000"], "login -u me -p *** reg:5000"),
    (["login", "--password=hunter2"], "login --password=***"),
    (["run", "-e", "API_TOKEN=abc", "-e", "MODE=x", "b"], "run -e API_TOKEN=*** -e MODE=x b"),
    (["build", "--build-arg", "NPM_AUTH=zzz", "."], "build --build-arg NPM_AUTH=*** ."),
    (["run", "-p", "8080:80", "b"], "run -p 8080:80 b"),  # -p publishes a port here
])
def test_secrets_are_masked_in_messages(args, shown):
    assert magic.masked(args) == shown


def test_a_failure_names_the_status_and_what_the_kit_added():
    error = magic._failure(["run", "nosuch"], 125, added("run nosuch"))
    assert "exited with status 125" in error.message
    assert "--pull never" in error.message and "offline" in error.advice


def test_a_failure_asking_for_a_terminal_says_a_cell_is_none():
    error = magic._failure(["run", "-it", "busybox", "sh"], 1, added("run -it busybox sh"))
    assert "no terminal" in error.advice


def test_cell_commands_one_a_line_with_continuations_and_comments():
    cell = "ps\n# a comment\nrun -d \\\n   busybox sleep 5\n\nimages"
    assert magic.cell_commands(cell) == ["ps", "run -d busybox sleep 5", "images"]


def test_the_cli_environment_names_no_engine_and_keeps_the_kernels(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "tcp://elsewhere:2375")
    monkeypatch.setenv("DOCKER_CONFIG", "/tmp/cfg")
    env = magic.cli_environment()
    assert "DOCKER_HOST" not in env and env["DOCKER_CONFIG"] == "/tmp/cfg"
    assert env["DOCKER_CLI_HINTS"] == "false"
    import os
    assert os.environ["DOCKER_HOST"] == "tcp://elsewhere:2375"  # the kernel's is unchanged


class _Api:
    def __init__(self, base_url, verify=True, cert=None):
        self.base_url, self.verify, self.cert = base_url, verify, cert


class _Client:
    def __init__(self, api):
        self.api = api


def test_a_tls_engine_gets_its_certificates_as_options():
    client = _Client(_Api("https://127.0.0.1:2376", "/c/ca.pem", ("/c/cert.pem", "/c/key.pem")))
    assert magic.connection_options(client) == [
        "--host", "tcp://127.0.0.1:2376", "--tlsverify", "--tlscacert", "/c/ca.pem",
        "--tlscert", "/c/cert.pem", "--tlskey", "/c/key.pem"]


def test_a_plain_tcp_engine_gets_only_its_address():
    assert magic.connection_options(_Client(_Api("http://127.0.0.1:2375"))) == [
        "--host", "tcp://127.0.0.1:2375"]


def test_stream_copies_stdout_and_stderr_and_returns_the_status():
    out, err = io.StringIO(), io.StringIO()
    code = "import sys; print('table'); print('warn', file=sys.stderr); sys.exit(3)"
    assert magic.stream([sys.executable, "-c", code], {}, out, err) == 3
    assert out.getvalue() == "table\n" and err.getvalue() == "warn\n"


def test_the_lab_is_the_one_named_else_lab_else_the_newest():
    from dockerlab.lab import Lab

    first, second = Lab.__new__(Lab), Lab.__new__(Lab)
    first.started, second.started = 1.0, 2.0
    assert magic.find_lab({"a": first, "b": second}) is second
    assert magic.find_lab({"lab": first, "b": second}) is first
    assert magic.find_lab({"lab": first, "b": second}, "b") is second
    with pytest.raises(magic.CLICommandFailed, match="names no Lab"):
        magic.find_lab({"lab": first}, "nope")
    with pytest.raises(magic.CLICommandFailed, match="needs a Lab"):
        magic.find_lab({"x": 1})


def _fake_cli(folder, answer: str, status: int):
    folder.mkdir()
    script = folder / "docker"
    stream = ">&2" if status else ""
    script.write_text(f"#!/bin/sh\necho '{answer}' {stream}\nexit {status}\n")
    script.chmod(0o755)
    return str(script)


def test_the_cli_chosen_is_the_first_the_engine_answers(tmp_path, monkeypatch):
    old = _fake_cli(tmp_path / "old", "Error response from daemon: client version 1.41 is too "
                    "old. Minimum supported API version is 1.44", 1)
    new = _fake_cli(tmp_path / "new", "1.45", 0)
    monkeypatch.setenv("PATH", f"{tmp_path / 'old'}:{tmp_path / 'new'}")
    monkeypatch.setattr(clis, "DEBIAN_CLI", str(tmp_path / "none" / "docker"))
    monkeypatch.setattr(magic, "_chosen", {})
    assert magic.cli_candidates() == [old, new]
    assert magic.choose_cli(["--host", "unix:///x.sock"]) == new


def test_when_no_cli_speaks_the_engines_api_each_refusal_is_quoted(tmp_path, monkeypatch):
    _fake_cli(tmp_path / "old", "client version 1.41 is too old", 1)
    monkeypatch.setenv("PATH", str(tmp_path / "old"))
    monkeypatch.setattr(clis, "DEBIAN_CLI", str(tmp_path / "none" / "docker"))
    monkeypatch.setattr(magic, "_chosen", {})
    with pytest.raises(magic.CLICommandFailed, match="1.41 is too old") as caught:
        magic.choose_cli(["--host", "unix:///y.sock"])
    assert "API version" in caught.value.advice


def test_at_name_picks_the_lab_and_a_cell_runs_each_command(monkeypatch):
    from dockerlab.lab import Lab

    first, second = Lab.__new__(Lab), Lab.__new__(Lab)
    first.started, second.started = 1.0, 2.0
    ran = []
    monkeypatch.setattr(magic, "run_docker", lambda lab, line: ran.append((lab, line)))

    class Shell:
        user_ns = {"lab": first, "other": second}

    magic.docker("@other images -q", shell=Shell())
    magic.docker("ps", shell=Shell())
    magic.docker("@other", "ps\n\nvolume ls", shell=Shell())
    assert ran == [(second, "images -q"), (first, "ps"), (second, "ps"), (second, "volume ls")]
