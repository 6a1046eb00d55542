// Profiles by id (survivors only): identifiers, first and last seen, merge history.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
WHERE c.mergedInto IS NULL
CALL (c) {
  OPTIONAL MATCH (i:Identifier)-[:BELONGS_TO]->(c)
  WITH i ORDER BY i.kind, i.value
  RETURN collect(i {.key, .kind, .value, .firstSeen, .lastSeen, .status, .statusReason}) AS identifiers,
         min(i.firstSeen) AS firstSeen, max(i.lastSeen) AS lastSeen
}
RETURN c.id AS id, c.createdAt AS createdAt, c.updatedAt AS updatedAt, identifiers,
       firstSeen, lastSeen,
       COLLECT { MATCH (m:Customer)-[:MERGED_INTO*1..]->(c) RETURN m.id ORDER BY m.id } AS mergedFrom
