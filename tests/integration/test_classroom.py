"""`dockerlab classroom` for real: JupyterHub, three learners logged in through the hub's HTTP
API, each on their own engine (nothing of one visible to another, the socket closed to the
others), a wrong workshop code refused, a second log-in given the same server, the
instructor's view listing them (in Chromium too: statuses, CSV download, 403 for a learner),
a learner's engine killed shown down and restarted with one click (the others untouched),
one exercise reset, and a shutdown that leaves no learner engine or process behind. Needs
root and dockerd (the lanes have both); about 45 s on the debian13 lane (the browser part
about 7 s of it)."""

import json
import os
import pwd
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from dockerlab.classroom import engines, users
from dockerlab.engine.private import RUN_BASE, availability
from dockerlab.host import free_port

from . import classroom_browser

# where learners cannot reach this checkout's Python (pyenv's under a 0700 /root), the
# classroom builds them their own (classroom.learner_venv): the class runs here all the same
pytestmark = pytest.mark.skipif(availability() is not None,
                                reason=f"no classroom here: {availability()}")

PORT = free_port()
HUB = f"http://127.0.0.1:{PORT}"
STATE = Path("/var/lib/dockerlab/classroom")
LEARNERS = ["Ada Lovelace", "Zoë", "bob"]
NAMES = ["dl-ada-lovelace", "dl-zoe", "dl-bob"]
VIEW = "/services/instructor/"
#: processes of this PID namespace only (a CI lane's classroom shows in the host's /proc)
PGREP = ["pgrep", "--ns", str(os.getpid()), "--nslist", "pid", "-a"]


def _login(name, password):
    session = requests.Session()
    session.get(f"{HUB}/hub/login", timeout=30)
    reply = session.post(f"{HUB}/hub/login?next=", timeout=120, allow_redirects=False,
                         data={"username": name, "password": password,
                               "_xsrf": session.cookies.get("_xsrf")})
    if reply.status_code == 302:  # the xsrf token is tied to the session: take the new one
        session.get(f"{HUB}/hub/home", timeout=60)
    return session, reply


def _api(session, method, path, **kwargs):
    tokens = [c.value for c in session.cookies if c.name == "_xsrf"]
    headers = {"X-XSRFToken": tokens[-1] if tokens else ""}
    return session.request(method, f"{HUB}/hub/api/{path}", headers=headers, timeout=120,
                           **kwargs)


def _server_environment(name):
    """The environment of the learner's running Jupyter server (read from /proc)."""
    uid = pwd.getpwnam(name).pw_uid
    for pid in users.processes_of(uid):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"jupyterhub-singleuser" in cmdline:
            raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            return dict(item.decode().split("=", 1) for item in raw if b"=" in item)
    raise AssertionError(f"no Jupyter server runs as {name}")


def _learner_python():
    """The Python learners' servers run (the kit's, or the learners' own venv)."""
    return json.loads((STATE / "settings.json").read_text())["learner_python"]


def _as(name, code, env):
    """Run Python ``code`` as the learner ``name`` with ``env`` (their server's), in the
    Python their server runs."""
    keep = {k: env[k] for k in ("DOCKER_HOST", "DOCKERLAB_STATE_DIR", "HOME", "PATH",
                                "DOCKERLAB_CLASSROOM") if k in env}
    return subprocess.run(["runuser", "-u", name, "--", "env", *[f"{k}={v}" for k, v in
                                                                  keep.items()],
                           _learner_python(), "-c", code], capture_output=True, text=True,
                          timeout=120)


