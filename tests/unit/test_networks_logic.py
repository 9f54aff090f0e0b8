"""Pure logic of dockerlab.networks, apps and topology: parsers, error mapping, pictures."""

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from dockerlab import apps, networks, topology
from dockerlab.errors import DockerLabError

IP_ADDR = """\
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
31: eth0@if32: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue
    link/ether 02:42:ac:11:00:03 brd ff:ff:ff:ff:ff:ff
    inet 172.17.0.3/16 brd 172.17.255.255 scope global eth0
       valid_lft forever preferred_lft forever
35: eth1@if36: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue
    inet 172.25.0.3/16 brd 172.25.255.255 scope global eth1
    inet6 fe80::42:acff:fe19:3/64 scope link
"""

IP_ROUTE = """\
default via 172.26.0.1 dev eth0
172.25.0.0/16 dev eth1 scope link  src 172.25.0.3
172.26.0.0/16 dev eth0 scope link  src 172.26.0.2
"""


def test_ip_addr_is_parsed_into_interfaces_with_their_addresses():
    found = networks.parse_ip_addr(IP_ADDR)
    assert [i.name for i in found] == ["lo", "eth0", "eth1"]
    assert found[1].addresses == ["172.17.0.3/16"]
    assert found[2].addresses == ["172.25.0.3/16", "fe80::42:acff:fe19:3/64"]
    assert str(found[0]) == "lo: 127.0.0.1/8"


def test_one_line_ip_addr_output_is_parsed_too():
    text = ("1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n"
            "50: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0\\   x\n")
    assert [(i.name, i.addresses) for i in networks.parse_ip_addr(text)] == \
        [("lo", ["127.0.0.1/8"]), ("eth0", ["172.17.0.2/16"])]


def test_routes_keep_destination_device_and_gateway():
    found = networks.parse_ip_route(IP_ROUTE)
    assert [(r.destination, r.device, r.gateway) for r in found] == [
        ("default", "eth0", "172.26.0.1"), ("172.25.0.0/16", "eth1", None),
        ("172.26.0.0/16", "eth0", None)]
    assert str(found[0]) == "default via 172.26.0.1 dev eth0"
    assert networks.parse_ip_route("") == []


@pytest.mark.parametrize("message, expected", [
    ("driver failed programming external connectivity on endpoint w2 (abc): Bind for "
     "127.0.0.1:49551 failed: port is already allocated", ("127.0.0.1", 49551)),
    ("Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use",
     ("127.0.0.1", 8080)),
    ("network nope not found", None),
])
def test_port_taken_messages_are_recognised(message, expected):
    assert networks.port_taken(message) == expected


def test_probe_script_tries_the_name_first_then_each_address():
    script = networks.probe_script({"web": ["172.20.0.2", "172.21.0.2"], "iso": []})
    assert "if p web; then echo 'web name'; elif p 172.20.0.2 || p 172.21.0.2; then" in script
    assert "elif false; then echo 'iso ip'" in script
    assert script.rstrip().endswith("wait")


def test_probe_output_is_parsed_and_noise_ignored():
    output = "web name\nping: bad address 'x'\niso -\nother ip\n"
    assert networks.parse_probe(output) == {"web": "name", "iso": "-", "other": "ip"}


def _matrix():
    cells = {("a", "b"): "name", ("b", "a"): "ip", ("a", "c"): "-", ("c", "a"): "-",
             ("b", "c"): "-", ("c", "b"): "-"}
    return networks.Reachability(["a", "b", "c"], cells)


def test_reachability_table_has_a_row_per_source():
    matrix = _matrix()
    rows = matrix.table().splitlines()
    assert rows[0].split() == ["from", "\\", "to", "a", "b", "c"]
    assert rows[1].split() == ["a", "name", "-"]
    assert matrix.reaches("a", "b") and matrix.reaches("b", "a") and not matrix.reaches("c", "a")


def test_reachability_picture_is_a_figure_with_one_cell_per_pair():
    figure = networks.draw_reachability(_matrix())
    assert isinstance(figure, Figure)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts.count("by name") == 1 and texts.count("by IP only") == 1 and \
        texts.count("no") == 4
    plt.close(figure)


