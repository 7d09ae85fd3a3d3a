"""The guest of the ``component`` runtime: measure.py inside CPython for WASI, built into a
component by componentize-py (``make wasi-component``) with fib-python.

componentize-py runs this module when it builds the component and keeps what it imported,
so fib_python and measure are in the component, imported once, before any call.
"""

import json

import fib_python  # noqa: F401  (imported by name in the plan; kept in the component)
import wit_world
from fib_measuring import measure


class WitWorld(wit_world.WitWorld):
    def run_plan(self, plan: str) -> None:
        for event in measure.run_plan(json.loads(plan)):
            wit_world.emit(json.dumps(event))
