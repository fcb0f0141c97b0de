package org.roster.notify;

/** The default text of each notification; {@code roster.notifications.templates} overrides them. */
final class Templates {

    private Templates() {
    }

    static String subject(String event) {
        return switch (event) {
            case "assigned" -> "Roster: a decision waits for you: {title}";
            case "reminder" -> "Roster reminder: due {due}: {title}";
            case "escalated" -> "Roster: overdue decision: {title}";
            case "hold" -> "Roster: changes held for review: {title}";
            case "dead-letter" -> "Roster: an operation was given up: {title}";
            case "nhi-orphan" -> "Roster: a non-human identity has no owner: {title}";
            case "slo" -> "Roster: a revocation is late: {title}";
            default -> "Roster: {title}";
        };
    }

    static String body(String event) {
        return switch (event) {
            case "assigned" -> "{title}\n\nIt waits for you as {why}.\nDue: {due}\nDecide: {link}\n";
            case "reminder" -> "{title}\n\nStill waiting for you as {why}; due {due}.\nDecide: {link}\n";
            case "escalated" -> "{title}\n\nThis was due {due} and is still waiting for {why}. You are told as their"
                + " manager (or as the escalation contact).\nSee: {link}\n";
            case "hold" -> "{title}\n\nNothing was sent for these changes. Approve or reject: {link}\n";
            case "dead-letter" -> "{title}\n\nRoster stopped retrying it; a person must look. See: {link}\n";
            case "nhi-orphan" -> "{title}\n\nGive it an owner who works here, or retire it: {link}\n";
            case "slo" -> "{title}\n\nSee: {link}\n";
            default -> "{title}\n{link}\n";
        };
    }
}
