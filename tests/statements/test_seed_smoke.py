from cities.models import Jurisdiction


def test_seed_loads_the_eleven_places(seeded):
    assert Jurisdiction.objects.count() == 11
