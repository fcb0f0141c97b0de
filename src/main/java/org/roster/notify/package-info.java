/**
 * Notifications: people told, by e-mail (SMTP) and a chat webhook (Slack-compatible), that a
 * decision waits for them, that it is nearly due, that it is overdue (their manager is told), and
 * operators that a hold opened, an operation was dead-lettered or a revocation missed its objective.
 * Each is stored before it is sent, retried until delivered, sent once, and audited.
 */
@NullMarked
package org.roster.notify;

import org.jspecify.annotations.NullMarked;
