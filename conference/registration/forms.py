"""The registration form of one event: fixed fields, the event's own questions, its forum slots."""

import re
import secrets

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from conference.agenda.services import TimeSlot
from conference.events.models import Event
from conference.registration.models import Question, QuestionKind, Registration, Salutation
from conference.registration.questions import SCALE, asked, is_shown
from conference.registration.services import Applicant, IfGroupDoesNotFit, forum_slots, is_full, too_many_in_group
from conference.site.forms import Form, MailAddress, fields_of

PLEASE_ANSWER = _l("Please answer this question.")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def email_field(**kwargs) -> EmailField:
    return EmailField(
        _l("E-mail address"),
        [InputRequired(_l("Please enter your e-mail address.")), Length(max=254), MailAddress()],
        **kwargs,
    )


class LostLinkForm(Form):
    email = email_field()


class Choices:
    """The event's own questions and its forum slots, on the registrant's form and on each colleague's."""

    questions: list[Question]
    slots: list[TimeSlot]
    colleague = False  # a colleague's part of the registrant's form
    just_removed = False

    def answers(self) -> dict[int, object]:
        return {question.id: self[f"question_{question.id}"].data for question in self.questions}  # type: ignore[index]

    def forums(self) -> list[int]:
        return [self[f"forum_{index}"].data for index in range(len(self.slots))]  # type: ignore[index]

    @property
    def question_fields(self):
        return [self[f"question_{question.id}"] for question in self.questions]  # type: ignore[index]

    @property
    def forum_fields(self):
        return [(slot, self[f"forum_{index}"]) for index, slot in enumerate(self.slots)]  # type: ignore[index]


class ColleagueForm(Form, Choices):
    """A colleague the registrant registers with them: each a registration of their own."""

    colleague = True

    class Meta:
        csrf = False  # part of the registrant's form, which carries the token

    first_name = StringField(_l("First name"), [InputRequired(_l("Please enter a first name.")), Length(max=100)])
    last_name = StringField(_l("Last name"), [InputRequired(_l("Please enter a last name.")), Length(max=100)])
    email = EmailField(
        _l("E-mail address (optional)"),
        [Optional(), Length(max=254), MailAddress()],
        description=_l("Their own confirmation and link go here. Without one, you manage their registration."),
    )
    organisation = StringField(_l("Organisation"), [Optional(), Length(max=200)])

    def applicant(self, locale: str) -> Applicant:
        return Applicant(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            email=self.email.data or "",
            organisation=self.organisation.data or "",
            locale=locale,
            answers=self.answers(),
            forums=self.forums(),
        )


