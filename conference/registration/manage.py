"""Registrations of one event, for its organisers: search, filter, decide, cancel, move up; the registration form's
questions."""

import secrets

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from conference.accounts.services import managed_events
from conference.database import utcnow
from conference.events.models import Event
from conference.extensions import db
from conference.organisations.models import Organisation
from conference.registration import bulk, history, mail_texts, questions, services
from conference.registration import export as export_table
from conference.registration.forms import registration_form
from conference.registration.models import (
    BY_NAME,
    BY_ORGANISATION,
    ForumChoice,
    Question,
    QuestionKind,
    Questionnaire,
    Registration,
    RegistrationStatus,
)
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, status_of
from conference.site.lookup import row_of_event_or_404
from conference.site.urls import local_path
from conference.tasks.manage import failed as failed_tasks

blueprint = Blueprint("registration_manage", __name__, url_prefix="/manage/events/<int:event_id>/registrations")
start = Blueprint("back_office", __name__, url_prefix="/manage")


@start.get("/")
def start_page():
    """The back office's start page: the events the account works on, with their figures."""
    events = managed_events(current_user)
    # The networks of these events, whose figures (conference.figures) the page links to.
    networks = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.id.in_({event.network_id for event in events if event.network_id}))
        .order_by(Organisation.name)
    ).all()
    return render_template(
        "registration/manage/index.html",
        events=events,
        networks=networks,
        figures=services.figures_of([e.id for e in events]),
        now=utcnow(),
    )


PAGE_SIZE = 50
SORTS = {
    "name": BY_NAME,
    "organisation": BY_ORGANISATION,
    "arrival": (Registration.created_at, Registration.id),
}


def registrations_query(event_id: int, search: str, status: str, sort: str) -> sa.Select:
    query = (
        sa.select(Registration)
        .where(Registration.event_id == event_id)
        .options(
            selectinload(Registration.forum_choices).joinedload(ForumChoice.agenda_item),
            selectinload(Registration.registered_by),
        )
    )  # one query for the page's forums, one for who registered the colleagues on it
    if search:
        query = query.where(
            services.typed_search(
                search, Registration.first_name, Registration.last_name, Registration.email, Registration.organisation
            )
        )
    if status in {member.value for member in RegistrationStatus}:
        query = query.where(Registration.status == status)
    return query.order_by(*SORTS.get(sort, SORTS["name"]))


@blueprint.get("/")
def index(event_id: int):
    event = g.event
    search, status, sort = (
        request.args.get("q", "")[:100],
        request.args.get("status", ""),
        request.args.get("sort", "name"),
    )
    page_number = min(max(request.args.get("page", 1, type=int), 1), 10**6)  # a typed 10**30 is no page
    page = db.paginate(
        registrations_query(event.id, search, status, sort),
        page=page_number,
        per_page=PAGE_SIZE,
        max_per_page=PAGE_SIZE,
    )
    counts = dict(
        db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.event_id == event.id)
            .group_by(Registration.status)
        ).all()
    )
    return render_template(
        "registration/manage/registrations.html",
        event=event,
        page=page,
        counts=counts,
        search=search,
        status=status,
        sort=sort,
        statuses=list(RegistrationStatus),
        form=Form(),
        event_over=event.has_ended(utcnow()),
        event_started=utcnow() >= event.starts_at,
    )


class BulkMailForm(Form):
    audience = SelectField(_l("To"), choices=[SelectChoice(name, label) for name, label in bulk.AUDIENCES.items()])
    subject = StringField(_l("Subject"), [InputRequired(_l("Please enter a subject.")), Length(max=200)])
    body = TextAreaField(
        _l("Message"),
        [InputRequired(_l("Please write a message.")), Length(max=20000)],
        description=_l("Plain text. Each mail starts with a greeting and ends with the person's link."),
    )
    subject_en = StringField(
        _l("Subject in English"),
        [Optional(), Length(max=200)],
        render_kw={"lang": "en"},
        description=_l(
            "Optional. People who registered in English receive this version, with "
            "the greeting and the link in English. Without it, everyone receives the "
            "message above, with the greeting and the link in German."
        ),
    )
    body_en = TextAreaField(_l("Message in English"), [Optional(), Length(max=20000)], render_kw={"lang": "en"})
    # The same form sent again (a double click on "Send") is recognised and sends nothing more.
    submission_key = HiddenField(default=lambda: secrets.token_hex(16))

    def texts(self) -> tuple[str, str, str, str]:
        """German subject and message, English subject and message, as ``bulk.send`` and ``bulk.preview`` take them."""
        return self.subject.data.strip(), self.body.data, (self.subject_en.data or "").strip(), self.body_en.data or ""


