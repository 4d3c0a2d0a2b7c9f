"""Each request's filters and form fields are its own copies, as django-filter and Django make
them, though the lists of choices they hold are shared rather than copied for every request."""

from django.http import QueryDict

from public.claims.filters import StatementFilter
from public.places.filters import JurisdictionFilter


def two_requests(filterset_class):
    return (
        filterset_class(QueryDict("state=CA"), queryset=None),
        filterset_class(QueryDict("state=TX"), queryset=None),
    )


def test_each_request_has_its_own_filters_and_fields_sharing_the_states_list(db):
    first, second = two_requests(StatementFilter)

    assert first.filters["state"] is not second.filters["state"]
    assert first.filters["state"].parent is first and second.filters["state"].parent is second
    assert first.form.fields["state"] is not second.form.fields["state"]
    assert first.form.fields["state"].widget is not second.form.fields["state"].widget
    assert (
        first.filters["state"].extra["choices"]
        is second.filters["state"].extra["choices"]
        is StatementFilter.base_filters["state"].extra["choices"]
    )


def test_new_choices_for_one_request_leave_the_others_and_the_class_as_they_were(db):
    first, second = two_requests(JurisdictionFilter)
    states = [value for value, _label in second.form.fields["state"].choices]

    first.form.fields["state"].choices = [("CA", "California")]

    assert [value for value, _ in first.form.fields["state"].choices] == ["CA"]
    assert [value for value, _ in second.form.fields["state"].choices] == states
    third = JurisdictionFilter(QueryDict(), queryset=None)
    assert [value for value, _ in third.form.fields["state"].choices] == states
    assert len(states) > 50
