"""The Docker Engine: finding it, starting it, asking what it is, and talking to it.

=================  ==========================================================================
``locate``         finding the engine (``DOCKER_HOST``, contexts, sockets) and ``connect``
``install``        installing Debian's Docker packages and starting the system dockerd
``private``        a second, private engine (own socket, data root, bridge) for the API demos
``bridge``         the private engine's own Linux bridge, in place of ``docker0``
``facts``          what this engine is: builder, image store, cgroups, CLI, Compose
``inventory``      what this engine holds: objects of each kind, disk used
``guard``          the client the kit hands out: labels what it creates, never pulls unasked
``transport``      docker-py's HTTP transport: one pool per engine, own TLS trust, streams
``wire``           the HTTP API underneath (the face of the three below)
``recorder``       the SDK's requests, recorded
``raw``            raw HTTP over the UNIX socket (or TLS); where a client talks to
``three_clients``  one question through the CLI, the SDK and raw HTTP
``events``         ``docker events``, collected and drawn
``certs``          throwaway TLS certificates for an engine on a TCP port
``compose``        Compose v2 (or v1) driven on the kit's projects
``doctor``         ``dockerlab doctor``: can the kit run here
``architecture``   the client-server picture, drawn from the live engine
=================  ==========================================================================
"""

from .facts import CLIFacts, EngineFacts, engine_facts
from .locate import DEFAULT_SOCKET, client_for, connect, find_engine

__all__ = ["CLIFacts", "DEFAULT_SOCKET", "EngineFacts", "client_for", "connect", "engine_facts",
           "find_engine"]
