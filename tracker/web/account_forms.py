"""Forms of the two-factor sign-in: the code step and the account security page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    """One code: six digits from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )


class LanguageForm(FlaskForm):
    """The language of the user's mail; its choices are the languages the site ships."""

    language = SelectField(_l("Language of your e-mail"), validate_choice=False)
