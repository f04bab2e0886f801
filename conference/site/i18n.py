from flask import current_app, session

LOCALE_SESSION_KEY = "locale"


def select_locale() -> str:
    """The language the visitor chose with the switch in the header; German until they choose."""
    chosen = session.get(LOCALE_SESSION_KEY)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
