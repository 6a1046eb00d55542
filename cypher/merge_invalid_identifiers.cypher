// Malformed identifiers, kept with their raw text and reason: status 'invalid', never linked, never a customer's.
UNWIND $rows AS row
MERGE (i:Identifier {key: row.key})
  ON CREATE SET i:Invalid, i.kind = row.kind, i.value = row.value, i.rawLength = row.rawLength,
                i.status = 'invalid', i.statusReason = row.reason, i.degree = 0,
                i.firstSeen = row.firstSeen, i.lastSeen = row.lastSeen
  ON MATCH SET i.firstSeen = CASE WHEN row.firstSeen < i.firstSeen THEN row.firstSeen ELSE i.firstSeen END,
               i.lastSeen = CASE WHEN row.lastSeen > i.lastSeen THEN row.lastSeen ELSE i.lastSeen END
