"""``%docker`` and ``%%docker``: the real ``docker`` CLI, against this notebook's engine.

::

    %docker ps                       # what `docker ps` prints in a terminal
    %docker run -d --name web busybox-static sleep 60
    %docker @lab2 images             # another Lab of the notebook (a second engine)

    %%docker
    volume ls
    network ls

Importing :mod:`dockerlab` in IPython registers both magics. They run the ``docker`` CLI
against the engine of the notebook's :class:`~dockerlab.lab.Lab` (the variable ``lab``, else
the newest ``Lab`` of the notebook, or the one named after ``@``): its address and, for a TLS
engine, its certificates, given to that one command only, so the kernel's environment is
never changed. The line is read as a terminal reads it: ``{{.State.Status}}`` templates
pass as typed (no Python ``{}`` expansion). What the CLI prints is shown as it prints it;
when the command fails, one kit message says so with its exit status (no traceback).

What the kit adds, so the session still owns what the CLI makes (``lab.cleanup()`` removes
it): ``run``/``create``/``build``/``network create``/``volume create`` get the session's
``--label``\\ s, ``commit``/``import`` a ``--change LABEL``, and ``run``/``create`` get
``--pull never`` unless pulls are allowed (the lab is offline, as everywhere in the kit).
Commands that make objects no label can reach (``pull``, ``load``, ``compose``...) run as
typed, followed by a note saying cleanup will not remove what they made. Options naming
another engine (``-H``, ``--context``, ``--tls*``) are refused with a message: use ``@name``.
Secrets given on the command line (``--password``, ``-e TOKEN=...``) are masked in messages.
"""

from __future__ import annotations

import os
import re
import selectors
import shlex
import subprocess
import sys

from .engine.clis import _run, candidates
from .engine.raw import endpoint_of
from .errors import DockerLabError


class CLICommandFailed(DockerLabError):
    """A ``%docker`` command exited with a non-zero status (or could not run)."""


#: global options that take a value (``docker -l debug ps``)
GLOBAL_VALUED = {"-c", "--context", "-H", "--host", "-l", "--log-level", "--config",
                 "--tlscacert", "--tlscert", "--tlskey"}
#: global options that choose the engine: the session's engine is the point of the magic
ENGINE_OPTIONS = {"-c", "--context", "-H", "--host", "--tls", "--tlsverify", "--tlscacert",
                  "--tlscert", "--tlskey"}
MANAGEMENT = {"container", "image", "network", "volume", "builder", "buildx", "compose",
              "plugin", "secret", "config", "system", "context", "swarm", "service"}

LABELLED = {("run",), ("create",), ("container", "run"), ("container", "create"),
            ("build",), ("image", "build"), ("builder", "build"), ("buildx", "build"),
            ("network", "create"), ("volume", "create")}
CHANGE_LABELLED = {("commit",), ("container", "commit"), ("import",), ("image", "import")}
NO_PULL = {("run",), ("create",), ("container", "run"), ("container", "create")}
UNLABELLED = {("pull",), ("image", "pull"), ("load",), ("image", "load"), ("compose",),
              ("plugin",), ("secret",), ("config",), ("swarm",), ("service",), ("context",)}

SECRET_NAME = re.compile(r"pass|secret|token|key|auth|credential", re.I)
SECRET_OPTIONS = {"-p", "--password"}


def split_line(line: str) -> list[str]:
    """The words of one command as a shell would split them."""
    try:
        return shlex.split(line)
    except ValueError as error:
        raise CLICommandFailed(f"The command `docker {line}` cannot be split into words: "
                               f"{error}.", "Close the quote, or escape it with \\.") from None


