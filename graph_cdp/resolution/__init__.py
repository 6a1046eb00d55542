"""The pure core of resolution: rules, clustering, stable ids, explanations, the batch job.

Nothing here imports ``graph_cdp.store`` or the driver: the store is reached only
through the interface the caller passes (``batch.JobStore``), and units arrive as the
neutral types of ``graph_cdp.graph_types``.
"""
