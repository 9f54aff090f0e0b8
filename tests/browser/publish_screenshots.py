"""Copy a few of the browser tests' screenshots into docs/screenshots/ for the README.

Run after the browser tests (``./kit test tests/browser``)::

    .venv/bin/python tests/browser/publish_screenshots.py

Each picture is shrunk to at most 960 pixels wide and stored with a 128-colour palette, so
the committed files stay small (tens of kilobytes).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
MAX_WIDTH = 960

#: artifact name -> name in docs/screenshots
CHOSEN = {
    "03_containers--window.png": "jupyterlab-container-dashboard.png",
    "03_containers--dashboard-paused.png": "container-dashboard.png",
    "02_dockerfile_and_build_cache--build-playground-rebuilt.png": "build-playground.png",
    "01_images_and_layers--layer-explorer.png": "layer-explorer.png",
    "04_daemon_and_api--events-view.png": "events-view.png",
    "05_registries--registry-browser.png": "registry-browser.png",
    "00_welcome--top.png": "welcome-notebook.png",
}


def publish(source: Path, target: Path) -> int:
    """Shrink and palette-encode one PNG; returns its size in bytes."""
    image = Image.open(source).convert("RGB")
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)),
                             Image.LANCZOS)
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target.stat().st_size


def main() -> int:
    missing = [name for name in CHOSEN if not (ARTIFACTS / name).exists()]
    if missing:
        print(f"run the browser tests first; missing in {ARTIFACTS}: {', '.join(missing)}")
        return 1
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, published in CHOSEN.items():
        size = publish(ARTIFACTS / name, DOCS / published)
        print(f"docs/screenshots/{published}: {size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