def command_words(args: list[str]) -> tuple[int, tuple[str, ...]]:
    """Where the command's own options start, and its command words: ``("run",)``,
    ``("network", "create")``; global options before the command are skipped."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        name = args[index].split("=", 1)[0]
        index += 2 if name in GLOBAL_VALUED and "=" not in args[index] else 1
    words: list[str] = []
    while index < len(args) and not args[index].startswith("-") and len(words) < 2:
        words.append(args[index])
        index += 1
        if words[0] not in MANAGEMENT:
            break
    return index, tuple(words)


def engine_options_given(args: list[str]) -> list[str]:
    """The engine-choosing global options in ``args`` (before the command)."""
    start, _ = command_words(args)
    return [a.split("=", 1)[0] for a in args[:start] if a.split("=", 1)[0] in ENGINE_OPTIONS]


def _given(options: list[str], name: str) -> bool:
    return any(a == name or a.startswith(name + "=") for a in options)


def kit_additions(words: tuple[str, ...], options: list[str], session_labels: dict,
                  allow_pull: bool) -> list[str]:
    """The options the kit adds right after the command words (see the module docstring)."""
    added: list[str] = []
    if words in LABELLED:
        for key, value in session_labels.items():
            added += ["--label", f"{key}={value}"]
    if words in CHANGE_LABELLED:
        pairs = " ".join(f"{key}={value}" for key, value in session_labels.items())
        added += ["--change", f"LABEL {pairs}"]
    if words in NO_PULL and not allow_pull and not _given(options, "--pull"):
        added += ["--pull", "never"]
    return added


def unlabelled_note(words: tuple[str, ...]) -> str | None:
    """What to say after a command whose objects cannot carry the session's labels."""
    if words[:1] in UNLABELLED or words in UNLABELLED:
        return (f"note: what `docker {' '.join(words)}` made carries no session label, so "
                "lab.cleanup() will not remove it: remove it with %docker when done.")
    return None


def masked(args: list[str]) -> str:
    """The command as text, secrets replaced by ``***`` (passwords, ``NAME=value`` of
    secret-looking names)."""
    shown, hide_next = [], False
    secret_options = SECRET_OPTIONS if "login" in args else {"--password"}
    for arg in args:
        if hide_next:
            shown.append("***")
            hide_next = False
            continue
        name, eq, value = arg.partition("=")
        if name in secret_options:
            hide_next = not eq
            shown.append(f"{name}=***" if eq else arg)
        elif eq and SECRET_NAME.search(name.lstrip("-")) and not arg.startswith("-"):
            shown.append(f"{name}=***")
        else:
            shown.append(shlex.quote(arg))
    return " ".join(shown)


def connection_options(client) -> list[str]:
    """Global CLI options that point at the engine ``client`` talks to (TLS files too)."""
    endpoint = endpoint_of(client)
    options = ["--host", endpoint.url]
    api = getattr(client, "api", client)
    if endpoint.ca or endpoint.cert:
        options.append("--tlsverify")
        if endpoint.ca:
            options += ["--tlscacert", endpoint.ca]
        if endpoint.cert:
            options += ["--tlscert", endpoint.cert[0], "--tlskey", endpoint.cert[1]]
    elif str(api.base_url).startswith("https://"):
        options.append("--tls")
    return options


def cli_environment() -> dict[str, str]:
    """The kernel's environment without ``DOCKER_*`` (the options say which engine), and
    without the CLI's "What's next" hints."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DOCKER_") or k == "DOCKER_CONFIG"}
    env["DOCKER_CLI_HINTS"] = "false"
    return env


def cli_candidates() -> list[str]:
    """Every ``docker`` on PATH, then Debian's, each once."""
    return candidates()


_chosen: dict[tuple, str] = {}


def choose_cli(connection: list[str]) -> str:
    """The first docker CLI whose ``docker version`` the engine answers (an engine refuses
    a CLI older than its minimum API version); remembered per engine."""
    key = tuple(connection)
    if key in _chosen:
        return _chosen[key]
    refusals = []
    for path in cli_candidates():
        done = _run([path, *connection, "version", "--format", "{{.Server.APIVersion}}"],
                    cli_environment())
        if done is not None and done.returncode == 0:
            _chosen[key] = path
            return path
        said = (done.stderr.strip().splitlines() or ["no answer"])[-1] if done else "no answer"
        refusals.append(f"{path}: {said}")
    raise CLICommandFailed(
        "No docker CLI here can talk to this engine" +
        (": " + "; ".join(refusals) if refusals else " (none is installed)."),
        "Install a docker CLI that speaks the engine's API version (Debian's docker-cli); "
        "the kit's helpers work without it.")


