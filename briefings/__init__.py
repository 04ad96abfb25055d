"""briefbot's platform-free core: extraction, the claim store, answers and briefings.

It never imports discord, slack_bolt, apscheduler or ``bot``. Adapters and the CLI reach it
through ``briefings.service.BriefingService``.
"""
