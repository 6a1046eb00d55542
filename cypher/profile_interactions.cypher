// A page of a customer's interactions, newest first, optionally by type and channel.
MATCH (c:Customer {id: $id})<-[:BELONGS_TO]-(:Identifier)<-[:OBSERVED]-(e:Interaction)
WHERE ($type IS NULL OR e.type = $type) AND ($channel IS NULL OR e.channel = $channel)
WITH DISTINCT e
WITH collect(e) AS found
WITH found, size(found) AS total
UNWIND found AS e
WITH e, total
WHERE $afterAt IS NULL OR e.at < $afterAt OR (e.at = $afterAt AND e.id < $afterId)
RETURN e {.id, .type, .channel, .source, .at, .properties, .traits, .identifierKeys, .context} AS e, total
ORDER BY e.at DESC, e.id DESC
LIMIT $limit
