package org.roster.subscribers.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.roster.subscribers.SubscriberSettings;

/**
 * One subscriber's Kafka topic: events produced in structured mode (the CloudEvents Kafka binding:
 * the value is the JSON event, the {@code content-type} header {@code application/cloudevents+json}),
 * keyed by the identity, by an idempotent producer with {@code acks=all}, so that retries neither
 * reorder nor repeat one partition's events.
 */
final class KafkaTopic implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final long timeoutMillis;

    KafkaTopic(String subscriber, SubscriberSettings.Subscriber s) {
        SubscriberSettings.Kafka k = Objects.requireNonNull(s.kafka());
        Properties p = new Properties();
        p.putAll(k.properties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(k.bootstrapServers()));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "roster-events-" + subscriber);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        int timeout = (int) Math.max(1_000, s.timeout().toMillis());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + 1_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(p);
        this.topic = Objects.requireNonNull(k.topic());
        this.timeoutMillis = timeout + 2_000L;
    }

    /** How many of the events, from the first, the brokers acknowledged, and why the next one was not. */
    record Sent(int acknowledged, @Nullable String error) {
    }

    Sent send(List<EventQueue.Queued> events) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        String error = null;
        try {
            for (EventQueue.Queued q : events) {
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null,
                    q.identity() != null ? q.identity() : q.eventId(), q.body().getBytes(StandardCharsets.UTF_8));
                r.headers().add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
                sent.add(producer.send(r));
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            error = "the topic could not be written: " + e.getClass().getSimpleName();
        }
        producer.flush();
        int acknowledged = 0;
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get(timeoutMillis, TimeUnit.MILLISECONDS);
                acknowledged++;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return new Sent(acknowledged, "the brokers did not acknowledge: " + cause.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Sent(acknowledged, "interrupted");
            }
        }
        return new Sent(acknowledged, error);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
