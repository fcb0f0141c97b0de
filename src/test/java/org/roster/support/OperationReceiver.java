package org.roster.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook target on loopback, as a careful receiver of Roster's operations is written: it keeps
 * each operation the first time its {@code Idempotency-Key} is seen and counts the repeats. It may
 * take a while to answer each request, as a remote application does.
 */
public final class OperationReceiver implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(32);
    private final Map<String, List<String>> byIdentity = new ConcurrentHashMap<>();
    private final Map<String, Boolean> keys = new ConcurrentHashMap<>();
    private final AtomicInteger repeats = new AtomicInteger();
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();

    /** @param latencyMillis how long each request takes to answer */
    public OperationReceiver(long latencyMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/ops", exchange -> {
            JsonNode op = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (latencyMillis > 0) {
                try {
                    Thread.sleep(latencyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (keys.putIfAbsent(key, true) == null) {
                String title = op.path("attributes").path("title").asString("");
                String summary = op.path("type").asString() + (title.isEmpty() ? "" : " " + title);
                byIdentity.computeIfAbsent(op.path("identity").asString(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(summary);
                firstArrival.putIfAbsent(op.path("identity").asString() + " " + summary, System.nanoTime());
            } else {
                repeats.incrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ops";
    }

    /** What arrived for a person, once per operation, in arrival order: {@code account.update T2}, {@code account.disable}... */
    public List<String> of(String identity) {
        return List.copyOf(byIdentity.getOrDefault(identity, List.of()));
    }

    /** When ({@link System#nanoTime()}) an operation first arrived for a person, if it has: {@code account.disable}... */
    public java.util.OptionalLong arrived(String identity, String summary) {
        Long at = firstArrival.get(identity + " " + summary);
        return at == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(at);
    }

    /** Distinct operations received. */
    public int operations() {
        return keys.size();
    }

    /** Operations received again under a key already seen. */
    public int repeats() {
        return repeats.get();
    }

    /**
     * A cluster instance's configuration over one PostgreSQL database and Kafka, with this receiver as
     * its one target ({@code hook}) that everyone has an account on, and a snapshot source ({@code bulk}).
     */
    public String clusterConfig(String store, String brokers, String prefix, String instance, int concurrency) {
        return """
            roster:
              cluster:
                enabled: true
                instance-id: %s
                lease-ttl: 3s
                kafka:
                  bootstrap-servers: %s
                  topic-prefix: %s
                  partitions: 6
                  session-timeout: 6s
            """.formatted(instance, brokers, prefix) + RosterProcess.storeWithoutDemo(store, "postgres") + """
              provisioning:
                initial-backoff: 50ms
                max-backoff: 200ms
                targets:
                  - name: hook
                    type: webhook
                    concurrency: %d
                    webhook:
                      url: %s
                      secret: ${HOOK_SECRET}
              hr:
                sources:
                  - name: bulk
                    type: snapshot
              policy:
                rules:
                  - name: everyone
                    when: "true"
                    grants:
                      - target: hook
            """.formatted(concurrency, url());
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
