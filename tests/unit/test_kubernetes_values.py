"""deploy/kubernetes/values.yaml: valid for the z2jh chart's schema, and self-consistent."""

from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "kubernetes"
SCHEMA = Path(__file__).parent / "recorded" / "z2jh-values.schema.yaml"


def _values():
    return yaml.safe_load((DEPLOY / "values.yaml").read_text())


def _merged(defaults, ours):
    """Helm's merge of our values over the chart's defaults."""
    if not (isinstance(defaults, dict) and isinstance(ours, dict)):
        return ours
    return {**defaults, **{k: _merged(defaults.get(k), v) for k, v in ours.items()}}


def test_values_match_the_chart_schema():
    defaults = yaml.safe_load((SCHEMA.parent / "z2jh-values.yaml").read_text())
    jsonschema.validate(_merged(defaults, _values()), yaml.safe_load(SCHEMA.read_text()))


def test_a_wrong_key_is_refused():
    defaults = yaml.safe_load((SCHEMA.parent / "z2jh-values.yaml").read_text())
    bad = _merged(defaults, {"singleuser": {"extraContainer": []}})
    try:
        jsonschema.validate(bad, yaml.safe_load(SCHEMA.read_text()))
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted singleuser.extraContainer")


def test_docker_host_is_the_sidecar_socket_on_the_shared_volume():
    su = _values()["singleuser"]
    host = su["extraEnv"]["DOCKER_HOST"]
    engine = su["extraContainers"][0]
    assert f"--host={host}" in engine["args"]
    sock_dir = str(Path(host.removeprefix("unix://")).parent)
    mine = {m["name"] for m in su["storage"]["extraVolumeMounts"] if m["mountPath"] == sock_dir}
    theirs = {m["name"] for m in engine["volumeMounts"] if m["mountPath"] == sock_dir}
    assert mine and mine == theirs
    volumes = {v["name"] for v in su["storage"]["extraVolumes"]}
    assert {m["name"] for m in engine["volumeMounts"]} <= volumes


def test_only_the_engine_is_privileged():
    su = _values()["singleuser"]
    assert [c["name"] for c in su["extraContainers"] if c["securityContext"].get("privileged")] \
        == ["engine"]


def test_images_come_from_debian_not_docker_hub_images():
    for name in ("Dockerfile.engine", "Dockerfile.singleuser"):
        froms = [line.split()[1] for line in (DEPLOY / name).read_text().splitlines()
                 if line.startswith("FROM ")]
        assert froms == ["debian:trixie-slim"], name
    assert "docker.io" in (DEPLOY / "Dockerfile.engine").read_text()
