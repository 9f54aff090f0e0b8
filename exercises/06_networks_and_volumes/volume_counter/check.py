"""A counter file in a named volume outlives the three containers that update it."""

from dockerlab.checker import expect

TITLE = "A counter that survives its containers"
FUNCTION = "count_three_times"
HINTS = [
    "`volume = lab.client.volumes.create(f'counter-{lab.session}')`, then mount it in each "
    "run with `volumes={volume.name: {'bind': '/data', 'mode': 'rw'}}` and `remove=True`.",
    "One shell line does the counting: "
    "`n=$(cat /data/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /data/count; "
    "echo $n` (run it with `['sh', '-c', ...]`); `int(output.decode())` reads the number.",
]


def check(lab, answer):
    expect(isinstance(answer, list) and len(answer) == 3,
           "Return a list with the three numbers the containers printed.")
    expect(answer == [1, 2, 3],
           f"The containers printed {answer}, not [1, 2, 3]: does each one read the count "
           "left by the one before, from the same volume?")
    expect(not lab.containers(),
           "Remove each container when it is done (remove=True): the point is that the "
           "count outlives them.")
    counts = []
    for volume in lab.volumes():
        output = lab.run("cat /data/count 2>/dev/null; true",
                         volumes={volume.name: {"bind": "/data", "mode": "ro"}})
        counts.append(output.strip())
    expect("3" in counts, "No volume of yours holds a file `count` containing 3: write the "
                          "number back to /data/count in each run.")
