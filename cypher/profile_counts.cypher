// Interaction counts by type and by channel for each customer.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(:Identifier)<-[:OBSERVED]-(e:Interaction)
  WITH DISTINCT e
  RETURN collect(e.type) AS types, collect(coalesce(e.channel, 'unknown')) AS channels
}
RETURN id, types, channels
