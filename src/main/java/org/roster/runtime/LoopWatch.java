package org.roster.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Watches the background loops' passes, so that one that stops moving is seen: a target's lane stuck in
 * a pass sends nothing, revocations included (over Kafka its partitions stay with it while its consumer
 * still heartbeats). Every call a pass makes is bounded by a time-out; this is for the hang nobody
 * foresaw.
 *
 * <p>Each loop's pass under way is a gauge, {@code roster_worker_pass_seconds{loop}}: how long it has
 * run, 0 between passes. A pass that has run for {@link #LONG_PASS} is logged once as a WARN with
 * where its thread is, and once more, at INFO, when it ends.
 */
@Component
public class LoopWatch {

    private static final Logger log = LoggerFactory.getLogger(LoopWatch.class);

    /** How long a pass runs before it is said in the log. A lane's pass takes seconds; a checkpoint's, under a minute. */
    static final Duration LONG_PASS = Duration.ofMinutes(5);
    private static final long EVERY_SECONDS = 10;
    /** Frames of a long pass's stack in its log line. */
    private static final int FRAMES = 12;

    private final MeterRegistry meters;
    private final Duration longPass;
    /** A loop started: its gauge, and the start of its pass last said to be long (0: none). */
    private static final class Watched {
        final Gauge gauge;
        long said;

        Watched(Gauge gauge) {
            this.gauge = gauge;
        }
    }

    private final Map<WorkerLoop, Watched> loops = new IdentityHashMap<>();
    private final ScheduledExecutorService executor;

    @org.springframework.beans.factory.annotation.Autowired
    public LoopWatch(MeterRegistry meters) {
        this(meters, LONG_PASS);
        executor.scheduleWithFixedDelay(this::check, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    LoopWatch(MeterRegistry meters, Duration longPass) {
        this.meters = meters;
        this.longPass = longPass;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "roster-loop-watch");
            t.setDaemon(true);
            return t;
        });
    }

    synchronized void add(WorkerLoop loop) {
        loops.computeIfAbsent(loop, l -> new Watched(Gauge.builder("roster.worker.pass", l, LoopWatch::seconds)
            .description("how long the pass under way of a background loop has run (0 between passes)")
            .baseUnit("seconds").tag("loop", l.name()).register(meters)));
    }

    synchronized void remove(WorkerLoop loop) {
        Watched w = loops.remove(loop);
        if (w != null) {
            meters.remove(w.gauge);
        }
    }

    private static double seconds(WorkerLoop loop) {
        long since = loop.passSince();
        return since == 0 ? 0 : (System.nanoTime() - since) / 1e9;
    }

    /**
     * Says in the log the passes that have run for {@link #LONG_PASS} (once each) and those said that
     * ended since.
     *
     * @return the loops whose pass has run that long now
     */
    synchronized List<String> check() {
        List<String> longRunning = new ArrayList<>();
        try {
            long now = System.nanoTime();
            for (Map.Entry<WorkerLoop, Watched> e : loops.entrySet()) {
                WorkerLoop loop = e.getKey();
                Watched w = e.getValue();
                long since = loop.passSince();
                if (w.said != 0 && since != w.said) {
                    log.info("{}: the pass said to be long ended after about {} s", loop.name(),
                        Duration.ofNanos(now - w.said).toSeconds());
                    w.said = 0;
                }
                if (since != 0 && now - since >= longPass.toNanos()) {
                    longRunning.add(loop.name());
                    if (since != w.said) {
                        w.said = since;
                        log.warn("{}: a pass has run for {} s and not ended; it is at {}", loop.name(),
                            Duration.ofNanos(now - since).toSeconds(), where(loop.stack()));
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("loop watch: could not look at the loops ({})", e.toString());
        }
        return longRunning;
    }

    private static String where(StackTraceElement[] stack) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(FRAMES, stack.length); i++) {
            b.append(i == 0 ? "" : " < ").append(stack[i]);
        }
        return stack.length > FRAMES ? b + " < ..." : b.toString();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
