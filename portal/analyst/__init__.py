"""The analyst dashboard: estimates, intervals and comparisons per wave, downloads and PDF reports."""
