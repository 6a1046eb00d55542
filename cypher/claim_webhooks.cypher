// Lease the active webhooks that are due, so one worker at a time delivers to each
// (a lease that is not renewed expires, and another worker takes over).
MATCH (w:Webhook)
WHERE w.status = 'active'
  AND (w.leaseUntil IS NULL OR w.leaseUntil < $now OR w.leaseOwner = $owner)
  AND (w.nextAttemptAt IS NULL OR w.nextAttemptAt <= $now)
SET w.leaseOwner = $owner, w.leaseUntil = $until
RETURN w {.*} AS webhook
ORDER BY w.createdAt, w.id
