// Pages of interactions, newest first, one per request: a customer id (old ids find the
// survivor), optional type and channel, the cursor (afterAt, afterId) and a limit.
// Times are microseconds since the epoch (UTC): far cheaper to decode than temporal values.
UNWIND $requests AS r
CALL (r) {
  MATCH (:Customer {id: r.id})-[:MERGED_INTO*0..]->(c:Customer)
  WHERE c.mergedInto IS NULL
  WITH c LIMIT 1
  MATCH (c)<-[:BELONGS_TO]-(:Identifier)<-[:OBSERVED]-(e:Interaction)
  WHERE (r.type IS NULL OR e.type = r.type) AND (r.channel IS NULL OR e.channel = r.channel)
  WITH DISTINCT e
  ORDER BY e.at DESC, e.id DESC
  WITH collect(e) AS found
  RETURN size(found) AS total,
         [e IN found WHERE r.afterAt IS NULL OR e.at < r.afterAt
                           OR (e.at = r.afterAt AND e.id < r.afterId)][..r.limit] AS page
}
RETURN r.index AS index, total,
       [e IN page | e {.id, .type, .channel, .source, .properties, .traits, .identifierKeys, .context,
                        at: e.at.epochSeconds * 1000000 + e.at.microsecond}] AS items
