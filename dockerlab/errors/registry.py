"""A registry's HTTP API answered an error: which kit error that is.

Registries answer ``{"errors": [{"code": "MANIFEST_UNKNOWN", "message": ...}]}`` with the
status; :func:`registry_error` reads both (see :mod:`dockerlab.registry.api`).
"""

from __future__ import annotations

from .classes import DigestMismatch, RegistryAuthFailed, RegistryError, RegistryNotFound

NOT_FOUND_CODES = {"NAME_UNKNOWN", "MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "BLOB_UPLOAD_UNKNOWN"}


def registry_error(response, method: str, target: str, what: str, *, url: str,
                   username: str | None = None, sent_credentials: bool = False,
                   challenge=None) -> RegistryError:
    """The kit's error for a registry answer (``response.status``, ``.reason``,
    ``.errors``) to ``method target`` about ``what``; ``challenge``: its 401 challenge."""
    errors = response.errors
    codes = {error.get("code", "") for error in errors}
    told = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or \
        f"HTTP {response.status} {response.reason}"
    where = f"{method} {target}"
    what = what or target
    if response.status == 401:
        return _auth_failed(url, username, sent_credentials, challenge, where, told)
    if method == "DELETE" and codes & {"DIGEST_INVALID", "UNSUPPORTED"}:
        return RegistryError(
            f"The registry refused to delete {what} ({told}).",
            "Deleting takes a digest (`sha256:...`), never a tag, and needs "
            "`storage.delete.enabled: true` in the registry's config.")
    if "accept header" in told.lower():  # a 2.x registry: an OCI manifest, not asked for
        return RegistryError(
            f"The registry has {what}, but only in a format this request's Accept header "
            f"does not name ({told}).",
            "A registry answers only in a format the client says it understands: "
            "`api.manifest(repository, tag)` accepts Docker schema 2 and OCI manifests "
            "and indexes (registry_api.MANIFEST_ACCEPT).")
    if "DIGEST_INVALID" in codes:
        return DigestMismatch(
            f"The registry rejected {what}: the content does not match the digest it was "
            f"sent under ({told}).",
            "A registry recomputes the sha256 of every blob it receives and refuses a "
            "mismatch. Send the digest of the exact bytes you upload.")
    if codes & NOT_FOUND_CODES or (response.status == 404 and not codes):
        return RegistryNotFound(
            f"The registry at {url} has no {what} ({told}).",
            "List what it has: `api.catalog()` for repositories, `api.tags(repository)` "
            "for tags; names and tags are case-sensitive.")
    return RegistryError(f"The registry at {url} refused {where} ({told}).",
                         "Read the registry's own words above; `registry.logs()` has more.")


def _auth_failed(url, username, sent_credentials, challenge, where, told):
    if sent_credentials:
        return RegistryAuthFailed(
            f"The registry at {url} rejected the credentials of user '{username}' "
            f"({where}: {told}).",
            "Check the user name and password; they are never shown in outputs, so "
            "retype them in the cell that defines them.")
    return RegistryAuthFailed(
        f"The registry at {url} requires authentication: {where} answered 401 with the "
        f"challenge '{challenge}'.",
        "Give credentials: `RegistryAPI(address, username, password)` for HTTP, "
        "`lab.client.login(username, password, registry=...)` for the engine.")
