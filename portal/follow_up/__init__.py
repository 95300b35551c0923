"""The resident's side of "Was it resolved?": the answer page reached from the follow-up e-mail,
and the `flask --app portal follow-ups send` command (rules in `portal.pact.follow_up`)."""
