// Move a webhook past changes it does not subscribe to (up to a head already read), so
// the next round does not scan them again.
MATCH (w:Webhook {id: $webhookId})
WHERE w.leaseOwner = $owner AND w.cursor < $seq
SET w.cursor = $seq
RETURN w.cursor AS cursor
