"""What does the engine add on top of the registry's plain HTTP, and what does dedup save?

Builds its own image offline (FROM the kit's busybox plus one layer of ``--megabytes`` of random
bytes: nothing is pulled), starts fresh local registries, and measures in one run:

* ``engine push`` (``docker push``: compresses each layer, then uploads) against the
  baseline ``HTTP upload``: the kit's :class:`~dockerlab.registry.api.RegistryAPI` uploading the
  very same compressed blobs and manifest to another empty registry;
* ``engine push again`` (every layer "already exists") against the first ``engine push``;
* ``engine pull`` (after removing the local image: download, verify, decompress, unpack)
  against the baseline ``HTTP download`` of the same manifest and blobs, sha256-checked.

Each is run ``--rounds`` times and the best time of each is kept; the ratios are printed.
Registries and images are removed at the end. Not part of the test suite::

    .venv/bin/python benchmarks/bench_registry.py [--rounds 3] [--megabytes 20]
"""

from __future__ import annotations

import argparse
import io
import sys
import time

from dockerlab import Lab
from dockerlab.registry.local import LocalRegistry, pull, push

REPOSITORY = "bench/data"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def http_copy(source, target) -> None:
    """Upload the blobs and manifest that ``source`` has to ``target``, by hand."""
    manifest = source.manifest(REPOSITORY, "v1")
    for descriptor in [manifest.config] + manifest.layers:
        target.upload_blob(REPOSITORY, source.blob(REPOSITORY, descriptor["digest"]))
    target.put_manifest(REPOSITORY, "v1", manifest.raw, manifest.media_type)


def http_download(api) -> int:
    """GET the manifest and every blob, each checked against its digest; bytes read."""
    manifest = api.manifest(REPOSITORY, "v1")
    return sum(len(api.blob(REPOSITORY, d["digest"]))
               for d in [manifest.config] + manifest.layers)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--megabytes", type=int, default=20)
    options = parser.parse_args(argv)
    lab = Lab("bench_registry")
    best: dict[str, float] = {}

    def keep(name, seconds):
        best[name] = min(seconds, best.get(name, seconds))

    try:
        dockerfile = (f"FROM {lab.base_image}\nRUN dd if=/dev/urandom of=/data bs=1M "
                      f"count={options.megabytes} 2>/dev/null\n")
        image, _ = lab.client.images.build(fileobj=io.BytesIO(dockerfile.encode()),
                                           tag="bench-registry:v1", network_mode="none")
        for _ in range(options.rounds):
            with LocalRegistry.start(lab) as first, LocalRegistry.start(lab) as second:
                name = first.reference(REPOSITORY, "v1")
                keep("engine push", timed(push, lab, image.id, name, progress=False)[0])
                keep("engine push again",
                     timed(push, lab, image.id, name, progress=False)[0])
                keep("HTTP upload", timed(http_copy, first.api(), second.api())[0])
                keep("HTTP download", timed(http_download, first.api())[0])
                lab.client.images.remove(name)
                lab.client.images.remove(image.id, force=True)
                seconds, report = timed(pull, lab, name, progress=False)
                keep("engine pull", seconds)
                image = report.image
                image.tag("bench-registry", "v1")
                image = lab.client.images.get("bench-registry:v1")
        for name, seconds in best.items():
            print(f"  {name:<18} {seconds * 1000:8.0f} ms")
        print(f"engine push / HTTP upload of the same blobs:   "
              f"{best['engine push'] / best['HTTP upload']:.1f}x")
        print(f"engine push again (dedup) / first engine push: "
              f"{best['engine push again'] / best['engine push']:.2f}x")
        print(f"engine pull / HTTP download (sha256-checked):   "
              f"{best['engine pull'] / best['HTTP download']:.1f}x")
    finally:
        lab.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
