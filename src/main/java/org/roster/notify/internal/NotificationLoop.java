package org.roster.notify.internal;

import org.roster.notify.Notifications;
import org.roster.runtime.WorkerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Looks for news and sends notifications every {@code roster.notifications.interval}, when a channel is configured. */
@Component
class NotificationLoop extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(NotificationLoop.class);
    private final Notifications notifications;
    private boolean announced;

    NotificationLoop(Notifications notifications) {
        super("roster-notifications");
        this.notifications = notifications;
    }

    @Override
    protected boolean keepsOwnTime() {
        return true; // nothing wakes it: every interval, in cluster mode too
    }

    @Override
    protected long pass() {
        if (!notifications.enabled()) {
            return 3_600_000;
        }
        if (!announced) {
            log.info("Notifications on, every {}", notifications.interval());
            announced = true;
        }
        notifications.scan();
        notifications.deliver();
        return notifications.interval().toMillis();
    }
}
