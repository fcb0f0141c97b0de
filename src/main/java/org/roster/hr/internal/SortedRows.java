package org.roster.hr.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * The rows of one snapshot file in employee-number order (within a rank), whatever order the file
 * had: an external merge sort. Rows are kept in memory up to a budget; past it each full buffer is
 * sorted and written to a run file of its own in a private temporary directory, and the runs are
 * merged when the rows are read back. A file that fits the budget never touches the disk.
 *
 * <p>The order is by rank (0 for every row unless the caller ranks them), then by employee number
 * ({@link String#compareTo}), then by row number, so the first of two rows naming the same worker
 * comes first; rows without an employee number come last in their rank. Nothing about the order is
 * asked of the store: the import compares rows by hash, not by merging with a query's order.
 *
 * <p>Not thread-safe: one import's reader adds and then reads. {@link #close} deletes the run files.
 */
public final class SortedRows implements AutoCloseable {

    /** What the reader knew of a row when it sorted it. */
    public enum Compared {
        /** Not yet compared with the previous snapshot. */
        NOT_YET,
        /** Compared, and new or changed: {@link Row#previousHash} is the stored row's (null for a new worker). */
        DIFFERENT,
        /** An earlier row of the file named the same worker. */
        DUPLICATE
    }

    /**
     * One row: its number in the file, its employee number, its hash, its mapped fields as JSON, what
     * the reader knew of it, and its rank (rows of a lower rank come first; all 0 unless the reader
     * sorts them again by {@link ManagerLevels level}).
     */
    public record Row(long number, @Nullable String employeeNumber, String hash, byte[] fields, Compared compared,
                      @Nullable String previousHash, int rank) {

        public Row(long number, @Nullable String employeeNumber, String hash, byte[] fields) {
            this(number, employeeNumber, hash, fields, Compared.NOT_YET, null, 0);
        }

        public Row(long number, @Nullable String employeeNumber, String hash, byte[] fields, Compared compared,
                   @Nullable String previousHash) {
            this(number, employeeNumber, hash, fields, compared, previousHash, 0);
        }

        /** The same row at another rank. */
        public Row ranked(int rank) {
            return new Row(number, employeeNumber, hash, fields, compared, previousHash, rank);
        }

        /** What the row holds in memory, roughly: the budget is counted in these. */
        long weight() {
            return 96 + (employeeNumber == null ? 0 : 2L * employeeNumber.length()) + 2L * hash.length() + fields.length
                + (previousHash == null ? 0 : 2L * previousHash.length() + 40);
        }
    }

    static final Comparator<Row> ORDER = Comparator.comparingInt(Row::rank)
        .thenComparing(Row::employeeNumber, Comparator.nullsLast(Comparator.<String>naturalOrder()))
        .thenComparingLong(Row::number);

    private static final int BUFFER = 32 * 1024;
    /** The start of a sort's temporary directory's name: what {@link #sweep} looks for. */
    private static final String PREFIX = "roster-snapshot-";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SortedRows.class);

    private final long budget;
    private final List<Row> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private final List<DataInputStream> open = new ArrayList<>();
    private long weight;
    private @Nullable Path directory;
    private boolean reading;

    /** @param budget the bytes of rows held in memory before a sorted run is written out */
    public SortedRows(long budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("a sort budget is at least one byte, not " + budget);
        }
        this.budget = budget;
    }

    public void add(Row row) {
        if (reading) {
            throw new IllegalStateException("rows are being read back: no more can be added");
        }
        buffer.add(row);
        weight += row.weight();
        if (weight >= budget) {
            spill();
        }
    }

    /** How many runs went to disk so far (0 while the rows fit the budget). */
    public int runs() {
        return runs.size();
    }

    /** Every row added, in order. Called once, after the last {@link #add}. */
    public Iterator<Row> sorted() {
        if (reading) {
            throw new IllegalStateException("the rows are read back once");
        }
        reading = true;
        if (runs.isEmpty()) {
            buffer.sort(ORDER);
            List<Row> rows = List.copyOf(buffer);
            buffer.clear();
            return rows.iterator();
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        PriorityQueue<Run> heads = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
        for (Path run : runs) {
            try {
                DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), BUFFER));
                open.add(in);
                Run r = new Run(in);
                if (r.advance()) {
                    heads.add(r);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("a snapshot's sorted run cannot be read back: " + e.getMessage(), e);
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public Row next() {
                Run r = heads.poll();
                if (r == null) {
                    throw new NoSuchElementException();
                }
                Row row = r.head;
                if (r.advance()) {
                    heads.add(r);
                }
                return row;
            }
        };
    }

    /** Deletes the run files and their directory; one that cannot be deleted is logged, not thrown. */
    @Override
    public void close() {
        for (DataInputStream in : open) {
            try {
                in.close();
            } catch (IOException ignored) {
                // deleting the file is what matters
            }
        }
        open.clear();
        buffer.clear();
        try {
            for (Path run : runs) {
                Files.deleteIfExists(run);
            }
            if (directory != null) {
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            LOG.warn("a snapshot's sorted runs cannot be deleted from {}: {}", directory, e.toString());
        }
    }

    /**
     * Deletes what an import killed mid-sort left in {@code directory}: its {@code roster-snapshot-*}
     * directories not written to since {@code before}, and their runs. Only directories of this
     * process's user, never through a symbolic link, and only files named as runs are.
     *
     * @return how many directories were deleted
     */
    public static int sweep(Path directory, java.time.Instant before) {
        int deleted = 0;
        try (java.nio.file.DirectoryStream<Path> left = Files.newDirectoryStream(directory, PREFIX + "*")) {
            String me = System.getProperty("user.name");
            for (Path dir : left) {
                try {
                    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || !Files.getOwner(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName().equals(me)
                        || !Files.getLastModifiedTime(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant()
                            .isBefore(before)) {
                        continue;
                    }
                    try (java.nio.file.DirectoryStream<Path> runs = Files.newDirectoryStream(dir, "run-*")) {
                        for (Path run : runs) {
                            if (Files.isRegularFile(run, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                                Files.delete(run);
                            }
                        }
                    }
                    Files.delete(dir); // fails, and is logged, if anything else is in it
                    deleted++;
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.warn("a snapshot import's sorted runs in {} cannot be deleted: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot look for sorted runs left in {}: {}", directory, e.toString());
        }
        return deleted;
    }

    private void spill() {
        buffer.sort(ORDER);
        try {
            if (directory == null) {
                // HR data on disk: readable by Roster's own user only, and gone when the import ends
                directory = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempDirectory(PREFIX,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory(PREFIX);
            }
            Path run = directory.resolve("run-" + runs.size());
            runs.add(run);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), BUFFER))) {
                for (Row row : buffer) {
                    out.writeLong(row.number());
                    write(out, row.employeeNumber() == null ? null : row.employeeNumber().getBytes(StandardCharsets.UTF_8));
                    write(out, row.hash().getBytes(StandardCharsets.UTF_8));
                    write(out, row.fields());
                    out.writeByte(row.compared().ordinal());
                    out.writeInt(row.rank());
                    write(out, row.previousHash() == null ? null : row.previousHash().getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a snapshot's sorted run cannot be written to " + directory + ": "
                + e.getMessage(), e);
        }
        buffer.clear();
        weight = 0;
    }

    private static void write(DataOutputStream out, byte @Nullable [] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static byte @Nullable [] read(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** A run being merged: its stream and the row at its head. */
    private static final class Run {
        private final DataInputStream in;
        private @Nullable Row head;

        Run(DataInputStream in) {
            this.in = in;
        }

        boolean advance() {
            long number;
            try {
                try {
                    number = in.readLong();
                } catch (EOFException end) {
                    head = null;
                    return false;
                }
                byte[] en = read(in);
                byte[] hash = read(in);
                byte[] fields = read(in);
                Compared compared = Compared.values()[in.readUnsignedByte()];
                int rank = in.readInt();
                byte[] previousHash = read(in);
                if (hash == null || fields == null) {
                    throw new IOException("a run's row " + number + " has no hash or no fields");
                }
                head = new Row(number, en == null ? null : new String(en, StandardCharsets.UTF_8),
                    new String(hash, StandardCharsets.UTF_8), fields, compared,
                    previousHash == null ? null : new String(previousHash, StandardCharsets.UTF_8), rank);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("a snapshot's sorted run cannot be read back: " + e.getMessage(), e);
            }
        }
    }
}