def _rss(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _memory():
    """Each learner's resident memory: their processes, their dockerd and its containerd."""
    from dockerlab.engine.private import _children

    found = {}
    for name in NAMES:
        user = pwd.getpwnam(name)
        engine = engines.engine_for(user)
        pids = [*users.processes_of(user.pw_uid), engine.pid]
        pids += [child for child, _ in _children(engine.pid)]
        found[name] = round(sum(_rss(pid) for pid in pids) / 2**20)
    return found


def _remove_learners():
    removed = subprocess.run([sys.executable, "-m", "dockerlab", "classroom",
                              "--remove-learners"], capture_output=True, text=True, timeout=300)
    assert removed.returncode == 0, removed.stderr


@pytest.fixture(scope="module", autouse=True)
def no_learners_before_or_after():
    """A class of its own (a lane's root file system outlives its runs): none before, none
    after."""
    _remove_learners()
    yield
    _remove_learners()
    assert users.learners() == []
    assert not any(Path("/home", name).exists() for name in NAMES)


@pytest.fixture(scope="module")
def classroom():
    began = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "dockerlab", "classroom", "--learners",
                                "3", "--port", str(PORT)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "running; Ctrl-C" in line or process.poll() is not None:
            break
    assert "running; Ctrl-C" in "".join(lines), "".join(lines)
    print(f"hub up in {time.monotonic() - began:.1f} s")
    settings = json.loads((STATE / "settings.json").read_text())
    yield {"process": process, "settings": settings, "lines": lines}
    log = (STATE / "jupyterhub.log").read_text(errors="replace").splitlines()
    print("\n".join(["jupyterhub.log, last lines:", *log[-40:]]))
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)


@pytest.fixture(scope="module")
def servers(classroom):
    """Every learner logged in with the workshop code and their server started."""
    code = classroom["settings"]["code"]
    sessions = {}
    began = time.monotonic()
    for typed, name in zip(LEARNERS, NAMES, strict=True):
        session, reply = _login(typed, code)
        assert reply.status_code == 302, reply.text[-500:]
        assert _api(session, "GET", "user").json()["name"] == name
        assert _api(session, "POST", f"users/{name}/server", json={}).status_code in (201, 202)
        sessions[name] = session
    for name, session in sessions.items():
        deadline = time.monotonic() + 300
        while not _api(session, "GET", "user").json()["servers"].get("", {}).get("ready"):
            assert time.monotonic() < deadline, f"{name}'s server did not start"
            time.sleep(1)
    print(f"3 servers (users, engines, base images) ready in {time.monotonic() - began:.1f} s")
    print(f"memory per learner (MiB, RSS: server + engine): {_memory()}")
    return sessions


def test_a_wrong_workshop_code_is_refused(classroom):
    _, reply = _login("mallory", "not-the-code")
    assert reply.status_code == 403
    assert "Invalid username or password" in reply.text


def test_a_name_the_machine_cannot_use_is_refused_with_what_to_type(classroom):
    _, reply = _login("李雷", classroom["settings"]["code"])
    assert reply.status_code == 403
    assert "Latin letters" in reply.text


def test_each_learner_has_their_own_engine(servers):
    hosts = {name: _server_environment(name)["DOCKER_HOST"] for name in NAMES}
    assert len(set(hosts.values())) == 3
    for name, host in hosts.items():
        socket = Path(host.removeprefix("unix://"))
        info, user = socket.stat(), pwd.getpwnam(name)
        assert info.st_mode & 0o777 == 0o660
        if host.startswith("unix:///run/user/"):  # a rootless engine (--engine auto/rootless)
            folder = socket.parent.stat()  # the socket is the learner's, in their 0700 dir
            assert (info.st_uid, folder.st_uid, folder.st_mode & 0o777) == (user.pw_uid,) * 2 + (
                0o700,)
        else:
            assert info.st_gid == user.pw_gid and info.st_uid == 0
    ada, zoe, _ = NAMES
    env = {name: _server_environment(name) for name in NAMES}
    made = _as(ada, "import docker; c = docker.from_env(); "
               "c.volumes.create('adas-own', labels={'dockerlab.test': 'classroom'}); "
               "print(sorted(v.name for v in c.volumes.list()))", env[ada])
    assert made.returncode == 0 and "adas-own" in made.stdout, made.stderr
    seen = _as(zoe, "import docker; print(sorted(v.name for v in "
               "docker.from_env().volumes.list()))", env[zoe])
    assert seen.returncode == 0 and "adas-own" not in seen.stdout, seen.stderr
    images = _as(zoe, "import docker; print([t for i in docker.from_env().images.list() "
                 "for t in i.tags])", env[zoe])
    assert "dockerlab" in images.stdout  # the offline base images, built in her own engine
    adas = env[ada]["DOCKER_HOST"]
    other = _as(zoe, f"import docker; docker.DockerClient(base_url='{adas}').ping()", env[zoe])
    assert other.returncode != 0 and re.search(r"Permission denied|PermissionError",
                                               other.stderr), other.stderr
    home = _as(zoe, f"import os; os.listdir('{env[ada]['HOME']}')", env[zoe])
    assert home.returncode != 0 and "PermissionError" in home.stderr


