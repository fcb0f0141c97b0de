package org.roster.subscribers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.ScimWorkers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A topic on a real Kafka broker, and two subscribers written here, as an IAM and a PAM system would be: each checks every delivery's
 * HMAC signature and reads it with the CloudEvents SDK. The IAM system takes lifecycle transitions
 * and gets a joiner, a mover with what moved and a leaver, in order, each once, across an outage;
 * the PAM system takes access changes only; the topic gets the transitions keyed by the person. The deliveries show in the identity's timeline, the
 * compliance report and the subscribers' status.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + LifecycleEventsTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:cloudevents;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.policy.rules[1].name=engineers",
    "roster.policy.rules[1].when=worker.department == 'Engineering'",
    "roster.policy.rules[1].grants[0].target=directory",
    "roster.policy.rules[1].grants[0].entitlement=engineering",
    "roster.events.source=https://roster.example.com",
    "roster.events.subscribers.iam.url=http://127.0.0.1:${test.subscriber.port}/iam",
    "roster.events.subscribers.iam.secret=" + LifecycleEventsTests.SECRET,
    "roster.events.subscribers.iam.types=org.roster.lifecycle.*",
    "roster.events.subscribers.pam.url=http://127.0.0.1:${test.subscriber.port}/pam",
    "roster.events.subscribers.pam.secret=" + LifecycleEventsTests.SECRET,
    "roster.events.subscribers.pam.types=org.roster.access.entitlement-added,org.roster.access.entitlement-removed",
    "roster.events.subscribers.hr-topic.kafka.bootstrap-servers=${test.kafka.brokers}",
    "roster.events.subscribers.hr-topic.kafka.topic=" + LifecycleEventsTests.TOPIC,
    "roster.events.subscribers.hr-topic.types=org.roster.lifecycle.*",
    "roster.nhi.discover-every=0"})
class LifecycleEventsTests {

    static final String TOPIC = "roster-lifecycle";
    /** A real broker (KRaft) in this JVM, shared with the other Kafka tests, for the subscriber that reads a topic. */
    static final String BROKERS = org.roster.support.TestKafka.withTopic(TOPIC, 3);

    static final String ADMIN = "events-admin-token-0123456789";
    static final String SECRET = "subscriber-key-0123456789";

    /** What each subscriber verified and kept, in arrival order. */
    static final Map<String, List<CloudEvent>> RECEIVED = Map.of("iam", new CopyOnWriteArrayList<>(),
        "pam", new CopyOnWriteArrayList<>());
    static final AtomicBoolean DOWN = new AtomicBoolean();
    static final AtomicInteger BAD_SIGNATURES = new AtomicInteger();
    static final HttpServer SUBSCRIBER = subscriber();

    static {
        System.setProperty("test.subscriber.port", Integer.toString(SUBSCRIBER.getAddress().getPort()));
        System.setProperty("test.kafka.brokers", BROKERS);
    }


    /** Every record on the topic so far, as a consumer of it would read them. */
    private static List<ConsumerRecord<String, byte[]>> topic() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS,
            ConsumerConfig.GROUP_ID_CONFIG, "test-" + java.util.UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
            new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long until = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @LocalServerPort
    int port;

