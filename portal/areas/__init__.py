"""Neighbourhoods and agencies: the named reads (`queries`) every audience uses."""
