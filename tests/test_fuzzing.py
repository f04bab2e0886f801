"""Arbitrary input at every form, public and organisers', and in every path argument: never a server error,
and nothing stored unless valid.

Hypothesis sends the forms' own fields and made-up ones, with any unicode (control characters,
right-to-left text, emoji), huge values, numbers where text belongs, several values for one field
and empty ones, always with a valid CSRF token so that the input reaches the form.
"""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conference.accounts.models import UserRole
from conference.database import utcnow
from conference.extensions import db
from conference.limits.services import DEFAULT_LIMITS, Limit
from conference.registration import services
from conference.registration.models import Answer, ForumChoice, QuestionKind, Questionnaire, Registration
from conference.registration.questions import KINDS
from tests.support import applicant, form_token, log_in, path_of

REGISTRATION_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "organisation",
    "function",
    "phone",
    "privacy",
    "listed_as_participant",
    "submission_key",
    "forum_0",
]

NASTY = [
    "",
    " ",
    "y",
    "on",
    "0",
    "-1",
    "1e309",
    "NaN",
    "999999999999999999999999",
    "null",
    "[]",
    "a@b",
    "nadia@example.org",
    "ä@ö.de",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "x" * 5000,
    "9" * 100_000,
]
TEXT_FIELDS = ["first_name", "last_name", "organisation", "function", "phone"]

single_value = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.sampled_from(NASTY),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
)
value = st.one_of(single_value, st.lists(single_value, min_size=2, max_size=3))  # a field sent twice or more


def form_data(known_fields: list[str]):
    return st.dictionaries(
        st.one_of(st.sampled_from(known_fields), st.text(max_size=20)), value, max_size=len(known_fields) + 3
    )


def valid_registration(base: dict, fields: list[str]) -> st.SearchStrategy[dict]:
    """Valid registrations with one field replaced, or with odd text inside a name, so the fuzz also
    reaches the rules behind the form and the database."""
    valid = st.integers(0, 10**9).map(lambda number: base | {"email": f"p{number}@example.org"})
    replaced = st.builds(
        lambda data, field, replacement: data | {field: replacement}, valid, st.sampled_from(fields), value
    )
    embedded = st.builds(
        lambda data, field, odd: data | {field: f"Na{odd}dia"},
        valid,
        st.sampled_from(TEXT_FIELDS),
        st.one_of(st.sampled_from(NASTY), st.text(max_size=20)),
    )
    return st.one_of(replaced, embedded)


FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def site(app, client, make_event, make_forums, make_question):
    app.config["RATE_LIMITS"] = {name: Limit(10**6, timedelta(minutes=1)) for name in DEFAULT_LIMITS}
    event = make_event(capacity=5)
    registration = services.register(
        event.id, applicant(), utcnow(), by=None
    ).registration  # before forums and questions exist
    forum, _ = make_forums(event, 2, None)
    questions = [
        make_question(event, kind=kind, required=kind == QuestionKind.TEXT, options=["Ja", "Nein", "Vielleicht"])
        for kind in KINDS[Questionnaire.REGISTRATION]
    ]
    fields = REGISTRATION_FIELDS + [f"question_{question.id}" for question in questions]
    valid = {
        "first_name": "Nadia",
        "last_name": "Haddad",
        "organisation": "AFZ",
        "privacy": "y",
        "forum_0": str(forum.id),
        f"question_{questions[0].id}": "Antwort",
    }
    return event, registration, fields, valid, form_token(client, f"/events/{event.slug}/register")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def snapshot(registration: Registration) -> tuple:
    db.session.expire_all()
    row = db.session.get(Registration, registration.id)
    return (
        row.first_name,
        row.last_name,
        row.email,
        row.organisation,
        row.function,
        row.phone,
        row.status,
        row.listed_as_participant,
        sorted((a.question_id, str(a.value)) for a in row.answers),
        sorted(c.agenda_item_id for c in row.forum_choices),
    )


