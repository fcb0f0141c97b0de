package org.roster.hr;

import java.time.Instant;

/**
 * A worker as Roster holds it: the record plus its resource id (the SCIM {@code id}), a version
 * that grows with every accepted change, and when it was created and last changed.
 */
public record StoredWorker(String id, long version, Instant created, Instant lastModified, Worker worker) {
}
