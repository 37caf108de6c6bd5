"""A stored resource as an aiohttp answer, shared by the farm's platforms and the simulated internet."""

from __future__ import annotations

from aiohttp import web

from simulator.model import Resource


def to_web(resource: Resource, server: str = "nginx") -> web.Response:
    """A stored resource as an aiohttp response with exactly its Content-Type and Location."""
    headers = {"Server": server}
    if resource.content_type is not None:
        headers["Content-Type"] = resource.content_type
    if resource.location is not None:
        headers["Location"] = resource.location
    return web.Response(status=resource.status, body=resource.body, headers=headers)
