"""Two editors open the same record; the second save must not silently undo the first."""

import pytest

from cities.models import Jurisdiction
from tracker.models import ConcurrentEdit


def test_the_second_of_two_saves_from_the_same_version_is_refused(seeded):
    mine = Jurisdiction.objects.get(slug="chicago-il")
    theirs = Jurisdiction.objects.get(slug="chicago-il")
    theirs.population = 2_700_000
    theirs.save()
    mine.geoid = "1714000"
    with pytest.raises(ConcurrentEdit, match="changed by someone else"):
        mine.save()
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    assert (chicago.population, chicago.geoid) == (2_700_000, "")


def test_each_save_moves_the_version_on_and_the_same_copy_can_save_again(seeded):
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    start = chicago.version
    chicago.population = 1
    chicago.save()
    chicago.population = 2
    chicago.save(update_fields=["population"])
    assert Jurisdiction.objects.get(pk=chicago.pk).version == start + 2
