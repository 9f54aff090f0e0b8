COUNT = "n=$(cat /data/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /data/count; echo $n"


def count_three_times(lab):
    """Keep a counter across containers with a named volume. Create a volume, then run
    three containers one after the other, each removed when it is done, each with the
    volume mounted at /data and the same shell command: read the number in /data/count
    (0 when the file does not exist yet), add one, write it back, print it.
    Return the three printed numbers as a list of ints."""
    volume = lab.client.volumes.create(f"counter-{lab.session}")
    numbers = []
    for _ in range(3):
        output = lab.client.containers.run(
            lab.base_image, ["sh", "-c", COUNT],
            volumes={volume.name: {"bind": "/data", "mode": "rw"}}, remove=True)
        numbers.append(int(output.decode()))
    return numbers
