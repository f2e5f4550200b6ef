"""The load tool: simulated residents and agents against the running stack.

``python -m tools.load`` (``make bench``) starts the stack and a second Rasa
server with Rasa's own socket.io channel, measures reply and relay latency,
delivery, memory and connection capacity, and writes docs/benchmarks.md. The
workloads (:mod:`tools.load.chat`, :mod:`tools.load.relay`,
:mod:`tools.load.capacity`) also run against any stack, as the smoke test in
tests/load does.
"""
