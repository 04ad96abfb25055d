"""Discord: an application-command tree, mentions and DMs, each turned into one call on the
core's service, and the result into embeds (see ``client.py``)."""
