// Changes after a sequence number, up to a committed head, optionally of some types only.
MATCH (c:Change)
WHERE c.seq > $after AND c.seq <= $head AND ($types IS NULL OR c.type IN $types)
RETURN c.seq AS seq, c.type AS type, c.profileIds AS profileIds, c.data AS data,
       c.cause AS cause, c.jobId AS jobId, c.at AS at
ORDER BY c.seq
LIMIT $first
