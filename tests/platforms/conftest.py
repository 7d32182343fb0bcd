"""Fixtures of the platform client tests: one simulator per module, faults cleared after each test.

They and the helpers (`make_context`, `posts_in_local_days`...) live in tests/platforms/helpers.py, which test
modules import as `from tests.platforms.helpers import ...`.
"""

from tests.platforms.helpers import clean_faults, simulator

__all__ = ["clean_faults", "simulator"]
