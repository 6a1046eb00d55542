// Traits and interaction counts of each customer in one pass over its interactions, newest
// first: counts by type and channel ($counts), and the interactions carrying traits, at most
// $perProfile of them ($traits; the caller keeps each trait's first value). Customers without
// interactions give no row. Times are microseconds since the epoch (UTC).
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(:Identifier)<-[:OBSERVED]-(e:Interaction)
  RETURN DISTINCT e
}
WITH id, e
ORDER BY e.at DESC, e.id DESC
WITH id,
     collect(CASE WHEN $counts THEN e.type END) AS types,
     collect(CASE WHEN $counts THEN coalesce(e.channel, 'unknown') END) AS channels,
     collect(CASE WHEN $traits AND e.traits IS NOT NULL AND e.traits <> '{}'
                  THEN e {.id, .source, .traits, at: e.at.epochSeconds * 1000000 + e.at.microsecond}
             END) AS traitful
RETURN id, types, channels, traitful[..$perProfile] AS interactions
