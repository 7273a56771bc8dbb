"""Hypothesis profiles for the fuzzing of courses: `ci` (the default: a few seconds within
`make test`) and `fuzz` (`make fuzz`: many examples, run for a time budget by run.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "print_blob": True}
settings.register_profile("ci", max_examples=6, **_COMMON)
settings.register_profile("fuzz", max_examples=1_000_000, **_COMMON)
settings.load_profile(os.environ.get("COURSEKIT_FUZZ_PROFILE", "ci"))
