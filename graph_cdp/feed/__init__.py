"""Activation: the change log, read by cursor, streamed, and delivered to webhooks."""

from __future__ import annotations
