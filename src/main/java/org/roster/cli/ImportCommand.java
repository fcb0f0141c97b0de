package org.roster.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code roster import FILE --source NAME}: streams an HR snapshot to a running Roster, drawing a
 * progress bar as it goes, then prints the counts and the time taken.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import an HR snapshot file (CSV, JSON array or JSON Lines) into a running Roster.")
final class ImportCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(index = "0", paramLabel = "FILE", description = "the snapshot file (.csv, .json, .ndjson or .jsonl)")
    Path file;

    @Option(names = "--source", required = true, description = "the snapshot source, as in roster.hr.sources")
    String source;

    @picocli.CommandLine.Mixin
    RosterAddress address = new RosterAddress();

    @Option(names = "--format", description = "csv, json or ndjson (default: from the file name)")
    @Nullable String format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Where environment variables come from; tests give their own. */
    static java.util.function.Function<String, @Nullable String> environment = System::getenv;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String token = RosterApi.token("import", err);
        if (token == null) {
            return 2;
        }
        if (!Files.isReadable(file)) {
            err.println("roster import: cannot read " + file);
            return 2;
        }
        String contentType = contentType(format != null ? format : file.getFileName().toString());
        if (contentType == null) {
            err.println("roster import: cannot tell the format of " + file + "; give --format csv|json|ndjson");
            return 2;
        }
        String base = address.base();
        long size = Files.size(file);
        Progress progress = new Progress(size, err);
        long started = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/hr/snapshots?source="
                + URLEncoder.encode(source, StandardCharsets.UTF_8)))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                try {
                    return progress.counting(Files.newInputStream(file));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }), size))
            .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            progress.done();
            err.println("roster import: cannot reach " + base + ": " + e.getMessage());
            return 1;
        }
        progress.done();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (response.statusCode() != 200) {
            JsonNode problem = parse(response.body());
            err.println("roster import: " + response.statusCode() + " "
                + (problem == null ? response.body() : problem.path("detail").asString(response.body())));
            return 1;
        }
        JsonNode s = JSON.readTree(response.body());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s rows in %.1f s (%.0f rows/s): %d new, %d changed, %d unchanged, %d quarantined%n",
            s.path("rows").asLong(), seconds, s.path("rows").asLong() / Math.max(seconds, 0.001), s.path("created").asLong(),
            s.path("changed").asLong(), s.path("unchanged").asLong(), s.path("quarantined").asLong());
        if (s.path("disappeared").asLong() > 0) {
            out.printf(Locale.ROOT, "%d workers missing from this snapshot, %d terminated%n",
                s.path("disappeared").asLong(), s.path("terminated").asLong());
        }
        if (!s.path("repeats").isNull() && !s.path("repeats").isMissingNode()) {
            out.println("same content as snapshot " + s.path("repeats").asString() + ": nothing changed");
        }
        out.println("snapshot " + s.path("snapshotId").asString());
        return 0;
    }

    static @Nullable String contentType(String nameOrFormat) {
        String n = nameOrFormat.toLowerCase(Locale.ROOT);
        if (n.equals("csv") || n.endsWith(".csv")) {
            return "text/csv";
        }
        if (n.equals("ndjson") || n.endsWith(".ndjson") || n.endsWith(".jsonl")) {
            return "application/x-ndjson";
        }
        if (n.equals("json") || n.endsWith(".json")) {
            return "application/json";
        }
        return null;
    }

    static @Nullable JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @SafeVarargs
    static <T> @Nullable T firstOf(@Nullable T... values) {
        for (T v : values) {
            if (v != null && !(v instanceof String s && s.isBlank())) {
                return v;
            }
        }
        return null;
    }

    /** A progress bar on standard error, by bytes sent. */
    static final class Progress {
        private final long total;
        private final PrintWriter err;
        /** Drawn in place only on a terminal; in a pipe or a log, a line every 25 % (no carriage returns). */
        private final boolean terminal = System.console() != null;
        private long sent;
        private int drawn = -1;

        Progress(long total, PrintWriter err) {
            this.total = Math.max(total, 1);
            this.err = err;
        }

        InputStream counting(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        advance(n);
                    }
                    return n;
                }
            };
        }

        synchronized void advance(long n) {
            sent += n;
            int percent = (int) (100 * sent / total);
            if (!terminal) {
                if (percent / 25 != drawn / 25 || drawn < 0) {
                    drawn = percent;
                    err.println(percent + "% of " + human(total) + " sent" + (percent == 100 ? ", waiting for Roster to finish" : ""));
                    err.flush();
                }
                return;
            }
            if (percent != drawn) {
                drawn = percent;
                int filled = percent * 40 / 100;
                err.print("\r[" + "#".repeat(filled) + " ".repeat(40 - filled) + "] " + percent + "% of "
                    + human(total) + (percent == 100 ? ", waiting for Roster to finish" : ""));
                err.flush();
            }
        }

        void done() {
            if (terminal) {
                err.println();
            }
        }

        private static String human(long bytes) {
            return bytes >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0)
                : String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
    }
}
