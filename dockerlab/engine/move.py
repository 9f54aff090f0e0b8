"""Moving a container from one engine to another, as one stream.

Two ways, each a stream from one engine straight into the other (the archive is never held
whole, in memory or on disk):

- :func:`export_import`, similar to
  ``docker export C | DOCKER_HOST=<other> docker import --change 'LABEL ...' - IMAGE``:
  the container's files, flattened into one layer, and nothing else: no CMD, no ENV, no
  labels (the kit's own labels are added on the way in, as ``--change``).
- :func:`commit_save_load`, similar to ``docker commit C IMAGE`` then
  ``docker save IMAGE | DOCKER_HOST=<other> docker load``: the container's changes become one
  more layer on top of its image's, and the image's configuration (CMD, ENV, labels) travels
  with them.

Neither moves a process: what ran, and what it held in memory (a ``tmpfs`` included), stays
behind. :mod:`dockerlab.engine.survival` compares what arrived.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from ..errors import TransferFailed

#: bytes read from one engine and written to the other at a time
CHUNK = 256 * 1024


class Stream:
    """The chunks of an archive passed through as they come, and counted."""

    def __init__(self, chunks):
        self.chunks = chunks
        self.bytes = 0

    def __iter__(self):
        for chunk in self.chunks:
            self.bytes += len(chunk)
            yield chunk


@dataclass
class Move:
    """A container (or its image) that arrived on another engine."""

    how: str  #: "export/import" or "commit/save/load"
    image: str  #: its name on the destination engine
    bytes: int  #: how much was streamed from one engine to the other
    cli: list[str]  #: the docker commands that do the same

    def __str__(self) -> str:
        commands = "\n".join(f"  $ {command}" for command in self.cli)
        return (f"{self.how}: {self.bytes / 1e6:.1f} MB streamed, arrived as {self.image}\n"
                f"same as:\n{commands}")


def split_reference(reference: str) -> tuple[str, str]:
    """``name:tag`` -> (name, tag); a registry's port is not a tag."""
    name, _, tag = reference.rpartition(":")
    if not name or "/" in tag:
        return reference, "latest"
    return name, tag


def _docker(lab) -> str:
    """``DOCKER_HOST=... docker``: the CLI pointed at the engine of ``lab``."""
    return f"DOCKER_HOST={lab.location.url} docker"


def _label_change(labels: dict[str, str]) -> str:
    return "LABEL " + " ".join(f"{key}={json.dumps(value)}" for key, value in labels.items())


def _errors_in(answers) -> str | None:
    """The first error in an engine's streamed JSON answer (text, or decoded objects)."""
    if isinstance(answers, str):
        answers = [json.loads(line) for line in answers.splitlines() if line.strip()]
    for answer in answers:
        if isinstance(answer, dict) and (answer.get("error") or answer.get("errorDetail")):
            return answer.get("error") or answer["errorDetail"].get("message", "")
    return None


def _failed(how: str, what: str) -> TransferFailed:
    return TransferFailed(f"The {how} did not arrive: the engine said {what}",
                          "Check that both engines run (`dockerlab doctor`), then run the "
                          "cell again.")


def export_import(container, destination, reference: str) -> Move:
    """Stream ``container``'s files into ``destination``'s engine as the image ``reference``;
    similar to ``docker export C | DOCKER_HOST=... docker import - IMAGE``.

    ``destination`` is the :class:`~dockerlab.lab.Lab` on the other engine: its client adds
    the session's labels to the imported image, so its cleanup removes it.
    """
    repository, tag = split_reference(reference)
    stream = Stream(container.export(chunk_size=CHUNK))
    with destination.mapped("image"):
        answer = destination.client.api.import_image(src=iter(stream), repository=repository,
                                                     tag=tag, stream_src=True)
    problem = _errors_in(answer)
    if problem:
        raise _failed("import", problem)
    change = shlex.quote(_label_change(destination.labels))
    cli = [f"docker export {container.name} | {_docker(destination)} import "
           f"--change {change} - {reference}"]
    return Move("export/import", reference, stream.bytes, cli)


def commit_save_load(container, source, destination, reference: str) -> Move:
    """Commit ``container`` on ``source``'s engine, and stream that image into
    ``destination``'s engine; similar to ``docker commit C IMAGE`` then
    ``docker save IMAGE | DOCKER_HOST=... docker load``.

    The committed image carries ``source``'s session labels (its cleanup removes it there);
    ``docker load`` keeps an image as it is, labels included, so the loaded copy is removed
    by name when ``destination`` is cleaned up.
    """
    repository, tag = split_reference(reference)
    with destination.mapped("image"):
        container.commit(repository=repository, tag=tag)
        stream = Stream(source.client.api.get_image(reference, chunk_size=CHUNK))
        problem = _errors_in(destination.client.api.load_image(iter(stream)))
    if problem:
        raise _failed("load", problem)
    destination.on_cleanup(lambda: remove_image_quietly(destination, reference))
    cli = [f"docker commit {container.name} {reference}",
           f"docker save {reference} | {_docker(destination)} load"]
    return Move("commit/save/load", reference, stream.bytes, cli)


def remove_image_quietly(lab, reference: str) -> None:
    """Similar to ``docker rmi -f IMAGE`` on the engine of ``lab``, saying nothing when the
    image is already gone (an unreachable engine is the kit's usual error)."""
    import docker.errors

    try:
        lab.client.images.remove(reference, force=True)
    except docker.errors.APIError:
        pass
    except Exception as error:
        raise lab.explain(error) from None
