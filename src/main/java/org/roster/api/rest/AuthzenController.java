package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.roster.authzen.AccessEvaluations;
import org.roster.authzen.AccessEvaluations.Action;
import org.roster.authzen.AccessEvaluations.Decision;
import org.roster.authzen.AccessEvaluations.Entity;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenID AuthZEN Authorization API 1.0: {@code POST /access/v1/evaluation}, {@code POST
 * /access/v1/evaluations} (batch, with its evaluation semantics) and the decision point's metadata
 * at {@code /.well-known/authzen-configuration}. Requests are read as the specification says: a body
 * that is not JSON, or misses a required member, is 400; unknown members are ignored.
 */
@RestController
class AuthzenController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AccessEvaluations evaluations;
    private final org.roster.authzen.AuthzenSettings settings;

    AuthzenController(AccessEvaluations evaluations, org.roster.authzen.AuthzenSettings settings) {
        this.evaluations = evaluations;
        this.settings = settings;
    }

    /** A request the specification calls malformed: 400. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }

    @ExceptionHandler(Malformed.class)
    ResponseEntity<ProblemDetail> malformed(Malformed e) {
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage()));
    }

    @GetMapping(value = "/.well-known/authzen-configuration", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The AuthZEN decision point's metadata (public)")
    Map<String, Object> configuration() {
        String base = settings.baseUrl() != null ? settings.baseUrl().replaceAll("/+$", "")
            : org.springframework.web.servlet.support.ServletUriComponentsBuilder.fromCurrentContextPath().build()
                .toUriString();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy_decision_point", base);
        m.put("access_evaluation_endpoint", base + "/access/v1/evaluation");
        m.put("access_evaluations_endpoint", base + "/access/v1/evaluations");
        return m;
    }

    @PostMapping("/access/v1/evaluation")
    @Operation(summary = "AuthZEN access evaluation: {subject, action, resource, context} -> {decision}")
    Map<String, Object> evaluation(@RequestHeader(value = "Content-Type", required = false) @Nullable String contentType,
                                   @RequestBody(required = false) byte @Nullable [] body) {
        JsonNode request = parse(contentType, body);
        return answer(evaluations.evaluate(entity(request.get("subject"), "subject"), action(request.get("action")),
            entity(request.get("resource"), "resource"), context(request.get("context"))));
    }

    @PostMapping("/access/v1/evaluations")
    @Operation(summary = "AuthZEN access evaluations (batch): defaults at the top, {evaluations: [...]}, options"
        + ".evaluations_semantic execute_all (default), deny_on_first_deny or permit_on_first_permit")
    Map<String, Object> evaluations(@RequestHeader(value = "Content-Type", required = false) @Nullable String contentType,
                                    @RequestBody(required = false) byte @Nullable [] body) {
        JsonNode request = parse(contentType, body);
        JsonNode items = request.get("evaluations");
        if (items != null && !items.isNull() && !items.isArray()) {
            throw new Malformed("evaluations: must be an array");
        }
        if (items == null || items.isNull() || items.isEmpty()) {
            return evaluation(contentType, body); // as the single evaluation API
        }
        if (items.size() > evaluations.maxEvaluations()) {
            throw new Malformed("evaluations: at most " + evaluations.maxEvaluations() + " in one request");
        }
        String semantic = "execute_all";
        JsonNode options = request.get("options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw new Malformed("options: must be an object");
            }
            JsonNode s = options.get("evaluations_semantic");
            if (s != null && !s.isNull()) {
                if (!s.isString() || !List.of("execute_all", "deny_on_first_deny", "permit_on_first_permit")
                        .contains(s.asString())) {
                    throw new Malformed("options.evaluations_semantic: must be execute_all, deny_on_first_deny or"
                        + " permit_on_first_permit");
                }
                semantic = s.asString();
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode item : items) {
            Decision d;
            try {
                if (!item.isObject()) {
                    throw new Malformed("evaluations[" + out.size() + "]: must be an object");
                }
                d = evaluations.evaluate(entity(pick(item, request, "subject"), "subject"),
                    action(pick(item, request, "action")), entity(pick(item, request, "resource"), "resource"),
                    context(pick(item, request, "context")));
            } catch (Malformed e) {
                // execute_all: a failed evaluation is a deny, with why, in its place
                d = new Decision(false, Map.of("error", Map.of("status", 400, "message", e.getMessage())));
            }
            out.add(answer(d));
            if ((semantic.equals("deny_on_first_deny") && !d.decision())
                || (semantic.equals("permit_on_first_permit") && d.decision())) {
                break;
            }
        }
        return Map.of("evaluations", out);
    }

    /** An evaluation's member, or the request's default for it (the whole entity, never merged). */
    private static @Nullable JsonNode pick(JsonNode item, JsonNode request, String member) {
        JsonNode own = item.get(member);
        return own != null && !own.isNull() ? own : request.get(member);
    }

    private static Map<String, Object> answer(Decision d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decision", d.decision());
        if (!d.context().isEmpty()) {
            m.put("context", d.context());
        }
        return m;
    }

    private static JsonNode parse(@Nullable String contentType, byte @Nullable [] body) {
        boolean json;
        try {
            json = contentType != null && MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            json = false;
        }
        if (!json) {
            throw new Malformed("Content-Type: must be application/json");
        }
        if (body == null || body.length == 0) {
            throw new Malformed("body: is empty; an evaluation is a JSON object");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (RuntimeException e) {
            throw new Malformed("body: is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new Malformed("body: must be a JSON object");
        }
        return node;
    }

    private static Entity entity(@Nullable JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw new Malformed(field + ": is required");
        }
        if (!node.isObject()) {
            throw new Malformed(field + ": must be an object with type and id");
        }
        Map<String, Object> others = plain(node);
        others.keySet().removeAll(List.of("type", "id", "properties"));
        return new Entity(text(node, field, "type"), text(node, field, "id"), properties(node, field), others);
    }

    private static Action action(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            throw new Malformed("action: is required");
        }
        if (!node.isObject()) {
            throw new Malformed("action: must be an object with a name");
        }
        return new Action(text(node, "action", "name"), properties(node, "action"));
    }

    private static Map<String, Object> context(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new Malformed("context: must be an object");
        }
        return plain(node);
    }

    private static String text(JsonNode node, String field, String member) {
        JsonNode v = node.get(member);
        if (v == null || v.isNull()) {
            throw new Malformed(field + "." + member + ": is required");
        }
        if (!v.isString() || v.asString().isEmpty()) {
            throw new Malformed(field + "." + member + ": must be a non-empty string");
        }
        if (v.asString().length() > 1000) {
            throw new Malformed(field + "." + member + ": is longer than 1000 characters");
        }
        return v.asString();
    }

    private static Map<String, Object> properties(JsonNode node, String field) {
        JsonNode p = node.get("properties");
        if (p == null || p.isNull()) {
            return Map.of();
        }
        if (!p.isObject()) {
            throw new Malformed(field + ".properties: must be an object");
        }
        return plain(p);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plain(JsonNode object) {
        return new LinkedHashMap<String, Object>(JSON.convertValue(object, Map.class));
    }
}
