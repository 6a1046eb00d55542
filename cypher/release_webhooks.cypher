// A worker that stops gives its leases back, so the next one need not wait for them.
MATCH (w:Webhook {leaseOwner: $owner})
SET w.leaseOwner = null, w.leaseUntil = null
RETURN count(w) AS released
