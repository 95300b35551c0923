"""Questionnaires as staff-owned data: published versions, drafts of new ones, the editor, files."""
