// Every webhook endpoint, oldest first, or one by id.
MATCH (w:Webhook)
WHERE $id IS NULL OR w.id = $id
RETURN w {.*} AS webhook
ORDER BY w.createdAt, w.id
