package org.roster.notify;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.notifications}. E-mail goes through Spring's {@code spring.mail.*} SMTP settings
 * (none: no e-mail); the chat webhook is {@code chat-url}. Without either, nothing is sent.
 *
 * @param from the sender address of e-mails (default {@code roster@localhost})
 * @param operators addresses told about holds, dead letters, SLO breaches, and decisions operators make
 * @param escalateTo told when an overdue decision's decider has no manager in HR (default: operators)
 * @param chatUrl a Slack-compatible incoming webhook ({@code {"text": ...}}); a secret: an {@code ${ENV_VAR}}
 * @param linkBase Roster's address as people reach it, put before each link (e.g. {@code https://roster.example.com})
 * @param remindBefore how long before a decision's due time its decider is reminded (default 24 hours)
 * @param interval how often the notifier looks for news (default 30 seconds)
 * @param digest send decisions assigned and reminders once a day, together, at {@code digestAt}
 *     (escalations, holds, dead letters and SLO breaches always go at once)
 * @param digestAt when the daily digest goes, UTC (default 08:00)
 * @param maxAttempts tries before a notification is given up (default 10; waits double from 30 s to 1 h)
 * @param templates per event ({@code assigned}, {@code reminder}, {@code escalated}, {@code hold},
 *     {@code dead-letter}, {@code slo}): a {@code subject} and {@code body} with {@code {title}},
 *     {@code {due}}, {@code {why}}, {@code {link}}
 */
@ConfigurationProperties("roster.notifications")
public record NotificationSettings(@Nullable String from, @Nullable List<String> operators,
                                   @Nullable List<String> escalateTo, @Nullable String chatUrl,
                                   @Nullable String linkBase, @Nullable Duration remindBefore,
                                   @Nullable Duration interval, @Nullable Boolean digest, @Nullable LocalTime digestAt,
                                   @Nullable Integer maxAttempts, @Nullable Map<String, Template> templates) {

    /** A message's text; {@code {title}}, {@code {due}}, {@code {why}} and {@code {link}} are filled in. */
    public record Template(@Nullable String subject, @Nullable String body) {
    }

    public NotificationSettings {
        from = from == null ? "roster@localhost" : from;
        operators = operators == null ? List.of() : List.copyOf(operators);
        escalateTo = escalateTo == null || escalateTo.isEmpty() ? operators : List.copyOf(escalateTo);
        linkBase = linkBase == null ? "" : linkBase.replaceAll("/+$", "");
        remindBefore = remindBefore == null ? Duration.ofHours(24) : remindBefore;
        interval = interval == null ? Duration.ofSeconds(30) : interval;
        digest = digest != null && digest;
        digestAt = digestAt == null ? LocalTime.of(8, 0) : digestAt;
        maxAttempts = maxAttempts == null ? 10 : maxAttempts;
        templates = templates == null ? Map.of() : Map.copyOf(templates);
    }
}