def test_the_registration_form_stores_only_valid_registrations(client, site):
    event, _registration, fields, valid, token = site
    stored = []

    @settings(FUZZ, max_examples=120)
    @given(data=st.one_of(form_data(fields), valid_registration(valid, fields)))
    @example(data=valid | {"email": "nul@example.org", "last_name": "Ha\x00ddad"})
    def attempt(data):
        before = count(Registration), count(Answer), count(ForumChoice)
        response = client.post(f"/events/{event.slug}/register", data=data | {"csrf_token": token})
        assert response.status_code < 500
        if response.status_code == 303:
            newest = db.session.scalars(sa.select(Registration).order_by(Registration.id.desc())).first()
            assert newest.first_name.strip() and newest.last_name.strip() and "@" in newest.email
            assert len(newest.first_name) <= 100 and "\x00" not in newest.first_name + newest.last_name
            stored.append(newest.id)
        else:
            assert (count(Registration), count(Answer), count(ForumChoice)) == before

    attempt()
    assert stored, "no valid registration was ever sent: the test did not reach the rules"


def test_changing_a_registration_changes_nothing_unless_valid(client, site):
    _event, registration, fields, _valid, _token = site
    link = f"/registrations/{services.link_token(registration)}/edit"
    token = form_token(client, link)

    @FUZZ
    @given(data=form_data(fields))
    def attempt(data):
        before = snapshot(registration)
        response = client.post(link, data=data | {"csrf_token": token})
        assert response.status_code < 500
        if response.status_code != 303:
            assert snapshot(registration) == before

    attempt()


@pytest.mark.parametrize(
    "path,fields",
    [
        ("/login", ["email", "password", "remember", "next"]),
        ("/login/forgot", ["email"]),
        ("/login/reset/not-a-token", ["password", "confirm"]),
        ("lost-link", ["email"]),
    ],
)
def test_account_and_link_forms_never_fail(client, site, path, fields):
    event, _registration, _fields, _valid, token = site
    path = f"/events/{event.slug}/lost-link" if path == "lost-link" else path

    @FUZZ
    @given(data=form_data(fields))
    def attempt(data):
        assert client.post(path, data=data | {"csrf_token": token}).status_code < 500

    attempt()


def test_query_strings_of_public_pages_never_fail(client, site):
    event, _registration, _fields, _valid, _token = site

    @settings(FUZZ, max_examples=40)
    @given(
        path=st.sampled_from(["/", "/certificates/verify", "/login", f"/events/{event.slug}", "/language/en"]),
        query=st.dictionaries(
            st.sampled_from(["number", "organisation", "next", "q", "page", "welcome"]), single_value, max_size=3
        ),
    )
    def attempt(path, query):
        assert client.get(path, query_string=query).status_code < 500

    attempt()


FIELD_NAMES = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def organiser_posts(app) -> list:
    """Every back-office rule that takes a POST."""
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.rule.startswith("/manage/")]


def test_every_organiser_form_takes_any_input_without_a_server_error(app, client, url_values, make_user):
    _event, values = url_values
    log_in(client, make_user(role=UserRole.ADMINISTRATOR))
    token = form_token(client, "/manage/")
    rules = organiser_posts(app)
    assert len(rules) >= 25, "the walk missed forms"
    for rule in rules:
        path = path_of(rule, values)
        page = client.get(path) if "GET" in rule.methods else None
        fields = sorted(set(FIELD_NAMES.findall(page.get_data(as_text=True))) - {"csrf_token"}) if page else []

        @settings(FUZZ, max_examples=8)
        @given(data=form_data(fields or ["title", "name", "code", "email", "role", "event_id"]))
        def attempt(data):
            with client.post(path, data=data | {"csrf_token": token}) as response:  # noqa: B023 - run at once, below
                assert response.status_code < 500, (path, data)  # noqa: B023

        attempt()


PATH_VALUES = ["0", "-1", str(2**31), "9" * 40, "ä", "%00", "..", "x" * 500, "\u202e", "<script>"]


def test_every_path_argument_takes_any_value_without_a_server_error(app, client, url_values, make_user):
    """Anonymous and administrator alike: a number too big for a column, text where an id belongs, traversal,
    controls."""
    _event, values = url_values
    rules = [rule for rule in app.url_map.iter_rules() if rule.arguments and rule.endpoint != "static"]
    for logged_in in (False, True):
        if logged_in:
            log_in(client, make_user(role=UserRole.ADMINISTRATOR))
        token = form_token(client, "/login")
        for rule in rules:
            for argument in sorted(rule.arguments):
                for odd in PATH_VALUES:
                    path = path_of(rule, values | {argument: quote(odd, safe="%")})
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                        with client.open(
                            path, method=method, data={"csrf_token": token} if method == "POST" else None
                        ) as response:
                            assert response.status_code < 500, (method, path)
