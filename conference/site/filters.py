"""Template filters and globals: dates, times, the locale and plain text that people typed."""

import re
from datetime import datetime
from functools import cache
from urllib.parse import urlsplit

import pyphen
from flask import Flask
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    gettext,
)
from markupsafe import Markup, escape

from conference.site.forms import fields_of


def clock(moment: datetime) -> str:
    """A time of day in Berlin time: "9.30" in German, "09:30" in (British) English."""
    # Translators: a Babel time pattern; German uses "H.mm" (9.30), the way German programmes print times.
    return format_time(moment, gettext("HH:mm"))


def time_range(starts_at: datetime, ends_at: datetime) -> str:
    """ "9.30 – 16.00 Uhr" in German, "09:30 – 16:00" in English."""
    # Translators: a span of clock times; German adds "Uhr" after it.
    return gettext("%(start)s – %(end)s", start=clock(starts_at), end=clock(ends_at))


def date_range(starts_at: datetime, ends_at: datetime, format: str = "full") -> str:
    """The day of an event, or its first and last day when it runs over several."""
    first, last = format_date(starts_at, format), format_date(ends_at, format)
    return first if first == last else f"{first} – {last}"


def paragraphs(text: str | None) -> Markup:
    """Plain text as HTML paragraphs: blank lines separate paragraphs, single newlines break lines.

    Everything is escaped, so what an organiser or attendee typed is shown, never executed.
    """
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in block.split("\n")))
        for block in blocks
        if block
    )


def answer(value) -> str:
    """A registrant's answer to a custom question, as text."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def web_link(url: str | None) -> str | None:
    """The URL if it is an ordinary web address; ``javascript:`` and other schemes never become links."""
    return url if url and urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def unbroken(text: str | None, longest: int = 30) -> bool:
    """Whether ``text`` has a word of more than ``longest`` characters, which a table cell must break anywhere."""
    return any(len(word) > longest for word in (text or "").split())


# Words this long get soft hyphens in headings.
LONG_WORD = re.compile(r"\w{12,}")


@cache
def _dictionary(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang={"de": "de_DE", "en": "en_GB"}.get(language, "de_DE"))


def hyphenated(text: str | None, language: str = "de") -> str:
    """Long words with soft hyphens (pyphen, the dictionaries WeasyPrint hyphenates PDFs with), so that a phone breaks
    "Teilnahmebescheinigung" with a hyphen where a reader expects it: CSS ``hyphens: auto`` works only where the
    browser has a dictionary, which Chromium on Linux often lacks; without one it broke the word anywhere."""
    return LONG_WORD.sub(lambda word: _dictionary(str(language)).inserted(word.group(), hyphen="\u00ad"), text or "")


def file_size(size: int) -> str:
    """ "52,4 MB" in German, "52.4 MB" in English (units of 1,000, as file managers show them)."""
    units, amount = ["B", "kB", "MB", "GB"], float(size)
    while amount >= 1000 and len(units) > 1:
        amount /= 1000
        units.pop(0)
    return f"{format_decimal(amount, '#,##0.#')} {units[0]}"


def register(app: Flask) -> None:
    app.add_template_filter(fields_of)
    app.add_template_filter(file_size)
    app.add_template_filter(hyphenated)
    app.add_template_test(unbroken)
    app.add_template_filter(clock)
    app.add_template_filter(time_range)
    app.add_template_filter(date_range)
    app.add_template_filter(paragraphs)
    app.add_template_filter(web_link)
    app.add_template_filter(answer)
    app.add_template_filter(format_date)
    app.add_template_filter(format_datetime)
    app.add_template_filter(format_decimal)
    app.add_template_filter(format_percent)
    app.add_template_global(get_locale)