class RegistrationForm(Form, Choices):
    salutation = RadioField(
        _l("Form of address (optional)"),
        choices=[SelectChoice(salutation.value, salutation.label) for salutation in Salutation],
        default=Salutation.NONE.value,
        validators=[Optional()],
    )
    academic_title = StringField(
        _l("Academic title (optional)"), [Optional(), Length(max=60)], description=_l("For example Dr. or Prof. Dr.")
    )
    first_name = StringField(_l("First name"), [InputRequired(_l("Please enter your first name.")), Length(max=100)])
    last_name = StringField(_l("Last name"), [InputRequired(_l("Please enter your last name.")), Length(max=100)])
    email = email_field(description=_l("We send the confirmation and the link to your registration here."))
    organisation = StringField(_l("Organisation"), [Optional(), Length(max=200)])
    function = StringField(_l("Function or role"), [Optional(), Length(max=200)])
    phone = TelField(_l("Phone (optional)"), [Optional(), Length(max=50)])
    listed_as_participant = BooleanField(
        _l("Show my name and organisation on the event's participant list"),
        description=_l("Optional. You can change this later through the link to your registration."),
    )
    privacy = BooleanField(
        _l("I have read the privacy notice and agree that my details are used to organise the event."),
        [DataRequired(_l("Please agree to the privacy notice; without it we cannot register you."))],
    )
    submission_key = HiddenField()

    def applicant(self, locale: str) -> Applicant:
        return Applicant(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            salutation=(self.salutation.data or "") if self.salutation else "",
            academic_title=(self.academic_title.data or "") if self.academic_title else "",
            email=(self.email.data or "") if self.email else "",
            organisation=self.organisation.data or "",
            function=self.function.data or "",
            phone=self.phone.data or "",
            locale=locale,
            # Not asked of someone else (a colleague's consent is theirs to give): left as it was.
            listed_as_participant=self.listed_as_participant.data if "listed_as_participant" in self else None,
            online=self.online.data == "online" if "online" in self else None,
            submission_key=(self.submission_key.data or "")[:64],
            answers=self.answers(),
            forums=self.forums(),
        )

    # --- a group: the colleagues registered with the registrant (only where the event takes groups) ---

    def validate_colleagues_agree(self, field):
        if self.colleagues.entries and not field.data:
            raise ValidationError(_l("Please confirm that the people you register agree to it."))

    def colleague_applicants(self, locale: str) -> list[Applicant]:
        return [entry.form.applicant(locale) for entry in self.colleagues] if "colleagues" in self else []

    def if_full(self) -> IfGroupDoesNotFit | None:
        choice = self.if_group_does_not_fit.data if "if_group_does_not_fit" in self else None
        return IfGroupDoesNotFit(choice) if choice in set(IfGroupDoesNotFit) else None

    def regrouped(self) -> bool:
        """Whether "add a person" or "remove" was pressed rather than "register": the form comes back with one
        person more or fewer, what was typed kept and not yet checked."""
        if not self.is_submitted() or not only_regrouping():
            return False
        if "colleagues" not in self:  # sent to a form without a group: shown again, registering nobody
            return True
        if "add_colleague" in request.form:
            if len(self.colleagues.entries) + 1 >= self.group_size_limit:
                self.form_errors.append(too_many_in_group(self.group_size_limit))
            else:
                entry = self.colleagues.append_entry({"organisation": self.organisation.data or ""})
                link_conditions(entry.form, self.questions)
                entry.form.first_name.render_kw = {"autofocus": True}
            return True
        if "remove_colleague" in request.form:
            removed = request.form["remove_colleague"]
            if re.fullmatch(r"[0-9]{1,2}", removed) and int(removed) < len(self.colleagues.entries):
                del self.colleagues.entries[int(removed)]
                self.just_removed = True  # the page puts the focus back on the group
            return True
        return False


def only_regrouping() -> bool:
    """Whether the form was sent by "add a person" or "remove": it comes back to be filled in further and registers
    nobody (``RegistrationForm.regrouped``), so it does not count against the limit of registrations."""
    return "add_colleague" in request.form or "remove_colleague" in request.form


def question_field(question: Question, locale: str):
    if question.shown_if_id is not None:
        presence = Asked(question)
    elif question.required:
        presence = InputRequired(PLEASE_ANSWER)
    else:
        presence = Optional()
    common = {"label": question.text(locale, "label"), "description": question.text(locale, "help_text")}
    if question.kind == QuestionKind.LONG_TEXT:
        return TextAreaField(validators=[presence, Length(max=4000)], **common)
    if question.kind == QuestionKind.YES_NO:
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
        return RadioField(choices=choices, validators=[presence], coerce=_yes_no, **common)
    if question.kind == QuestionKind.SCALE:
        named = [shown for _value, shown in question.choices(locale)] or [""]
        ends = {SCALE[0]: named[0], SCALE[-1]: named[-1]}
        points = [SelectChoice(point, f"{point} – {ends[point]}" if point in ends else str(point)) for point in SCALE]
        return RadioField(choices=points, validators=[presence], coerce=_scale_point, **common)
    choices = [SelectChoice(value, shown) for value, shown in question.choices(locale)]
    if question.kind == QuestionKind.SINGLE_CHOICE:
        return RadioField(choices=choices, validators=[presence], **common)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return CheckboxesField(
            choices=choices,
            validators=[Asked(question, _l("Please choose at least one."))]
            if question.required or question.shown_if_id is not None
            else [Optional()],
            **common,
        )
    return StringField(validators=[presence, Length(max=500)], **common)


