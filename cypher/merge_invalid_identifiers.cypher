// Malformed identifiers, kept with their raw text and reason: status 'invalid', never linked, never a customer's.
UNWIND $rows AS row
WITH row, datetime(row.firstSeen) AS firstSeen, datetime(row.lastSeen) AS lastSeen
MERGE (i:Identifier {key: row.key})
  ON CREATE SET i:Invalid, i.kind = row.kind, i.value = row.value, i.rawLength = row.rawLength,
                i.status = 'invalid', i.statusReason = row.reason, i.degree = 0,
                i.firstSeen = firstSeen, i.lastSeen = lastSeen
  ON MATCH SET i.firstSeen = CASE WHEN firstSeen < i.firstSeen THEN firstSeen ELSE i.firstSeen END,
               i.lastSeen = CASE WHEN lastSeen > i.lastSeen THEN lastSeen ELSE i.lastSeen END
