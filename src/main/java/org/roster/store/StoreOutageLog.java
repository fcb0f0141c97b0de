package org.roster.store;

import org.slf4j.Logger;

/**
 * What a background thread says of a store outage: one WARN line when a failure first says the
 * store cannot be reached or cannot write ({@link StoreUnreachable}), one INFO line when it next reaches it, and
 * nothing in between, rather than a stack at every attempt. One per thread that retries (a loop,
 * the lease keeper, the wake-up listener).
 */
public final class StoreOutageLog {

    private final Logger log;
    private final String who;
    private final String meanwhile;
    private final String back;
    private volatile boolean unreachable;

    /**
     * The WARN line reads {@code <who>: the store cannot be reached (<cause>); <meanwhile>}, or "cannot write".
     *
     * @param back the INFO line, whole
     */
    public StoreOutageLog(Logger log, String who, String meanwhile, String back) {
        this.log = log;
        this.who = who;
        this.meanwhile = meanwhile;
        this.back = back;
    }

    /** Whether {@code e} says the store cannot be reached; the first such failure of an outage is logged. */
    public boolean unreachable(Throwable e) {
        Throwable cause = StoreUnreachable.in(e);
        if (cause == null) {
            return false;
        }
        if (!unreachable) {
            unreachable = true;
            log.warn("{}: {} ({}); {}", who, StoreUnreachable.what(cause), StoreUnreachable.describe(cause), meanwhile);
        }
        return true;
    }

    /** The store answered: the first time after an outage, that is logged. */
    public void reached() {
        if (unreachable) {
            unreachable = false;
            log.info("{}", back);
        }
    }
}
