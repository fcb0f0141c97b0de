package org.roster.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.grants.AccessGrant;
import org.roster.grants.Deciders;
import org.roster.notify.internal.NotificationRepository;
import org.roster.notify.internal.NotificationRepository.Stored;
import org.roster.plan.Hold;
import org.roster.plan.Holds;
import org.roster.principals.Principals;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.roster.work.Work;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds what people should be told and tells them. A pass first looks at the state of things (the
 * decisions waiting, their due times, open holds, dead letters, overdue revocations) and stores a
 * notification for each recipient that has not had it (each has a key, so it is made once however
 * often it is looked at, and across restarts); then sends what is due, retrying failures. E-mails to
 * one recipient due together go as one message. Messages are made from titles, reasons and links:
 * never a token or secret, which Roster never holds in clear anyway.
 */
@Service
public class Notifications {

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);
    static final String MAIL = "mail";
    static final String CHAT = "chat";

    private final NotificationRepository repository;
    private final Work work;
    private final Deciders deciders;
    private final Principals principals;
    private final Holds holds;
    private final Provisioning provisioning;
    private final org.roster.nhi.NonHumanIdentities nhis;
    private final org.roster.certification.Certifications certifications;
    private final AuditLog audit;
    private final NotificationSettings settings;
    private final Clock clock;
    private final @Nullable JavaMailSender mail;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    public Notifications(NotificationRepository repository, Work work, Deciders deciders, Principals principals,
                         Holds holds, Provisioning provisioning, AuditLog audit, NotificationSettings settings,
                         Clock clock, ObjectProvider<JavaMailSender> mail, org.roster.nhi.NonHumanIdentities nhis,
                         org.roster.certification.Certifications certifications) {
        this.nhis = nhis;
        this.certifications = certifications;
        this.repository = repository;
        this.work = work;
        this.deciders = deciders;
        this.principals = principals;
        this.holds = holds;
        this.provisioning = provisioning;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
        this.mail = mail.getIfAvailable();
    }

    /** Whether any channel is configured. */
    public boolean enabled() {
        return mail != null || settings.chatUrl() != null;
    }

    public Duration interval() {
        return settings.interval();
    }

    /** A notification as listed: never more than its subject, recipient and delivery. */
    public record Listed(String id, String event, String channel, String recipient, String subject, Instant createdAt,
                         String status, int attempts, @Nullable Instant sentAt, @Nullable String lastError) {
    }

    /** Newest first, after a position (null: from {@code offset}). */
    public List<Listed> recent(org.roster.store.Keyset.@Nullable Position after, int offset, int limit) {
        return repository.recent(after, offset, limit).stream().map(s -> new Listed(s.id(), s.event(), s.channel(),
            s.recipient(), s.subject(), s.createdAt(), s.status(), s.attempts(), s.sentAt(), s.lastError())).toList();
    }

    /** Looks at the state of things and stores what must be told; returns how many were stored. */
    public int scan() {
        Instant now = clock.instant();
        int made = 0;
        for (AccessGrant g : work.waitingGrants()) {
            made += grant(g, now);
        }
        for (org.roster.nhi.Nhi n : nhis.list(null, null, null, org.roster.nhi.Nhi.State.REVIEW, 0, 500)) {
            made += nhiReview(n, now);
        }
        for (var load : certifications.openByReviewer(1_000)) {
            made += certification(load, now);
        }
        for (org.roster.nhi.Nhi n : nhis.list(null, null, null, org.roster.nhi.Nhi.State.ORPHAN, 0, 200)) {
            made += operators("nhi-orphan", "nhi-orphan:" + n.id(), n.kind().wire() + " " + n.name() + " on " + n.target()
                + " has no owner" + (n.previousOwner() == null ? "" : " (" + n.previousOwner() + " left)"),
                "/api/v1/nhi/" + n.id(), n.updatedAt(), now);
        }
        for (Hold h : holds.list(Hold.Status.OPEN, 0, 200)) {
            made += operators("hold", "hold:" + h.id(), "hold of " + h.operations() + " operation(s) for " + h.target()
                + " from " + h.source() + ": " + h.reason(), "/api/v1/holds/" + h.id(), h.openedAt(), now);
        }
        long deadMark = repository.mark("dead-letter").orElseGet(() -> {
            long last = provisioning.lastOperationId();
            repository.setMark("dead-letter", last);
            return last;
        });
        for (OutboxEntry e : provisioning.deadLettersAfter(deadMark, 200)) {
            made += operators("dead-letter", "dead-letter:" + e.id(), e.operation().describe() + " on "
                + e.operation().target() + " given up: " + (e.lastError() == null ? "refused" : e.lastError()),
                "/api/v1/identities/" + e.operation().identity(), now, now);
            repository.setMark("dead-letter", e.id());
        }
        for (OutboxEntry e : provisioning.overdueRevocations(100)) {
            made += operators("slo", "slo:" + e.id(), e.operation().describe() + " on " + e.operation().target()
                + " still pending since HR said so at " + e.hrReceivedAt() + ", past the target's objective",
                "/api/v1/identities/" + e.operation().identity(), e.hrReceivedAt(), now);
        }
        return made;
    }

    private int grant(AccessGrant g, Instant now) {
        Deciders.Who who = deciders.of(g);
        Instant due = work.dueOf(g);
        String title = g.kind() == AccessGrant.Kind.REVIEW
            ? "review of privileged " + g.target() + ":" + g.entitlement() + " held by " + g.identity() + " before a move"
            : g.kind().name().toLowerCase(java.util.Locale.ROOT) + " request for " + g.target() + ":" + g.entitlement()
                + " for " + g.identity() + " by " + g.requestedBy() + ": " + g.reason();
        String path = switch (g.kind()) {
            case EXCEPTION -> "/api/v1/exceptions/" + g.id();
            case JIT -> "/api/v1/jit-requests/" + g.id();
            default -> "/api/v1/access-reviews/" + g.id();
        };
        Set<String> deciderMail = new LinkedHashSet<>();
        Set<String> managers = new LinkedHashSet<>();
        // an owner outside HR written as a mailbox (a team's address) is told too
        String owner = g.owner();
        if (owner != null && owner.contains("@") && principals.identityOf(owner).isEmpty()) {
            deciderMail.add(owner);
        }
        Set<String> identities = new LinkedHashSet<>(who.identities());
        identities.remove(g.identity());
        for (String identity : identities) {
            principals.emailOf(identity).ifPresent(deciderMail::add);
            principals.managerOf(identity).filter(principals::active).flatMap(principals::emailOf).ifPresent(managers::add);
        }
        if (who.operators()) {
            deciderMail.addAll(settings.operators());
        }
        if (managers.isEmpty()) {
            managers.addAll(settings.escalateTo());
        }
        Map<String, String> vars = vars(title, due, who.why(), path);
        Instant later = settings.digest() ? nextDigest(now) : now;
        int made = 0;
        for (String to : deciderMail) {
            made += add("assigned", "assigned:" + g.id() + ":" + to, MAIL, to, vars, now, later);
        }
        made += add("assigned", "assigned:" + g.id() + ":chat", CHAT, CHAT, vars, now, now);
        if (!now.isBefore(due.minus(settings.remindBefore())) && now.isBefore(due)) {
            for (String to : deciderMail) {
                made += add("reminder", "reminder:" + g.id() + ":" + to, MAIL, to, vars, now, later);
            }
        }
        if (!now.isBefore(due)) {
            for (String to : managers) {
                made += add("escalated", "escalated:" + g.id() + ":" + to, MAIL, to, vars, now, now);
            }
            made += add("escalated", "escalated:" + g.id() + ":chat", CHAT, CHAT, vars, now, now);
        }
        return made;
    }

    /** A non-human identity waits for its (new) owner's review: they are told, reminded, and their manager told when late. */
    private int nhiReview(org.roster.nhi.Nhi n, Instant now) {
        if (n.owner() == null || n.reviewDueAt() == null) {
            return 0;
        }
        String title = "review " + n.kind().wire() + " " + n.name() + " on " + n.target() + (n.previousOwner() == null
            ? " after your move" : ", handed to you from " + n.previousOwner()) + ": " + n.purpose();
        return personDecides("nhi", n.id() + ":" + n.reviewDueAt().toEpochMilli(), n.owner(), title, n.reviewDueAt(),
            "its owner", "/api/v1/nhi/" + n.id(), now);
    }

    /**
     * A reviewer's open items in a campaign, one message for them all (not one per access): the
     * reviewer is told, reminded before the deadline, and their manager told when it passes; items
     * operators review go to the operators' addresses and the chat.
     */
    private int certification(org.roster.certification.Certifications.ReviewerLoad load, Instant now) {
        String title = load.open() + " access(es) to certify in campaign '" + load.campaignName() + "'";
        String path = "/api/v1/certifications/" + load.campaign() + "/items?reviewer=" + load.reviewer();
        String key = load.campaign() + ":" + load.reviewer() + ":" + load.due().toEpochMilli();
        if (load.reviewer().equals(org.roster.certification.CertificationItem.OPERATORS)) {
            return operators("assigned", "cert-assigned:" + key, title, path, load.due(), now);
        }
        if (load.reviewer().startsWith("token:")) {
            return 0; // an API token reads its work from the API
        }
        return personDecides("cert", key, load.reviewer(), title, load.due(), "their reviewer", path, now);
    }

    /** A person decides something by a time: told, reminded before it, their manager (or escalate-to) told after it. */
    private int personDecides(String prefix, String key, String person, String title, Instant due, String why, String path,
                              Instant now) {
        Map<String, String> vars = vars(title, due, why, path);
        int made = 0;
        var to = principals.emailOf(person);
        if (to.isPresent()) {
            made += add("assigned", prefix + "-assigned:" + key + ":" + to.get(), MAIL, to.get(), vars, now,
                settings.digest() ? nextDigest(now) : now);
            if (!now.isBefore(due.minus(settings.remindBefore())) && now.isBefore(due)) {
                made += add("reminder", prefix + "-reminder:" + key + ":" + to.get(), MAIL, to.get(), vars, now, now);
            }
        }
        if (!now.isBefore(due)) {
            java.util.List<String> managers = principals.managerOf(person).filter(principals::active)
                .flatMap(principals::emailOf).map(java.util.List::of).orElse(settings.escalateTo());
            for (String m : managers) {
                made += add("escalated", prefix + "-escalated:" + key + ":" + m, MAIL, m, vars, now, now);
            }
        }
        return made;
    }

    private int operators(String event, String key, String title, String path, Instant since, Instant now) {
        Map<String, String> vars = vars(title, since, "operators", path);
        int made = 0;
        for (String to : settings.operators()) {
            made += add(event, key + ":" + to, MAIL, to, vars, now, now);
        }
        return made + add(event, key + ":chat", CHAT, CHAT, vars, now, now);
    }

    private Map<String, String> vars(String title, Instant due, String why, String path) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("title", title);
        vars.put("due", due.toString());
        vars.put("why", why);
        vars.put("link", settings.linkBase() + path);
        return vars;
    }

    private int add(String event, String key, String channel, String to, Map<String, String> vars, Instant now,
                    Instant due) {
        if (channel.equals(MAIL) ? mail == null : settings.chatUrl() == null) {
            return 0;
        }
        NotificationSettings.Template t = settings.templates().get(event);
        String subject = fill(t != null && t.subject() != null ? t.subject() : Templates.subject(event), vars);
        String body = fill(t != null && t.body() != null ? t.body() : Templates.body(event), vars);
        return repository.add(key, event, channel, to, subject, body, now, due) ? 1 : 0;
    }

    private static String fill(String template, Map<String, String> vars) {
        String out = template;
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace("{" + v.getKey() + "}", v.getValue());
        }
        return out;
    }

    private Instant nextDigest(Instant now) {
        Instant today = LocalDate.ofInstant(now, ZoneOffset.UTC).atTime(settings.digestAt()).toInstant(ZoneOffset.UTC);
        return today.isAfter(now) ? today : today.plus(Duration.ofDays(1));
    }

    /** Sends what is due; e-mails to one recipient go as one message. Returns how many were delivered. */
    public int deliver() {
        Instant now = clock.instant();
        Map<String, List<Stored>> byRecipient = new LinkedHashMap<>();
        for (Stored s : repository.due(now, 500)) {
            byRecipient.computeIfAbsent(s.channel() + " " + s.recipient(), k -> new ArrayList<>()).add(s);
        }
        int delivered = 0;
        for (List<Stored> batch : byRecipient.values()) {
            Stored first = batch.get(0);
            List<List<Stored>> messages = first.channel().equals(MAIL) ? List.of(batch)
                : batch.stream().map(List::of).toList();
            for (List<Stored> message : messages) {
                try {
                    send(message);
                    for (Stored s : message) {
                        repository.sent(s.id(), now);
                        audit.append(new AuditEntry(null, "NOTIFICATION_SENT", AuditEntry.Stage.EXECUTION, "roster", null,
                            s.event() + " by " + s.channel() + " to " + s.recipient() + ": " + s.subject(), null));
                        delivered++;
                    }
                } catch (RuntimeException e) {
                    String why = e.getClass().getSimpleName() + ": " + e.getMessage();
                    for (Stored s : message) {
                        boolean giveUp = s.attempts() + 1 >= settings.maxAttempts();
                        Duration wait = Duration.ofSeconds(Math.min(3600, 30L << Math.min(s.attempts(), 7)));
                        repository.failed(s.id(), why, now.plus(wait), giveUp);
                        if (giveUp) {
                            log.warn("Notification {} to {} given up after {} attempts: {}", s.event(), s.recipient(),
                                s.attempts() + 1, why);
                            audit.append(new AuditEntry(null, "NOTIFICATION_FAILED", AuditEntry.Stage.EXECUTION, "roster",
                                null, s.event() + " by " + s.channel() + " to " + s.recipient() + " given up: " + why, null));
                        }
                    }
                    log.info("Notification by {} to {} failed, retried later: {}", first.channel(), first.recipient(), why);
                }
            }
        }
        return delivered;
    }

    private void send(List<Stored> message) {
        Stored first = message.get(0);
        String subject = message.size() == 1 ? first.subject() : "Roster: " + message.size() + " things for you";
        StringBuilder body = new StringBuilder();
        for (Stored s : message) {
            if (message.size() > 1) {
                body.append("== ").append(s.subject()).append(" ==\n");
            }
            body.append(s.body()).append('\n');
        }
        if (first.channel().equals(MAIL)) {
            SimpleMailMessage m = new SimpleMailMessage();
            m.setFrom(settings.from());
            m.setTo(first.recipient());
            m.setSubject(subject);
            m.setText(body.toString());
            java.util.Objects.requireNonNull(mail).send(m);
        } else {
            String text = json.writeValueAsString(Map.of("text", "*" + subject + "*\n" + body));
            try {
                int status = org.roster.runtime.HttpAnswers.status(http, HttpRequest.newBuilder(URI.create(
                        java.util.Objects.requireNonNull(settings.chatUrl()))).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                    Duration.ofSeconds(20));
                if (status / 100 != 2) {
                    throw new IllegalStateException("the chat webhook answered " + status);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the chat webhook could not be reached", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
