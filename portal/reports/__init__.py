"""Neighbourhood feedback reports: loading the data, rendering PDFs, batches and background jobs.

`data` builds the inputs from the database, `render` turns report models (`analysis.report`) into
PDF, `building` renders many on both cores, `jobs` runs a batch as a background job (`portal.core.jobs`)
that keeps each PDF in the database with its progress in a `ReportRun` row, and `cli` is the
`flask --app portal reports build` command.
"""