def _container(name, nets, ports=None, status="running"):
    return {"Name": "/" + name, "State": {"Status": status},
            "NetworkSettings": {"Networks": {n: {"IPAddress": ip} for n, ip in nets.items()},
                                "Ports": ports or {}}}


def test_topology_is_read_from_inspect_data():
    topo = topology.topology_of(
        [_container("web", {"app": "172.20.0.2"},
                    {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}], "443/tcp": None}),
         _container("iso", {"none": ""}, status="exited")],
        [{"Name": "app", "Driver": "bridge"}])
    assert [n.name for n in topo.containers] == ["iso", "web"]
    assert topo.networks == {"app": "bridge", "none": ""}
    assert topo.containers[1].ports == {"80/tcp": ["127.0.0.1:8080"]}
    assert topo.summary().splitlines() == [
        "iso [exited] on none", "web [running] on app, publishes 127.0.0.1:8080 -> 80/tcp"]


def test_topology_picture_shows_every_container_network_and_port():
    topo = topology.topology_of(
        [_container("web", {"app": "172.20.0.2"},
                    {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}),
         _container("both", {"app": "172.20.0.3", "db": "172.21.0.3"})],
        [{"Name": "app", "Driver": "bridge"}, {"Name": "db", "Driver": "bridge"}])
    figure = topology.draw_topology(topo)
    text = "\n".join(t.get_text() for t in figure.axes[0].texts)
    for expected in ("web", "both", "network app", "network db", "172.21.0.3",
                     "127.0.0.1:8080 -> 80/tcp"):
        assert expected in text
    assert len(figure.axes[0].lines) == 3  # one line per attachment
    plt.close(figure)


def test_fetch_refuses_anything_but_loopback():
    with pytest.raises(DockerLabError, match="only fetches from 127.0.0.1"):
        apps.fetch("http://example.com/")


def test_free_port_is_bindable_on_loopback():
    import socket

    port = apps.free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))
    assert 0 < port < 65536


def test_the_web_command_writes_the_page_only_when_one_is_given():
    assert apps.page_command(None) == f"exec {apps.HTTPD}"
    assert apps.page_command("<p>x</p>").startswith('printf "%s" "$PAGE" > /var/www/index.html')


def _fake_lab(message, holders=()):
    from types import SimpleNamespace

    from dockerlab.errors import ContainerError

    containers = SimpleNamespace(list=lambda filters: [SimpleNamespace(name=n) for n in holders])
    return SimpleNamespace(explain=lambda error: ContainerError(message),
                           client=SimpleNamespace(containers=containers))


def test_a_start_failure_on_a_taken_port_names_the_holder():
    from dockerlab.errors import PortTaken

    lab = _fake_lab("Bind for 127.0.0.1:8080 failed: port is already allocated", ["web-1"])
    error = networks._start_failed(lab, Exception(), "web-2")
    assert isinstance(error, PortTaken)
    assert "host port 127.0.0.1:8080 is already taken by container web-1" in error.message
    assert "was removed" in error.message


def test_a_missing_docker0_is_explained():
    lab = _fake_lab("failed to create endpoint x on network bridge: adding interface veth1 to "
                    "bridge docker0 failed: could not find bridge docker0: route ip+net: no "
                    "such network interface")
    error = networks._start_failed(lab, Exception(), "x")
    assert "docker0 is gone" in error.message and "Restart the engine" in error.advice


def test_other_start_failures_keep_the_engines_words():
    lab = _fake_lab("The engine refused the request: something else.")
    assert networks._start_failed(lab, Exception(), "x").message == \
        "The engine refused the request: something else."


def test_fetch_goes_straight_to_loopback_even_with_a_proxy_configured(monkeypatch):
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"served locally")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens on port 9
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    try:
        assert apps.fetch(f"http://127.0.0.1:{server.server_port}/", attempts=1) == \
            "served locally"
    finally:
        server.shutdown()
        server.server_close()
