"""The public "Survey results" pages: per wave, for the authority and for each neighbourhood."""
