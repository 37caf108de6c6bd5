"""Simulated municipal portals: a seeded farm of 125 local sites with the ground truth of every check."""

from simulator.catalogue import CHECK_IDS, HOME_CHECKS
from simulator.ipomex_model import IpomexSite
from simulator.model import SimSite
from simulator.server import FarmServer
from simulator.world import World, build_world

__all__ = ["CHECK_IDS", "HOME_CHECKS", "FarmServer", "IpomexSite", "SimSite", "World", "build_world"]
