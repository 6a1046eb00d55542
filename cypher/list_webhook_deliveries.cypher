// A webhook's delivery log, newest first.
MATCH (d:WebhookDelivery {webhookId: $webhookId})
RETURN d {.*} AS delivery
ORDER BY d.at DESC, d.seq DESC
LIMIT $first
