// The full job's fence for units it writes from its read, and their statuses. Take each member's
// write lock, then compare the member with what the job read. A unit fails when a member is gone
// or invalid, touches another number of links than the job read (of any rule: COUNT is the node's
// degree, no link is read), would get another status from the observed links the job counted
// (as update_identifier_status computes it), or has another customer than the job read (or one
// where it read none). Every member is locked before anything is written (collect is eager);
// then the members of each unit that passed get their degree, status and reason, as
// update_identifier_status writes them (only what differs), and where the unit had no customer,
// their new customers (row.newCustomer, one per cluster, made by the job) with their members:
// the fence checked under the locks that none has a customer, so no old membership is removed
// and no identifier is looked up again. Returns the failed units' positions.
UNWIND $rows AS row
OPTIONAL MATCH (i:Identifier {key: row.key})
SET i._lock = true REMOVE i._lock
WITH row, i
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
WITH row, i,
     CASE WHEN row.blocked IS NOT NULL THEN 'blocked'
          WHEN row.degree > row.threshold THEN 'hub'
          ELSE 'ok' END AS status,
     c.id AS customer
WITH row, i,
     i IS NULL OR i.status = 'invalid' OR COUNT { (i)-[:LINKED]-() } <> row.links
     OR status <> row.status OR coalesce(customer, '') <> coalesce(row.customer, '') AS failed
WITH row.unit AS unit, collect([i, row]) AS members,
     sum(CASE WHEN failed THEN 1 ELSE 0 END) AS failures
CALL (members, failures) {
  UNWIND CASE WHEN failures = 0 THEN members ELSE [] END AS member
  WITH member[0] AS i, member[1] AS row
  WITH i, row, CASE row.status
        WHEN 'blocked' THEN row.blocked
        WHEN 'hub' THEN 'linked to ' + toString(row.degree) + ' identifiers (hub threshold ' + toString(row.threshold) + ')'
        ELSE null END AS reason
  WHERE i.degree IS NULL OR i.degree <> row.degree OR i.status IS NULL OR i.status <> row.status
     OR coalesce(i.blockedReason, '') <> coalesce(row.blocked, '')
     OR coalesce(i.statusReason, '') <> coalesce(reason, '')
  SET i.degree = row.degree, i.status = row.status, i.blockedReason = row.blocked,
      i.statusReason = reason
  RETURN count(*) AS written
}
CALL (members, failures) {
  UNWIND CASE WHEN failures = 0 THEN members ELSE [] END AS member
  WITH member[0] AS i, member[1].newCustomer AS id
  WHERE id IS NOT NULL
  WITH id, collect(i) AS joined
  CREATE (c:Customer {id: id, createdAt: $now, updatedAt: $now})
  WITH c, joined
  UNWIND joined AS i
  CREATE (i)-[:BELONGS_TO]->(c)
  RETURN count(*) AS memberships
}
RETURN collect(CASE WHEN failures > 0 THEN unit END) AS rows
