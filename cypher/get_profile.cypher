// A profile by id in one round trip; an id merged away finds the surviving customer.
// Times are microseconds since the epoch (UTC): far cheaper to decode than temporal values.
MATCH (:Customer {id: $id})-[:MERGED_INTO*0..]->(c:Customer)
WHERE c.mergedInto IS NULL
WITH c LIMIT 1
CALL (c) {
  OPTIONAL MATCH (i:Identifier)-[:BELONGS_TO]->(c)
  WITH i ORDER BY i.kind, i.value
  RETURN collect(i {.key, .kind, .value, .status, .statusReason,
                   firstSeen: i.firstSeen.epochSeconds * 1000000 + i.firstSeen.microsecond,
                   lastSeen: i.lastSeen.epochSeconds * 1000000 + i.lastSeen.microsecond}) AS identifiers,
         min(i.firstSeen.epochSeconds * 1000000 + i.firstSeen.microsecond) AS firstSeen,
         max(i.lastSeen.epochSeconds * 1000000 + i.lastSeen.microsecond) AS lastSeen
}
RETURN c.id AS id, c.createdAt.epochSeconds * 1000000 + c.createdAt.microsecond AS createdAt,
       c.updatedAt.epochSeconds * 1000000 + c.updatedAt.microsecond AS updatedAt, identifiers,
       firstSeen, lastSeen,
       COLLECT { MATCH (m:Customer)-[:MERGED_INTO*1..]->(c) RETURN m.id ORDER BY m.id } AS mergedFrom
