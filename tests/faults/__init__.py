"""Fault injection: a stack of its own, broken on purpose, under a steady load.

Run: ``uv run pytest tests/faults`` (or ``-m faults``); it is part of
``uv run pytest`` too. Each test takes the ``stack`` fixture (healthy on entry,
healed after), usually ``mixed_load`` (a steady mixed load from every seeded
account but the last), injects one fault and records a ``FaultReport``
(``tests.faults.measure``) whose numbers the terminal summary prints as the
table of ``docs/reliability.md``.

- ``stack``: the servers and processes (kill / pause / resume / restart), SQL
  on the stack's database (``stack.query``), ``stack.django(code)`` for
  anything that needs Django there (dispatching a job, say);
- ``launcher``: the process command lines (the one place to swap);
- ``load``: the steady load and what it saw (``Sample``s, ``time_to_recover``);
- ``inject``: fault windows (``paused``, ``down``, ``hold``);
- ``measure``: ``FaultReport``, ``record``, ``job_counts``.

A new scenario registers its own load operations in ``load.OPERATIONS`` if it
needs some, and keeps its fault short: the whole suite must stay within a few
minutes.
"""
