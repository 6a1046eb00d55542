// A page of current profiles in id order after a cursor (one extra row says more follow),
// with how many current profiles there are when $withTotal (all customers from the count store
// less the merged ones from their index; 0 unless asked), and when $traits or $counts asks, each
// profile's details as profile_details gives them (one pass over its interactions, newest first;
// null when neither asks, and no interaction is read): the whole page in one round trip.
// The page is a range seek of the customer id index in its order (every id is above ''), so
// it reads the page, not every customer. Times are microseconds since the epoch (UTC): far
// cheaper to decode than temporal values.
CALL () {
  WITH $withTotal AS counted
  WHERE counted
  CALL () { MATCH (c:Customer) RETURN count(c) AS customers }
  CALL () { MATCH (m:Customer) WHERE m.mergedInto IS NOT NULL RETURN count(m) AS merged }
  RETURN sum(customers - merged) AS total
}
CALL () {
  MATCH (c:Customer)
  WHERE c.id > coalesce($after, '') AND c.mergedInto IS NULL
  WITH c ORDER BY c.id LIMIT $limit
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
  WITH c, identifiers, firstSeen, lastSeen, details ORDER BY c.id
  RETURN collect({id: c.id, createdAt: c.createdAt.epochSeconds * 1000000 + c.createdAt.microsecond,
                  updatedAt: c.updatedAt.epochSeconds * 1000000 + c.updatedAt.microsecond, identifiers: identifiers,
                  firstSeen: firstSeen, lastSeen: lastSeen, details: details,
                  mergedFrom: COLLECT { MATCH (m:Customer)-[:MERGED_INTO*1..]->(c) RETURN m.id ORDER BY m.id }})
         AS profiles
}
RETURN total, profiles
