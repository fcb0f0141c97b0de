package org.roster.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Answers from systems Roster calls over HTTP, read with bounds: at most so many bytes, and whole
 * within a time, so that a peer that answers without end (broken, or hostile) fails the call with a
 * clear message instead of taking Roster's memory or holding a worker's thread. The connectors read
 * targets' answers through it (up to the target's {@code max-response-size}); deliveries that only
 * need the status (Shared Signals receivers, event subscribers, chat notifications, the secret
 * sink) wait for it at most a time. LDAP answers are bounded by the LDAP SDK's own message size limit.
 */
public final class HttpAnswers {

    private HttpAnswers() {
    }

    /** An answer past the bound: not worth retrying (the same request gets the same answer). */
    public static final class TooLarge extends IOException {
        public TooLarge(long max) {
            super("the answer was larger than " + max + " bytes (max-response-size)");
        }
    }

    /**
     * Sends the request and reads its answer as text: at most {@code max} bytes, the whole of it
     * within {@code within} of the request being sent (the request's own time-out bounds the wait for
     * the answer's headers only).
     *
     * @throws TooLarge when the answer is longer
     * @throws HttpTimeoutException when it does not end in time
     */
    public static HttpResponse<String> send(HttpClient http, HttpRequest request, long max, Duration within)
        throws IOException, InterruptedException {
        return await(http.sendAsync(request, info -> new Limited(max)), within);
    }

    private static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> answer, Duration within)
        throws IOException, InterruptedException {
        try {
            return answer.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no whole answer within " + within);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    /**
     * Sends the request and returns the answer's status, its body read and dropped: all of it within
     * {@code within} of the request being sent.
     *
     * @throws HttpTimeoutException when the answer does not end in time
     */
    public static int status(HttpClient http, HttpRequest request, Duration within) throws IOException, InterruptedException {
        return await(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()), within).statusCode();
    }

    /**
     * Reads at most {@code max} bytes of {@code in}, and fails past them, or once {@code within} has
     * passed from now (an answer that drips in without end): wrap the answer as its reading starts.
     */
    public static InputStream bounded(InputStream in, long max, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        return new InputStream() {
            private long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (System.nanoTime() - deadline > 0) {
                    throw new HttpTimeoutException("no whole answer within " + within);
                }
                int n = in.read(buffer, offset, length);
                if (n > 0) {
                    read += n;
                    if (read > max) {
                        throw new TooLarge(max);
                    }
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** The answer's bytes as UTF-8 text (what JSON is), failing past {@code max} bytes. */
    private static final class Limited implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final long max;
        private Flow.Subscription subscription;

        Limited(long max) {
            this.max = max;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (bytes.size() + (long) item.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new TooLarge(max));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toString(StandardCharsets.UTF_8));
        }

        @Override
        public java.util.concurrent.CompletionStage<String> getBody() {
            return body;
        }
    }
}
