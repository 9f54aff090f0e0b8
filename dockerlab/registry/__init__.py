"""Registries: a local one run by the kit, its HTTP API, and pushes and pulls with progress.

=============  ==============================================================================
``local``      a local registry (Debian's ``docker-registry``) for the session
``api``        the registry's HTTP API (distribution spec), spoken by hand
``transfer``   ``docker push`` / ``docker pull`` with per-layer progress
``handmade``   an image pushed blob by blob, without the engine
``manifests``  reading manifests and indexes, and what kind a blob is
``process``    the registry's binary, config, password file and process
=============  ==============================================================================
"""

from .api import RegistryAPI
from .local import LocalRegistry, current, exercise_image
from .transfer import pull, push

__all__ = ["LocalRegistry", "RegistryAPI", "current", "exercise_image", "pull", "push"]
