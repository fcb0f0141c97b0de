/**
 * People not in HR (contractors, vendors, guests): identities created by API, each with a sponsor who is
 * an HR worker and an end date. When the sponsor leaves or moves, the sponsored identities go to review
 * and expire after a grace period unless someone takes over the sponsorship. Acts as a source of
 * identity records for these people, through the HR module, so they follow the same lifecycle.
 */
@NullMarked
package org.roster.sponsorship;

import org.jspecify.annotations.NullMarked;