    private static HttpServer subscriber() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            for (String name : List.of("iam", "pam")) {
                s.createContext("/" + name, exchange -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    String ts = exchange.getRequestHeaders().getFirst("X-Roster-Timestamp");
                    String signature = exchange.getRequestHeaders().getFirst("X-Roster-Signature");
                    int status;
                    if (DOWN.get()) {
                        status = 503;
                    } else if (ts == null || signature == null || !MessageDigest.isEqual(
                        ("sha256=" + hmac(ts, body)).getBytes(StandardCharsets.US_ASCII),
                        signature.getBytes(StandardCharsets.US_ASCII))
                        || Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts)) > 300
                        || !exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/cloudevents+json")) {
                        BAD_SIGNATURES.incrementAndGet();
                        status = 401;
                    } else {
                        RECEIVED.get(name).add(new JsonFormat().deserialize(body));
                        status = 204;
                    }
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
            }
            s.start();
            return s;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(String ts, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((ts + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<CloudEvent> about(String subscriber, String employeeNumber) {
        return RECEIVED.get(subscriber).stream().filter(e -> employeeNumber.equals(e.getSubject())).toList();
    }

    private static JsonNode data(CloudEvent e) {
        return JsonMapper.builder().build().readTree(e.getData().toBytes());
    }

    @Test
    void subscribersGetTheTransitionsAndAccessChangesTheyAskForInOrderOnceAndSigned() throws Exception {
        Api admin = new Api("http://127.0.0.1:" + port, ADMIN);
        ScimWorkers.hire(admin, "E0", "erin", null);
        String e1 = ScimWorkers.hire(admin, "E1", "eli", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> about("iam", "E1").size() == 1);
        CloudEvent joiner = about("iam", "E1").get(0);
        assertThat(joiner.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(joiner.getType()).isEqualTo("org.roster.lifecycle.joiner");
        assertThat(joiner.getSource().toString()).isEqualTo("https://roster.example.com");
        assertThat(joiner.getDataContentType()).isEqualTo("application/json");
        assertThat(joiner.getExtension("correlationid")).isNotNull();
        assertThat(data(joiner).path("worker").path("email").asString()).isEqualTo("eli@example.com");

        // a mover: what moved, and the entitlement it brings to the PAM subscriber only
        ScimWorkers.move(admin, e1, "Engineering", "E0");
        await().atMost(Duration.ofSeconds(10)).until(() -> about("iam", "E1").size() == 2 && about("pam", "E1").size() == 1);
        JsonNode moved = data(about("iam", "E1").get(1)).path("moved");
        assertThat(moved.path("department").path("from").asString()).isEqualTo("Ops");
        assertThat(moved.path("department").path("to").asString()).isEqualTo("Engineering");
        assertThat(moved.path("manager").path("to").asString()).isEqualTo("E0");
        CloudEvent added = about("pam", "E1").get(0);
        assertThat(added.getType()).isEqualTo("org.roster.access.entitlement-added");
        assertThat(data(added).path("entitlement").asString()).isEqualTo("engineering");
        assertThat(data(added).path("target").asString()).isEqualTo("directory");
        assertThat(RECEIVED.get("pam")).as("no lifecycle events and no account creations for PAM")
            .allMatch(e -> e.getType().startsWith("org.roster.access.entitlement-"));

        // an outage across a leaver: nothing lost, nothing twice, still in order
        DOWN.set(true);
        assertThat(admin.send("DELETE", "/scim/v2/Users/" + e1, "application/scim+json", "").status()).isEqualTo(204);
        Thread.sleep(1_500);
        assertThat(about("iam", "E1")).hasSize(2);
        assertThat(admin.get("/api/v1/subscribers").json().findValues("pending").stream().mapToLong(JsonNode::asLong).sum())
            .as("waiting while the subscribers are down").isPositive();
        DOWN.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> about("iam", "E1").size() == 3 && about("pam", "E1").size() == 2);
        Thread.sleep(1_000);
        assertThat(about("iam", "E1")).extracting(CloudEvent::getType).containsExactly("org.roster.lifecycle.joiner",
            "org.roster.lifecycle.mover", "org.roster.lifecycle.leaver");
        assertThat(about("pam", "E1")).extracting(CloudEvent::getType).containsExactly("org.roster.access.entitlement-added",
            "org.roster.access.entitlement-removed");
        assertThat(RECEIVED.get("iam").stream().map(CloudEvent::getId).distinct().count()).as("each event once")
            .isEqualTo(RECEIVED.get("iam").size());
        assertThat(BAD_SIGNATURES.get()).isZero();

        // the topic: the same transitions, keyed by the person, so on one partition and in order
        await().atMost(Duration.ofSeconds(30)).until(() -> topic().stream().filter(r -> "E1".equals(r.key())).count() == 3);
        List<ConsumerRecord<String, byte[]>> records = topic().stream().filter(r -> "E1".equals(r.key())).toList();
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
        assertThat(records).extracting(r -> new JsonFormat().deserialize(r.value()).getType()).containsExactly(
            "org.roster.lifecycle.joiner", "org.roster.lifecycle.mover", "org.roster.lifecycle.leaver");
        assertThat(new String(records.get(0).headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
            .startsWith("application/cloudevents+json");
        assertThat(records).extracting(r -> new JsonFormat().deserialize(r.value()).getId())
            .as("the same events the IAM webhook got").containsExactlyElementsOf(about("iam", "E1").stream()
                .map(CloudEvent::getId).toList());

        // where people look: the timeline, the subscribers' status, the compliance report
        JsonNode timeline = admin.get("/api/v1/identities/E1/timeline").json();
        assertThat(timeline.findValues("target").stream().map(JsonNode::asString).toList()).as(timeline.toString())
            .contains("cloudevents:iam", "cloudevents:pam");
        JsonNode subscribers = admin.get("/api/v1/subscribers").json();
        assertThat(subscribers.findValues("name").stream().map(JsonNode::asString).toList())
            .containsExactly("hr-topic", "iam", "pam");
        assertThat(subscribers.toString()).contains("kafka://" + TOPIC);
        assertThat(subscribers.findValues("pending").stream().mapToLong(JsonNode::asLong).sum()).isZero();
        assertThat(subscribers.toString()).doesNotContain(SECRET);
        JsonNode report = admin.get("/api/v1/reports/compliance").json();
        JsonNode iam = null;
        for (JsonNode r : report.path("receivers")) {
            if (r.path("receiver").asString().equals("iam")) {
                iam = r;
            }
        }
        assertThat(iam).as(report.path("receivers").toString()).isNotNull();
        assertThat(iam.path("channel").asString()).isEqualTo("cloudevents");
        assertThat(iam.path("acknowledged").path("count").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(admin.get("/api/v1/audit?kind=EVENT_DELIVERED").body()).contains("acknowledged by subscriber iam");
    }

    @Test
    void aFilterForATypeRosterDoesNotSendIsRefusedAtStartNamingTheKey() {
        SubscriberSettings.Subscriber typo = new SubscriberSettings.Subscriber("https://pam.example.com/events", SECRET,
            List.of("org.roster.lifecycle.leavers"), null, null, null, null);
        assertThatThrownBy(() -> new SubscriberSettings(null, Map.of("pam", typo)))
            .hasMessageContaining("roster.events.subscribers.pam.types").hasMessageContaining("org.roster.lifecycle.leavers");
        SubscriberSettings.Subscriber plain = new SubscriberSettings.Subscriber("http://pam.example.com/events", SECRET,
            List.of(), null, null, null, null);
        assertThatThrownBy(() -> new SubscriberSettings(null, Map.of("pam", plain)))
            .hasMessageContaining("roster.events.subscribers.pam.url").hasMessageContaining("https");
        SubscriberSettings.Subscriber unsigned = new SubscriberSettings.Subscriber("https://pam.example.com/events", "short",
            List.of(), null, null, null, null);
        assertThatThrownBy(() -> new SubscriberSettings(null, Map.of("pam", unsigned)))
            .hasMessageContaining("roster.events.subscribers.pam.secret");
    }
}
