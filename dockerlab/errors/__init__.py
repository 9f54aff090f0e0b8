"""The kit's errors: one root, each one saying what happened and what to do next.

::

    DockerLabError                      anything the kit reports to a learner
    ├── EngineError                     talking to the Docker Engine failed
    │   ├── EngineNotFound              no engine answers where we looked      [ConnectionError]
    │   ├── EnginePermissionDenied      an engine is there, its socket is closed to us
    │   ├── EngineUnreachable           the engine stopped answering           [ConnectionError]
    │   ├── EngineSetupFailed           installing or starting dockerd went wrong
    │   ├── EngineTLSError              the TLS handshake failed                [SSLError]
    │   └── EngineRefused               the engine answered with an error       [APIError]
    │       ├── ApiVersionRefused       it does not speak the API version asked for
    │       ├── NetworkRefused          a network operation refused
    │       ├── ContainerRefused        (also a ContainerError, below)
    │       ├── ImageRefused            (also an ImageError, below)
    │       └── VolumeRefused           (also a StorageError, below)
    ├── ImageError                      an image is missing or its name is wrong
    │   ├── ImageMissing                not in the local image store (the guard says so)
    │   │   └── NoSuchImage             the engine says so (404)                [ImageNotFound]
    │   ├── ImageRefused                the engine refused an image operation   [APIError]
    │   │   └── ImageNameInvalid        the reference or tag cannot be parsed
    │   └── PullNotAllowed              the kit refused to pull from a public registry
    ├── BuildFailed                     a Dockerfile step failed or it is wrong [BuildError]
    │   └── DockerfileInvalid           refused before any step ran (syntax)    [APIError]
    ├── ContainerError                  a container operation failed
    │   ├── CommandFailed               a command exited non-zero          [ContainerError]
    │   └── ContainerRefused            the engine refused a container operation [APIError]
    │       ├── InvalidContainerState   not possible in the current state (unpause a running one)
    │       ├── ResourceLimitInvalid    a memory/CPU limit the kit or engine rejects
    │       ├── CommandNotFound         the command does not exist in the image
    │       └── PortTaken               a host port asked for is already in use
    ├── ObjectNotFound                  no container/network/volume by that name [NotFound]
    │   ├── ContainerNotFound           no container by that name or ID
    │   ├── NetworkNotFound             no network by that name
    │   └── VolumeNotFound              no volume by that name
    ├── StorageError                    a volume or mount cannot be used as asked
    │   ├── BindSourceMissing           the host path of a bind mount does not exist [APIError]
    │   └── VolumeRefused               the engine refused a volume operation   [APIError]
    │       ├── VolumeInUse             a volume still used by a container
    │       └── VolumeNameInvalid       a name a local volume cannot have
    ├── RegistryError                   a registry refused or did not answer
    │   ├── RegistryUnreachable         nothing listens where the registry should be
    │   ├── RegistryStartFailed         the kit's local registry did not start
    │   ├── RegistryAuthFailed          missing or wrong credentials (HTTP 401)
    │   ├── RegistryNotFound            unknown repository, tag, manifest or blob
    │   ├── DigestMismatch              content whose sha256 is not its digest
    │   └── TransferFailed              a push or pull stream reported an error
    ├── NeedsRoot                       a low-level demo needs root (or a helper container)
    ├── DemoFailed                      a low-level Linux demo (syscall, mount, cgroup) failed
    ├── LabStartFailed                  JupyterLab or a classroom did not start
    └── ExerciseError                   an exercise is unknown or badly defined

In brackets: the docker-py (``docker.errors``) or requests (``requests.exceptions``) class a
kit class also is, so ``except docker.errors.NotFound:`` catches a :class:`ContainerNotFound`
(see :mod:`dockerlab.errors.classes`).

Lower-level errors (``docker.errors``, ``requests``, ``urllib3``, ``OSError`` from a socket)
are turned into these by :func:`translate`, the one mapper (:mod:`dockerlab.errors.mapping`):
the kit's transport calls it on every failed request, so the SDK's own calls on
``lab.client`` raise them too; kit code says so with ``with mapped(about="network"):``.
"""

from __future__ import annotations

from .archive import archive_errors, corrupt_archive
from .classes import (
    ApiVersionRefused,
    BindSourceMissing,
    BuildFailed,
    CommandFailed,
    CommandNotFound,
    ContainerError,
    ContainerNotFound,
    ContainerRefused,
    DemoFailed,
    DigestMismatch,
    DockerfileInvalid,
    DockerLabError,
    EngineError,
    EngineNotFound,
    EnginePermissionDenied,
    EngineRefused,
    EngineSetupFailed,
    EngineTLSError,
    EngineUnreachable,
    ExerciseError,
    ImageError,
    ImageMissing,
    ImageNameInvalid,
    ImageRefused,
    InvalidContainerState,
    LabStartFailed,
    NeedsRoot,
    NetworkNotFound,
    NetworkRefused,
    NoSuchImage,
    ObjectNotFound,
    PortTaken,
    PullNotAllowed,
    RegistryAuthFailed,
    RegistryError,
    RegistryNotFound,
    RegistryStartFailed,
    RegistryUnreachable,
    ResourceLimitInvalid,
    StorageError,
    TransferFailed,
    VolumeInUse,
    VolumeNameInvalid,
    VolumeNotFound,
    VolumeRefused,
)
from .connection import connection_error
from .mapping import api_refusal, mapped, translate
from .refusals import Request, refusal
from .registry import registry_error

__all__ = [
    "ApiVersionRefused", "BindSourceMissing", "BuildFailed", "CommandFailed",
    "CommandNotFound", "ContainerError", "ContainerNotFound", "ContainerRefused", "DemoFailed",
    "DigestMismatch", "DockerfileInvalid", "DockerLabError", "EngineError", "EngineNotFound",
    "EnginePermissionDenied", "EngineRefused", "EngineSetupFailed", "EngineTLSError",
    "EngineUnreachable", "ExerciseError", "ImageError", "ImageMissing", "ImageNameInvalid",
    "ImageRefused", "InvalidContainerState", "LabStartFailed", "NeedsRoot", "NetworkNotFound",
    "NetworkRefused", "NoSuchImage", "ObjectNotFound", "PortTaken", "PullNotAllowed", "RegistryAuthFailed",
    "RegistryError", "RegistryNotFound", "RegistryStartFailed", "RegistryUnreachable",
    "Request", "ResourceLimitInvalid", "StorageError", "TransferFailed", "VolumeInUse",
    "VolumeNameInvalid", "VolumeNotFound", "VolumeRefused",
    "api_refusal", "archive_errors", "connection_error", "corrupt_archive", "mapped",
    "refusal", "registry_error", "translate",
]

for _name in __all__:  # a traceback names `dockerlab.errors.ContainerNotFound`, as imported
    _value = globals()[_name]
    if isinstance(_value, type) and issubclass(_value, DockerLabError):
        _value.__module__ = __name__
del _name, _value
