"""What does a classroom of N learners at once cost against one learner alone?

A classroom (``dockerlab classroom``: JupyterHub, one system user and one private engine per
learner) is started for N + 1 learners. Each learner's workload, all of it over HTTP through
the hub and the learner's own Jupyter server (never a local kernel):

- log in with the workshop code (the hub's login form), start their server (their user,
  notebooks, engine and base images are made then: the first start is the expensive part);
- start a kernel through the server's REST API and execute every code cell of
  ``00_welcome.ipynb`` over the kernel's websocket (cells tagged ``raises-exception`` must
  raise, no other may);
- the two exercise checks of notebook 00 (their solutions, ``ex.check(...)``) in that kernel;
- leave a labelled volume and a created container named after themselves.

Baseline: one learner alone doing it. Then N other learners at once (threads). Printed: per
learner success, whether any learner's engine lists another's objects (asked from their own
kernel, as them), the wall time of N against 1 (the ratio), and the memory per learner (PSS
and RSS of their processes: Jupyter server, kernel, their dockerd and its containerd), and the
CPU-seconds a learner costs by kind of process, with the floor they set: N learners' CPU over
the machine's CPUs, the shortest "at once" any scheduling could reach. Nothing is asserted.
Needs root and dockerd: run it in a lane, e.g.
``ci/lane debian13 -- .venv/bin/python benchmarks/bench_classroom.py --learners 10``.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import websocket
from classroom_costs import cpu_by_kind, cpu_floor, cpu_line, cpu_spent, memory

from dockerlab.host import free_port

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_welcome.ipynb"
STATE = Path("/var/lib/dockerlab/classroom")
CHECKS = [("first_container", "ex", "run_first_container"),
          ("stop_a_container", "ex2", "stop_a_container")]
LOCK = threading.Lock()
BEGAN = time.monotonic()


def say(text: str) -> None:
    with LOCK:
        print(f"[{time.monotonic() - BEGAN:7.1f} s] {text}", flush=True)


# --- the classroom -------------------------------------------------------------------------

def remove_learners() -> None:
    subprocess.run([sys.executable, "-m", "dockerlab", "classroom", "--remove-learners"],
                   capture_output=True, text=True, timeout=600)


def start_classroom(learners: int, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "dockerlab", "classroom", "--learners",
                                str(learners), "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        say(line.rstrip())
        if "running; Ctrl-C" in line:
            break
    if process.poll() is not None:
        raise SystemExit("the classroom did not start")
    threading.Thread(target=_echo, args=(process,), daemon=True).start()
    return process


def _echo(process: subprocess.Popen) -> None:
    for line in process.stdout:  # the hub's progress lines (engines starting, images building)
        say(line.rstrip())


# --- one learner, over HTTP ----------------------------------------------------------------

class Learner:
    def __init__(self, hub: str, typed: str, code: str):
        self.hub, self.typed, self.code = hub, typed, code
        self.session = requests.Session()
        self.name = None
        self.times: dict[str, float] = {}
        self.errors: list[str] = []
        self.checks: dict[str, str] = {}
        self.kernel = None
        self.ws = None

    def api(self, method, path, **kwargs):
        tokens = [c.value for c in self.session.cookies if c.name == "_xsrf"]
        headers = {"X-XSRFToken": tokens[-1] if tokens else ""}
        return self.session.request(method, f"{self.hub}/hub/api/{path}", headers=headers,
                                    timeout=300, **kwargs)

    def log_in(self) -> None:
        self.session.get(f"{self.hub}/hub/login", timeout=120)
        reply = self.session.post(f"{self.hub}/hub/login?next=", allow_redirects=False,
                                  data={"username": self.typed, "password": self.code,
                                        "_xsrf": self.session.cookies.get("_xsrf")},
                                  timeout=300)
        if reply.status_code != 302:
            raise RuntimeError(f"log-in refused: {reply.status_code}")
        self.session.get(f"{self.hub}/hub/home", timeout=120)
        self.name = self.api("GET", "user").json()["name"]

    def start_server(self, timeout: float = 900) -> None:
        started = self.api("POST", f"users/{self.name}/server", json={})
        if started.status_code not in (201, 202):
            raise RuntimeError(f"server start refused: {started.text[-300:]}")
        deadline = time.monotonic() + timeout
        while not self.api("GET", "user").json()["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not become ready")
            time.sleep(1)
        token = self.api("POST", f"users/{self.name}/tokens",
                         json={"note": "bench_classroom", "expires_in": 3600})
        if token.status_code not in (200, 201):
            raise RuntimeError(f"no API token: {token.text[-300:]}")
        self.session.headers["Authorization"] = f"token {token.json()['token']}"

    def start_kernel(self) -> None:
        base = f"{self.hub}/user/{self.name}/api"
        made = self.session.post(f"{base}/kernels", json={"name": "python3"}, timeout=300)
        if made.status_code != 201:
            raise RuntimeError(f"kernel start refused: {made.status_code} {made.text[-300:]}")
        self.kernel = made.json()["id"]
        ws_url = base.replace("http", "ws", 1) + f"/kernels/{self.kernel}/channels"
        self.ws = websocket.create_connection(
            ws_url, timeout=600,
            header=[f"Authorization: {self.session.headers['Authorization']}"])

    def execute(self, code: str) -> tuple[str, str | None]:
        """Execute ``code`` in the learner's kernel: (its output, the error's name or None)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.name, "session": self.kernel,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False,
                        "stop_on_error": False}}))
        output, error, replied, idle = [], None, False, False
        while not (replied and idle):
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                output.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                output.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                error = content["ename"]
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return "".join(output), error

    def run_notebook(self) -> None:
        cells = json.loads(NOTEBOOK.read_text())["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            expected = "raises-exception" in cell.get("metadata", {}).get("tags", [])
            _, error = self.execute("".join(cell["source"]))
            if bool(error) != expected:
                self.errors.append(f"cell {number}: " + (error or "did not raise"))

    def run_checks(self) -> None:
        for exercise, variable, function in CHECKS:
            solution = (ROOT / "exercises" / "00_welcome" / exercise / "solution.py").read_text()
            out, error = self.execute(f"{solution}\nprint('STATUS', {variable}.check("
                                      f"{function}).status.value)")
            status = out.rsplit("STATUS ", 1)[-1].strip() if "STATUS " in out else error
            self.checks[exercise] = status
            if status != "correct":
                self.errors.append(f"check {exercise}: {status}")

    def leave_marks(self) -> None:
        _, error = self.execute(
            "_bench = {'dockerlab.bench': 'classroom'}\n"
            f"lab.client.volumes.create('bench-mark-{self.name}', labels=_bench)\n"
            f"lab.client.containers.create(lab.base_image, 'true', name='bench-mark-"
            f"{self.name}', labels=_bench)")
        if error:
            self.errors.append(f"marks: {error}")

    def seen(self) -> dict:
        """The bench marks this learner's own engine lists (containers, volumes), as them."""
        out, error = self.execute(
            "import json\nprint('SEEN', json.dumps({"
            "'containers': sorted(c.name for c in lab.client.containers.list(all=True)), "
            "'volumes': sorted(v.name for v in lab.client.volumes.list())}))")
        if error or "SEEN " not in out:
            return {"error": error or out[-200:]}
        return json.loads(out.rsplit("SEEN ", 1)[1])

    def workload(self) -> Learner:
        began = time.monotonic()
        steps = [("log in", self.log_in), ("server ready", self.start_server),
                 ("kernel", self.start_kernel), ("notebook 00", self.run_notebook),
                 ("2 checks", self.run_checks), ("marks", self.leave_marks)]
        for label, step in steps:
            start = time.monotonic()
            try:
                step()
            except Exception as failure:  # noqa: BLE001 - reported, the others go on
                self.errors.append(f"{label}: {type(failure).__name__}: {failure}")
                break
            self.times[label] = time.monotonic() - start
            say(f"{self.name or self.typed}: {label} in {self.times[label]:.1f} s")
        self.times["total"] = time.monotonic() - began
        say(f"{self.name or self.typed}: done in {self.times['total']:.1f} s, "
            f"{'ok' if not self.errors else 'FAILED: ' + '; '.join(self.errors)}")
        return self

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.kernel:
            self.session.delete(f"{self.hub}/user/{self.name}/api/kernels/{self.kernel}",
                                timeout=60)


# --- measuring ---------------------------------------------------------------------------

def isolation(learners: list[Learner]) -> dict[str, bool]:
    """Per learner: whether their engine lists their own marks and no one else's."""
    found = {}
    for learner in learners:
        if learner.kernel is None:
            found[learner.typed] = False
            continue
        seen = learner.seen()
        marks = {n for kind in ("containers", "volumes") for n in seen.get(kind, [])
                 if n.startswith("bench-mark-")}
        found[learner.name] = marks == {f"bench-mark-{learner.name}"}
        if not found[learner.name]:
            say(f"{learner.name} sees {sorted(marks) or seen}")
    return found


def report(solo: Learner, crowd: list[Learner], wall: float) -> None:
    everyone = [solo, *crowd]
    print(f"\n{'learner':16} {'ok':>3} {'login':>6} {'server':>7} {'kernel':>7} "
          f"{'nb 00':>6} {'checks':>7} {'total':>7} {'PSS MiB':>8} {'RSS MiB':>8}")
    for who in everyone:
        t = who.times
        pss, rss = memory(who.name) if who.name else (0, 0)
        cols = [f"{t[k]:6.1f}" if k in t else "     -" for k in
                ("log in", "server ready", "kernel", "notebook 00", "2 checks", "total")]
        print(f"{who.name or who.typed:16} {'yes' if not who.errors else 'NO':>3} "
              + " ".join(cols) + f" {pss:8.0f} {rss:8.0f}")
    seen = isolation(everyone)
    ok = sum(not who.errors for who in crowd)
    print(f"\n{len(crowd)} at once: {ok}/{len(crowd)} succeeded; baseline (1 alone): "
          f"{'succeeded' if not solo.errors else 'FAILED'}")
    print(f"isolation: {sum(seen.values())}/{len(seen)} learners see only their own objects "
          f"{'' if all(seen.values()) else '(NOT isolated: ' + str(seen) + ')'}")
    print(f"wall time: 1 learner alone {solo.times['total']:.1f} s (baseline), {len(crowd)} "
          f"at once {wall:.1f} s, ratio {wall / solo.times['total']:.2f}x (target <= 3x)")
    for label in ("server ready", "notebook 00", "2 checks"):
        values = [who.times[label] for who in crowd if label in who.times]
        if values and label in solo.times:
            print(f"  {label}: alone {solo.times[label]:.1f} s, at once median "
                  f"{sorted(values)[len(values) // 2]:.1f} s, slowest {max(values):.1f} s")
    mems = [memory(who.name) for who in crowd if who.name]
    if mems:
        print(f"memory per learner (server, kernel, dockerd, containerd; idle kernel after the "
              f"workload): PSS mean {sum(m[0] for m in mems) / len(mems):.0f} MiB, max "
              f"{max(m[0] for m in mems):.0f} MiB; RSS mean "
              f"{sum(m[1] for m in mems) / len(mems):.0f} MiB")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10, help="learners at once")
    parser.add_argument("--keep", action="store_true", help="keep the learners afterwards")
    args = parser.parse_args(argv)
    port = free_port()
    hub = f"http://127.0.0.1:{port}"
    say("removing any earlier classroom learners")
    remove_learners()
    process = start_classroom(args.learners + 1, port)
    everyone = []
    try:
        code = json.loads((STATE / "settings.json").read_text())["code"]
        say("baseline: one learner alone")
        before = cpu_by_kind()
        solo = Learner(hub, "solo", code).workload()
        solo_cpu = cpu_spent(before, 1)
        everyone.append(solo)
        say(f"{args.learners} learners at once")
        crowd = [Learner(hub, f"learner{i:02d}", code) for i in range(args.learners)]
        everyone += crowd
        began, before = time.monotonic(), cpu_by_kind()
        with ThreadPoolExecutor(args.learners) as pool:
            list(pool.map(Learner.workload, crowd))
        wall = time.monotonic() - began
        report(solo, crowd, wall)
        crowd_cpu = cpu_spent(before, args.learners)
        print(f"CPU, alone: {cpu_line(solo_cpu)}\nCPU, {args.learners} at once: "
              f"{cpu_line(crowd_cpu)}\n"
              f"{cpu_floor(crowd_cpu, args.learners, solo.times['total'])}")
    finally:
        for who in everyone:
            try:
                who.close()
            except Exception:  # noqa: BLE001 - the class stops anyway
                pass
        say("stopping the classroom")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=300)
        if not args.keep:
            say("removing the learners")
            remove_learners()
    return 0


if __name__ == "__main__":
    sys.exit(main())
