"""Start-up of the report worker processes: imported once by the fork server.

The batch's workers are forked from a server process that imports this module first, so each
worker starts with WeasyPrint and the templates already loaded and with fontconfig
already initialised (one plain page is rendered here), instead of paying for that on its first
report.
"""

from portal.reports.render import environment, pdf_file, render_plain_page

environment()
render_plain_page()

__all__ = ["pdf_file"]
