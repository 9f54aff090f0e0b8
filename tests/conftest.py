"""Fixtures: a real engine and a Lab session per test (see also the root conftest.py)."""

from __future__ import annotations

import pytest

from dockerlab import Lab
from dockerlab.errors import DockerLabError


@pytest.fixture(scope="session")
def engine_location():
    """The engine the suite runs against; the run fails loudly (not skips) without one."""
    from dockerlab.engine.locate import find_engine

    try:
        return find_engine()
    except DockerLabError as error:
        pytest.fail(f"These tests need a real Docker Engine: {error.paragraph()}\n"
                    "Run the suite with `./kit test`, which starts one.", pytrace=False)


@pytest.fixture
def lab(engine_location, request):
    """A fresh session for one test, cleaned up after it."""
    session = Lab(f"test-{request.node.name}", engine=engine_location)
    yield session
    session.cleanup()


@pytest.fixture(scope="module")
def module_lab(engine_location, request):
    """One session shared by a module's tests, cleaned up after the module."""
    session = Lab(f"test-{request.module.__name__.rsplit('.', 1)[-1]}", engine=engine_location)
    yield session
    session.cleanup()
