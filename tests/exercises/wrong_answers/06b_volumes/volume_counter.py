"""Wrong answers to 06b_volumes/volume_counter, as learners write them."""

COUNT = "n=$(cat /data/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /data/count; echo $n"


def _volume(lab):
    volume = lab.client.volumes.create(f"counter-{lab.session}")
    return {volume.name: {"bind": "/data", "mode": "rw"}}


def no_volume(lab):
    """No volume: each container counts in its own writable layer."""
    command = ["sh", "-c", f"mkdir -p /data; {COUNT}"]
    return [int(lab.client.containers.run(lab.base_image, command, remove=True).decode())
            for _ in range(3)]


def one_container(lab):
    """One container counts three times: nothing had to outlive a container."""
    command = ["sh", "-c", f"for i in 1 2 3; do {COUNT}; done"]
    output = lab.client.containers.run(lab.base_image, command, volumes=_volume(lab),
                                       remove=True)
    return [int(line) for line in output.decode().split()]


def counted_in_python(lab):
    """Three containers with the volume, but the number comes from Python's loop."""
    volumes = _volume(lab)
    return [int(lab.client.containers.run(lab.base_image, ["sh", "-c", f"echo {i}"],
                                          volumes=volumes, remove=True).decode())
            for i in (1, 2, 3)]


def containers_kept(lab):
    """remove=True forgotten: the three containers stay."""
    volumes = _volume(lab)
    return [int(lab.client.containers.run(lab.base_image, ["sh", "-c", COUNT],
                                          volumes=volumes).decode()) for _ in range(3)]


MISTAKES = {
    "no_volume": r"no named volume",
    "one_container": r"Only 1 container",
    "counted_in_python": r"does not hold a count of 3",
    "containers_kept": r"remove=True",
}
