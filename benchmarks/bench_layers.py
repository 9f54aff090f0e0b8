"""How fast is the layer reader, compared with just streaming the same ``docker save``?

Builds its own large image offline (FROM the kit's busybox: nothing is pulled), about 340 MB
over 6 layers with ~30,000 files, some of them deleted by a later layer; then, in one run:

* baseline: stream ``client.api.get_image(name)`` to /dev/null (what ``docker save`` costs);
* analysis: :func:`dockerlab.images.layers.read_image` on the same image (one streamed pass: every
  layer's headers indexed, every byte hashed, then stacked: merged view, waste, efficiency).

Each is run ``--rounds`` times alternately and the best time of each is kept. It prints the
ratio analysis / baseline (the goal is <= 1.5x) and the peak resident memory of the process.
The image is removed at the end (the session's cleanup). Not part of the test suite::

    .venv/bin/python benchmarks/bench_layers.py [--rounds 2] [--keep]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from dockerlab import Lab
from dockerlab.images.builder import build
from dockerlab.images.layers import human_size, read_image

TAG = "dockerlab/bench-layers:latest"
# awk writes many small files fast (busybox has no `split`)
MANY = "awk 'BEGIN{{for(i=0;i<{n};i++){{f=\"{dir}/f\" i; printf \"%{size}s\", \"\" > f; close(f)}}}}'"
DOCKERFILE = f"""\
FROM dockerlab/busybox
RUN mkdir /big && dd if=/dev/urandom of=/big/one bs=1M count=100 2>/dev/null
RUN mkdir /small && {MANY.format(n=20000, dir="/small", size=4000)}
RUN mkdir /more && {MANY.format(n=10000, dir="/more", size=2000)} && \\
    dd if=/dev/urandom of=/big/two bs=1M count=90 2>/dev/null
RUN rm /big/one && rm -f /small/f1* && dd if=/dev/urandom of=/big/three bs=1M count=40 2>/dev/null
RUN dd if=/dev/urandom of=/big/four bs=1M count=30 2>/dev/null && rm -rf /more
CMD ["ls", "/big"]
"""


def stream_to_devnull(client, name: str) -> int:
    """The baseline: ``docker save NAME > /dev/null``, through the same SDK call."""
    count = 0
    with open("/dev/null", "wb") as sink:
        for chunk in client.api.get_image(name, chunk_size=1 << 20):
            sink.write(chunk)
            count += len(chunk)
    return count


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the image afterwards")
    options = parser.parse_args(argv)
    lab = Lab("bench_layers")
    try:
        print("building the benchmark image (offline, FROM dockerlab/busybox)...", flush=True)
        seconds, result = timed(lambda: build(lab, DOCKERFILE, network_mode="none"))
        print(f"  built in {seconds:.0f} s ({result.ran_count} steps ran, "
              f"{result.cached_count} cached)")
        image_id = result.image_id
        rss_before = peak_rss_mb()
        baselines, analyses, image, size = [], [], None, 0
        for _ in range(options.rounds):
            seconds, size = timed(stream_to_devnull, lab.client, image_id)
            baselines.append(seconds)
            seconds, image = timed(read_image, lab.client, image_id)
            analyses.append(seconds)
        files = sum(len(layer.entries) for layer in image.layers)
        waste = image.waste()
        print(f"image: {len(image.layers)} layers, {human_size(image.size)} of files, "
              f"{files} file headers, save stream {human_size(size)}")
        print(f"waste: {human_size(waste.wasted_bytes)} in {len(waste.files)} copies, "
              f"efficiency {image.efficiency:.1%}")
        best_base, best_analysis = min(baselines), min(analyses)
        print(f"baseline (save stream -> /dev/null): {best_base:.2f} s "
              f"({size / best_base / 1e6:.0f} MB/s); rounds {[round(s, 2) for s in baselines]}")
        print(f"analysis (read_image):               {best_analysis:.2f} s; "
              f"rounds {[round(s, 2) for s in analyses]}")
        print(f"ratio analysis/baseline: {best_analysis / best_base:.2f}x (goal <= 1.5x)")
        print(f"peak RSS: {peak_rss_mb():.0f} MB (before the runs: {rss_before:.0f} MB; "
              f"the save stream is {size / 1e6:.0f} MB)")
    finally:
        if not options.keep:
            report = lab.cleanup()
            print(f"cleanup: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
