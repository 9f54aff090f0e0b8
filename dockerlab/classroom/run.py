"""Start a classroom, wait, and stop it leaving nothing behind (``dockerlab classroom``).

Similar to::

    jupyterhub -f /var/lib/dockerlab/classroom/jupyterhub_config.py   # until Ctrl-C
    # then: every learner's processes ended, every learner's engine stopped

The hub, its proxy and the instructor's view run as root (the hub starts each learner's
server as that learner's system user); learners' engines start when their server first
starts (:mod:`.hubside`) and are stopped here at the end, their images kept for a restart.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from ..engine.certs import make_certificates
from ..engine.private import availability
from ..errors import EngineSetupFailed, LabStartFailed, NeedsRoot
from ..host import runs
from . import engines, rootless, users
from .config import DEFAULT_STATE, HUB_CONFIG, SETTINGS_ENV, plan, url
from .learner_venv import closed_to_learners, kit_paths, learner_python  # noqa: F401

#: what one learner's engine, containerd, Jupyter server and kernel take, with room for their
#: containers (measured on the debian13 lane: 265-270 MiB resident without a kernel, 323 MiB
#: with an idle one; tests/integration/test_classroom.py prints both)
MEMORY_PER_LEARNER = 450 * 2**20
START_TIMEOUT = 60
#: ``--engine``'s default (see the README's classroom section for why)
DEFAULT_ENGINE = "rootful"


def say(text: str) -> None:
    print(f"classroom: {text}", flush=True)


def available_memory() -> int:
    """MemAvailable from /proc/meminfo, in bytes (0 when unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def capacity_warning(learners: int, available: int,
                     per_learner: int = MEMORY_PER_LEARNER) -> str | None:
    """A warning when ``learners`` would not fit in ``available`` bytes, else ``None``."""
    if not available or learners * per_learner <= available:
        return None
    fits = max(available // per_learner, 0)
    return (f"{learners} learners need about {learners * per_learner / 2**30:.1f} GiB "
            f"({per_learner // 2**20} MiB each: engine, Jupyter server, kernel); this machine "
            f"has {available / 2**30:.1f} GiB available, enough for about {fits}. Learners "
            "past that may find their notebooks slow or their containers killed.")


def fingerprint(cert: Path) -> str:
    """The SHA-256 fingerprint of a PEM certificate, as browsers show it (AB:CD:...)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    digest = x509.load_pem_x509_certificate(cert.read_bytes()).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def prepare(settings: dict) -> Path:
    """Write the settings (0600), the hub's config and, off loopback, the certificate."""
    state = Path(settings["state"])
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(state, 0o700)
    path = state / "settings.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(settings, file, indent=1)
    (state / "jupyterhub_config.py").write_text(HUB_CONFIG)
    if settings["tls"]:
        hosts = (settings["listen"], "127.0.0.1", "localhost")
        make_certificates(state / "tls", hosts=tuple(dict.fromkeys(hosts)))
        say(f"HTTPS certificate for {settings['listen']}: SHA-256 fingerprint "
            f"{fingerprint(Path(settings['cert']))} (learners check it in their browser)")
    return path


def start_hub(settings: dict, settings_file: Path) -> subprocess.Popen:
    """Start JupyterHub and wait until its API answers."""
    state = Path(settings["state"])
    hub = str(Path(settings["python"]).parent / "jupyterhub")
    log = open(state / "jupyterhub.log", "ab")
    process = subprocess.Popen([hub, "-f", str(state / "jupyterhub_config.py")], cwd=state,
                               env={**os.environ, SETTINGS_ENV: str(settings_file)},
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    api = f"{url(settings)}hub/api/"  # through the proxy: it answers once the routes are in
    context = _trusting(settings)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NeedsRoot(f"JupyterHub exited at once (code {process.returncode}):\n"
                            f"{tail(state / 'jupyterhub.log')}",
                            f"Its log is {state / 'jupyterhub.log'}.")
        try:
            with urllib.request.urlopen(api, timeout=2, context=context):
                return process
        except OSError:
            time.sleep(0.5)
    stop_hub(process)
    raise NeedsRoot(f"JupyterHub did not answer within {START_TIMEOUT} s.",
                    f"Its log is {state / 'jupyterhub.log'}:\n{tail(state / 'jupyterhub.log')}")


def _trusting(settings: dict):
    """An SSL context trusting the kit's own authority (for an HTTPS classroom)."""
    import ssl

    if not settings["tls"]:
        return None
    context = ssl.create_default_context(cafile=str(Path(settings["cert"]).parent / "ca.pem"))
    context.check_hostname = False  # the address may be 0.0.0.0; the CA is ours alone
    return context


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_hub(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop JupyterHub (TERM: it stops its proxy, services and servers), KILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def shutdown(process: subprocess.Popen | None) -> dict:
    """Stop the hub, then every learner's processes and engine; what was stopped."""
    if process is not None:
        say("stopping JupyterHub (its proxy, the instructor's view, learners' servers)")
        stop_hub(process)
    ended = 0
    for user in users.learners():
        ended += users.stop_processes(user.pw_uid)
    stopped = stop_engines()
    say(f"stopped: {stopped} learner engines, {ended} leftover learner processes")
    return {"engines": stopped, "processes": ended}


def remove_learners() -> int:
    """``dockerlab classroom --remove-learners``: after the workshop, every learner's user,
    home (their notebooks and progress), processes and engine (its images too) go."""
    check_host()
    gone = users.learners()
    for user in gone:
        users.stop_processes(user.pw_uid)
        engine = engines.engine_for(user)
        engines.reset(engine)
        users.remove_user(user.pw_name)
        rootless.release(user)
        say(f"removed {user.pw_name}: user, home, engine {engine.name}")
    say(f"removed {len(gone)} learners")
    return 0


def check_host() -> None:
    reason = availability()
    if reason:
        raise NeedsRoot(f"The classroom cannot start here: {reason}",
                        "It needs a Linux machine where you are root (each learner gets a "
                        "system user and their own dockerd).")


def refuse_a_second_class(state: Path) -> None:
    """A class already running with this state (its JupyterHub alive) is not started again:
    a second would rewrite the first's settings and stop its learners' engines."""
    try:
        pid = int((state / "jupyterhub.pid").read_text().strip())
    except (OSError, ValueError):
        return  # none ever ran, or it left an unreadable pid file
    if runs(pid, "jupyterhub"):
        raise LabStartFailed(
            f"A classroom is already running here (its JupyterHub is pid {pid}, state in "
            f"{state}).", "Use that one, or stop it first (Ctrl-C where it was started, or "
            f"`kill {pid}`), then start the class again.")


def stop_engines(whose: str = "") -> int:
    """Stop every learner engine (their images stay); how many there were."""
    running = engines.running_engines()
    for engine in running:
        say(f"stopping {engine.name}'s engine{whose}: {engines.shut(engine)}")
    return len(running)


def stop_left_engines() -> int:
    """Stop the learner engines a class that was killed left running, so that each learner
    gets the kind of engine this class asks for."""
    return stop_engines(", left by an earlier class")


def engine_kind(requested: str) -> str:
    """The learners' engine kind for ``--engine requested``, said (why, when not rootless)."""
    try:
        if requested != "rootful" and rootless.install_tools():
            say("installed what rootless engines need (uidmap, rootlesskit, slirp4netns)")
    except EngineSetupFailed as error:
        say(f"could not install what rootless engines need: {error.message.splitlines()[0]}")
    try:
        kind, sentence = rootless.choose(requested, rootless.host_facts())
    except ValueError as error:
        raise NeedsRoot(str(error), "Start the classroom with `--engine rootful` (or "
                        "`auto`), or give the host what is missing.") from None
    say(sentence)
    return kind


def start(learners: int, listen: str = "127.0.0.1", port: int = 8000,
          state: Path | None = None, engine: str = DEFAULT_ENGINE
          ) -> tuple[dict, subprocess.Popen]:
    """Check, plan, start the hub; return the settings and the hub process."""
    check_host()
    refuse_a_second_class(Path(state or DEFAULT_STATE))
    stop_left_engines()
    warning = capacity_warning(learners, available_memory())
    if warning:
        say(f"WARNING: {warning}")
    settings = plan(learners, listen, port, state, learner_python=learner_python(say),
                    engine=engine_kind(engine))
    began = time.monotonic()
    say(f"starting JupyterHub for {learners} learners on {url(settings)}")
    process = start_hub(settings, prepare(settings))
    say(f"ready in {time.monotonic() - began:.1f} s at {url(settings)}")
    say(f"learners log in with their name and the workshop code: {settings['code']}")
    say(f"the instructor logs in as '{settings['instructor']}' with the password in "
        f"{Path(settings['state']) / 'settings.json'}; their view is "
        f"{url(settings)}services/instructor/")
    say("each learner's own engine starts with their server (engines starting, base images "
        "building: about 10-30 s the first time)")
    return settings, process


def echo_progress(log: Path, offset: int) -> int:
    """Print the hub log's new ``classroom:`` lines (learners' engines starting, base images
    building, a class that is full); returns the new offset."""
    with open(log, "rb") as file:
        file.seek(offset)
        new = file.read()
    for line in new.decode(errors="replace").splitlines():
        if "classroom: " in line:
            say(line.split("classroom: ", 1)[1])
    return offset + len(new)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def serve(learners: int, listen: str = "127.0.0.1", port: int = 8000,
          engine: str = DEFAULT_ENGINE) -> int:
    """``dockerlab classroom``: start, wait for Ctrl-C (or SIGTERM), stop everything."""
    process = None
    previous = {number: signal.signal(number, _interrupt)  # SIGINT too: a background job
                for number in (signal.SIGTERM, signal.SIGINT)}  # starts with it ignored
    try:
        settings, process = start(learners, listen, port, engine=engine)
        say("running; Ctrl-C stops the class")
        log = Path(settings["state"]) / "jupyterhub.log"
        offset = log.stat().st_size
        while process.poll() is None:
            offset = echo_progress(log, offset)
            time.sleep(1)
        say(f"JupyterHub exited (code {process.returncode})")
    except KeyboardInterrupt:
        pass
    finally:
        shutdown(process)
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0