@blueprint.route("/mail", methods=["GET", "POST"])
def bulk_mail(event_id: int):
    event = g.event
    form = BulkMailForm()
    preview, recipients = [], []
    if form.validate_on_submit():
        recipients = bulk.audience(event.id, form.audience.data)
        try:
            if "send" in request.form and recipients:
                sent = bulk.send(
                    event.id,
                    form.audience.data,
                    *form.texts(),
                    submission_key=(form.submission_key.data or "")[:64],
                    by=current_user,
                )
                flash(
                    ngettext(
                        "Your message is on its way to %(num)s person.",
                        "Your message is on its way to %(num)s people.",
                        sent.recipients,
                    ),
                    "success",
                )
                return redirect(url_for(".bulk_mail", event_id=event.id), code=303)
            preview = bulk.preview(recipients, *form.texts())
        except mail_texts.MailTextError as refused:
            for refusal in refused.each():
                form.add_error(refusal.message, refusal.field)
    return render_template(
        "registration/manage/bulk_mail.html",
        event=event,
        form=form,
        preview=preview,
        recipients=recipients,
        placeholders=mail_texts.placeholders(),
        history=bulk.history(event.id),
    ), status_of(form)


class MailTextForm(Form):
    """Subject and text of one kind of mail, in German and in English."""

    subject_de = StringField(
        _l("Subject (German)"), [InputRequired(_l("Please enter a subject.")), Length(max=mail_texts.MAX_SUBJECT)]
    )
    text_de = TextAreaField(
        _l("Text (German)"),
        [InputRequired(_l("Please write a text.")), Length(max=mail_texts.MAX_TEXT)],
        render_kw={"rows": 9},
    )
    subject_en = StringField(
        _l("Subject (English)"), [InputRequired(_l("Please enter a subject.")), Length(max=mail_texts.MAX_SUBJECT)]
    )
    text_en = TextAreaField(
        _l("Text (English)"),
        [InputRequired(_l("Please write a text.")), Length(max=mail_texts.MAX_TEXT)],
        render_kw={"rows": 9},
    )

    def texts(self) -> dict[str, tuple[str, str]]:
        return {locale: (self[f"subject_{locale}"].data, self[f"text_{locale}"].data) for locale in mail_texts.LOCALES}


@blueprint.get("/mail-texts/")
def mail_texts_list(event_id: int):
    event = g.event
    return render_template(
        "registration/manage/mail_texts.html",
        event=event,
        kinds=mail_texts.KINDS,
        own=mail_texts.own_texts(event.id),
        locales=mail_texts.LOCALES,
    )


@blueprint.route("/mail-texts/<kind>", methods=["GET", "POST"])
def edit_mail_text(event_id: int, kind: str):
    event = g.event
    if kind not in mail_texts.KINDS:
        abort(404)
    form = MailTextForm(
        data={
            f"{part}_{locale}": value
            for locale in mail_texts.LOCALES
            for part, value in zip(("subject", "text"), mail_texts.current(event.id, kind, locale), strict=True)
        }
    )
    previews = None
    if "reset" in request.form and not confirmed():
        return ask_first(
            _("Back to the default text?"),
            _(
                "Your own subject and text of “%(kind)s” are deleted, in German and in English.",
                kind=mail_texts.KINDS[kind].label,
            ),
            _("Yes, use the default text"),
            url_for(".edit_mail_text", event_id=event.id, kind=kind),
        )
    if "reset" in request.form and Form().validate_on_submit():
        if mail_texts.reset(event.id, kind, by=current_user):
            flash(_("“%(kind)s” uses the default text again.", kind=mail_texts.KINDS[kind].label), "success")
        return redirect(url_for(".edit_mail_text", event_id=event.id, kind=kind), code=303)
    if form.validate_on_submit():
        try:
            if "save" in request.form:
                mail_texts.save(event.id, kind, form.texts(), by=current_user)
                flash(_("Saved: %(title)s", title=mail_texts.KINDS[kind].label), "success")
                return redirect(url_for(".mail_texts_list", event_id=event.id), code=303)
            previews = {
                locale: mail_texts.preview(event, kind, locale, subject, text)
                for locale, (subject, text) in form.texts().items()
            }
        except mail_texts.MailTextError as refused:
            form.add_error(refused.message, refused.field)
    return render_template(
        "registration/manage/mail_text.html",
        event=event,
        kind=kind,
        mail=mail_texts.KINDS[kind],
        form=form,
        placeholders=mail_texts.placeholders(kind),
        previews=previews,
        is_own=any(k == kind for k, _locale in mail_texts.own_texts(event.id)),
    ), status_of(form)


