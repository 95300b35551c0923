"""The resident survey: waves, drafts, responses, the panel, and the wide-format frame loader.

Views live in `portal.survey.views`; the rules they call are plain modules here (`waves`, `drafts`,
`responses`, `panel`, `frames`) that tests and the CLI use without HTTP.
"""
