"""briefbot's platform-free core: ingest articles, extract claims, store them, answer with citations.

Never imports discord, slack_bolt, apscheduler or ``bot``.
"""
from .errors import BadInput, BriefingError, NoEvidence, NotAllowed, NotFound
from .service import BriefingService
from .types import Answer, Briefing, Claim, Document, Point, Section, Source

__all__ = [
    "Answer", "BadInput", "Briefing", "BriefingError", "BriefingService", "Claim", "Document", "NoEvidence",
    "NotAllowed", "NotFound", "Point", "Section", "Source",
]
