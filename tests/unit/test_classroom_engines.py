"""Learners' engines starting side by side: what is reserved under the lock, what is not."""

import threading

import pytest

from dockerlab.classroom import engines
from dockerlab.errors import EngineSetupFailed


def test_a_port_another_starting_engine_has_is_not_handed_out_again():
    taken = {5000}
    probes = iter([5000, 5000, 5001])
    assert engines.pick_port(taken, probe=lambda: next(probes)) == 5001
    assert taken == {5000, 5001}


def test_no_free_port_is_said():
    with pytest.raises(EngineSetupFailed, match="No free TCP port"):
        engines.pick_port({5000}, probe=lambda: 5000, tries=3)


class FakeEngine:
    """Records what held the lock when; its start waits for ``together`` others."""

    def __init__(self, name, together=None):
        self.name, self.bridge, self.port, self.together = name, f"dlb-{name}", 0, together
        self.seen = {}

    def start(self):
        self.seen["locked while starting"] = engines._STARTING.locked()
        self.seen["port reserved while starting"] = self.port in engines._PORTS
        if self.together is not None:
            self.together.wait()  # every engine is inside start() at once, or this breaks
        return self


@pytest.fixture
def bridges(monkeypatch):
    made = []

    def create_bridge(name):
        assert engines._STARTING.locked()  # subnets are picked one engine at a time
        made.append(name)
        return name

    monkeypatch.setattr(engines, "create_bridge", create_bridge)
    monkeypatch.setattr(engines, "free_port", iter(range(6000, 7000)).__next__)
    return made


def test_the_lock_covers_the_reservation_only(bridges):
    engine = engines.start(FakeEngine("a"))
    assert bridges == ["dlb-a"]
    assert engine.seen == {"locked while starting": False,
                           "port reserved while starting": True}
    assert engine.port not in engines._PORTS  # released once its dockerd holds it


def test_engines_start_side_by_side_with_their_own_ports(bridges):
    together = threading.Barrier(3, timeout=60)  # a deadlock guard, not a timing
    fakes = [FakeEngine(name, together) for name in "abc"]
    threads = [threading.Thread(target=engines.start, args=(fake,)) for fake in fakes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not together.broken  # all three were in start() at the same time
    assert sorted(bridges) == ["dlb-a", "dlb-b", "dlb-c"]
    assert len({fake.port for fake in fakes}) == 3


def test_one_lock_per_engine():
    assert engines._lock_for("classroom-1001") is engines._lock_for("classroom-1001")
    assert engines._lock_for("classroom-1001") is not engines._lock_for("classroom-1002")


def test_the_csv_names_each_learner_s_engine():
    import csv
    import io

    from dockerlab.classroom import table

    columns, rows = table.build({"dl-ada": [], "dl-bob": []}, ["00_welcome/a"])
    rows[0].update(engine="running", engine_name="classroom-1001",
                   socket="/run/dockerlab/classroom-1001/docker.sock")
    rows[1].update(engine="no engine", engine_name="", socket="")
    header, ada, bob = list(csv.reader(io.StringIO(table.to_csv(columns, rows))))
    assert header[:5] == ["learner", "last activity (UTC)", "engine", "engine socket",
                          "engine status"]
    assert ada[2:5] == ["classroom-1001", "/run/dockerlab/classroom-1001/docker.sock",
                        "running"]
    assert bob[2:5] == ["", "", "no engine"]


def test_the_instructor_page_asks_the_engines_in_parallel(monkeypatch):
    import pwd

    from dockerlab.classroom import instructor
    me = pwd.getpwuid(0)
    asked = threading.Barrier(3, timeout=60)  # a deadlock guard, not a timing

    def status(user):
        asked.wait()  # three learners' engines asked at the same time, or this breaks
        return engines.RUNNING

    monkeypatch.setattr(instructor.pwd, "getpwnam", lambda name: me)
    monkeypatch.setattr(engines, "status", status)
    rows = instructor.with_engines([{"learner": n} for n in ("dl-a", "dl-b", "dl-c")])
    assert not asked.broken
    assert [row["engine"] for row in rows] == ["running"] * 3
    assert rows[0]["socket"] == f"/run/dockerlab/classroom-{me.pw_uid}/docker.sock"


def test_the_processes_of_a_learner_are_those_of_this_pid_namespace():
    import os
    from pathlib import Path

    from dockerlab.classroom import users

    assert users.in_my_pid_namespace(Path(f"/proc/{os.getpid()}"))
    assert not users.in_my_pid_namespace(Path("/proc/no-such-process"))
    assert os.getpid() in users.processes_of(os.getuid())


def test_every_learner_of_the_class_is_prepared_in_a_thread_of_their_own():
    from dockerlab.classroom import hubside

    assert hubside.preparing(10) is hubside.preparing(10)
    assert hubside.preparing(10)._max_workers == 11  # the default pool: CPUs + 4



def test_each_learner_s_server_gets_a_port_of_their_own_below_the_ephemeral_range():
    from dockerlab.classroom import hubside

    ports = {hubside.server_port(uid, is_free=lambda port: True) for uid in range(1000, 1011)}
    assert len(ports) == 11 and all(20000 <= port < 30000 for port in ports)
    low, high = (int(n) for n in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    assert not any(low <= port <= high for port in ports)  # where kernels' ZMQ ports land
    taken = hubside.server_port(1001, is_free=lambda port: True)
    assert hubside.server_port(1001, is_free=lambda port: port != taken) == taken + 1
    assert hubside.server_port(1001, is_free=lambda port: False) == 0  # JupyterHub's choice
    with __import__("socket").socket() as holder:
        holder.bind(("127.0.0.1", taken))
        assert hubside.server_port(1001) != taken
