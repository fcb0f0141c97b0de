package org.roster.policy.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.roster.policy.EntitlementNameException;

/**
 * The rule for entitlement names computed from HR values ({@code 'dept-' + worker.department}):
 * what HR typed must make a name every target accepts, or be refused at policy evaluation, where
 * the HR value can be named, rather than fail at the target as a dead letter.
 *
 * <p>Normalised: Unicode NFKC, whitespace trimmed and each run of it made one space. Then valid
 * when 1 to {@value #MAX_LENGTH} characters, starting with a letter or digit, of letters, digits,
 * combining marks, spaces and {@code - _ . @ & ( ) ' : /}. Anything else (quotes, backslashes,
 * {@code , + < > ; = # | *}, control characters...) is refused, not stripped: stripping could
 * merge two departments into one group.
 */
public final class EntitlementNames {

    public static final int MAX_LENGTH = 128;
    private static final String PUNCTUATION = " -_.@&()':/";
    private static final Pattern FIELD = Pattern.compile("worker\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]\\s*\\])");

    private EntitlementNames() {
    }

    /**
     * The normalised name, or an {@link EntitlementNameException} naming the worker field the
     * offending part came from.
     *
     * @param expression the CEL source that computed it (to find the worker fields it read)
     * @param worker the attributes it was computed from
     */
    public static String normalise(String raw, String rule, String expression, Map<String, Object> worker) {
        String name = Normalizer.normalize(raw, Normalizer.Form.NFKC).strip().replaceAll("\\s+", " ");
        String problem = null;
        int bad = -1;
        if (name.length() > MAX_LENGTH) {
            problem = "is longer than " + MAX_LENGTH + " characters";
        } else if (!name.isEmpty() && !Character.isLetterOrDigit(name.codePointAt(0))) {
            bad = name.codePointAt(0);
            problem = "does not start with a letter or digit";
        } else {
            for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i))) {
                int cp = name.codePointAt(i);
                if (!Character.isLetterOrDigit(cp) && Character.getType(cp) != Character.NON_SPACING_MARK
                    && Character.getType(cp) != Character.COMBINING_SPACING_MARK && PUNCTUATION.indexOf(cp) < 0) {
                    bad = cp;
                    problem = String.format(java.util.Locale.ROOT, "contains '%s' (U+%04X), which targets may refuse",
                        Character.isISOControl(cp) ? "?" : new String(Character.toChars(cp)), cp);
                    break;
                }
            }
        }
        if (problem == null) {
            return name;
        }
        String field = culprit(expression, worker, bad);
        throw new EntitlementNameException(field, "the entitlement name '" + printable(name) + "' computed by policy rule '"
            + rule + "' from " + (field.equals("worker") ? "HR values" : "this value") + " " + problem
            + "; entitlement names are letters, digits, spaces and - _ . @ & ( ) ' : / (docs/policy.md)");
    }

    /** The worker field the expression read whose value holds the offending character; the first it read otherwise. */
    private static String culprit(String expression, Map<String, Object> worker, int bad) {
        List<String> read = new ArrayList<>();
        Matcher m = FIELD.matcher(expression);
        while (m.find()) {
            read.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        for (String f : read) {
            Object v = worker.get(f);
            if (bad >= 0 && v instanceof String s && s.indexOf(bad) >= 0) {
                return f;
            }
        }
        return read.isEmpty() ? "worker" : read.get(0);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(MAX_LENGTH).forEach(cp -> b.append(Character.isISOControl(cp) ? "?" : new String(Character.toChars(cp))));
        return b.toString();
    }
}
