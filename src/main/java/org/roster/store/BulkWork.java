package org.roster.store;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Bulk work in progress on this instance, such as a snapshot import applying its rows: the store's
 * housekeeping that can wait does while some runs. An H2 file's compaction ({@link H2Housekeeping})
 * then rewrites chunks only once less than {@value H2Housekeeping#BUSY_FILL} % of the file is live,
 * instead of {@value H2Housekeeping#TARGET_FILL} %: each pass holds H2's store lock, which every
 * commit of the import waits for, and takes a core from it.
 */
@Component
public final class BulkWork {

    private final AtomicInteger running = new AtomicInteger();

    /** Some bulk work starts; closing what this returns (once or more) says it ended. */
    public Running begin() {
        running.incrementAndGet();
        return new Running();
    }

    /** Whether some bulk work runs. */
    public boolean busy() {
        return running.get() > 0;
    }

    /** One piece of bulk work, running until closed. */
    public final class Running implements AutoCloseable {

        private final AtomicBoolean closed = new AtomicBoolean();

        private Running() {
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                running.decrementAndGet();
            }
        }
    }
}