@blueprint.get("/dashboard")
def dashboard(event_id: int):
    event = g.event
    return render_template(
        "registration/manage/dashboard.html",
        event=event,
        figures=services.dashboard(event),
        next_steps=services.next_steps(event, utcnow()),
        failed_tasks=failed_tasks(event.id),
        form=Form(),
        now=utcnow(),
    )


@blueprint.route("/online-attendance", methods=["GET", "POST"])
def online_attendance(event_id: int):
    """Who of those taking part online attended: ticked by hand, or from the video platform's attendance list (an
    upload ticks those whose address it holds, to check before saving)."""
    event, form = g.event, Form()
    participants = services.online_participants(event)
    attended = {registration.id for registration in participants if registration.checked_in_at}
    from_list: dict[str, object] | None = None
    if form.validate_on_submit():
        upload = request.files.get("attendance_list")
        if request.form.get("action") == "read" and upload and upload.filename:
            addresses = services.addresses_in(upload.read())
            if not addresses:
                flash(
                    _(
                        "The file holds no e-mail addresses. Please export the attendance list with the participants' "
                        "e-mail addresses, as a CSV or text file."
                    ),
                    "error",
                )
            else:
                matched = {registration.id for registration in participants if registration.email in addresses}
                known = {registration.email for registration in participants}
                from_list = {"found": len(matched), "unknown": sorted(addresses - known)}
                attended |= matched
        elif request.form.get("action") == "save":
            ticked = {int(value) for value in request.form.getlist("attended") if value.isdigit() and len(value) < 12}
            try:
                changed = services.mark_online_attendance(event.id, ticked, utcnow(), by=current_user)
            except services.RegistrationError as refused:
                flash(refused.message, "error")
            else:
                flash(ngettext("Saved: %(num)d change.", "Saved: %(num)d changes.", changed), "success")
            return redirect(url_for(".online_attendance", event_id=event.id), code=303)
        else:
            flash(_("Please choose the attendance list to read."), "error")
    return render_template(
        "registration/manage/online_attendance.html",
        event=event,
        participants=participants,
        attended=attended,
        from_list=from_list,
        form=form,
        started=utcnow() >= event.starts_at,
    )


