"""The accessibility statement at /accessibility, in the model form, and the admins' page that edits it."""
