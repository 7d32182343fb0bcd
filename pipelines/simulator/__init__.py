"""Offline platform simulator: a deterministic world (`World`) served over HTTP (`Simulator`) with the request
and response shapes of the real APIs (docs: /work/shared/reference/platform-apis.md).

    with Simulator(seed=7, today=date(2026, 5, 1), brands=load_brands()) as sim:
        base = sim.base_url("https://graph.facebook.com/v24.0")   # → http://127.0.0.1:PORT/graph.facebook.com/v24.0
        token = Simulator.DEFAULT_TOKENS["meta"]
        sim.faults.add("status", path_contains="/insights", status=500, times=2)
        sim.world.account_day("facebook", "104550001", date(2026, 4, 1)).followers   # ground truth
"""

from pipelines.simulator.faults import KINDS as FAULT_KINDS
from pipelines.simulator.faults import Fault, FaultRegistry
from pipelines.simulator.server import Simulator
from pipelines.simulator.world import AccountDay, Post, World

__all__ = ["FAULT_KINDS", "AccountDay", "Fault", "FaultRegistry", "Post", "Simulator", "World"]