@blueprint.get("/export.<any(csv, xlsx):format>")
def export(event_id: int, format: str):
    event = g.event
    body, mimetype = (
        (export_table.as_csv(event), "text/csv")
        if format == "csv"
        else (export_table.as_xlsx(event), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{event.slug}-anmeldungen.{format}"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.route("/new", methods=["GET", "POST"])
def add(event_id: int):
    """A registration on someone's behalf, e.g. taken on the phone; they get the usual mail."""
    event = g.event
    form = registration_form(event, by_organiser=True)
    form.privacy.label.text = _("The person has agreed to the privacy notice (e.g. on the phone).")
    if form.validate_on_submit():
        try:
            outcome = services.register(
                event.id, form.applicant(get_locale().language), utcnow(), by_organiser=True, by=current_user
            )
        except services.RegistrationError as refused:
            form.add_error(refused.message, refused.field)
        else:
            message = (
                _("%(email)s is registered already; the link was sent to it again.", email=outcome.registration.email)
                if outcome.already_registered
                else _(
                    "%(name)s: %(status)s.",
                    name=outcome.registration.full_name,
                    status=outcome.registration.status.label,
                )
            )
            flash(message, "success")
            return redirect(url_for(".index", event_id=event.id), code=303)
    return render_template(
        "registration/manage/registration_add.html",
        event=event,
        form=form,
        forum_full=services.forum_is_full,
        registration=None,
    ), status_of(form)


class NoteForm(Form):
    note = TextAreaField(
        _l("What the organisers should know"),
        [Optional(), Length(max=services.MAX_NOTE)],
        render_kw={"rows": 3},
        description=_l(
            "The person sees it neither on their page nor in mails, but gets it with their "
            "data when they ask what is stored about them."
        ),
    )
    version = HiddenField()


def note_form(registration: Registration, **kwargs) -> NoteForm:
    return NoteForm(data={"note": registration.note, "version": services.note_version(registration)}, **kwargs)


def registration_page(
    event: Event, registration: Registration, form, notes: NoteForm, saved_meanwhile: str | None = None
):
    """The registration page: its note, the code and ticket, mails, its details to change, its history."""
    status = 422 if status_of(form) == 422 or status_of(notes) == 422 else 200
    lines, older = history.of(registration)
    return render_template(
        "registration/manage/registration_edit.html",
        event=event,
        form=form,
        note_form=notes,
        saved_meanwhile=saved_meanwhile,
        registration=registration,
        forum_full=services.forum_is_full,
        can_be_mailed=services.can_be_mailed(registration),
        qr_code=services.check_in_qr_code(registration) if services.has_ticket(registration) else None,
        history=lines,
        older_history=older,
        mail_kind=history.mail_kind,
        mail_status=history.mail_status,
        group=services.group_of(registration),
    ), status


@blueprint.route("/<int:registration_id>", methods=["GET", "POST"])
def edit(event_id: int, registration_id: int):
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    form = registration_form(event, registration, by_organiser=True)
    if form.validate_on_submit():
        address = registration.email
        try:
            services.update(
                registration.id, form.applicant(registration.locale), utcnow(), by_organiser=True, by=current_user
            )
        except services.RegistrationError as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(_("Saved: %(title)s", title=registration.full_name), "success")
            if registration.email and registration.email != address:
                flash(
                    _("The link to the registration is renewed and on its way to %(email)s.", email=registration.email),
                    "success",
                )
            return redirect(url_for(".index", event_id=event.id), code=303)
    return registration_page(event, registration, form, note_form(registration, formdata=None))


@blueprint.post("/<int:registration_id>/note")
def note(event_id: int, registration_id: int):
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    notes = note_form(registration)
    if notes.validate_on_submit():
        try:
            services.save_note(registration.id, notes.note.data or "", notes.version.data or "", by=current_user)
        except services.NoteChangedMeanwhile as refused:  # the typed text stays, beside the one saved meanwhile
            notes.add_error(refused.message, "note")
            notes.version.data = services.note_version(registration)
            return registration_page(
                event,
                registration,
                registration_form(event, registration, by_organiser=True, formdata=None),
                notes,
                registration.note,
            )
        except services.RegistrationError as refused:
            flash(refused.message, "error")
        else:
            flash(_("The note is saved."), "success")
    elif notes.errors:
        return registration_page(
            event, registration, registration_form(event, registration, by_organiser=True, formdata=None), notes
        )
    return redirect(url_for(".edit", event_id=event.id, registration_id=registration.id), code=303)


@blueprint.post("/<int:registration_id>/mail")
def mail_again(event_id: int, registration_id: int):
    """The confirmation or the link, sent again (the person has not found it, say)."""
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    what = request.form.get("what")
    if Form().validate_on_submit() and what in services.MAIL_AGAIN:
        try:
            services.mail_again(registration.id, what, utcnow(), by=current_user)
        except services.RegistrationError as refused:
            flash(refused.message, "error")
        else:
            flash(
                _("The confirmation is on its way to %(email)s.", email=registration.email)
                if what == "confirmation"
                else _("The link is on its way to %(email)s.", email=registration.email),
                "success",
            )
    return redirect(url_for(".edit", event_id=event.id, registration_id=registration.id), code=303)


ACTIONS = {
    "approve": lambda registration_id: services.decide(registration_id, approve=True, by=current_user),
    "reject": lambda registration_id: services.decide(registration_id, approve=False, by=current_user),
    "cancel": lambda registration_id: services.cancel(registration_id, utcnow(), by_organiser=True, by=current_user),
    "promote": lambda registration_id: services.promote(registration_id, by=current_user),
    "restore": lambda registration_id: services.restore(registration_id, utcnow(), by=current_user),
    "admit": lambda registration_id: services.admit(registration_id, utcnow(), by=current_user),
}


# Actions that take a person's place away, or give one beyond the capacity, ask first (the list links to the
# question, not to the action).
ASKED_FIRST = {"cancel", "reject", "admit"}


@blueprint.route("/<int:registration_id>/<action>", methods=["GET", "POST"])
def act(event_id: int, registration_id: int, action: str):
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    if action not in ACTIONS:
        abort(404)
    if request.method == "GET":
        if action not in ASKED_FIRST:
            abort(405)
        return render_template(
            "registration/manage/registration_action.html",
            event=event,
            registration=registration,
            action=action,
            form=Form(),
            back=local_path(request.args["back"]) if request.args.get("back") else url_for(".index", event_id=event.id),
            question=services.admission_question(registration, services.attendance(event.id)["in_the_room"]),
        )
    if Form().validate_on_submit():
        try:
            ACTIONS[action](registration.id)
        except services.RegistrationError as refused:
            flash(refused.message, "error")
        else:
            done = _("%(name)s: %(status)s.", name=registration.full_name, status=registration.status.label)
            if action == "admit":
                inside = services.attendance(event.id)["in_the_room"]
                done = " ".join(
                    filter(
                        None,
                        [
                            _("%(name)s is confirmed and checked in.", name=registration.full_name),
                            services.room_note(event.capacity, inside),
                        ],
                    )
                )
            flash(done, "success")
    back = request.form.get("back")
    return redirect(local_path(back) if back else url_for(".index", event_id=event.id), code=303)


# --- the registration form: the event's own questions ------------------------------------------


class QuestionForm(Form):
    label = StringField(_l("Question"), [InputRequired(_l("Please enter the question.")), Length(max=300)])
    kind = SelectField(_l("Kind of answer"))
    required = BooleanField(_l("An answer is required"))
    help_text = StringField(_l("Help text"), [Optional(), Length(max=500)])
    options = TextAreaField(
        _l("Options"),
        [Optional(), Length(max=5000)],
        description=_l("For choice questions: one option per line. For a scale: what 1 means, then what 5 means."),
    )
    condition = SelectField(_l("Asked"), description=_l("Only earlier yes/no and choice questions can be chosen."))
    label_en = StringField(_l("Question in English"), [Optional(), Length(max=300)])
    help_text_en = StringField(_l("Help text in English"), [Optional(), Length(max=500)])
    options_en = TextAreaField(
        _l("Options in English"),
        [Optional(), Length(max=5000)],
        description=_l("As many lines as the options, in the same order."),
    )

    def details(self) -> questions.QuestionDetails:
        shown_if_id, _colon, shown_if_answer = (self.condition.data or "").partition(":")
        return questions.QuestionDetails(
            label=self.label.data,
            kind=QuestionKind(self.kind.data),
            required=self.required.data,
            help_text=self.help_text.data or "",
            options=lines(self.options.data),
            label_en=self.label_en.data or "",
            help_text_en=self.help_text_en.data or "",
            options_en=lines(self.options_en.data),
            shown_if_id=int(shown_if_id) if shown_if_id else None,
            shown_if_answer=shown_if_answer,
        )


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def question_form(event, question, questionnaire: Questionnaire) -> QuestionForm:
    data = {}
    if question is not None:
        data = {
            name: getattr(question, name) for name in ("label", "required", "help_text", "label_en", "help_text_en")
        }
        data |= {
            "kind": question.kind.value,
            "options": "\n".join(question.options),
            "options_en": "\n".join(question.options_en),
            "condition": f"{question.shown_if_id}:{question.shown_if_answer}" if question.shown_if_id else "",
        }
    form = QuestionForm(data=data)
    form.kind.choices = [SelectChoice(kind.value, kind.label) for kind in questions.KINDS[questionnaire]]
    earlier = [
        other
        for other in questions.asked(event, questionnaire)
        if question is None or other.position < question.position
    ]
    form.condition.choices = [SelectChoice("", _("Always"))] + [
        SelectChoice(
            f"{other.id}:{value}",
            _(
                "Only when “%(question)s” is answered “%(answer)s”",
                question=other.label,
                answer={"yes": _("Yes"), "no": _("No")}.get(value, value),
            ),
        )
        for other in earlier
        if other.kind in questions.CONDITION_KINDS
        for value in questions.answer_values(other)
    ]
    return form


# The same pages build the registration form and the evaluation: the rules of questions are the same. The rules
# of the registration form are added first, so that a URL built without a questionnaire leads to them.
REGISTRATION = {"questionnaire": Questionnaire.REGISTRATION.value}
EVALUATION = {"questionnaire": Questionnaire.EVALUATION.value}


def question_of(event: Event, question_id: int, questionnaire: str) -> Question:
    question = row_of_event_or_404(Question, question_id, event)
    if not question.is_asked or question.questionnaire != questionnaire:
        abort(404)
    return question


@blueprint.get("/evaluation-form/", defaults=EVALUATION)
@blueprint.get("/form/", defaults=REGISTRATION)
def form_questions(event_id: int, questionnaire: str):
    event = g.event
    asked = questions.asked(event, Questionnaire(questionnaire))
    return render_template(
        "registration/manage/questions.html",
        event=event,
        questionnaire=Questionnaire(questionnaire),
        questions=asked,
        form=Form(),
        answers={question.id: questions.answer_count(question) for question in asked},
    )


@blueprint.route("/evaluation-form/new", methods=["GET", "POST"], defaults={"question_id": None, **EVALUATION})
@blueprint.route("/evaluation-form/<int:question_id>", methods=["GET", "POST"], defaults=EVALUATION)
@blueprint.route("/form/new", methods=["GET", "POST"], defaults={"question_id": None, **REGISTRATION})
@blueprint.route("/form/<int:question_id>", methods=["GET", "POST"], defaults=REGISTRATION)
def edit_question(event_id: int, question_id: int | None, questionnaire: str):
    event = g.event
    question = question_of(event, question_id, questionnaire) if question_id else None
    form = question_form(event, question, Questionnaire(questionnaire))
    if form.validate_on_submit():
        try:
            saved = questions.save(event.id, form.details(), question_id, Questionnaire(questionnaire), by=current_user)
        except questions.QuestionError as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(_("Saved: %(title)s", title=saved.label), "success")
            return redirect(url_for(".form_questions", event_id=event.id, questionnaire=questionnaire), code=303)
    return render_template(
        "registration/manage/question.html",
        event=event,
        questionnaire=Questionnaire(questionnaire),
        question=question,
        form=form,
        answers=questions.answer_count(question) if question else 0,
        shown_elsewhere=questions.shown_elsewhere(question) if question else [],
    ), status_of(form)


@blueprint.post("/evaluation-form/<int:question_id>/<any(up, down):direction>", defaults=EVALUATION)
@blueprint.post("/form/<int:question_id>/<any(up, down):direction>", defaults=REGISTRATION)
def move_question(event_id: int, question_id: int, direction: str, questionnaire: str):
    event = g.event
    if Form().validate_on_submit():
        try:
            questions.move(event.id, question_id, -1 if direction == "up" else 1, by=current_user)
        except questions.QuestionError as refused:
            flash(refused.message, "error")
    return redirect(url_for(".form_questions", event_id=event.id, questionnaire=questionnaire), code=303)


@blueprint.route("/evaluation-form/<int:question_id>/remove", methods=["GET", "POST"], defaults=EVALUATION)
@blueprint.route("/form/<int:question_id>/remove", methods=["GET", "POST"], defaults=REGISTRATION)
def remove_question(event_id: int, question_id: int, questionnaire: str):
    event = g.event
    question = question_of(event, question_id, questionnaire)
    form = Form()
    if form.validate_on_submit():
        try:
            questions.remove(event.id, question.id, by=current_user)
        except questions.QuestionError as refused:
            flash(refused.message, "error")
        else:
            flash(_("Removed from the form: %(title)s", title=question.label), "success")
        return redirect(url_for(".form_questions", event_id=event.id, questionnaire=questionnaire), code=303)
    return render_template(
        "registration/manage/question_remove.html",
        event=event,
        questionnaire=question.questionnaire,
        question=question,
        form=form,
        answers=questions.answer_count(question),
        shown_elsewhere=questions.shown_elsewhere(question),
    )


@blueprint.get("/form/preview")
def preview_form(event_id: int):
    """The public form as registrants see it (in the language of this page), also before publishing."""
    event = g.event
    return render_template(
        "registration/manage/form_preview.html",
        event=event,
        form=registration_form(event),
        forum_full=services.forum_is_full,
        registration=None,
    )
