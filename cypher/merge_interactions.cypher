// One Interaction per event, idempotent by id; `created` is true only for new ones.
UNWIND $rows AS row
MERGE (e:Interaction {id: row.id})
  ON CREATE SET e.type = row.type, e.channel = row.channel, e.source = row.source,
                e.at = row.at, e.properties = row.properties, e.traits = row.traits,
                e.identifierKeys = row.keys, e.invalidKeys = row.invalidKeys,
                e.context = row.context, e.batch = $batch, e.receivedAt = $now
RETURN row.id AS id, e.batch = $batch AS created
