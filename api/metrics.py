"""Prometheus metrics, in a registry of the app's own (two apps in one process do not clash)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from graph_cdp.domain import IngestResult

CONTENT_TYPE = CONTENT_TYPE_LATEST
MAX_OPERATION_LABELS = 200
_LABEL_RE = re.compile(r"[A-Za-z_/][A-Za-z0-9_ :+./-]{0,99}")
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """What /metrics shows. Operation labels are capped: clients choose operation names."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "graph_cdp_http_requests",
            "HTTP requests by GraphQL operation (or path) and HTTP status",
            ["operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "graph_cdp_http_request_duration_seconds",
            "HTTP request latency by GraphQL operation (or path)",
            ["operation"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "graph_cdp_graphql_errors",
            "GraphQL errors returned, by extensions.code",
            ["code"],
            registry=self.registry,
        )
        self.events = Counter(
            "graph_cdp_ingested_events",
            "Events (and identifier pushes) received, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.jobs = Counter(
            "graph_cdp_resolution_jobs_started",
            "Resolution jobs started through the API, by mode",
            ["mode"],
            registry=self.registry,
        )
        for outcome in ("accepted", "duplicate", "rejected"):
            self.events.labels(outcome=outcome)
        self._operations: set[str] = set()

    def operation_label(self, operation: str) -> str:
        if not _LABEL_RE.fullmatch(operation):
            return "other"
        if operation not in self._operations:
            if len(self._operations) >= MAX_OPERATION_LABELS:
                return "other"
            self._operations.add(operation)
        return operation

    def observe_request(
        self, operation: str, status: int, seconds: float, error_codes: Iterable[str] = ()
    ) -> None:
        label = self.operation_label(operation)
        self.requests.labels(operation=label, status=str(status)).inc()
        self.latency.labels(operation=label).observe(seconds)
        for code in error_codes:
            self.errors.labels(code=code).inc()

    def observe_ingest(self, result: IngestResult) -> None:
        self.events.labels(outcome="accepted").inc(result.accepted)
        self.events.labels(outcome="duplicate").inc(result.duplicates)
        self.events.labels(outcome="rejected").inc(len(result.rejected))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
