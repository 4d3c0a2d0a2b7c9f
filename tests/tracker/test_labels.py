"""Labels read by a dictionary and dates remembered per day still say what Django would, in the
reader's language: the shortcuts that took most of a list's and the map's rendering time."""

import datetime

from django.utils import translation

from cities.models import Jurisdiction, StanceLevel, State
from tracker.text import day_label


def test_a_choice_label_is_the_choice_in_the_readers_language():
    place = Jurisdiction(name="Tacoma", state=State.WA, stance_level=StanceLevel.REFUSES)
    assert place.get_state_display() == "Washington"
    assert place.get_stance_level_display() == "Refuses cooperation"
    with translation.override("es"):
        assert place.get_stance_level_display() == str(StanceLevel.REFUSES.label)
        assert place.get_stance_level_display() != "Refuses cooperation"


def test_a_value_outside_the_choices_is_shown_as_stored():
    assert Jurisdiction(state="ZZ").get_state_display() == "ZZ"
    assert Jurisdiction(state=None).get_state_display() is None


def test_a_day_is_written_in_the_readers_language_each_time():
    day = datetime.date(2019, 6, 21)
    assert day_label(day) == "June 21, 2019"
    with translation.override("es"):
        assert day_label(day) == "21 de junio de 2019"
    assert day_label(day) == "June 21, 2019"
