"""Networks against the real engine: DNS on user-defined bridges, the default bridge, none,
two networks at once, published ports, the two-tier app, and the bad inputs."""

import pytest

from dockerlab import labels, networks
from dockerlab.errors import NetworkNotFound, PortTaken
from dockerlab.networks import apps, topology

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def town(module_lab):
    """Two user-defined networks and five containers spread over them (started once)."""
    lab = module_lab
    sfx = lab.session.rsplit("-", 1)[-1]
    front = networks.create_network(lab, f"front-{sfx}")
    back = networks.create_network(lab, f"back-{sfx}")
    made = {
        "web": networks.start(lab, "sleep 600", name=f"web-{sfx}", networks=front.name,
                              aliases=["www"]),
        "both": networks.start(lab, "sleep 600", name=f"both-{sfx}",
                               networks=[front.name, back.name]),
        "db": networks.start(lab, "sleep 600", name=f"db-{sfx}", networks=back.name),
        "plain": networks.start(lab, "sleep 600", name=f"plain-{sfx}"),
        "iso": networks.start(lab, "sleep 600", name=f"iso-{sfx}", networks="none"),
    }
    return lab, front, back, made


def test_networks_carry_the_session_labels(town):
    lab, front, back, _ = town
    for network in (front, back):
        network.reload()
        assert network.attrs["Labels"][labels.SESSION] == lab.session
    assert {n.name for n in lab.networks()} == {front.name, back.name}


def test_a_container_on_two_networks_has_two_interfaces_and_two_routes(town):
    lab, front, back, made = town
    both = made["both"]
    seen = networks.interfaces(lab, both)
    assert sorted(i.name for i in seen) == ["eth0", "eth1", "lo"]
    outside = networks.attachments(both)
    assert set(outside) == {front.name, back.name}
    inside_addresses = {a.split("/")[0] for i in seen for a in i.addresses}
    assert set(outside.values()) <= inside_addresses
    table = networks.routes(lab, both)
    assert sum(1 for r in table if r.destination == "default") == 1
    assert len([r for r in table if r.gateway is None]) == 2  # one subnet per network


def test_none_network_leaves_only_loopback(town):
    lab, _, _, made = town
    assert [i.name for i in networks.interfaces(lab, made["iso"])] == ["lo"]
    assert networks.routes(lab, made["iso"]) == []


def test_default_bridge_gives_an_address_and_a_default_route(town):
    lab, _, _, made = town
    assert list(networks.attachments(made["plain"])) == ["bridge"]
    table = networks.routes(lab, made["plain"])
    assert [r.destination for r in table][0] == "default"


def test_reachability_follows_shared_user_defined_networks(town):
    lab, _, _, made = town
    matrix = networks.reachability(lab, list(made.values()))
    name = {key: c.name for key, c in made.items()}
    assert matrix[(name["both"], name["web"])] == "name"
    assert matrix[(name["both"], name["db"])] == "name"
    assert matrix[(name["web"], name["both"])] == "name"
    assert matrix[(name["web"], name["db"])] == "-"      # different networks: isolated
    assert matrix[(name["plain"], name["web"])] == "-"   # default bridge is separate too
    for other in ("web", "both", "db", "plain"):
        assert matrix[(name["iso"], name[other])] == "-"
        assert matrix[(name[other], name["iso"])] == "-"


def test_an_alias_is_a_second_name_on_its_network(town):
    lab, _, _, made = town
    output = networks.inside(lab, made["both"], "ping -c 1 -W 1 www >/dev/null && echo ok")
    assert output.strip() == "ok"


def test_default_bridge_neighbours_reach_each_other_by_ip_only(module_lab):
    lab = module_lab
    first = networks.start(lab, "sleep 600")
    second = networks.start(lab, "sleep 600")
    matrix = networks.reachability(lab, [first, second])
    assert matrix[(first.name, second.name)] == "ip"
    assert matrix[(second.name, first.name)] == "ip"
    for container in (first, second):
        container.remove(force=True)


def test_attach_and_detach_change_what_the_container_sees(town):
    lab, front, back, made = town
    networks.attach(lab, made["db"], front.name)
    assert len(networks.interfaces(lab, made["db"])) == 3
    networks.detach(lab, made["db"], front.name)
    assert list(networks.attachments(made["db"])) == [back.name]


def test_an_unknown_network_is_refused_before_anything_is_created(lab):
    before = {c.id for c in lab.containers()}
    with pytest.raises(NetworkNotFound, match="no network called 'nowhere-") as caught:
        networks.start(lab, "sleep 1", networks=f"nowhere-{lab.session}")
    assert "create_network" in caught.value.advice
    assert {c.id for c in lab.containers()} == before
    with pytest.raises(NetworkNotFound):
        networks.attach(lab, networks.start(lab, "sleep 60"), "nowhere-at-all-xyz")


def test_a_published_page_is_fetched_from_the_host_on_loopback(lab):
    web = apps.serve(lab, "<p>from the container</p>", port=0)
    bound = apps.published(web)["80/tcp"]
    assert len(bound) == 1 and bound[0].startswith("127.0.0.1:")
    assert apps.fetch(apps.host_url(web)) == "<p>from the container</p>"


def test_a_taken_port_gives_one_clear_error_and_leaks_nothing(lab):
    first = apps.serve(lab, "first", port=0)
    port = int(apps.published(first)["80/tcp"][0].rsplit(":", 1)[1])
    name = f"second-{lab.session}"
    with pytest.raises(PortTaken, match=f"host port 127.0.0.1:{port} is already taken by "
                                        f"container {first.name}") as caught:
        apps.serve(lab, "second", port=port, name=name)
    assert "free_port()" in caught.value.advice
    assert [c.name for c in lab.containers()] == [first.name]
    assert apps.fetch(apps.host_url(first)) == "first"


def test_a_port_held_by_a_host_program_is_reported_too(lab):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortTaken, match=f"{port} is already taken by another program"):
            apps.serve(lab, "x", port=port)
    assert lab.containers() == []


def test_the_two_tier_app_reaches_its_web_tier_by_service_name(lab):
    app = apps.deploy_two_tier(lab, page="<h1>Soup of the day</h1>")
    assert app.client_fetch() == "<h1>Soup of the day</h1>"
    assert app.host_fetch() == "<h1>Soup of the day</h1>"
    topo = topology.topology(lab)
    web = next(node for node in topo.containers if node.name == app.web.name)
    assert list(web.networks) == [app.network.name]
    assert web.ports["80/tcp"][0].startswith("127.0.0.1:")
    figure = topology.draw_topology(topo)
    assert any(app.network.name in t.get_text() for t in figure.axes[0].texts)
    import matplotlib.pyplot as plt

    plt.close(figure)


def test_cleanup_removes_the_networks_and_their_containers(engine_location):
    from dockerlab import Lab

    lab = Lab("test-network-cleanup", engine=engine_location, base_images=False)
    net = networks.create_network(lab, f"tmp-{lab.session}")
    networks.start(lab, "sleep 600", networks=net.name)
    report = lab.cleanup()
    assert net.name in report.removed["networks"]
    assert lab.networks() == [] and lab.containers() == []
