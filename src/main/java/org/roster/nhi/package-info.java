/**
 * Non-human identities (service accounts, API keys, workloads) with owners, purpose and expiry. Arrives with its own issue; the package marks its place in the flow.
 */
@NullMarked
package org.roster.nhi;

import org.jspecify.annotations.NullMarked;