def test_a_learner_s_kernel_starts_through_their_server(servers):
    """Through the hub's OAuth to the learner's own Jupyter server: a kernel starts, as them,
    with their engine in its environment (and what a learner with a kernel takes)."""
    name = NAMES[1]
    session = servers[name]
    lab = session.get(f"{HUB}/user/{name}/lab", timeout=120)  # the OAuth dance, redirects
    assert lab.status_code == 200, lab.url
    tokens = [c.value for c in session.cookies if c.name == "_xsrf"]
    started = session.post(f"{HUB}/user/{name}/api/kernels", json={"name": "python3"},
                           headers={"X-XSRFToken": tokens[-1]}, timeout=120)
    assert started.status_code == 201, started.text[-300:]
    uid = pwd.getpwnam(name).pw_uid
    deadline = time.monotonic() + 60
    kernel = None
    while kernel is None and time.monotonic() < deadline:
        kernel = next((pid for pid in users.processes_of(uid)
                       if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()), None)
        time.sleep(0.5)
    assert kernel, "no kernel runs as the learner"
    environ = Path(f"/proc/{kernel}/environ").read_bytes()
    assert _server_environment(name)["DOCKER_HOST"].encode() in environ
    argv = Path(f"/proc/{kernel}/cmdline").read_bytes().split(b"\0")
    assert Path(argv[0].decode()).parent == Path(_learner_python()).parent  # their Python
    imported = _as(name, "import dockerlab.checker as c; print(c.exercises_root().is_dir())",
                   _server_environment(name))
    assert imported.stdout.strip() == "True", imported.stderr  # the kit and its exercises
    time.sleep(3)  # the kernel has imported what it imports at start
    print(f"memory per learner with an idle kernel (MiB): {_memory()[name]}")


def test_a_learner_past_the_number_the_class_was_started_for_is_told(classroom, servers):
    session, reply = _login("dave", classroom["settings"]["code"])
    assert reply.status_code == 302
    started = _api(session, "POST", "users/dl-dave/server", json={})
    assert started.status_code >= 400 and "classroom is full" in started.text, started.text
    assert "dl-dave" not in [u.pw_name for u in users.learners()]


