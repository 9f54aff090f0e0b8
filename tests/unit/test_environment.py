"""pyproject.toml is the source of truth; environment.yml (Binder) must agree with it."""

import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CONDA_NAMES = {"docker": "docker-py"}  # PyPI name -> conda-forge name


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + [
        item for extra in project.get("optional-dependencies", {}).values() for item in extra]
    requirements = {}
    for requirement in listed:
        name, spec = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement).groups()
        requirements[CONDA_NAMES.get(name.lower(), name.lower())] = spec.replace(" ", "")
    return requirements


def environment_requirements() -> tuple[dict[str, str], list[str]]:
    conda, pip = {}, []
    section = None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if re.match(r"^[a-z]+:", line):  # a top-level key: channels, dependencies...
            section = line.split(":")[0]
            continue
        if section not in ("dependencies", "pip"):
            continue
        if stripped.startswith("- pip:"):
            section = "pip"
            continue
        if stripped.startswith("- ") and section == "pip" and line.startswith("      "):
            pip.append(stripped[2:])
            continue
        if stripped.startswith("- "):
            name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", stripped[2:]).groups()
            conda[name.lower()] = spec.replace(" ", "")
    return conda, pip


def test_every_pyproject_dependency_is_in_environment_yml_with_the_same_range():
    conda, _ = environment_requirements()
    mismatched = {name: (spec, conda.get(name)) for name, spec in
                  pyproject_requirements().items() if conda.get(name) != spec}
    assert mismatched == {}, f"pyproject range vs environment.yml range: {mismatched}"


def test_environment_yml_lists_nothing_pyproject_does_not():
    conda, _ = environment_requirements()
    extra = set(conda) - set(pyproject_requirements()) - {"python", "pip"}
    assert extra == set(), f"environment.yml has packages pyproject.toml lacks: {extra}"


def test_environment_yml_installs_the_package_itself_with_pip():
    _, pip = environment_requirements()
    assert pip == ["-e ."]
