"""The ASB Case Review (the Community Trigger): applications, the threshold across agencies'
reports, the review with its clocks, letters, and the published yearly figures."""
