package org.roster.nhi.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.roster.nhi.Nhi;
import org.roster.nhi.SecretSink;

/**
 * Writes each new secret to {@code <directory>/<target>/<name>}, readable by Roster's own user only
 * (directories 700, files 600), replacing the file in one move so a reader never sees half a secret.
 */
public final class FileSecretSink implements SecretSink {

    private final Path directory;

    public FileSecretSink(Path directory) {
        this.directory = directory;
    }

    @Override
    public void deliver(Nhi nhi, String secret) throws IOException {
        Path dir = directory.resolve(safe(nhi.target()));
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve(safe(nhi.name()));
        Path temp = Files.createTempFile(dir, ".rotating-", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, secret, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A name as one path segment: no separators, no dot-dot. */
    static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._@+-]", "_");
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }
}
