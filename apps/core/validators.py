"""Input validators shared by the apps' serializers (Django's ValidationError,
which DRF reports with its code under the field)."""

from django.core.exceptions import ValidationError

from apps.core.text import single_line_problem


def validate_single_line(value: str) -> None:
    """A name shown on one line (and maybe in an email subject): no control
    characters, line breaks or bidirectional overrides."""
    problem = single_line_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="invalid_characters")
