// Register a webhook endpoint; it receives changes after its cursor (a sequence number).
CREATE (w:Webhook {
  id: $id, url: $url, types: $types, secret: $secret, status: 'active', cursor: $cursor,
  failures: 0, createdAt: $now, updatedAt: $now
})
RETURN w {.*} AS webhook
