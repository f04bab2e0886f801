from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from conference.site.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), [InputRequired(_l("Please enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), [InputRequired(_l("Please enter your password.")), Length(max=200)])
    next = HiddenField()


class CodeForm(Form):
    code = StringField(
        _l("Code"),
        [InputRequired(_l("Please enter the code.")), Length(max=40)],
        description=_l("The six digits your authenticator app shows now, or one of your recovery codes."),
    )


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail address"), [InputRequired(_l("Please enter your e-mail address.")), Length(max=254)])


class NewPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        [
            InputRequired(_l("Please enter a new password.")),
            Length(min=10, max=200, message=_l("Please choose a password of at least 10 characters.")),
        ],
    )
    confirm = PasswordField(_l("New password again"), [EqualTo("password", _l("The two passwords differ."))])
