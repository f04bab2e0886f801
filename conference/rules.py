class Refusal(Exception):
    """A rule refused a change; ``message`` says why in the user's language, ``field`` which input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
