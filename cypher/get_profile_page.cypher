// A page of current profiles in id order after a cursor (one extra row says more follow),
// with how many current profiles there are: the whole page in one round trip.
// Times are microseconds since the epoch (UTC): far cheaper to decode than temporal values.
CALL () {
  MATCH (c:Customer)
  WHERE c.mergedInto IS NULL
  RETURN count(c) AS total
}
CALL () {
  MATCH (c:Customer)
  WHERE c.mergedInto IS NULL AND ($after IS NULL OR c.id > $after)
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
  WITH c, identifiers, firstSeen, lastSeen ORDER BY c.id
  RETURN collect({id: c.id, createdAt: c.createdAt.epochSeconds * 1000000 + c.createdAt.microsecond,
                  updatedAt: c.updatedAt.epochSeconds * 1000000 + c.updatedAt.microsecond, identifiers: identifiers,
                  firstSeen: firstSeen, lastSeen: lastSeen,
                  mergedFrom: COLLECT { MATCH (m:Customer)-[:MERGED_INTO*1..]->(c) RETURN m.id ORDER BY m.id }})
         AS profiles
}
RETURN total, profiles
