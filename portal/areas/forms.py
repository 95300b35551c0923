"""Forms of the set-up pages."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.areas.agencies import NAME_MAX
from portal.areas.covariates import SOURCE_MAX
from portal.core.forms import plausible_date, strip
from portal.models import CovariateFile


class AgencyForm(FlaskForm):
    name = StringField("Agency's name", filters=[strip], validators=[
        DataRequired("Enter the agency's name"),
        Length(max=NAME_MAX, message=f"The name must be {NAME_MAX} characters or fewer")])


class ButtonForm(FlaskForm):
    """A button-only form: CSRF protection and nothing else."""


class ProfileForm(FlaskForm):
    """The partnership's profile; `portal.areas.profile.check_profile` checks the values."""

    name = StringField("The partnership's name", filters=[strip])
    short_name = StringField("Its short name", filters=[strip])
    area_name = StringField("The area it covers", filters=[strip])
    contact_email = StringField("Contact e-mail address", filters=[strip])
    contact_phone = StringField("Contact phone number (optional)", filters=[strip])
    website = StringField("Website (optional)", filters=[strip])
    privacy_contact = StringField("Privacy contact e-mail address (optional)", filters=[strip])


class LogoForm(FlaskForm):
    logo = FileField("Logo (PNG or SVG, up to 200 KB)",
                     validators=[FileRequired("Choose a PNG or SVG file")])


class NeighbourhoodFilesForm(FlaskForm):
    lookup = FileField("LSOA lookup (CSV)", validators=[FileRequired("Choose the LSOA lookup file")])
    rural_urban = FileField("Rural Urban Classification of LSOAs (CSV, optional)")


class PostcodeFileForm(FlaskForm):
    postcodes = FileField("Postcode lookup (NSPL or ONSPD CSV)",
                          validators=[FileRequired("Choose the postcode lookup file")])


class PopulationFileForm(FlaskForm):
    population = FileField("Mid-year population estimates by LSOA (CSV)",
                           validators=[FileRequired("Choose the population estimates file")])
    ethnicity = FileField("Census 2021 ethnic group by LSOA, TS021 (CSV, optional)")


class AreaClassForm(FlaskForm):
    area_class = SelectField("Urban or rural", choices=[
        ("ons", "As the ONS files say"), ("urban", "Urban"), ("rural", "Rural")])


class CovariateFileForm(FlaskForm):
    """An area covariate's file; `portal.areas.covariate_files` reads it."""

    covariate = FileField("Covariate file (CSV)", validators=[FileRequired("Choose the covariate file")])
    kind = SelectField("What the file is", choices=[(k.value, k.label) for k in CovariateFile],
                       validators=[DataRequired("Choose what the file is")])
    source = StringField("Source", filters=[strip], validators=[
        DataRequired("Enter where the figures come from"),
        Length(max=SOURCE_MAX, message=f"The source must be {SOURCE_MAX} characters or fewer")])
    source_date = DateField("Date of the figures", validators=[
        DataRequired("Enter the figures' date, like 2025-10-30"), plausible_date])
    column = StringField("Column (optional)", filters=[strip], validators=[
        Optional(), Length(max=200, message="The column must be 200 characters or fewer")])
