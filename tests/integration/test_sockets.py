"""A session's cleanup leaves no connection to the engine open.

Every docker-py client is a requests session with pools of sockets; a notebook kernel opens
a session per notebook, a test run one per test. What a session opened (its client's
pooled connections, the event and log streams it left open) is closed by ``lab.cleanup()``,
or a kernel kept open through several notebooks, or a test run, runs out of file
descriptors (``OSError: [Errno 24] Too many open files`` with the usual limit of 1024).
The count is the process's own: its descriptors that are sockets, before and after.
"""

from __future__ import annotations

import gc
import os
import threading
import time

from dockerlab import Lab, labels, networks, volumes
from dockerlab.engine.events import EventStream, collect, event_filters
from dockerlab.engine.locate import client_for


def open_sockets() -> int:
    """How many of this process's file descriptors are sockets."""
    gc.collect()  # what is only unreachable is not what a session holds
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:
            pass  # the listing's own descriptor, closed meanwhile
    return count


def typical_work(lab) -> threading.Thread:
    """What a notebook does: run, start, logs, events, a network, a volume. Returns the
    thread still reading a live event stream, which is left open, as a learner would."""
    since = time.time()
    assert lab.run("echo hi") == "hi\n"
    container = lab.start("echo started; sleep 60")
    network = networks.create_network(lab, f"net-{lab.session}")
    networks.attach(lab, container, network.name)
    volume = volumes.create_volume(lab, f"vol-{lab.session}")
    lab.run("echo kept > /data/file", mounts=[volumes.named(volume.name, "/data")])
    assert b"started" in b"".join(container.logs(stream=True, follow=False))
    container.logs(stream=True, follow=True)  # a follow stream nobody closes
    mine = event_filters(type="container", label=f"{labels.SESSION}={lab.session}")
    assert "start" in [event.verb for event in collect(lab.client, since, filters=mine)]
    with EventStream(lab.client, mine) as stream:
        assert stream.filters == mine
    live = EventStream(lab.client, mine)  # never closed by the learner
    reader = threading.Thread(target=lambda: list(live), daemon=True)
    reader.start()
    return reader


def test_cleanup_closes_every_socket_the_session_opened(engine_location):
    before = open_sockets()
    lab = Lab("test-sockets", engine=engine_location)
    reader = typical_work(lab)
    assert open_sockets() > before  # the work did hold connections to the engine
    lab.cleanup()
    reader.join(timeout=10)
    assert not reader.is_alive(), "cleanup ends the event stream its session left open"
    assert open_sockets() <= before


def test_sessions_one_after_another_do_not_add_up(engine_location):
    before = open_sockets()
    for _ in range(3):
        lab = Lab("test-sockets-many", engine=engine_location)
        typical_work(lab)
        lab.cleanup()
        assert open_sockets() <= before


def test_a_session_still_works_after_cleanup_and_closes_again(engine_location):
    before = open_sockets()
    lab = Lab("test-sockets-again", engine=engine_location)
    lab.run("true")
    lab.cleanup()
    assert lab.run("echo again") == "again\n"  # the client reconnects by itself
    assert lab.containers() == []
    lab.cleanup()
    assert open_sockets() <= before


def test_requests_one_after_another_share_one_connection(engine_location):
    before = open_sockets()
    client = client_for(engine_location.url, engine_location.tls)
    try:
        client.version()
        paths = [client.api.info, client.api.containers, client.api.images,
                 client.api.networks, client.api.volumes, client.api.df, client.ping]
        for ask in paths * 3:  # seven endpoints, each its own URL
            ask()
        assert open_sockets() <= before + 1
    finally:
        client.close()
    assert open_sockets() <= before
