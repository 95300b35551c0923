"""PACT engagement: the rules (workflow, issues, meetings, service standards, metrics) in plain
modules, and the coordinator console blueprint in `views.py`."""
