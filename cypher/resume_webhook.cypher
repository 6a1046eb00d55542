// A paused webhook delivers again at once, from where it stopped.
MATCH (w:Webhook {id: $id})
SET w.status = 'active', w.failures = 0, w.nextAttemptAt = null, w.updatedAt = $now
RETURN w {.*} AS webhook
