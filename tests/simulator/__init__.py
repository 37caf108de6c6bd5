"""Tests of the simulated municipal portals (simulator/)."""
