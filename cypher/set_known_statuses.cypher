// Degree and status of identifiers the fence kept (fence_known_units checked both against the
// links counted under the lock), and the reason, as update_identifier_status writes them; only
// what differs is written.
UNWIND $rows AS row
MATCH (i:Identifier {key: row.key})
WITH i, row, CASE row.status
      WHEN 'blocked' THEN row.blocked
      WHEN 'hub' THEN 'linked to ' + toString(row.degree) + ' identifiers (hub threshold ' + toString(row.threshold) + ')'
      ELSE null END AS reason
WHERE i.degree IS NULL OR i.degree <> row.degree OR i.status IS NULL OR i.status <> row.status
   OR coalesce(i.blockedReason, '') <> coalesce(row.blocked, '')
   OR coalesce(i.statusReason, '') <> coalesce(reason, '')
SET i.degree = row.degree, i.status = row.status, i.blockedReason = row.blocked,
    i.statusReason = reason
