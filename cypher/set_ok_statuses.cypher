// Degree and status of identifiers the fence kept (each is ok: see fence_plain_units); only
// what differs is written.
UNWIND $rows AS row
MATCH (i:Identifier {key: row.key})
WHERE i.degree IS NULL OR i.degree <> row.degree OR i.status IS NULL OR i.status <> 'ok'
   OR i.blockedReason IS NOT NULL OR i.statusReason IS NOT NULL
SET i.degree = row.degree, i.status = 'ok', i.blockedReason = null, i.statusReason = null
