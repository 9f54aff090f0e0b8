"""Rootless learner engines for real: two learners, each with their own rootless dockerd
(``dockerd-rootless.sh`` as that learner). Learner A's containers run the kit's base image,
but a container bind-mounting the host's ``/`` cannot read learner B's home (nor
/etc/shadow) while it reads A's own; A's engine says "rootless: yes"; B cannot open A's
socket; the id ranges do not overlap; a killed engine starts again; stopping leaves no
process; a rootless engine a killed class left is stopped by the next class, which gives that
learner the kind it asks for; removing the learners leaves no id range. Then a class started with ``--engine rootless`` gives a learner logged in through
the hub a rootless engine. Needs root, dockerd and what rootless Docker needs (the bookworm
and debian13 lanes have them all)."""

import os
import pwd
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import docker
import pytest
import requests

from dockerlab.classroom import engines, learner_venv, rootless, rootless_engine, run, users
from dockerlab.classroom.rootless_engine import RootlessEngine, processes_in
from dockerlab.engine.facts import engine_facts
from dockerlab.engine.private import RUN_BASE
from dockerlab.host import free_port

rootless.install_tools()  # the kit brings what it needs (as root, on Debian or Ubuntu)
REASON = rootless.why_not(rootless.host_facts())
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"no rootless engine: {REASON}")

A, B = "dl-rootless-a", "dl-rootless-b"
SECRET = "b's secret"
LABELS = {"dockerlab.test": "classroom-rootless"}


def _remove_learners():
    removed = subprocess.run([sys.executable, "-m", "dockerlab", "classroom",
                              "--remove-learners"], capture_output=True, text=True, timeout=300)
    assert removed.returncode == 0, removed.stderr


@pytest.fixture(scope="module")
def learners():
    _remove_learners()  # a lane's root file system outlives its runs
    a, b = users.ensure_user(A), users.ensure_user(B)
    for user, text in ((a, "a's own"), (b, SECRET)):
        path = Path(user.pw_dir, "note.txt")
        path.write_text(text)
        path.chmod(0o600)
        os.chown(path, user.pw_uid, user.pw_gid)
    started = {name: engines.start_for(user, "rootless") for name, user in ((A, a), (B, b))}
    yield {A: a, B: b, "engines": started}
    for engine in started.values():
        engines.shut(engine)
    _remove_learners()


@pytest.fixture(scope="module")
def client_a(learners):
    engine = learners["engines"][A]
    built = engines.build_base_images(engine)
    assert built.returncode == 0, built.stderr[-1500:]
    with closing(docker.DockerClient(base_url=engine.url, version="auto")) as client:
        yield client
        if engine.running:  # the tests below stop it, and start it again
            for container in client.containers.list(all=True, filters={"label": "dockerlab.test"}):
                container.remove(force=True)


def _run(client, command, **kwargs):
    """Run ``command`` in the base image; (exit code, output)."""
    container = client.containers.run("dockerlab/busybox:latest", ["sh", "-c", command],
                                      detach=True, labels=LABELS, **kwargs)
    try:
        code = container.wait(timeout=120)["StatusCode"]
        return code, container.logs().decode(errors="replace")
    finally:
        container.remove(force=True)


def _every_process_of(uid: int) -> list[int]:
    """The pids running as ``uid`` in any PID namespace (``users.processes_of`` keeps to the
    classroom's own: the engine's are ended by stopping it)."""
    return processes_in(uid, 1)


def test_each_learner_gets_a_rootless_engine_on_their_own_socket(learners):
    for name in (A, B):
        engine, user = learners["engines"][name], learners[name]
        assert isinstance(engine, RootlessEngine)
        assert engine.url == f"unix:///run/user/{user.pw_uid}/docker.sock"
        assert engine.socket.stat().st_uid == user.pw_uid
        runtime = engine.runtime_dir.stat()
        assert (runtime.st_uid, runtime.st_mode & 0o777) == (user.pw_uid, 0o700)
        assert Path(f"/proc/{engine.pid}/status").read_text().count(f"\t{user.pw_uid}\t") >= 1
        assert engines.status(user) == engines.RUNNING
    assert {e.name for e in engines.running_engines()} >= {learners["engines"][n].name
                                                           for n in (A, B)}


def test_the_engine_s_facts_say_rootless(client_a):
    facts = engine_facts(client_a)
    assert facts.rootless is True
    assert ("rootless", "yes") in facts.rows()
    print(f"A's engine: {facts.summary()}")


@pytest.fixture(scope="module")
def learner_python():
    """The Python a learner can run: the kit's, or the learners' venv where the kit's lives
    under a closed directory (pyenv's under /root)."""
    return learner_venv.learner_python(print)


