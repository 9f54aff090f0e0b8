"""The kit's errors: one root, each one saying what happened and what to do next.

::

    DockerLabError                      anything the kit reports to a learner
    ├── EngineError                     talking to the Docker Engine failed
    │   ├── EngineNotFound              no engine answers where we looked
    │   ├── EnginePermissionDenied      an engine is there, its socket is closed to us
    │   ├── EngineUnreachable           the engine stopped answering mid-session
    │   ├── EngineSetupFailed           installing or starting dockerd went wrong
    │   ├── EngineTLSError              the TLS handshake failed (wrong or missing certificate)
    │   └── ApiVersionRefused           the engine does not speak the API version asked for
    ├── ImageError                      an image is missing or its name is wrong
    │   ├── ImageMissing                not in the local image store (and no pull allowed)
    │   ├── ImageNameInvalid            the reference cannot be parsed
    │   └── PullNotAllowed              the kit refused to pull from a public registry
    ├── BuildFailed                     a Dockerfile step failed or the Dockerfile is wrong
    ├── ContainerError                  a container operation the engine refused
    │   ├── InvalidContainerState       the operation is not possible in the current state
    │   ├── ResourceLimitInvalid        a memory/CPU limit the kit or engine rejects
    │   ├── CommandNotFound             the command does not exist in the image
    │   └── PortTaken                   a host port asked for is already in use
    ├── ObjectNotFound                  no container/network/volume by that name
    │   └── NetworkNotFound             no network by that name
    ├── StorageError                    a volume or mount cannot be used as asked
    │   ├── BindSourceMissing           the host path of a bind mount does not exist
    │   └── VolumeInUse                 a volume still used by a container
    ├── RegistryError                   a registry refused or did not answer
    │   ├── RegistryUnreachable         nothing listens where the registry should be
    │   ├── RegistryStartFailed         the kit's local registry did not start
    │   ├── RegistryAuthFailed          missing or wrong credentials (HTTP 401)
    │   ├── RegistryNotFound            unknown repository, tag, manifest or blob
    │   ├── DigestMismatch              content whose sha256 is not its digest
    │   └── TransferFailed              a push or pull stream reported an error
    ├── NeedsRoot                       a low-level demo needs root (or a helper container)
    ├── DemoFailed                      a low-level Linux demo (syscall, mount, cgroup) failed
    ├── LabStartFailed                  JupyterLab did not start or did not answer
    └── ExerciseError                   an exercise is unknown or badly defined

Lower-level errors (``docker.errors``, ``requests``, ``urllib3``) are turned into these by
:func:`translate`, so a learner sees one paragraph instead of a transport traceback.
"""

from __future__ import annotations

import re


class DockerLabError(Exception):
    """Root of every error the kit raises; ``str()`` is the paragraph a learner reads."""

    #: what the learner can do about it; appended to the message
    advice: str = ""

    def __init__(self, message: str, advice: str | None = None):
        self.message = message
        if advice is not None:
            self.advice = advice
        super().__init__(self.paragraph())

    def paragraph(self) -> str:
        """The message and the advice as one readable paragraph."""
        if not self.advice:
            return self.message
        return f"{self.message}\n{self.advice}"


class EngineError(DockerLabError):
    """Talking to the Docker Engine failed."""


class EngineNotFound(EngineError):
    """No Docker Engine answered at any place the kit looked."""


class EnginePermissionDenied(EngineError):
    """A Docker socket exists but this user may not open it."""


class EngineUnreachable(EngineError):
    """The engine the session used stopped answering (stopped, restarted, or gone)."""


class EngineSetupFailed(EngineError):
    """Installing or starting the Docker Engine did not work."""


class EngineTLSError(EngineError):
    """The TLS handshake with an engine failed: a wrong, missing or untrusted certificate."""


class ApiVersionRefused(EngineError):
    """The engine refused the REST API version the client asked for."""


class ImageError(DockerLabError):
    """Something is wrong with an image: missing, misnamed, or not allowed to be pulled."""


class ImageMissing(ImageError):
    """The image is not in the engine's local store."""


class ImageNameInvalid(ImageError):
    """The image reference is not a valid ``name[:tag]`` or ``name@digest``."""


class PullNotAllowed(ImageError):
    """The kit refused to contact a public registry because the user did not opt in."""


class BuildFailed(DockerLabError):
    """A build stopped: a Dockerfile syntax error, a failing step, a missing file."""

    def __init__(self, message: str, advice: str | None = None, *, step: str = "",
                 output: str = ""):
        self.step = step
        self.output = output
        super().__init__(message, advice)


class ContainerError(DockerLabError):
    """The engine refused a container operation (wrong state, bad option, bad command)."""


class InvalidContainerState(ContainerError):
    """The operation is not possible in the container's current state (unpause a running one)."""


class ResourceLimitInvalid(ContainerError):
    """A memory limit or CPU quota that cannot work (unparsable, too small, absurd, negative)."""


class CommandNotFound(ContainerError):
    """The command given to a container does not exist in its image."""


class ObjectNotFound(DockerLabError):
    """No container, network or volume with that name or ID."""


class NetworkNotFound(ObjectNotFound):
    """No network with that name or ID."""


