package org.roster.hr.internal;

import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.ScimException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.roster.hr.ScimSchemas;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code attributes} and {@code excludedAttributes} (RFC 7644 §3.4.2.5): only the attributes asked
 * for, or all but those excluded; {@code id} and {@code schemas} always. Names are case-insensitive
 * and may be sub-attributes ({@code name.givenName}) or URN-qualified.
 */
public final class ScimProjection {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScimProjection() {
    }

    public static ObjectNode project(ObjectNode resource, Collection<String> attributes, Collection<String> excluded)
            throws ScimException {
        ObjectNode out = resource;
        if (!attributes.isEmpty()) {
            out = NODES.objectNode();
            out.set("schemas", resource.get("schemas"));
            out.set("id", resource.get("id"));
            for (Path p : paths(attributes)) {
                copy(resource, out, p);
            }
        }
        for (Path p : paths(excluded)) {
            remove(out, p);
        }
        return out;
    }

    private static List<Path> paths(Collection<String> names) throws ScimException {
        List<Path> out = new ArrayList<>();
        for (String name : names) {
            for (String one : name.split(",")) {
                if (!one.isBlank()) {
                    out.add(ScimNames.path(Path.fromString(one.trim())));
                }
            }
        }
        return out;
    }

    private static void copy(ObjectNode from, ObjectNode to, Path p) {
        String urn = p.getSchemaUrn();
        JsonNode source = urn == null || urn.equals(ScimSchemas.USER) ? from : from.path(urn);
        ObjectNode target = urn == null || urn.equals(ScimSchemas.USER) ? to : null;
        if (source.isMissingNode()) {
            return;
        }
        if (target == null) {
            target = to.has(urn) ? (ObjectNode) to.get(urn) : to.putObject(urn);
        }
        if (p.size() == 0) {
            source.properties().forEach(e -> ((ObjectNode) to.get(urn)).set(e.getKey(), e.getValue()));
            return;
        }
        String attribute = p.getElement(0).getAttribute();
        JsonNode value = source.get(attribute);
        if (value == null) {
            return;
        }
        if (p.size() == 1) {
            target.set(attribute, value);
            return;
        }
        String sub = p.getElement(1).getAttribute();
        if (value.isObject() && value.has(sub)) {
            JsonNode kept = target.get(attribute);
            ObjectNode into = kept instanceof ObjectNode o ? o : target.putObject(attribute);
            into.set(sub, value.get(sub));
        } else if (value.isArray()) {
            ArrayNode into = target.putArray(attribute);
            for (JsonNode v : value) {
                if (v.has(sub)) {
                    into.addObject().set(sub, v.get(sub));
                }
            }
        }
    }

    private static void remove(ObjectNode from, Path p) {
        if (p.size() == 0) {
            return; // a whole schema: its attributes are excluded one by one, or not at all
        }
        String urn = p.getSchemaUrn();
        JsonNode source = urn == null || urn.equals(ScimSchemas.USER) ? from : from.path(urn);
        if (!(source instanceof ObjectNode node)) {
            return;
        }
        String attribute = p.getElement(0).getAttribute();
        if (urn == null && (attribute.equals("id") || attribute.equals("schemas"))) {
            return;
        }
        if (p.size() == 1) {
            node.remove(attribute);
            return;
        }
        JsonNode value = node.get(attribute);
        String sub = p.getElement(1).getAttribute();
        if (value instanceof ObjectNode o) {
            o.remove(sub);
        } else if (value instanceof ArrayNode a) {
            a.forEach(v -> {
                if (v instanceof ObjectNode o) {
                    o.remove(sub);
                }
            });
        }
    }
}
