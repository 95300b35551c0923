from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Enter your email address"),
                    Email("Enter an email address in the correct format, like name@example.org"),
                    Length(max=254)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password"), Length(max=200)]
    )
