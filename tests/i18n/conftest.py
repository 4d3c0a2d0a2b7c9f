import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_between_tests():
    # A request to /es/ leaves Spanish active in this thread (LocaleMiddleware activates it and
    # nothing resets it), so a later reverse() would build /es/ addresses.
    translation.activate("en")
    yield
    translation.activate("en")