def test_the_doctor_run_by_the_learner_says_rootless(learners, client_a, learner_python):
    engine, user = learners["engines"][A], learners[A]
    ran = subprocess.run(["runuser", "-u", A, "--", "env", f"HOME={user.pw_dir}",
                          f"DOCKER_HOST={engine.url}", learner_python, "-m", "dockerlab",
                          "doctor"], capture_output=True, text=True, timeout=300,
                         cwd=user.pw_dir)
    rows = [line.split(None, 2) for line in ran.stdout.splitlines()]
    assert ["ok", "rootless", "yes"] in rows, ran.stdout + ran.stderr
    assert any(row[1:2] == ["cgroups"] for row in rows if len(row) > 1), ran.stdout


def test_a_learner_s_containers_run_the_base_image(client_a):
    code, output = _run(client_a, "id -u; echo hello from a rootless engine")
    assert (code, output.split()) == (0, ["0", "hello", "from", "a", "rootless", "engine"])


def test_a_container_with_the_host_s_root_mounted_cannot_read_another_learner_s_home(
        learners, client_a):
    b_home, a_home = learners[B].pw_dir, learners[A].pw_dir
    mounts = {"/": {"bind": "/host", "mode": "ro"}}
    code, own = _run(client_a, f"cat /host{a_home}/note.txt", volumes=mounts)
    assert (code, own) == (0, "a's own")  # the mount works: A's own files are A's
    code, listing = _run(client_a, f"ls /host{b_home}", volumes=mounts)
    assert code != 0 and "Permission denied" in listing, listing
    code, secret = _run(client_a, f"cat /host{b_home}/note.txt", volumes=mounts)
    assert code != 0 and SECRET not in secret, secret
    code, shadow = _run(client_a, "cat /host/etc/shadow", volumes=mounts)
    assert code != 0 and "root:" not in shadow, shadow
    # written through a read-write mount of /: not into the host's /var, nor B's home (the
    # engine's own /etc is RootlessKit's copy, so /var is where the host's root shows)
    for target in ("/var/dockerlab-rootless-test", f"{b_home}/planted"):
        code, wrote = _run(client_a, f"touch /host2{target}",
                           volumes={"/": {"bind": "/host2", "mode": "rw"}})
        assert code != 0 and "denied" in wrote and not Path(target).exists(), wrote


def test_another_learner_cannot_open_the_socket(learners, learner_python):
    socket = learners["engines"][A].socket
    tried = subprocess.run(["runuser", "-u", B, "--", learner_python, "-c",
                            f"import socket; s = socket.socket(socket.AF_UNIX); "
                            f"s.connect({str(socket)!r})"], capture_output=True, text=True,
                           timeout=60)
    assert tried.returncode != 0 and "PermissionError" in tried.stderr, tried.stderr


def test_the_learners_id_ranges_do_not_overlap(learners):
    for path in (rootless.SUBUID, rootless.SUBGID):
        ranges = rootless.parse_ranges(path.read_text())
        a, b = (rootless.range_of(ranges, name) for name in (A, B))
        assert a and b and (a[0] + a[1] <= b[0] or b[0] + b[1] <= a[0]), (a, b)
        others = [r for r in ranges if r[0] not in (A, B)]
        for first, count in (a, b):
            assert not any(o[1] < first + count and first < o[1] + o[2] for o in others)


