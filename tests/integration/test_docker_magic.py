"""%docker on a real engine: the CLI's own table, objects the session's cleanup removes, a
failure as one kit message, and a TLS engine reached with the Lab's certificates."""

from __future__ import annotations

import io
import os

import pytest

from dockerlab import docker_magic as magic
from dockerlab import labels
from dockerlab.engine.private import PrivateEngine, availability

pytestmark = pytest.mark.engine


def run(lab, line: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    magic.run_docker(lab, line, out, err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def shell(lab):
    """A real IPython shell with the kit's error display and magics, and ``lab`` in it."""
    from IPython.core.interactiveshell import InteractiveShell

    from dockerlab.notebook import install_error_display

    instance = InteractiveShell.instance()
    install_error_display()
    assert magic.install_docker_magic()
    instance.user_ns["lab"] = lab
    yield instance
    instance.user_ns.pop("lab", None)


def test_docker_ps_prints_the_clis_table(shell, capsys):
    result = shell.run_cell("%docker ps --all")
    assert result.success, result.error_in_exec
    assert capsys.readouterr().out.splitlines()[0].split()[:2] == ["CONTAINER", "ID"]


def test_go_templates_pass_as_typed_in_a_terminal(shell, capsys, lab):
    result = shell.run_cell("%docker version --format '{{.Server.Version}}'")
    assert result.success, result.error_in_exec
    assert capsys.readouterr().out.strip() == lab.client.version()["Version"]


def test_what_docker_run_made_carries_the_session_labels_and_cleanup_removes_it(lab):
    name = f"{lab.session}-magic"
    out, _ = run(lab, f"run -d --name {name} {lab.base_image} sleep 60")
    container = lab.client.containers.get(out.strip())
    assert container.name == name and container.status in ("created", "running")
    assert container.labels[labels.SESSION] == lab.session
    volume, _ = run(lab, "volume create")
    network, _ = run(lab, f"network create {lab.session}-net")
    report = lab.cleanup()
    assert name in report.removed["containers"]
    assert volume.strip() in report.removed["volumes"]
    assert f"{lab.session}-net" in report.removed["networks"]
    listed, _ = run(lab, f"ps --all --quiet --filter name={name}")
    assert listed.strip() == ""


def test_a_missing_image_is_not_pulled_and_the_failure_is_one_kit_message(shell, capsys):
    result = shell.run_cell("%docker run --rm nosuch-image:0.1 true")
    assert isinstance(result.error_in_exec, magic.CLICommandFailed)
    seen = capsys.readouterr()
    text = seen.out + seen.err
    assert "Traceback" not in text
    assert "exited with status 125" in str(result.error_in_exec)
    assert "No such image" in text or "not found" in text.lower(), text
    assert "--pull never" in str(result.error_in_exec)


def test_a_cell_of_commands_runs_each_on_the_labs_engine(shell, capsys, lab):
    shell.run_cell_magic("docker", "", "version --format '{{.Server.Version}}'\n# a comment\n"
                                       "info --format '{{.ID}}'")
    lines = capsys.readouterr().out.split()
    assert lines == [lab.client.version()["Version"], lab.client.info()["ID"]]


def test_the_kernels_environment_is_left_as_it_was(lab):
    before = dict(os.environ)
    run(lab, "ps")
    assert dict(os.environ) == before


@pytest.mark.skipif(availability() is not None,
                    reason=f"no private engine here: {availability()}")
def test_a_tls_engine_is_reached_with_the_labs_certificates(tmp_path):
    from dockerlab import Lab

    engine = PrivateEngine().start()
    try:
        with Lab("test-magic-tls", engine=engine.location(tls=True)) as lab:
            options = magic.connection_options(lab.client)
            assert options[0] == "--host" and options[1].startswith("tcp://")
            assert "--tlsverify" in options and "--tlskey" in options
            out, _ = run(lab, "info --format '{{.ID}}'")
            assert out.strip() == lab.client.info()["ID"]
    finally:
        engine.remove()
