from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length

from conference.site.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), [InputRequired(_l("Please enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), [InputRequired(_l("Please enter your password.")), Length(max=200)])
    next = HiddenField()
