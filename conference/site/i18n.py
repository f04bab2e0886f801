from flask import current_app, has_request_context, session
from flask_babel import force_locale, refresh

LOCALE_SESSION_KEY = "locale"
# The interface speaks a language ("de", "en"); dates and times follow a country's customs. English
# readers of German events get British formats (29 September 2011, 09:30), not American ones.
FORMATS = {"en": "en_GB"}


def speaking(language: str):
    """Build something (a mail, a PDF) in ``language`` outside the visitor's request: ``force_locale`` with its
    formats."""
    return force_locale(FORMATS.get(language, language))


def select_locale() -> str:
    """The language the visitor chose with the switch in the header; German until they choose.

    Outside a request (commands, mail built later) the default language applies.
    """
    chosen = session.get(LOCALE_SESSION_KEY) if has_request_context() else None
    language: str = (
        chosen
        if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"]
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    return FORMATS.get(language, language)


def prefer(language: str) -> None:
    """Speak ``language`` on this page and the next ones, unless the visitor chose one with the switch
    (a registrant's own pages speak the language they registered in)."""
    if (
        session.get(LOCALE_SESSION_KEY) is None
        and language != current_app.config["BABEL_DEFAULT_LOCALE"]
        and language in current_app.config["LANGUAGES"]
    ):
        session[LOCALE_SESSION_KEY] = language
        refresh()