class Asked:
    """For a question asked only on a condition: skipped (and emptied) when the condition is not met,
    else required or not. It sets no HTML ``required``: the browser would refuse to send the form
    while the question is hidden."""

    field_flags = {"answer_required": True}

    def __init__(self, question: Question, message=PLEASE_ANSWER):
        self.question, self.required, self.message = question, question.required, message

    def __call__(self, form, field):
        answers = {question.id: form[f"question_{question.id}"].data for question in form.questions}
        if not is_shown(self.question, answers):
            field.data = [] if isinstance(field.data, list) else None
            field.errors[:] = []
            raise StopValidation()
        if field.data in (None, "", []):
            if self.required:
                raise StopValidation(str(self.message))
            field.errors[:] = []
            raise StopValidation()


def _yes_no(value):
    return {"yes": True, "no": False, True: True, False: False}.get(value)


def _scale_point(value):
    return int(value) if str(value) in {str(point) for point in SCALE} else None


def add_question_fields(form_class: type[Form], questions: list[Question], locale: str) -> None:
    """A field ``question_<id>`` on ``form_class`` for each question."""
    for question in questions:
        setattr(form_class, f"question_{question.id}", question_field(question, locale))


def link_conditions(form: Form, questions: list[Question]) -> None:
    """Tell the form which questions it asks, and the page which of their fields wait for an answer elsewhere."""
    form.questions = questions
    for question in questions:
        if question.shown_if_id is not None:
            source = form[f"question_{question.shown_if_id}"].name  # with the prefix of a colleague's part
            form[f"question_{question.id}"].shown_if = (source, question.shown_if_answer)


def add_choice_fields(form_class: type[Form], questions: list[Question], slots: list[TimeSlot], locale: str) -> None:
    """The fields of the event's questions and forum slots."""
    add_question_fields(form_class, questions, locale)
    for index, slot in enumerate(slots):
        field = RadioField(
            _l("Forum"),
            coerce=int,
            choices=[SelectChoice(item.id, item.title) for item in slot.items],
            validators=[InputRequired(_l("Please choose one forum for this time slot."))],
        )
        setattr(form_class, f"forum_{index}", field)


def registration_form(
    event: Event, registration: Registration | None = None, by_organiser: bool = False, **kwargs
) -> RegistrationForm:
    """The form for ``event``; with ``registration`` it edits that one (no consent; the address only for organisers).
    ``by_organiser``: filled in for someone else, who may have no e-mail address."""
    slots = forum_slots(event)

    class EventRegistrationForm(RegistrationForm):
        pass

    if by_organiser:
        EventRegistrationForm.email = EmailField(
            _l("E-mail address"),
            [Optional(), Length(max=254), MailAddress()],
            description=_l("Optional: without one the person gets no mails; lists, badges and certificates still work.")
            if registration is None
            else _l(
                "To correct a typing mistake: the link to the registration is renewed and mailed to the new address; "
                "the old address gets nothing more, and the link sent there no longer works."
            ),
        )
        EventRegistrationForm.listed_as_participant = BooleanField(
            _l("Show the name and organisation on the event's participant list"),
            description=_l("Only if the person has agreed to it."),
        )

    if len(event.modes) > 1:
        EventRegistrationForm.online = mode_field(event, registration)
    questions = asked(event)
    add_choice_fields(EventRegistrationForm, questions, slots, get_locale().language)
    takes_group = registration is None and not by_organiser and event.group_size_limit > 1
    if takes_group:
        EventRegistrationForm.colleagues = FieldList(
            # One more than may come, so that a form sent with too many is refused with a message, not cut short.
            FormField(colleague_form_class(questions, slots)),
            max_entries=event.group_size_limit,
        )
        EventRegistrationForm.colleagues_agree = agreement_field()
        EventRegistrationForm.if_group_does_not_fit = RadioField(
            _l("Not enough places for everyone"),
            choices=[
                SelectChoice(
                    IfGroupDoesNotFit.SPLIT.value,
                    _l("Register those who fit now, in the order of the form; the others join the waiting list"),
                ),
                SelectChoice(
                    IfGroupDoesNotFit.WAIT.value,
                    _l("Put everyone on the waiting list; places are then given one by one, in the order of the form"),
                ),
            ],
            validators=[Optional()],
        )
    if registration is not None:
        kwargs.setdefault("data", _current_values(registration, slots))
    form = EventRegistrationForm(**kwargs)
    if registration is not None:
        del form["privacy"]
        if not by_organiser:  # the organisers correct an address (the link goes to it)
            del form["email"]
    for name, wanted in (("salutation", event.asks_salutation), ("academic_title", event.asks_academic_title)):
        if not wanted:
            del form[name]
    form.slots, form.by_organiser, form.group_size_limit = slots, by_organiser, event.group_size_limit
    link_conditions(form, questions)
    for position, entry in enumerate(form.colleagues if takes_group else ()):
        link_conditions(entry.form, questions)
        for part in fields_of(entry.form):  # the summary of errors says whose field it is
            part.summary_label = f"{_('Person %(number)d', number=position + 2)}: {part.label.text}"
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_hex(16)
    return form