def test_the_instructor_view_lists_every_learner(classroom, servers):
    ada = NAMES[0]
    recorded = _as(ada, "from dockerlab import progress; progress.append(progress.make_record("
                   "'00_welcome/first_container', 'correct', hints=2))",
                   _server_environment(ada))
    assert recorded.returncode == 0, recorded.stderr
    settings = classroom["settings"]
    session, reply = _login(settings["instructor"], settings["instructor_password"])
    assert reply.status_code == 302
    shown = session.get(f"{HUB}/services/instructor/progress.json", timeout=60)
    assert shown.status_code == 200, shown.text[-500:]
    rows = {row["learner"]: row for row in shown.json()["learners"]}
    assert set(rows) == set(NAMES)
    assert rows[ada]["cells"]["00_welcome/first_container"] == {
        "status": "correct", "hints": 2, "checks": 1, "solution_shown": False}
    assert rows["dl-zoe"]["cells"]["00_welcome/first_container"]["status"] == "not attempted"
    csv = session.get(f"{HUB}/services/instructor/progress.csv", timeout=60)
    assert csv.text.splitlines()[0].startswith("learner,last activity (UTC),engine,engine "
                                               "socket,engine status,")
    engine = engines.engine_for(pwd.getpwnam(ada))
    listed = {line.split(",")[0]: line.split(",")[2:5] for line in csv.text.splitlines()}
    assert listed[ada] == [engine.name, str(engine.socket), "running"], csv.text
    page = session.get(f"{HUB}/services/instructor/", timeout=60)
    assert all(name in page.text for name in NAMES)
    learner = servers["dl-bob"].get(f"{HUB}/services/instructor/progress.json", timeout=60)
    assert learner.status_code == 403 and "learners" not in learner.text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)  # the page's form
    reset = session.post(f"{HUB}/services/instructor/reset/dl-bob", data={"_xsrf": xsrf},
                         timeout=120)
    assert reset.status_code == 200 and "next server start" in reset.text, reset.text
    running = {e.name for e in engines.running_engines()}
    bob, ada = (engines.engine_for(pwd.getpwnam(n)).name for n in ("dl-bob", NAMES[0]))
    assert bob not in running and ada in running  # the others are not disturbed


