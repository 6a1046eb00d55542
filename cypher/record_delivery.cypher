// One delivery attempt: on success the cursor moves past the change and the failure
// count resets; on failure the next attempt waits, and enough failures in a row pause it.
MATCH (w:Webhook {id: $webhookId})
WHERE w.leaseOwner = $owner AND w.cursor < $seq
WITH w, CASE WHEN $ok THEN 0 ELSE w.failures + 1 END AS failures
SET w.failures = failures,
    w.cursor = CASE WHEN $ok THEN $seq ELSE w.cursor END,
    w.nextAttemptAt = CASE WHEN $ok THEN null ELSE $nextAttemptAt END,
    w.status = CASE WHEN failures >= $maxFailures THEN 'paused' ELSE w.status END,
    w.lastSuccessAt = CASE WHEN $ok THEN $now ELSE w.lastSuccessAt END,
    w.lastError = CASE WHEN $ok THEN null ELSE $error END,
    w.updatedAt = $now
CREATE (d:WebhookDelivery {
  id: $id, webhookId: $webhookId, seq: $seq, type: $type, attempt: $attempt, ok: $ok,
  httpStatus: $httpStatus, error: $error, at: $now, durationMs: $durationMs
})
RETURN w.status AS status, w.failures AS failures
