// Identifiers by key with their kind label (from the server's kind enum, never caller text);
// first and last sighting as ISO 8601 text (graph_cdp/store/values.py wire). writtenAt says when the
// identifier's evidence was written (the transaction's start, not the request's): an incremental
// job re-resolves what was written since the last job began, less a margin for transactions that
// began before it and committed after, so a write that deferred resolution is found by it.
UNWIND $rows AS row
WITH row, datetime(row.firstSeen) AS firstSeen, datetime(row.lastSeen) AS lastSeen
MERGE (i:Identifier {key: row.key})
  ON CREATE SET i.kind = row.kind, i.value = row.value, i.firstSeen = firstSeen,
                i.lastSeen = lastSeen, i.blockedReason = row.blocked, i.degree = 0,
                i.status = CASE WHEN row.blocked IS NULL THEN 'ok' ELSE 'blocked' END,
                i.statusReason = row.blocked, i.names = row.names, i.traits = row.traits
  ON MATCH SET i.firstSeen = CASE WHEN firstSeen < i.firstSeen THEN firstSeen ELSE i.firstSeen END,
               i.lastSeen = CASE WHEN lastSeen > i.lastSeen THEN lastSeen ELSE i.lastSeen END
SET i:$(row.label), i.writtenAt = datetime.transaction(),
    i.names = CASE WHEN size(row.names) = 0 THEN coalesce(i.names, [])
                   ELSE ([n IN coalesce(i.names, []) WHERE NOT n IN row.names] + row.names)[-5..] END,
    i.traits = CASE WHEN size(row.traits) = 0 THEN i.traits
                    ELSE ([t IN coalesce(i.traits, []) WHERE NOT t IN row.traits] + row.traits)[-5..] END
