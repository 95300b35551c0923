"""The survey's routes: `resident` (blueprint ``survey``, /survey: the questionnaire residents answer)
and `admin` (blueprint ``admin``, /admin: waves, panel, imports and exports for staff)."""
