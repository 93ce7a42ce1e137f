"""The one error type that users see.

Domain code raises :class:`InputError` for bad input; the adapters (CLI, later the API) turn it into a
one-line message that names the field, the value and what is allowed, and a non-zero exit (2).
"""


class InputError(ValueError):
    """Bad input from a user: the message is one line, names the field, the value and what is allowed."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)
