package org.roster.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.audit.Checkpoints;
import tools.jackson.databind.json.JsonMapper;

/**
 * A copy of every signed checkpoint outside the database: one JSON line each, appended and synced
 * to disk. Someone who can rewrite the audit tables, recompute every hash and delete the
 * checkpoints (and the store's count of them) still cannot make this file agree, unless they can
 * also write where it is kept: put it on another volume, or ship it to a log system.
 */
public final class CheckpointJournal {

    private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

    private final @Nullable Path file;

    public CheckpointJournal(@Nullable String file) {
        this.file = file == null || file.isBlank() ? null : Path.of(file);
    }

    public @Nullable Path file() {
        return file;
    }

    public void append(Checkpoints.Checkpoint c) {
        if (file == null) {
            return;
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap((JSON.writeValueAsString(c) + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("roster.audit.checkpoint-file " + file + ": cannot append: " + e.getMessage(), e);
        }
    }

    /** The checkpoints in the journal, oldest first; none when there is no journal yet. */
    public List<Checkpoints.Checkpoint> read() {
        return file == null ? List.of() : read(file);
    }

    /** Checkpoints from a file: the journal's JSON lines, or the JSON array {@code GET /api/v1/audit/checkpoints} gives. */
    public static List<Checkpoints.Checkpoint> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.startsWith("[")) {
                return List.of(JSON.readValue(text, Checkpoints.Checkpoint[].class));
            }
            List<Checkpoints.Checkpoint> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    out.add(JSON.readValue(line, Checkpoints.Checkpoint.class));
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(file + ": not a file of audit checkpoints: " + e.getMessage(), e);
        }
    }
}