def test_a_second_log_in_of_a_learner_gets_the_same_server(classroom, servers):
    zoe = NAMES[1]
    before = _api(servers[zoe], "GET", "user").json()["servers"][""]
    first = _server_environment(zoe)  # raises when no server runs as her
    again, reply = _login("Zoë", classroom["settings"]["code"])
    assert reply.status_code == 302
    after = _api(again, "GET", "user").json()["servers"][""]
    assert after["ready"] and after["started"] == before["started"]
    assert after["url"] == before["url"] == f"/user/{zoe}/"
    assert _server_environment(zoe)["DOCKER_HOST"] == first["DOCKER_HOST"]
    servers_running = [p for p in users.processes_of(pwd.getpwnam(zoe).pw_uid)
                       if b"jupyterhub-singleuser" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert len(servers_running) == 1


def _rows(page):
    """learner -> (engine status, statuses shown in the row's exercise cells)."""
    found = {}
    for name in NAMES:
        row = page.locator(f"#learner-{name}")
        titles = row.locator("td[title]").evaluate_all("cells => cells.map(c => c.title)")
        found[name] = (row.locator("td.engine").inner_text(),
                       {t.split(",")[0] for t in titles})
    return found


@pytest.fixture(scope="module")
def instructor_page(classroom, servers):
    """The instructor logged in through the hub's log-in page in Chromium, on the view."""
    zoe = NAMES[1]
    tried = _as(zoe, "from dockerlab import progress; progress.append(progress.make_record("
                "'00_welcome/first_container', 'incorrect', hints=1))", _server_environment(zoe))
    assert tried.returncode == 0, tried.stderr
    settings = classroom["settings"]
    with classroom_browser.chromium() as browser:
        page = classroom_browser.log_in(browser, HUB, settings["instructor"],
                                        settings["instructor_password"], VIEW)
        page.wait_for_url(f"**{VIEW}")
        yield browser, page


def test_the_instructor_s_view_in_chromium(classroom, instructor_page):
    browser, page = instructor_page
    classroom_browser.screenshot(page, "classroom-instructor")
    rows = _rows(page)
    ada, zoe, bob = rows["dl-ada-lovelace"], rows["dl-zoe"], rows["dl-bob"]
    assert ada[0] == zoe[0] == "running" and bob[0] == "no engine"  # bob's engine was reset
    assert "correct" in ada[1] and "incorrect" not in ada[1]
    assert "incorrect" in zoe[1] and "correct" not in zoe[1]
    assert bob[1] == {"not attempted"}
    assert page.locator("#learner-dl-zoe").inner_text().count("00_welcome/first_container")
    with page.expect_download() as download:
        page.click("text=download as CSV")
    assert download.value.suggested_filename == "classroom-progress.csv"
    csv = Path(download.value.path()).read_text().splitlines()
    header = csv[0].split(",")
    column = header.index("00_welcome/first_container status")
    shown = {line.split(",")[0]: line.split(",")[column] for line in csv[1:]}
    assert shown == {"dl-ada-lovelace": "correct", "dl-zoe": "incorrect",
                     "dl-bob": "not attempted"}
    learner = classroom_browser.log_in(browser, HUB, "bob", classroom["settings"]["code"],
                                       "/hub/home")
    refused = learner.goto(f"{HUB}{VIEW}")
    assert refused.status == 403 and "dl-ada-lovelace" not in learner.content()
    learner.context.close()


def _sleeper(name, env):
    return _as(name, "import docker; c = docker.from_env().containers.run('dockerlab/busybox:"
               "latest', ['sleep', '600'], detach=True, name='sleeper', labels={'dockerlab.test':"
               " 'classroom'}); print(c.status)", env)


def test_a_killed_engine_shows_down_and_one_click_brings_it_back(classroom, instructor_page):
    _, page = instructor_page
    ada, zoe = NAMES[0], NAMES[1]
    env = {name: _server_environment(name) for name in (ada, zoe)}
    assert _sleeper(ada, env[ada]).returncode == 0
    engine = engines.engine_for(pwd.getpwnam(zoe))
    os.kill(engine.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while engine.pid is not None:  # until it is gone (a zombie has no command line)
        assert time.monotonic() < deadline, "SIGKILL did not end zoe's dockerd"
        time.sleep(0.2)
    page.reload()
    assert _rows(page)[zoe][0] == "down" and _rows(page)[ada][0] == "running"
    unreachable = _as(zoe, "import os; from dockerlab.engine.transport import EngineAPIClient\n"
                      "try: EngineAPIClient(base_url=os.environ['DOCKER_HOST'], version='auto')\n"
                      "except Exception as e: print(e.paragraph())", env[zoe])
    assert "ask the instructor" in unreachable.stdout, unreachable  # her server's environment
    # the POST needs the page's XSRF token, as the hub's own forms do
    settings = classroom["settings"]
    session, _ = _login(settings["instructor"], settings["instructor_password"])
    assert session.get(f"{HUB}{VIEW}", timeout=60).status_code == 200
    forged = session.post(f"{HUB}{VIEW}restart/{zoe}", timeout=60)
    assert forged.status_code == 403 and engine.pid is None
    page.click(f"#learner-{zoe} button.restart")
    page.wait_for_load_state()
    hub_log = (STATE / "jupyterhub.log").read_text(errors="replace").splitlines()[-30:]
    assert page.locator("#done").count(), "\n".join([page.content()[-800:], engine.tail(),
                                                      *hub_log])
    assert "running again" in page.inner_text("#done")
    answered = _as(zoe, "import docker; print(docker.from_env().ping())", env[zoe])
    assert answered.returncode == 0 and "True" in answered.stdout, answered.stderr
    still = _as(ada, "import docker; c = docker.from_env().containers.get('sleeper'); "
                "print(c.status); c.remove(force=True)", env[ada])
    assert still.stdout.strip() == "running", still.stderr  # the others are not disturbed
    page.goto(f"{HUB}{VIEW}")
    assert _rows(page)[zoe][0] == "running"


def test_the_instructor_resets_one_exercise_for_one_learner(instructor_page):
    _, page = instructor_page
    zoe = NAMES[1]
    page.goto(f"{HUB}{VIEW}")
    page.select_option(f"#learner-{zoe} select[name=exercise]", "00_welcome/first_container")
    page.click(f"#learner-{zoe} button.reset-exercise")
    page.wait_for_selector("#done")
    page.click("text=back to the table")
    page.wait_for_selector(f"#learner-{zoe}")
    assert _rows(page)[zoe][1] == {"not attempted"}
    assert "correct" in _rows(page)[NAMES[0]][1]  # another learner's record untouched
    user = pwd.getpwnam(zoe)
    record = Path(user.pw_dir, ".local/state/dockerlab", f"progress-{zoe}.jsonl")
    assert record.stat().st_uid == user.pw_uid  # still hers
    last = json.loads(record.read_text().splitlines()[-1])
    assert last["reset"] is True and last["user"] == zoe


def test_shutdown_leaves_no_learner_engine_or_process(classroom, servers):
    uids = [pwd.getpwnam(name).pw_uid for name in NAMES]
    assert len(engines.running_engines()) == 2  # dl-bob's was reset by the instructor
    process = classroom["process"]
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=180)
    print(f"shutdown in {time.monotonic() - began:.1f} s")
    assert "stopped: 2 learner engines" in rest, rest
    assert "dl-zoe's engine classroom-" in rest  # progress echoed from the hub's log
    assert "dl-dave refused: the class is full" in rest
    assert process.returncode == 0
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:200]
            for uid in uids for pid in users.processes_of(uid)}
    assert left == {}, rest[-1500:]
    assert engines.running_engines() == []
    assert not any(p.name.startswith("classroom-") for p in RUN_BASE.glob("*"))
    dockerds = subprocess.run([*PGREP, "dockerd"], capture_output=True, text=True).stdout
    assert "classroom-" not in dockerds
    assert "jupyterhub" not in subprocess.run([*PGREP, "-f", "bin/jupyterhub"],  # a hub
                                              capture_output=True, text=True).stdout
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    assert not any(f"dlb-{uid}" in links for uid in uids)


