package org.roster.hr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a returning worker is recognised under a new employee number: a SHA-256 over the configured
 * personal details ({@code roster.hr.rehire-match}), each trimmed and lower-cased. Only the hash is
 * kept; the details that are not worker fields (personal email, date of birth, national id) are
 * never stored.
 */
public final class MatchKey {

    /** The details a match can use. */
    public static final Set<String> FIELDS = Set.of("personalEmail", "dateOfBirth", "nationalId", "givenName", "familyName");
    public static final List<String> DEFAULT = List.of("personalEmail", "dateOfBirth");

    private final List<String> fields;

    public MatchKey(List<String> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("roster.hr.rehire-match: at least one field, or leave it out for the default "
                + DEFAULT);
        }
        for (String f : fields) {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("roster.hr.rehire-match: '" + f + "' cannot be matched on (known: "
                    + new TreeSet<>(FIELDS) + ")");
            }
        }
        this.fields = List.copyOf(new TreeSet<>(fields));
    }

    public static MatchKey defaults() {
        return new MatchKey(DEFAULT);
    }

    public List<String> fields() {
        return fields;
    }

    /** The key of a person whose details {@code value} gives; {@code null} unless every configured detail is there. */
    public @Nullable String of(Function<String, @Nullable String> value) {
        StringBuilder canonical = new StringBuilder();
        for (String f : fields) {
            String v = value.apply(f);
            if (v == null || v.isBlank()) {
                return null;
            }
            canonical.append(f).append('=').append(v.trim().toLowerCase(Locale.ROOT)).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
