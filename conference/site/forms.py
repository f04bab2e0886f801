import re

from flask_wtf import FlaskForm

# Control characters other than tab and line breaks: invisible, and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def remove_control_characters(value):
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class Form(FlaskForm):
    """The base of every form: CSRF protection, and typed text cleaned of control characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            unbound_field.kwargs["filters"] = [remove_control_characters, *filters]
            return unbound_field.bind(form=form, **options)