# Run in a network namespace of its own (``unshare --net``): the classroom network's address
# (TEST-NET-1, on a bridge of its own) exists there alone, so nothing reaches any other host.
HTTPS_CHECK = r"""
import json, signal, ssl, subprocess, sys
from pathlib import Path
import requests
from dockerlab.classroom.run import fingerprint
address, port, state = "192.0.2.10", int(sys.argv[1]), Path(sys.argv[2])
for step in (["link", "set", "lo", "up"], ["link", "add", "dlcls0", "type", "bridge"],
             ["addr", "add", address + "/32", "dev", "dlcls0"], ["link", "set", "dlcls0", "up"]):
    subprocess.run(["ip", *step], check=True)
room = subprocess.Popen([sys.executable, "-m", "dockerlab", "classroom", "--learners", "1",
                         "--listen", address, "--port", str(port)], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
found = {"printed": ""}
try:
    for line in room.stdout:
        found["printed"] += line
        if "running; Ctrl-C" in line or room.poll() is not None:
            break
    served = state / "tls" / "served.pem"
    served.write_text(ssl.get_server_certificate((address, port)))
    found["served_fingerprint"] = fingerprint(served)
    page = requests.get(f"https://{address}:{port}/hub/login", timeout=30,
                        verify=str(state / "tls" / "ca.pem"))
    found["https"] = [page.status_code, "password" in page.text.lower()]
    try:
        requests.get(f"http://{address}:{port}/hub/login", timeout=30)
        found["plain_http"] = "answered"
    except requests.exceptions.ConnectionError:
        found["plain_http"] = "refused"
finally:
    room.send_signal(signal.SIGTERM)
    found["rest"], _ = room.communicate(timeout=180)
    found["code"] = room.returncode
print(json.dumps(found))
"""


def test_off_loopback_the_classroom_serves_https_only_with_the_printed_fingerprint():
    ran = subprocess.run(["unshare", "--net", sys.executable, "-c", HTTPS_CHECK,
                          str(PORT + 1), str(STATE)], capture_output=True, text=True,
                         timeout=400)
    assert ran.returncode == 0, ran.stderr[-2000:]
    found = json.loads(ran.stdout.splitlines()[-1])
    assert f"https://192.0.2.10:{PORT + 1}/" in found["printed"], found["printed"]
    assert f"SHA-256 fingerprint {found['served_fingerprint']}" in found["printed"]
    assert found["https"] == [200, True]  # verified against the kit's own authority
    assert found["plain_http"] == "refused"  # never plain HTTP off loopback
    assert "stopped:" in found["rest"] and found["code"] == 0
