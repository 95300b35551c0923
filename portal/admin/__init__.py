"""Survey administration for admins and analysts: waves, panel invitations, paper/phone imports, exports."""