def test_a_killed_engine_shows_down_and_starts_again_as_a_rootless_one(learners):
    user = learners[B]
    engine = engines.engine_for(user)  # the kind it has: rootless
    assert isinstance(engine, RootlessEngine)
    os.kill(engine.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while engine.pid is not None:  # until it is gone (a zombie has no command line)
        assert time.monotonic() < deadline, "SIGKILL did not end B's rootlesskit"
        time.sleep(0.2)
    assert engines.status(user) == engines.DOWN
    again = engines.start_for(user)  # the instructor's restart: no kind given
    assert isinstance(again, RootlessEngine) and engines.status(user) == engines.RUNNING
    learners["engines"][B] = again


def test_on_cgroup_v1_a_rootless_engine_has_no_cgroup_driver(client_a):
    info = client_a.info()
    print(f"cgroup {info.get('CgroupVersion')}, driver {info.get('CgroupDriver')}")
    if info.get("CgroupVersion") == "1":
        assert info["CgroupDriver"] == "none"  # no limits: README's classroom section says so


def test_stopping_ends_the_engine_and_its_containers(learners, client_a):
    engine, user = learners["engines"][A], learners[A]
    sleeper = client_a.containers.run("dockerlab/busybox:latest", ["sleep", "600"],
                                      detach=True, labels=LABELS)
    first, count = rootless.range_of(rootless.parse_ranges(rootless.SUBUID.read_text()), A)
    # the container's processes run in PID namespaces below RootlessKit's (--pidns), as A
    assert b"sleep" in b"".join(_cmdline(pid) for pid in _every_process_of(user.pw_uid))
    sleeper.reload()
    assert sleeper.status == "running"  # as A's uid: the container's root is A
    said = engines.shut(engine)
    assert "Stopped the rootless engine" in said, said
    assert engine.pid is None and not engine.socket.exists()
    left = _every_process_of(user.pw_uid) + processes_in(first, count)
    assert left == [], [_cmdline(pid) for pid in left]
    assert engines.status(user) == engines.NONE
    assert engine.name not in {e.name for e in engines.running_engines()}
    assert engines.start_for(user, "rootless").running  # its images kept: starts again
    with closing(docker.DockerClient(base_url=engine.url, version="auto")) as again:
        assert again.images.get("dockerlab/busybox:latest")


def test_a_rootless_engine_a_killed_class_left_is_stopped_and_the_next_kind_is_the_class_s(
        learners):
    user = learners[A]
    assert engines.start_for(user, "rootless").running  # as a class killed with -9 leaves it
    assert run.stop_left_engines() >= 1  # what the next class's start does first
    assert engines.status(user) == engines.NONE and not rootless_engine.is_rootless(user)
    rootful = engines.start_for(user, "rootful")
    try:
        assert not isinstance(rootful, RootlessEngine) and rootful.running
        assert not isinstance(engines.engine_for(user), RootlessEngine)  # the kind it has
        with closing(docker.DockerClient(base_url=rootful.url, version="auto")) as client:
            assert engine_facts(client).rootless is False
    finally:
        engines.shut(rootful)
    learners["engines"][A] = engines.start_for(user, "rootless")  # as the tests below need


def test_removing_the_learners_releases_their_id_ranges(learners):
    for engine in learners["engines"].values():
        engines.shut(engine)
    _remove_learners()
    for path in (rootless.SUBUID, rootless.SUBGID):
        names = [r[0] for r in rootless.parse_ranges(path.read_text())]
        assert A not in names and B not in names
    assert not any(Path(f"/run/user/{learners[n].pw_uid}").exists() for n in (A, B))
    assert not any(p.name.startswith("classroom-") for p in RUN_BASE.glob("*"))


def test_a_class_started_rootless_gives_a_logged_in_learner_a_rootless_engine():
    _remove_learners()
    port = free_port()
    hub = f"http://127.0.0.1:{port}"
    room = subprocess.Popen([sys.executable, "-m", "dockerlab", "classroom", "--learners", "1",
                             "--port", str(port), "--engine", "rootless"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed = []
    try:
        for line in room.stdout:
            printed.append(line)
            if "running; Ctrl-C" in line or room.poll() is not None:
                break
        assert "each learner gets a rootless engine" in "".join(printed), "".join(printed)
        session = _log_in(hub, "rootless c", _code(printed))
        environment = _start_server(hub, session, "dl-rootless-c")
        uid = pwd.getpwnam("dl-rootless-c").pw_uid
        assert environment["DOCKER_HOST"] == f"unix:///run/user/{uid}/docker.sock"
        with closing(docker.DockerClient(base_url=environment["DOCKER_HOST"])) as c:
            assert engine_facts(c).rootless is True
    finally:
        room.send_signal(signal.SIGTERM)
        rest, _ = room.communicate(timeout=180)
    assert "stopped: 1 learner engines" in rest, rest
    assert "Stopped the rootless engine" in rest or "is not running" in rest, rest
    left = users.processes_of(uid)
    assert left == [], [(_cmdline(pid), _state(pid)) for pid in left]
    _remove_learners()


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return b"(gone)"


def _state(pid):
    try:
        return next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith(("State:", "PPid:")))
    except (OSError, StopIteration):
        return "(gone)"


def _code(printed):
    line = next(line for line in printed if "the workshop code:" in line)
    return line.rsplit(":", 1)[1].strip()


def _log_in(hub, name, code):
    session = requests.Session()
    session.get(f"{hub}/hub/login", timeout=30)
    reply = session.post(f"{hub}/hub/login?next=", timeout=120, allow_redirects=False,
                         data={"username": name, "password": code,
                               "_xsrf": session.cookies.get("_xsrf")})
    assert reply.status_code == 302, reply.text[-500:]
    session.get(f"{hub}/hub/home", timeout=60)
    return session


def _start_server(hub, session, name):
    """Start the learner's server through the hub's API; its environment (from /proc)."""
    headers = {"X-XSRFToken": [c.value for c in session.cookies if c.name == "_xsrf"][-1]}
    api = f"{hub}/hub/api/users/{name}"
    started = session.post(f"{api}/server", json={}, headers=headers, timeout=300)
    assert started.status_code in (201, 202), started.text
    deadline = time.monotonic() + 300
    while not session.get(api, headers=headers, timeout=60).json()["servers"].get(
            "", {}).get("ready"):
        assert time.monotonic() < deadline, f"{name}'s server did not start"
        time.sleep(1)
    for pid in users.processes_of(pwd.getpwnam(name).pw_uid):
        if b"jupyterhub-singleuser" in Path(f"/proc/{pid}/cmdline").read_bytes():
            raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            return dict(item.decode().split("=", 1) for item in raw if b"=" in item)
    raise AssertionError(f"no Jupyter server runs as {name}")
