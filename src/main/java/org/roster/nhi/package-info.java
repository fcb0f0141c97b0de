/**
 * Non-human identities: service accounts, API keys, OAuth clients, workloads and AI agents, each
 * with an accountable owner from HR, a purpose and an expiry, and a lifecycle of their own tied to
 * that owner: handed to the owner's manager for review when the owner leaves, reviewed when the
 * owner moves, ended with the person an AI agent acts for, expired when their time is up.
 */
@NullMarked
package org.roster.nhi;

import org.jspecify.annotations.NullMarked;
