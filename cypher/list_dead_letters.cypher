// Dead letters, oldest first; replayed ones only when asked.
MATCH (d:DeadLetter)
WHERE $includeReplayed OR NOT d.replayed
RETURN d.id AS id, d.at AS at, d.reasons AS reasons, d.payload AS payload,
       d.replayed AS replayed, d.count AS count, d.payloadBytes AS payloadBytes,
       coalesce(d.truncated, false) AS truncated, d.code AS code
ORDER BY d.at, d.id
LIMIT $first
