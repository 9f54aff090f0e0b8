"""What the kit's JupyterLab is told, so a workshop without wifi sees no surprise.

JupyterLab 4 reaches off the machine in three places, each turned off here, in settings the
kit passes itself (nothing is written to the learner's ``~/.jupyter``):

- the **news feed**: the server fetches ``LabApp.news_url`` (set to None) when the page asks,
  and the page's ``@jupyterlab/apputils-extension:announcements`` plugin first pops up
  "Would you like to get notified about official Jupyter news?" whatever the server says: the
  plugin is disabled (page config ``disabledExtensions``) and the ``fetchNews`` setting
  defaults to "false" (Never);
- the **update check**: ``LabApp.check_for_updates_class`` is JupyterLab's own
  ``NeverCheckForUpdate`` and the ``checkForUpdates`` setting defaults to false;
- the **extension manager**: the default ``pypi`` manager asks pypi.org about extensions; the
  ``readonly`` one lists what is installed and asks nobody.

The page config and the setting defaults live in a folder of the kit's own, a ``labconfig/``
put first on ``JUPYTER_CONFIG_PATH`` for the lab's process only (JupyterLab reads
``labconfig/page_config.json`` and ``labconfig/default_setting_overrides.json`` on every
config path). A learner can still choose otherwise in the Settings Editor.

The lab opens on the first notebook, ``00_welcome.ipynb``, whichever URL is opened first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .host import LOOPBACK

FIRST_NOTEBOOK = "00_welcome.ipynb"
NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"
NOTIFICATION_SETTINGS = "@jupyterlab/apputils-extension:notification"

#: the server side: loopback, our port, no browser, no traffic off the machine
SERVER_SETTINGS = (
    f"--ServerApp.ip={LOOPBACK}",
    "--ServerApp.port_retries=0",
    "--ServerApp.open_browser=False",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
)

#: the page side: ``labconfig/<name>.json`` in the kit's config folder
LABCONFIG = {
    "page_config": {"disabledExtensions": {NEWS_PLUGIN: True}},
    "default_setting_overrides": {
        NOTIFICATION_SETTINGS: {"fetchNews": "false", "checkForUpdates": False}},
}


def write_config_dir(folder: Path) -> Path:
    """Write the kit's ``labconfig/`` into ``folder`` and return ``folder``."""
    labconfig = Path(folder) / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    for name, content in LABCONFIG.items():
        (labconfig / f"{name}.json").write_text(json.dumps(content, indent=2) + "\n")
    return Path(folder)


def config_path(folder: Path, current: str | None) -> str:
    """``JUPYTER_CONFIG_PATH`` with ``folder`` first (the learner's own entries kept after)."""
    return str(folder) if not current else f"{folder}{os.pathsep}{current}"


def start_path(notebook_dir: Path) -> str:
    """Where the lab opens: the first notebook when the folder has it, else the lab itself."""
    if (Path(notebook_dir) / FIRST_NOTEBOOK).is_file():
        return f"lab/tree/{FIRST_NOTEBOOK}"
    return "lab"