class PortTaken(ContainerError):
    """A host port a container asked to publish is already used by something else."""


class StorageError(DockerLabError):
    """A volume or a mount cannot be used as asked."""


class BindSourceMissing(StorageError):
    """The host directory or file of a bind mount does not exist."""


class VolumeInUse(StorageError):
    """A volume cannot be removed while a container (even a stopped one) uses it."""


class RegistryError(DockerLabError):
    """A registry refused a request or answered with an error."""


class RegistryUnreachable(RegistryError):
    """Nothing answers at the registry's address."""


class RegistryStartFailed(RegistryError):
    """The kit's local registry (process or container) did not start or answer."""


class RegistryAuthFailed(RegistryError):
    """The registry answered 401: credentials are missing or wrong."""


class RegistryNotFound(RegistryError):
    """The registry has no such repository, tag, manifest or blob."""


class DigestMismatch(RegistryError):
    """Content whose sha256 is not the digest it was sent or stored under."""


class TransferFailed(RegistryError):
    """An error item in a push or pull progress stream."""


class NeedsRoot(DockerLabError):
    """A low-level demo needs root privileges on a Linux host."""


class DemoFailed(DockerLabError):
    """A low-level Linux demo failed: a system call, a mount or a cgroup refused."""


class LabStartFailed(DockerLabError):
    """JupyterLab (started by ``dockerlab lab``) exited early or never answered."""


class ExerciseError(DockerLabError):
    """An exercise is unknown or its files are incomplete."""


# --- translating lower-level errors ------------------------------------------------------

_NO_SUCH_IMAGE = re.compile(r"(No such image|pull access denied|manifest unknown|"
                            r"repository does not exist)", re.I)
_API_VERSION = re.compile(r"(client version \S+ is too (old|new)|(minimum|maximum) supported "
                          r"API version)", re.I)
_INVALID_REFERENCE = re.compile(r"(invalid reference format|invalid repository name|"
                                r"must be lowercase)", re.I)


def _explanation(error) -> str:
    explanation = getattr(error, "explanation", None) or str(error)
    if isinstance(explanation, bytes):
        explanation = explanation.decode(errors="replace")
    return str(explanation).strip()


def _is_connection_problem(error: BaseException) -> bool:
    import requests

    if isinstance(error, (requests.exceptions.ConnectionError, ConnectionError,
                          FileNotFoundError)):
        return True
    return "Connection aborted" in str(error) or "Connection refused" in str(error)


def translate(error: BaseException, *, engine: str = "the Docker Engine") -> DockerLabError:
    """Map a docker-py / requests error to the kit's own, keeping the engine's words.

    ``engine`` names where the session was talking to, for the message.
    """
    if isinstance(error, DockerLabError):
        return error
    import docker.errors as derr

    if isinstance(error, derr.ImageNotFound):
        return ImageMissing(
            f"The image is not in the engine's local store: {_explanation(error)}.",
            "Build it first (the kit's base images: `dockerlab base-images`), or check "
            "the name for a typo with `lab.client.images.list()`.")
    if isinstance(error, derr.NotFound):
        return ObjectNotFound(
            f"The engine has no such object: {_explanation(error)}.",
            "List what exists with `lab.client.containers.list(all=True)` (or networks, "
            "volumes) and check the name or ID.")
    if isinstance(error, derr.InvalidVersion):
        return ApiVersionRefused(
            f"{engine} speaks an API version too old for this: {_explanation(error)}.",
            "This feature needs a newer Docker Engine (`dockerlab engine facts` shows the "
            "versions it accepts); the rest of the kit works on this one.")
    if isinstance(error, derr.BuildError):
        return BuildFailed(f"The build stopped: {error.msg}",
                           "Look at the failing step's output above, fix the Dockerfile "
                           "and build again.")
    if isinstance(error, derr.APIError):
        text = _explanation(error)
        if _API_VERSION.search(text):
            return ApiVersionRefused(
                f"{engine} refused the API version asked for: {text}.",
                "Client and engine must share an API version: let the client negotiate "
                "(docker-py's version=\"auto\", the kit's default), or upgrade the older side.")
        if _INVALID_REFERENCE.search(text):
            return ImageNameInvalid(
                f"That image name is not valid: {text}.",
                "Image names are lowercase, like `dockerlab/busybox:latest` "
                "(name, optional `:tag`).")
        if _NO_SUCH_IMAGE.search(text):
            return ImageMissing(f"The engine cannot find that image: {text}.",
                                "Check the name, or build the image first.")
        return ContainerError(f"The engine refused the request: {text}.",
                              "Read the engine's message above; it names the problem.")
    if isinstance(error, derr.DockerException) or _is_connection_problem(error):
        if _is_connection_problem(error) or "Connection" in str(error):
            return EngineUnreachable(
                f"{engine} did not answer ({type(error).__name__}).",
                "Is the engine still running? Check with `dockerlab doctor` in a terminal; "
                "once it is back, run the cell again: the session reconnects by itself.")
        return DockerLabError(f"Docker reported: {_explanation(error)}")
    return DockerLabError(f"{type(error).__name__}: {error}")
