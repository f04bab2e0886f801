from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from conference.materials.models import Visibility
from conference.organisations import services as organisations
from conference.site.forms import Form, MailAddress, UploadField
from conference.speakers.services import Profile


class InvitationForm(Form):
    email = EmailField(
        _l("E-mail address"),
        [InputRequired(_l("Please enter an e-mail address.")), Length(max=254), MailAddress()],
    )
    slides_visibility = SelectField(
        _l("Who may download the slides they send"),
        choices=[SelectChoice(v.value, v.label) for v in Visibility],
        default=Visibility.REGISTERED.value,
    )


class ProfileForm(Form):
    name = StringField(_l("Name"), [InputRequired(_l("Please enter your name.")), Length(max=200)])
    academic_title = StringField(
        _l("Academic title (optional)"), [Optional(), Length(max=60)], description=_l("For example Dr. or Prof. Dr.")
    )
    function = StringField(_l("Function or role"), [Optional(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    biography = TextAreaField(_l("Short biography"), [Optional(), Length(max=5000)])
    photo = UploadField(
        _l("Photo"),
        description=_l(
            "A JPEG, PNG or WebP image of at most 5 MB; we store it at most 800 pixels on its longer side, without its "
            "metadata."
        ),
    )
    remove_photo = BooleanField(_l("Remove my photo"))
    shows_profile = RadioField(
        _l("May the event's public pages show your photo and biography?"),
        [InputRequired(_l("Please say whether your photo and biography may be shown."))],
        choices=[SelectChoice("yes", _l("Yes, show them")), SelectChoice("no", _l("No, only the organisers use them"))],
        description=_l("You can change your mind at any time."),
    )

    def fill_choices(self) -> None:
        self.organisation_id.choices = [SelectChoice(0, "–")] + [
            SelectChoice(organisation.id, organisation.name) for organisation in organisations.in_name_order()
        ]

    def profile(self) -> Profile:
        return Profile(
            name=self.name.data,
            academic_title=self.academic_title.data or "",
            function=self.function.data or "",
            organisation_id=self.organisation_id.data or None,
            biography=self.biography.data or "",
            shows_profile=self.shows_profile.data == "yes",
        )


class SlidesForm(Form):
    agenda_item_id = SelectField(_l("For"), coerce=int)
    file = UploadField(
        _l("File"),
        description=_l("PDF, PowerPoint, OpenDocument, Word, PNG, JPEG or ZIP."),
    )
