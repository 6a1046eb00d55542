// Kind and blocked reason of identifiers, to recompute their status: [key, kind, blocked] of
// each, in one record.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
RETURN collect([i.key, i.kind, i.blockedReason]) AS rows
