package org.roster.api.scim;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.utils.JsonUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reading and writing SCIM bodies with the SCIM SDK's own mapper, so dates and schemas come out as the SDK models them. */
final class ScimJson {

    static final MediaType SCIM = MediaType.parseMediaType("application/scim+json");

    private ScimJson() {
    }

    static JsonNode parse(String body) throws BadRequestException {
        if (body == null || body.isBlank()) {
            throw BadRequestException.invalidSyntax("the request body is empty");
        }
        try {
            return JsonUtils.getObjectReader().readTree(body);
        } catch (JacksonException e) {
            throw BadRequestException.invalidSyntax("the request body is not valid JSON: " + clean(e.getOriginalMessage()));
        }
    }

    static <T> T parse(String body, Class<T> type) throws BadRequestException {
        JsonNode node = parse(body);
        try {
            return JsonUtils.nodeToValue(node, type);
        } catch (JacksonException e) {
            throw BadRequestException.invalidSyntax("the request body is not a valid " + describe(type) + ": "
                + clean(e.getOriginalMessage()));
        }
    }

    /** What a client calls the message: never a Java class name. */
    private static String describe(Class<?> type) {
        String name = type.getSimpleName();
        return switch (name) {
            case "PatchRequest" -> "PATCH request (RFC 7644 3.5.2)";
            case "BulkRequest" -> "bulk request (RFC 7644 3.7)";
            case "SearchRequest" -> "search request (RFC 7644 3.4.3)";
            default -> "SCIM message";
        };
    }

    /** A parser's message without the Java types it names ({@code `com.unboundid...PatchOpType`}). */
    static String clean(String message) {
        return message == null ? "" : message
            .replaceAll("`(?:[a-z_][\\w$]*\\.)+([A-Z][\\w$]*)(?:\\[\\])?`", "the expected value")
            .replaceAll("(?:[a-z_][\\w$]*\\.){2,}([A-Z][\\w$]*)", "the expected value")
            .replaceAll("\\(through reference chain:[^)]*\\)", "")
            .strip();
    }

    static ResponseEntity<String> respond(HttpStatus status, Object body) throws ScimException {
        return ResponseEntity.status(status).contentType(SCIM).body(write(body));
    }

    static String write(Object body) {
        return JsonUtils.getObjectWriter().writeValueAsString(body);
    }

    static String baseUri() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path("/scim/v2").toUriString();
    }
}