def mode_field(event: Event, registration: Registration | None) -> RadioField:
    """On site or online, where the event offers both; a way that is fully booked says that it leads to the waiting
    list (not for the way someone holds a place in already)."""

    def label(online: bool) -> str:
        name = _("Online") if online else _("On site")
        if (registration is None or registration.online != online) and is_full(event, online):
            return _("%(way)s – fully booked: waiting list", way=name)
        return name

    return RadioField(
        _l("How do you take part?") if registration is None else _l("Taking part"),
        [InputRequired(_l("Please choose how you take part."))],
        choices=[SelectChoice("on_site", label(False)), SelectChoice("online", label(True))],
        description=_l("Online participants receive the link to the video conference once their place is confirmed."),
    )


class AskedWithColleagues:
    """Marks the agreement as required (its asterisk) where a group is registered; ``validate_colleagues_agree``
    checks it, as it is needed only when colleagues are named."""

    field_flags = {"answer_required": True}

    def __call__(self, form, field):
        pass


def agreement_field(*validators) -> BooleanField:
    return BooleanField(
        _l("The people I register know of it and agree that their details are used to organise the event."),
        validators or [AskedWithColleagues()],
    )


def add_colleague_form(event: Event) -> Form:
    """One more colleague, registered later through the link of who registered the group (its fields named as on
    the registration form, where the services' refusals point)."""

    class AddColleagueForm(Form):
        colleagues = FieldList(
            FormField(colleague_form_class(asked(event), forum_slots(event))), min_entries=1, max_entries=1
        )
        colleagues_agree = agreement_field(
            DataRequired(_l("Please confirm that the person you register agrees to it."))
        )

    form = AddColleagueForm()
    link_conditions(form.colleagues[0].form, asked(event))
    return form


def colleague_form_class(questions: list[Question], slots: list[TimeSlot]) -> type[ColleagueForm]:
    """The form of one colleague, with the event's questions and forums."""

    class EventColleagueForm(ColleagueForm):
        pass

    add_choice_fields(EventColleagueForm, questions, slots, get_locale().language)
    EventColleagueForm.questions, EventColleagueForm.slots = questions, slots
    return EventColleagueForm


def _current_values(registration: Registration, slots) -> dict:
    values = {
        name: getattr(registration, name)
        for name in (
            "first_name",
            "last_name",
            "academic_title",
            "email",
            "organisation",
            "function",
            "phone",
            "listed_as_participant",
        )
    }
    values["salutation"] = registration.salutation.value
    values["online"] = "online" if registration.online else "on_site"
    for answer in registration.answers:
        value = answer.value
        values[f"question_{answer.question_id}"] = (
            {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
        )
    chosen = {choice.agenda_item_id for choice in registration.forum_choices}
    for index, slot in enumerate(slots):
        values[f"forum_{index}"] = next((item.id for item in slot.items if item.id in chosen), None)
    return values
