// The profile holding an identifier, in one round trip: identifiers, first and last seen, merge history,
// and when $traits or $counts asks, what profile_details gives (one pass over its interactions, newest
// first; null when neither asks, and the interactions are not read).
// Times are microseconds since the epoch (UTC): far cheaper to decode than temporal values.
MATCH (:Identifier {key: $key})-[:BELONGS_TO]->(c:Customer)
CALL (c) {
  OPTIONAL MATCH (i:Identifier)-[:BELONGS_TO]->(c)
  WITH i ORDER BY i.kind, i.value
  RETURN collect(i {.key, .kind, .value, .status, .statusReason,
                   firstSeen: i.firstSeen.epochSeconds * 1000000 + i.firstSeen.microsecond,
                   lastSeen: i.lastSeen.epochSeconds * 1000000 + i.lastSeen.microsecond}) AS identifiers,
         min(i.firstSeen.epochSeconds * 1000000 + i.firstSeen.microsecond) AS firstSeen,
         max(i.lastSeen.epochSeconds * 1000000 + i.lastSeen.microsecond) AS lastSeen
}
CALL (c) {
  WITH c WHERE coalesce($traits, false) OR coalesce($counts, false)
  MATCH (c)<-[:BELONGS_TO]-(:Identifier)<-[:OBSERVED]-(e:Interaction)
  WITH DISTINCT e
  ORDER BY e.at DESC, e.id DESC
  WITH collect(CASE WHEN $counts THEN e.type END) AS types,
       collect(CASE WHEN $counts THEN coalesce(e.channel, 'unknown') END) AS channels,
       collect(CASE WHEN $traits AND e.traits IS NOT NULL AND e.traits <> '{}'
                    THEN e {.id, .source, .traits, at: e.at.epochSeconds * 1000000 + e.at.microsecond}
               END) AS traitful
  RETURN CASE WHEN coalesce($traits, false) OR coalesce($counts, false)
              THEN {types: types, channels: channels, interactions: traitful[..$perProfile]} END AS details
}
RETURN c.id AS id, c.createdAt.epochSeconds * 1000000 + c.createdAt.microsecond AS createdAt,
       c.updatedAt.epochSeconds * 1000000 + c.updatedAt.microsecond AS updatedAt, identifiers,
       firstSeen, lastSeen, details,
       COLLECT { MATCH (m:Customer)-[:MERGED_INTO*1..]->(c) RETURN m.id ORDER BY m.id } AS mergedFrom
