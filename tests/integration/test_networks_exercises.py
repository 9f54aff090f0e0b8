"""The 06 exercise checks refuse plausible wrong answers (the generic test covers the starter
and the solution)."""

import pytest

from dockerlab.checker import Exercise, Status

pytestmark = pytest.mark.engine


def by_ip_on_the_default_bridge(lab):
    """Reaches the server, but by address on the default bridge: no name involved."""
    server = lab.client.containers.run(lab.base_image, ["httpd", "-f", "-p", "80", "-h",
                                                        "/var/www"], detach=True)
    server.reload()
    address = server.attrs["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]
    fetch = (f"for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://{address}/ && exit 0; "
             "sleep 0.2; done; exit 1")
    client = lab.client.containers.run(lab.base_image, ["sh", "-c", fetch], detach=True)
    client.wait()
    return client


def counter_in_the_container_layer(lab):
    """Counts inside one kept container: right numbers, but no volume and no removal."""
    box = lab.client.containers.run(lab.base_image, ["sleep", "600"], detach=True)
    count = "n=$(cat /count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /count; echo $n"
    return [int(box.exec_run(["sh", "-c", count]).output) for _ in range(3)]


@pytest.mark.parametrize("exercise_id, function, expected_hint", [
    ("06_networks/reach_by_name", by_ip_on_the_default_bridge,
     "not on a network of your own"),
    ("06b_volumes/volume_counter", counter_in_the_container_layer, "remove=True"),
])
def test_a_plausible_wrong_answer_is_refused_with_a_hint(module_lab, exercise_id, function,
                                                          expected_hint):
    result = Exercise.load(exercise_id, module_lab).check(function)
    assert result.status is Status.INCORRECT, result
    assert expected_hint in result.message
