// The profile holding an identifier, in one round trip: identifiers, first and last seen, merge history,
// when $traits or $counts asks, what profile_details gives, and when $page is a map, one page of its
// interactions as profile_interaction_pages gives it ($page: type, channel, afterAt, afterId, limit).
// All three come from one pass over its interactions, newest first; when none asks, the
// interactions are not read and details and page are null.
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
  WITH c WHERE coalesce($traits, false) OR coalesce($counts, false) OR $page IS NOT NULL
  MATCH (c)<-[:BELONGS_TO]-(:Identifier)<-[:OBSERVED]-(e:Interaction)
  WITH DISTINCT e
  ORDER BY e.at DESC, e.id DESC
  WITH collect(e) AS found
  WITH found,
       [e IN found WHERE $page IS NOT NULL AND ($page.type IS NULL OR e.type = $page.type)
                         AND ($page.channel IS NULL OR e.channel = $page.channel)] AS chosen
  RETURN CASE WHEN coalesce($traits, false) OR coalesce($counts, false)
              THEN {types: CASE WHEN $counts THEN [e IN found | e.type] ELSE [] END,
                    channels: CASE WHEN $counts THEN [e IN found | coalesce(e.channel, 'unknown')] ELSE [] END,
                    interactions: CASE WHEN $traits
                      THEN [e IN found WHERE e.traits IS NOT NULL AND e.traits <> '{}'
                            | e {.id, .source, .traits, at: e.at.epochSeconds * 1000000 + e.at.microsecond}][..$perProfile]
                      ELSE [] END}
         END AS details,
         CASE WHEN $page IS NOT NULL
              THEN {total: size(chosen),
                    items: [e IN chosen WHERE $page.afterAt IS NULL OR e.at < $page.afterAt
                                             OR (e.at = $page.afterAt AND e.id < $page.afterId)][..$page.limit]}
         END AS page
}
RETURN c.id AS id, c.createdAt.epochSeconds * 1000000 + c.createdAt.microsecond AS createdAt,
       c.updatedAt.epochSeconds * 1000000 + c.updatedAt.microsecond AS updatedAt, identifiers,
       firstSeen, lastSeen, details,
       CASE WHEN page IS NULL THEN null
            ELSE {total: page.total,
                  items: [e IN page.items | e {.id, .type, .channel, .source, .properties, .traits,
                                               .identifierKeys, .context,
                                               at: e.at.epochSeconds * 1000000 + e.at.microsecond}]}
       END AS page,
       COLLECT { MATCH (m:Customer)-[:MERGED_INTO*1..]->(c) RETURN m.id ORDER BY m.id } AS mergedFrom
