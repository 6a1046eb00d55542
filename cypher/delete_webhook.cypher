// Remove a webhook endpoint and its delivery log.
MATCH (w:Webhook {id: $id})
OPTIONAL MATCH (d:WebhookDelivery {webhookId: $id})
WITH w, collect(d) AS deliveries
FOREACH (d IN deliveries | DELETE d)
DETACH DELETE w
RETURN count(*) AS deleted
