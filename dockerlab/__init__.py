"""dockerlab: learn how Docker works by driving a real Docker Engine from a notebook.

Start with :class:`Lab`, the session every notebook opens once. Errors all derive from
:class:`DockerLabError` (see :mod:`dockerlab.errors` for the tree).
"""

from ._moved import install as _install_moved_names
from .docker_magic import install_docker_magic
from .errors import DockerLabError
from .lab import Lab
from .notebook import install_error_display

__all__ = ["Lab", "DockerLabError", "__version__"]
__version__ = "0.1.0"

install_error_display()
install_docker_magic()
_install_moved_names()
