import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import Field, FieldList, FormField, PasswordField, TextAreaField
from wtforms import i18n as wtforms_i18n
from wtforms.csrf.core import CSRF
from wtforms.form import BaseForm
from wtforms.validators import InputRequired, ValidationError

# Control characters other than tab and line breaks (C0 and C1): invisible, and PostgreSQL refuses NUL in
# text; the bidirectional embeddings, overrides and isolates, which make a name display as another; and the
# characters that show nothing at all (zero-width space, word joiner, byte order mark), which make an
# empty name look filled in. (Zero-width joiners stay: Persian and Indic scripts need them.)
CONTROL_CHARACTERS = re.compile(
    r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# Every character str.splitlines() breaks a line at: LF, CR, VT, FF, the file, group and record separators,
# NEL and the Unicode line and paragraph separators. In a mail header any of them breaks the mail.
LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
ONE_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


# Letters that are drawn as nothing: the Hangul fillers and the blank braille pattern.
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def shows_something(text: str) -> bool:
    """Whether ``text`` has a character one can see: a letter, digit, punctuation mark or symbol. Marks that
    only change others (an accent alone, a joiner, a direction mark, a soft hyphen) and spaces are not enough."""
    return any(unicodedata.category(character)[0] in "LNPS" and character not in BLANK_LETTERS for character in text)


def remove_control_characters(value):
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def one_kind_of_line_break(value):
    """Browsers send a text area's line breaks as CRLF; stored as LF (whatever kind of line break was typed or
    pasted), the same text read back is the same text."""
    return LINE_BREAKS.sub("\n", value) if isinstance(value, str) else value


def join_lines(value):
    """One-line fields (titles, subjects, names) keep no line break or tab, nor spaces at either end: in a mail
    header a line break would break every later mail, and "  " is no name."""
    return ONE_LINE_BREAKS.sub(" ", value).strip() if isinstance(value, str) else value


class UploadField(FileField):
    """A file chosen in this request, or None: never the stored file's name of the row being edited,
    which ``Form(obj=row)`` would otherwise put in its place when no new file was chosen."""

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, extra_filters=extra_filters)


class PlausibleDate:
    """A date (or date and time) of an event between 1990 and 2100: "0001-01-01" is a typing slip, and
    dates at the calendar's ends cannot be shifted into another time zone without overflowing."""

    def __call__(self, form, field):
        if field.data is not None and not 1990 <= field.data.year <= 2100:
            raise ValidationError(_l("Please enter a date between 1990 and 2100."))


class MailAddress:
    """An address mail servers deliver to: checked, with the domain in its ASCII form (müller.de becomes
    xn--mller-kva.de); umlauts before the @ are refused, as most servers cannot deliver them (no SMTPUTF8)."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = validate_email(field.data, check_deliverability=False, allow_smtputf8=False).ascii_email
        except EmailNotValidError as error:
            if any(ord(character) > 127 for character in field.data.partition("@")[0]):
                raise ValidationError(
                    _l(
                        "Please write the part before the @ without umlauts or accents: mail servers "
                        "often cannot deliver such addresses."
                    )
                ) from error
            raise ValidationError(_l("Please enter a valid e-mail address, e.g. name@example.org.")) from error


class Form(FlaskForm):
    """The base of every form: CSRF protection, typed text cleaned of control characters, and a required
    field that shows nothing (spaces, invisible marks, characters that were removed) refused as if nothing was typed."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if (
                field.flags.required
                and isinstance(field.data, str)
                and not shows_something(field.data)
                and not field.errors
            ):
                required = next((v for v in field.validators if isinstance(v, InputRequired)), None)
                field.errors.append(
                    str(required.message) if required and required.message else gettext("This field is required.")
                )
                valid = False
        return valid

    def add_error(self, message: str, field: str | None = None) -> None:
        """Show a refusal from a service at its field (named as sent, ``colleagues-0-email`` in a part), or above the
        form when it concerns no field."""
        target = next((each for each in fields_of(self) if each.name == field), None) if field else None
        (target.errors if target is not None else self.form_errors).append(message)

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # The unbound field belongs to the form's class, shared by every request: left as it is, or its
            # filters would pile up with each form made (they did: 2,000 calls per request after 400).
            if issubclass(unbound_field.field_class, FieldList | FormField):  # their own fields are cleaned
                return unbound_field.bind(form=form, **options)
            if issubclass(unbound_field.field_class, TextAreaField):
                one_line = [one_kind_of_line_break]
            else:  # a password is taken as typed, spaces and all
                one_line = [] if issubclass(unbound_field.field_class, PasswordField) else [join_lines]
            filters = [remove_control_characters, *one_line, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

        def get_translations(self, form):
            return BuiltinMessages(get_locale().language)


def fields_of(form: BaseForm) -> Iterator[Field]:
    """Every field of ``form``, those of its repeated parts (a list of sub-forms, as a group's colleagues) included."""
    for field in form:
        if isinstance(field, FieldList | FormField):
            for entry in field if isinstance(field, FieldList) else [field]:
                yield from fields_of(entry.form) if isinstance(entry, FormField) else [entry]
        else:
            yield field


class SignedCSRF(CSRF):
    """CSRF protection for a form inside another site's page (embed/), where this site's cookies may not come
    along (browsers block them in a frame of another site): the token is not kept in the session but signed with
    SECRET_KEY, with the form's purpose (``meta.csrf_context``) and the time. A form sent back proves it was taken
    from this site, for this purpose, within ``MAX_AGE``; one sent from elsewhere has no such token."""

    MAX_AGE = 6 * 60 * 60

    def setup_form(self, form):
        self.purpose = str(form.meta.csrf_context)
        self.serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="signed-form")
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field) -> str:
        return self.serializer.dumps(self.purpose)

    def validate_csrf_token(self, form, field) -> None:
        try:
            purpose = self.serializer.loads(field.data or "", max_age=self.MAX_AGE)
        except BadData:
            purpose = None
        if purpose != self.purpose:
            raise ValidationError(gettext("The form had expired. Please send it again."))  # with a new token


# Messages of WTForms' own that its German catalogue lacks; here so that ours holds them.
MISSING_FROM_WTFORMS = (_l("Not a valid time value."),)


class BuiltinMessages:
    """WTForms' own messages ("Not a valid integer value.") from the catalogue WTForms ships, ours where it has none."""

    def __init__(self, language: str):
        self.shipped = shipped_catalogue(language)

    def gettext(self, message: str) -> str:
        translated = self.shipped.gettext(message)
        return translated if translated != message else gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.shipped.ngettext(singular, plural, n)


@cache
def shipped_catalogue(language: str):
    return wtforms_i18n.get_translations([language])


def status_of(form: FlaskForm) -> int:
    """422 when a submitted form comes back with errors, so clients and tests can tell; 200 otherwise."""
    return 422 if form.form_errors or any(field.errors for field in fields_of(form)) else 200
