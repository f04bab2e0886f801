from flask import current_app, has_request_context, session

LOCALE_SESSION_KEY = "locale"


def select_locale() -> str:
    """The language the visitor chose with the switch in the header; German until they choose.

    Outside a request (commands, mail built later) the default language applies.
    """
    chosen = session.get(LOCALE_SESSION_KEY) if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
