"""Model validation through the database's own constraints: one home for every rule."""

from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models import Q


class ConstraintValidationMixin:
    """Model validation that puts each broken constraint's message on the field an editor
    corrects, for the admin's forms and the import's rows alike.

    `constraint_fields` maps a constraint's name to that field; a constraint not named there
    speaks for the whole record. With nothing excluded (an import row without errors), all the
    check constraints are first tried together: a valid record costs one query, not a query
    and a savepoint per constraint.
    """

    constraint_fields: ClassVar[dict[str, str]] = {}

    def validate_constraints(self, exclude=None):
        # A form never holds the primary key, so Django would skip every constraint that
        # compares a record with itself (a jurisdiction within itself): the key is not typed,
        # so it is always checked.
        exclude = set(exclude or ()) - {"pk", self._meta.pk.name}
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        for model, constraints in self.get_constraints():
            if not exclude and self._meets_check_constraints(model, constraints, using):
                constraints = [c for c in constraints if not isinstance(c, models.CheckConstraint)]
            for constraint in constraints:
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    errors.setdefault(self._field_of(constraint, error), []).append(error)
        if errors:
            raise ValidationError(errors)

    def _meets_check_constraints(self, model, constraints, using) -> bool:
        """Whether the record meets every check constraint of `model`: one query."""
        conditions = [c.condition for c in constraints if isinstance(c, models.CheckConstraint)]
        if len(conditions) < 2:
            return False
        together = models.CheckConstraint(condition=Q(*conditions), name="all_checks")
        try:
            together.validate(model, self, using=using)
        except ValidationError:
            return False
        return True

    def _field_of(self, constraint, error) -> str:
        if constraint.name in self.constraint_fields:
            return self.constraint_fields[constraint.name]
        if error.code == "unique" and len(getattr(constraint, "fields", ())) == 1:
            return constraint.fields[0]  # as Django places a one-field unique constraint
        return NON_FIELD_ERRORS
