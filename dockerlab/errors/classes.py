"""The kit's error classes (the tree is in :mod:`dockerlab.errors`).

A kit class that stands for an error docker-py or requests would raise also inherits that
class: a :class:`ContainerNotFound` *is* a ``docker.errors.NotFound``, an
:class:`EngineUnreachable` *is* a ``requests.exceptions.ConnectionError``. So code written
against the Docker SDK (``except docker.errors.NotFound:``) keeps working, and the learner
reads the kit's paragraph (``str(error)``: what happened, then what to do).
"""

from __future__ import annotations

import docker.errors
import requests.exceptions


class DockerLabError(Exception):
    """Root of every error the kit raises; ``str()`` is the paragraph a learner reads.

    ``response``, ``request`` and ``explanation`` are kept for the classes that are also
    docker-py / requests errors (``error.response.status_code``, ``error.explanation``).
    """

    #: what the learner can do about it; appended to the message
    advice: str = ""

    def __init__(self, message: str, advice: str | None = None, *, response=None,
                 explanation: str | None = None, request=None):
        self.message = message
        if advice is not None:
            self.advice = advice
        # not super().__init__: docker-py's and requests' own __init__ want other arguments
        Exception.__init__(self, self.paragraph())
        if isinstance(self, requests.exceptions.RequestException):
            self.response = response
            self.request = request or getattr(response, "request", None)
        if isinstance(self, docker.errors.APIError):
            self.explanation = explanation or message

    def paragraph(self) -> str:
        """The message and the advice as one readable paragraph."""
        if not self.advice:
            return self.message
        return f"{self.message}\n{self.advice}"

    def __str__(self) -> str:  # before docker-py's APIError.__str__ in every kit class
        return self.paragraph()


# --- the engine -------------------------------------------------------------------------

class EngineError(DockerLabError):
    """Talking to the Docker Engine failed."""


class EngineNotFound(EngineError, requests.exceptions.ConnectionError):
    """No Docker Engine answered at any place the kit looked."""


class EnginePermissionDenied(EngineError, requests.exceptions.ConnectionError):
    """A Docker socket exists but this user may not open it."""


class EngineUnreachable(EngineError, requests.exceptions.ConnectionError):
    """The engine the session used stopped answering (stopped, restarted, or gone)."""


class EngineSetupFailed(EngineError):
    """Installing or starting the Docker Engine did not work."""


class EngineTLSError(EngineError, requests.exceptions.SSLError):
    """The TLS handshake with an engine failed: a wrong, missing or untrusted certificate."""


class EngineRefused(EngineError, docker.errors.APIError):
    """The engine answered, and refused the request (an HTTP 4xx/5xx with its reason)."""


class ApiVersionRefused(EngineRefused):
    """The engine refused the REST API version the client asked for."""


class NetworkRefused(EngineRefused):
    """The engine refused a network operation (a name taken, a network still in use...)."""


# --- images -----------------------------------------------------------------------------

class ImageError(DockerLabError):
    """Something is wrong with an image: missing, misnamed, or not allowed to be pulled."""


class ImageMissing(ImageError):
    """The image is not in the engine's local store (the kit's guard says so before a pull)."""


class NoSuchImage(ImageMissing, docker.errors.ImageNotFound):
    """The engine answered "No such image" (404): also docker-py's ``ImageNotFound``.

    The guard's own :class:`ImageMissing` is deliberately not an ``ImageNotFound``:
    ``containers.run`` catches that one to pull the image, which the kit never does."""


class ImageRefused(ImageError, EngineRefused):
    """The engine refused an image operation (tag, remove, push, pull...)."""


class ImageNameInvalid(ImageRefused):
    """The image reference is not a valid ``name[:tag]`` or ``name@digest``."""


class PullNotAllowed(ImageError):
    """The kit refused to contact a public registry because the user did not opt in."""


class BuildFailed(DockerLabError, docker.errors.BuildError):
    """A build stopped: a Dockerfile syntax error, a failing step, a missing file."""

    def __init__(self, message: str, advice: str | None = None, *, step: str = "",
                 output: str = "", build_log=()):
        self.step = step
        self.output = output
        super().__init__(message, advice)
        self.msg, self.build_log = self.message, list(build_log)  # docker-py's BuildError


class DockerfileInvalid(BuildFailed, EngineRefused):
    """The engine refused a Dockerfile before any step ran (a syntax error)."""

    def __init__(self, message: str, advice: str | None = None, *, response=None,
                 explanation: str | None = None):
        super().__init__(message, advice)
        self.response, self.explanation = response, explanation or message
        self.request = getattr(response, "request", None)


# --- containers -------------------------------------------------------------------------

class ContainerError(DockerLabError):
    """A container operation failed (wrong state, bad option, bad command, non-zero exit)."""


class CommandFailed(ContainerError, docker.errors.ContainerError):
    """A command run to completion exited with a non-zero status (``containers.run``)."""

    def __init__(self, message: str, advice: str | None = None, *, container=None,
                 exit_status=None, command=None, image=None, stderr=None):
        super().__init__(message, advice)
        self.container, self.exit_status, self.command = container, exit_status, command
        self.image, self.stderr = image, stderr


class ContainerRefused(ContainerError, EngineRefused):
    """The engine refused a container operation."""


class InvalidContainerState(ContainerRefused):
    """The operation is not possible in the container's current state (unpause a running one)."""


class ResourceLimitInvalid(ContainerRefused):
    """A memory limit or CPU quota that cannot work (unparsable, too small, absurd, negative)."""


class CommandNotFound(ContainerRefused):
    """The command given to a container does not exist in its image."""


class PortTaken(ContainerRefused):
    """A host port a container asked to publish is already used by something else."""


# --- objects that are not there ---------------------------------------------------------

class ObjectNotFound(DockerLabError, docker.errors.NotFound):
    """No container, network or volume with that name or ID."""


class ContainerNotFound(ObjectNotFound):
    """No container with that name or ID."""


class NetworkNotFound(ObjectNotFound):
    """No network with that name or ID."""


class VolumeNotFound(ObjectNotFound):
    """No volume with that name."""


# --- storage ----------------------------------------------------------------------------

class StorageError(DockerLabError):
    """A volume or a mount cannot be used as asked."""


class BindSourceMissing(StorageError, EngineRefused):
    """The host directory or file of a bind mount does not exist."""


class VolumeRefused(StorageError, EngineRefused):
    """The engine refused a volume operation."""


class VolumeInUse(VolumeRefused):
    """A volume cannot be removed while a container (even a stopped one) uses it."""


class VolumeNameInvalid(VolumeRefused):
    """A volume name with characters a local volume cannot have."""


# --- registries -------------------------------------------------------------------------

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


# --- the rest of the kit ----------------------------------------------------------------

class NeedsRoot(DockerLabError):
    """A low-level demo needs root privileges on a Linux host."""


class DemoFailed(DockerLabError):
    """A low-level Linux demo failed: a system call, a mount or a cgroup refused."""


class LabStartFailed(DockerLabError):
    """JupyterLab (started by ``dockerlab lab``) exited early or never answered, or a
    classroom cannot start (one already runs here)."""


class ExerciseError(DockerLabError):
    """An exercise is unknown or its files are incomplete."""