def stream(argv: list[str], env: dict, out=None, err=None) -> int:
    """Run ``argv``, copying its stdout and stderr to ``out``/``err`` as they come; an
    interrupt (the notebook's stop button) ends the command. Returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    targets = {process.stdout: out, process.stderr: err}
    with selectors.DefaultSelector() as selector:
        for pipe in targets:
            selector.register(pipe, selectors.EVENT_READ)
        try:
            while selector.get_map():
                for key, _ in selector.select():
                    chunk = os.read(key.fileobj.fileno(), 65536)
                    if not chunk:
                        selector.unregister(key.fileobj)
                        continue
                    targets[key.fileobj].write(chunk.decode(errors="replace"))
                    targets[key.fileobj].flush()
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise CLICommandFailed("The command was interrupted; it has been stopped.") from None
    return process.wait()


def find_lab(namespace: dict, name: str | None = None):
    """The Lab ``%docker`` uses: ``name`` (after ``@``), else ``lab``, else the newest."""
    from .lab import Lab

    if name is not None:
        if not isinstance(namespace.get(name), Lab):
            raise CLICommandFailed(f"`@{name}` names no Lab of this notebook.",
                                   "Write @ and the name of a variable holding a Lab.")
        return namespace[name]
    if isinstance(namespace.get("lab"), Lab):
        return namespace["lab"]
    labs = [value for value in namespace.values() if isinstance(value, Lab)]
    if not labs:
        raise CLICommandFailed("%docker needs a Lab session to know which engine to use.",
                               "Run `lab = Lab(\"my_notebook\")` first.")
    return max(labs, key=lambda lab: lab.started)


def _failure(args: list[str], status: int, added: list[str]) -> CLICommandFailed:
    extra = ""
    if added:
        extra = " (the kit added " + ("the session's labels" if "--label" in added else
                                      "a LABEL change" if "--change" in added else "") + (
            " and --pull never" if "never" in added else "") + ")"
    advice = "Read what the docker CLI printed above."
    start, _ = command_words(args)
    if any(a in ("-t", "--tty", "-it", "-ti") for a in args[start:]):
        advice += (" A notebook cell is no terminal: leave out -t/-it (a command that needs "
                   "one belongs in a terminal, with the same DOCKER_HOST).")
    if "never" in added:
        advice += (" An image that is not on the engine is not downloaded (--pull never: the "
                   "lab is offline); build or load it first.")
    return CLICommandFailed(f"`docker {masked(args)}` exited with status {status}{extra}.",
                            advice)


def run_docker(lab, line: str, out=None, err=None) -> int:
    """Run one ``%docker`` command line against ``lab``'s engine (see the module docstring);
    raise :class:`CLICommandFailed` when it fails."""
    args = split_line(line)
    if not args:
        raise CLICommandFailed("%docker needs a command, such as `%docker ps`.")
    chosen = engine_options_given(args)
    if chosen:
        raise CLICommandFailed(
            f"%docker runs against this notebook's engine, so {', '.join(chosen)} is refused.",
            "Write `%docker @other ...` with another Lab's variable, or `!docker ...` for a "
            "terminal-style command on any engine.")
    connection = connection_options(lab.client)
    start, words = command_words(args)
    added = kit_additions(words, args[start:], lab.labels, lab.policy.allow_pull)
    full = args[:start] + added + args[start:]
    status = stream([choose_cli(connection), *connection, *full], cli_environment(), out, err)
    if status != 0:
        raise _failure(args, status, added)
    note = unlabelled_note(words)
    if note:
        (err or sys.stderr).write(note + "\n")
    return status


def cell_commands(cell: str) -> list[str]:
    """The commands of a ``%%docker`` cell: one a line (``\\`` continues it), ``#`` comments
    and blank lines skipped."""
    commands, pending = [], ""
    for raw in cell.splitlines():
        text = pending + raw.strip()
        if text.endswith("\\"):
            pending = text[:-1].rstrip() + " "
            continue
        pending = ""
        if text and not text.startswith("#"):
            commands.append(text)
    if pending.strip():
        commands.append(pending.strip())
    return commands


def docker(line: str, cell: str | None = None, shell=None) -> None:
    """``%docker ARGS`` / ``%%docker``: run the docker CLI on the notebook's Lab engine.

    Prints only what the CLI prints; the session's labels (and ``--pull never``) are added
    to the commands that create objects, so ``lab.cleanup()`` removes them. A ``@name``
    first word picks another Lab. See :mod:`dockerlab.docker_magic`."""
    namespace = shell.user_ns if shell is not None else {}
    words = line.split(None, 1)
    name = words[0][1:] if words and words[0].startswith("@") else None
    rest = words[1] if name is not None and len(words) > 1 else ("" if name else line)
    lab = find_lab(namespace, name)
    for command in ([rest] if cell is None else cell_commands(cell)):
        run_docker(lab, command)


def install_docker_magic() -> bool:
    """Register ``%docker`` and ``%%docker`` in the running IPython; False outside it."""
    from .notebook import ipython_shell

    shell = ipython_shell()
    if shell is None:
        return False

    def magic(line, cell=None):
        docker(line, cell, shell)

    from IPython.core.magic import no_var_expand

    magic.__doc__ = __doc__
    shell.register_magic_function(no_var_expand(magic), magic_kind="line_cell",
                                  magic_name="docker")
    return True
