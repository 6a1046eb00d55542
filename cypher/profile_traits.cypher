// Interactions carrying traits for each customer, newest first (the caller keeps the first value).
// Times are microseconds since the epoch (UTC): far cheaper to decode than temporal values.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(:Identifier)<-[:OBSERVED]-(e:Interaction)
  WHERE e.traits IS NOT NULL AND e.traits <> '{}'
  WITH DISTINCT e
  ORDER BY e.at DESC, e.id DESC
  LIMIT $perProfile
  RETURN collect(e {.id, .source, .traits,
                    at: e.at.epochSeconds * 1000000 + e.at.microsecond}) AS interactions
}
RETURN id, interactions
