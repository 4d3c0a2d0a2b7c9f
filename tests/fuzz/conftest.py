"""Hypothesis profiles: a short "ci" run inside `make test`, a long "fuzz" run for `make fuzz`.

Choose one with HYPOTHESIS_PROFILE (default "ci").
"""

import os

from hypothesis import HealthCheck, settings

# pytest-django's `db` fixture is function-scoped: every example shares the test's transaction,
# which is what these read-only tests want.
_shared = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=25, database=None, **_shared)
settings.register_profile("fuzz", max_examples=1500, **_shared)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
