"""The resident survey: waves, drafts, responses, the panel, and the wide-format frame loader.

Views live in `portal.survey.views` (`resident` for residents, `admin` for staff) and forms in
`portal.survey.forms`; the rules they call are plain modules here (`waves`, `drafts`, `responses`,
`panel`, `frames`) that tests and the CLI use without HTTP.
"""
