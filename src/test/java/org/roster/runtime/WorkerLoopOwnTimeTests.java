package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.roster.support.MostlyWaits;

/**
 * In cluster mode a loop looks again every 2 s at least, for a wake-up from another instance it may
 * have missed. A loop that keeps its own time (the audit checkpoints every 5 minutes, the
 * notifications every 30 s) ran its pass at each such look. It now sleeps what its pass says, and
 * still lets its lease go within a look when its instance is over its share. Real PostgreSQL.
 */
@MostlyWaits
class WorkerLoopOwnTimeTests {

    @Test
    void aLoopThatKeepsItsOwnTimeSleepsWhatItsPassSaysAndStillGivesItsLeaseUp() throws Exception {
        DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        Leases a = LeasesAskAgainTests.leases(store, "a");
        Leases b = null;
        Counting own = new Counting("roster-own-time", true);
        Counting polled = new Counting("roster-a-polled", false);
        Counting second = new Counting("roster-own-time-2", true);
        for (Counting loop : new Counting[] {own, polled, second}) {
            loop.setLeases(a);
            loop.start();
        }
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> own.passes.get() == 1 && second.passes.get() == 1);
            Thread.sleep(5_000);
            assertThat(own.passes).as("one pass: it asked for a minute").hasValue(1);
            assertThat(polled.passes.get()).as("a loop woken by work still looks every 2 s").isGreaterThanOrEqualTo(3);

            // another instance joins: a is over its share (three loops, two members) and gives one of them up
            // at its next renewal; a loop asleep for a minute lets it go within a look, not at its next pass
            b = LeasesAskAgainTests.leases(store, "b");
            Leases joined = b;
            Counting[] onB = {new Counting("roster-own-time", true), new Counting("roster-a-polled", false),
                new Counting("roster-own-time-2", true)};
            for (Counting loop : onB) {
                loop.setLeases(joined);
                loop.start();
            }
            try {
                // the leases are given up in reverse order of their names: roster-own-time-2 first
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> onB[2].passes.get() > 0);
                assertThat(second.passes).as("given up while asleep, without another pass").hasValue(1);
                assertThat(own.passes).hasValue(1);
            } finally {
                for (Counting loop : onB) {
                    loop.stop();
                }
            }
        } finally {
            own.stop();
            polled.stop();
            second.stop();
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    private static final class Counting extends WorkerLoop {
        final AtomicInteger passes = new AtomicInteger();
        private final boolean ownTime;

        Counting(String name, boolean ownTime) {
            super(name);
            this.ownTime = ownTime;
        }

        @Override
        protected boolean keepsOwnTime() {
            return ownTime;
        }

        @Override
        protected long pass() {
            passes.incrementAndGet();
            return 60_000;
        }
    }
}
