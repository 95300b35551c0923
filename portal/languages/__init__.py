"""The admins' Languages page: what each offered language lacks, in the interface and the questionnaires."""
