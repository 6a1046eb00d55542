// One Interaction per event, idempotent by id; returns the ids of the new ones (collect skips the
// nulls of duplicates) in one record. Times come as ISO 8601 text (graph_cdp/store/values.py
// wire) and are stored as DateTime.
UNWIND $rows AS row
MERGE (e:Interaction {id: row.id})
  ON CREATE SET e.type = row.type, e.channel = row.channel, e.source = row.source,
                e.at = datetime(row.at), e.properties = row.properties, e.traits = row.traits,
                e.identifierKeys = row.keys, e.invalidKeys = row.invalidKeys,
                e.context = row.context, e.batch = $batch, e.receivedAt = $now
RETURN collect(CASE WHEN e.batch = $batch THEN row.id END) AS rows
