"""Recorded crime from police.uk: importing street-level files, rates, and the admin upload page."""
