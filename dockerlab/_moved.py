"""Old module names (before the subpackages), still importable for learners' own code.

``from dockerlab.layers import read_image`` still works, with a ``FutureWarning`` naming the
new place (:mod:`dockerlab.images.layers`). The kit itself, its notebooks and exercises use the new names only.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

MOVED = {
    "engine": None,  # the module became the package of the same name
    "daemon": "engine.install", "daemons": "engine.private", "facts": "engine.facts",
    "certs": "engine.certs", "wire": "engine.wire", "events": "engine.events",
    "compose": "engine.compose", "doctor": "engine.doctor", "architecture": "engine.architecture",
    "guard": "engine.guard",
    "layers": "images.layers", "layer_pictures": "images.pictures", "build": "images.builder",
    "baseimage": "images.base", "references": "images.references",
    "image_manifest": "images.manifest", "tarstream": "images.tarstream",
    "container_pictures": "containers.pictures", "overhead": "containers.overhead",
    "registry_api": "registry.api", "registry_transfer": "registry.transfer",
    "registry_handmade": "registry.handmade", "registry_host": "registry.process",
    "registry_manifests": "registry.manifests",
    "topology": "networks.topology", "apps": "networks.apps",
}


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str):
        self.new = new

    def create_module(self, spec):
        return None  # a fresh module, which exec_module turns into a window on the new one

    def exec_module(self, module):
        target = importlib.import_module(self.new)
        module.__getattr__ = lambda name: getattr(target, name)
        module.__dir__ = lambda: dir(target)
        module.__doc__ = target.__doc__


class MovedModules(importlib.abc.MetaPathFinder):
    """Finds ``dockerlab.<old name>`` and hands out the module at its new place."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, old = fullname.partition(".")
        if package != "dockerlab" or not MOVED.get(old):
            return None
        new = f"dockerlab.{MOVED[old]}"
        warnings.warn(f"{fullname} is now {new}: import it from there", FutureWarning,
                      stacklevel=2)
        return importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    if not any(isinstance(finder, MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(MovedModules())
