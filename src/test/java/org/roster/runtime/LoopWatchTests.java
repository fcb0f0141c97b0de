package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A background loop whose pass stops moving is seen: a gauge of its pass's age, and a WARN saying where it is. */
class LoopWatchTests {

    /** A loop whose first pass waits until it is let go, as a hung call would. */
    private static final class Stuck extends WorkerLoop {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);

        Stuck() {
            super("roster-stuck-test");
        }

        @Override
        protected long pass() throws InterruptedException {
            entered.countDown();
            hangingCall();
            return 60_000;
        }

        private void hangingCall() throws InterruptedException {
            letGo.await();
        }
    }

    @Test
    void aPassThatDoesNotEndIsAGaugeAndOneWarningNamingWhereItIs() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LoopWatch watch = new LoopWatch(meters, Duration.ofMillis(300));
        Logger logger = (Logger) org.slf4j.LoggerFactory.getLogger(LoopWatch.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Stuck loop = new Stuck();
        loop.setWatch(watch);
        try {
            loop.start();
            loop.entered.await();
            assertThat(watch.check()).as("not long yet").isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> !watch.check().isEmpty());
            assertThat(watch.check()).containsExactly("roster-stuck-test");
            assertThat(meters.get("roster.worker.pass").tag("loop", "roster-stuck-test").gauge().value())
                .isGreaterThanOrEqualTo(0.3);
            assertThat(lines.list).as("said once, however often it is looked at").filteredOn(e -> e.getLevel() == Level.WARN)
                .singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("roster-stuck-test: a pass has run for").contains("Stuck.hangingCall");

            loop.letGo.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> watch.check().isEmpty()
                && meters.get("roster.worker.pass").tag("loop", "roster-stuck-test").gauge().value() == 0);
            assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("roster-stuck-test: the pass said to be long ended");
        } finally {
            loop.letGo.countDown();
            loop.stop();
            logger.detachAppender(lines);
            watch.stop();
        }
        assertThat(meters.find("roster.worker.pass").gauges()).as("gone with its loop").isEmpty();
    }
}
