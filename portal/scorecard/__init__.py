"""The Local Area Agreement scorecard: targets from YAML, actuals from the survey, recorded crime
and admins, and a status per indicator and year."""
