"""Asking before an irreversible action that is sent by a button in a page with other things on it.

The view calls ``ask_first`` unless the form came back with ``confirmed``: the question page says what will be
lost and sends the same form again, confirmed, or leads back. It works without script.
"""

from flask import render_template, request

CONFIRMED = "confirmed"


def confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def ask_first(question: str, consequences: str, yes: str, back: str):
    """The question page: ``consequences`` says what will be lost; ``yes`` is the button that does it."""
    fields = [
        (name, value)
        for name, values in request.form.lists()
        if name not in ("csrf_token", CONFIRMED)
        for value in values
    ]
    return render_template(
        "confirm.html",
        question=question,
        consequences=consequences,
        yes=yes,
        back=back,
        action=request.path,
        fields=fields,
    )
