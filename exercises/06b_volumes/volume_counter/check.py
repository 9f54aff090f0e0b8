"""A counter file in a named volume outlives the three containers that update it.

The check reads the engine's volume `mount` events (how many containers mounted the volume,
read-write, at /data), then the count left in the volume, then the numbers returned.
"""

from dockerlab.checker import expect
from dockerlab.engine.events import collect, event_filters

TITLE = "A counter that survives its containers"
FUNCTION = "count_three_times"
HINTS = [
    "A container's own files go with it when it is removed; a named volume is storage that "
    "the engine keeps apart, so the next container that mounts it finds what the last one "
    "wrote there.",
    "`volume = lab.client.volumes.create(f'counter-{lab.session}')`, then mount it in each "
    "of the three `containers.run(...)` calls with `volumes={volume.name: {'bind': '/data', "
    "'mode': 'rw'}}` and `remove=True`.",
    "One shell line does one count: `n=$(cat /data/count 2>/dev/null || echo 0); "
    "n=$((n + 1)); echo $n > /data/count; echo $n` (run it with `['sh', '-c', ...]`), once "
    "per container; `int(output.decode())` reads the number it printed.",
]


def _mounted_by(lab) -> dict:
    """Volume name -> the IDs of the containers that mounted it read-write at /data."""
    names = {volume.name for volume in lab.volumes()}
    mounted = {name: set() for name in names}
    for event in collect(lab.client, lab.started,
                         filters=event_filters(type="volume", action="mount")):
        attributes = event.attributes
        if (event.id in names and attributes.get("destination") == "/data"
                and attributes.get("read/write", "true") == "true"):
            mounted[event.id].add(attributes.get("container"))
    return mounted


def _count_in(lab, volume: str) -> str:
    return lab.run("cat /data/count 2>/dev/null; true",
                   volumes={volume: {"bind": "/data", "mode": "ro"}}).strip()


def check(lab, answer):
    expect(isinstance(answer, list) and len(answer) == 3,
           "Return a list with the three numbers the containers printed.")
    expect(not lab.containers(),
           "Remove each container when it is done (remove=True): the point is that the "
           "count outlives them.")
    mounted = _mounted_by(lab)
    expect(mounted, "You created no named volume: each container wrote /data/count in its "
                    "own writable layer, which goes with it. Create one and mount it at /data.")
    volume, users = max(mounted.items(), key=lambda item: len(item[1]))
    expect(len(users) >= 3,
           f"Only {len(users)} container(s) mounted the volume at /data: the point is three "
           "containers, one after the other, each counting once.")
    expect(_count_in(lab, volume) == "3",
           f"The volume {volume} does not hold a count of 3 in /data/count: each container "
           "must write the number back there, so the next one reads it (a counter kept in "
           "Python survives no container).")
    expect(answer == [1, 2, 3],
           f"The containers printed {answer}, not [1, 2, 3]: does each one read the count "
           "left by the one before, from the same volume?")
