"""Prometheus metrics for one ``briefbot run`` process, fed by the service's observer hook
(``briefings.service.Observer``): the core reports what it did, and only this module knows
Prometheus. Served as text on ``/metrics`` (``bot/ops.py``).

Deliveries are counted by the process that recorded the slot's outcome, so summing over
replicas counts each slot once.
"""
from __future__ import annotations

from prometheus_client import (CollectorRegistry, Counter, Histogram, disable_created_metrics, gc_collector,
                               generate_latest, platform_collector, process_collector)

from briefings.types import Answer, IngestReport

PLATFORMS = ("slack", "discord", "cli")
DELIVERY_OUTCOMES = {"done": "posted", "skipped": "skipped", "missed": "missed", "failed": "failed"}
INGEST_STATUSES = ("added", "replaced", "unchanged", "failed")
# answers take 10-100 ms on a warm store; the 3-second platform windows bound what matters
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
disable_created_metrics()  # the *_created series double the output and say nothing a scraper needs


class Metrics:
    """The process's metrics, in a registry of their own (a test can make several)."""

    def __init__(self):
        self.registry = CollectorRegistry()
        process_collector.ProcessCollector(registry=self.registry)
        platform_collector.PlatformCollector(registry=self.registry)
        gc_collector.GCCollector(registry=self.registry)
        self.questions = Counter("briefbot_questions", "Questions answered or abstained from, by platform.",
                                 ["platform", "outcome"], registry=self.registry)
        self.latency = Histogram("briefbot_answer_seconds", "Time to answer a question, store lock included.",
                                 ["platform"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.deliveries = Counter("briefbot_deliveries", "Scheduled slots this process recorded, by outcome.",
                                  ["outcome"], registry=self.registry)
        self.documents = Counter("briefbot_documents_ingested", "Files ingested, by what became of them.",
                                 ["status"], registry=self.registry)
        self.claims = Counter("briefbot_claims_ingested", "Claims extracted from ingested documents.",
                              registry=self.registry)
        for platform in PLATFORMS:  # every series exists from the start, at zero
            for outcome in ("answered", "abstained"):
                self.questions.labels(platform, outcome)
            self.latency.labels(platform)
        for outcome in DELIVERY_OUTCOMES.values():
            self.deliveries.labels(outcome)
        for status in INGEST_STATUSES:
            self.documents.labels(status)

    # -- briefings.service.Observer -------------------------------------------------------
    def answered(self, platform: str, answer: Answer, seconds: float) -> None:
        self.questions.labels(platform, "answered" if answer.answered else "abstained").inc()
        self.latency.labels(platform).observe(seconds)

    def ingested(self, report: IngestReport) -> None:
        for result in report.results:
            self.documents.labels(result.status).inc()
            if result.status in ("added", "replaced"):
                self.claims.inc(result.claims)

    def delivered(self, outcome: str) -> None:
        self.deliveries.labels(DELIVERY_OUTCOMES.get(outcome, outcome)).inc()

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)
