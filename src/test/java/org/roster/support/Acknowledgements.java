package org.roster.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code OPERATION_ACKED} audit records: each names, in order, the operations one target
 * acknowledged for one identity and HR change in one batch ({@code "CREATE directory acknowledged
 * 12 ms after the HR change was received; ADD_ENTITLEMENT directory employees acknowledged ..."}).
 */
public final class Acknowledgements {

    private static final String ACKNOWLEDGED = " acknowledged ";

    private Acknowledgements() {
    }

    /** The operations a record's detail names, as {@code Operation.describe()} gives them, in order. */
    public static List<String> operations(String detail) {
        List<String> named = new ArrayList<>();
        for (String phrase : detail.split("; ")) {
            int at = phrase.indexOf(ACKNOWLEDGED);
            if (at < 0) {
                throw new IllegalArgumentException("not an acknowledgement: " + phrase);
            }
            named.add(phrase.substring(0, at));
        }
        return named;
    }

    /**
     * The operations the {@code OPERATION_ACKED} records among these name, in order: items of
     * {@code GET /api/v1/audit}, each with its {@code entry}.
     */
    public static List<String> acknowledgedIn(Iterable<tools.jackson.databind.JsonNode> auditItems) {
        List<String> named = new ArrayList<>();
        for (tools.jackson.databind.JsonNode item : auditItems) {
            if (item.path("entry").path("kind").asString().equals("OPERATION_ACKED")) {
                named.addAll(operations(item.path("entry").path("detail").asString()));
            }
        }
        return named;
    }

    /** The operations all these records' details name, in order. */
    public static List<String> operations(Iterable<String> details) {
        List<String> named = new ArrayList<>();
        details.forEach(d -> named.addAll(operations(d)));
        return named;
    }
}
