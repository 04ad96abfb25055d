"""Slack: Bolt listeners that turn a slash command, a mention or a DM into one call on the
core's service, and the result into Block Kit messages (see ``app.py``)."""
