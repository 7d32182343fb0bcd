"""One simulator for the whole test session (the world is cached), faults cleared around every test."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from pipelines.config import load_brands, load_settings
from pipelines.simulator import Simulator

TODAY = dt.date(2026, 11, 1)
SEED = 11
TOKENS = Simulator.DEFAULT_TOKENS


@pytest.fixture(scope="session")
def sim():
    with Simulator(seed=SEED, today=TODAY, brands=load_brands(), settings=load_settings()) as simulator:
        yield simulator


@pytest.fixture(autouse=True)
def _no_faults(request):
    if "sim" not in request.fixturenames:
        yield
        return
    simulator = request.getfixturevalue("sim")
    simulator.faults.clear()
    yield
    simulator.faults.clear()


@pytest.fixture(scope="session")
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="session")
def world(sim):
    return sim.world


@pytest.fixture(scope="session")
def own(world):
    return world.own_brand
