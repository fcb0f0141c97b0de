package org.roster.hr.internal;

import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchOpType;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.messages.PatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.roster.hr.ScimSchemas;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * PATCH requests as HR systems send them, made into what RFC 7644 §3.5.2 means, before they are
 * applied, so that none answers 200 while changing nothing:
 * <ul>
 * <li>a path-less {@code add}/{@code replace} whose value has dotted keys ({@code "name.givenName"})
 *     or attribute URNs ({@code "urn:...:enterprise:2.0:User:department"}), as Entra sends them, is
 *     split into one operation per such key, with that key as its path;</li>
 * <li>{@code add} to a sub-attribute of filtered values ({@code emails[type eq "work"].value}) replaces
 *     it in the values that match (§3.5.2.1), rather than adding a value;</li>
 * <li>a path to a read-only attribute ({@code id}, {@code meta}) is refused with scimType
 *     {@code mutability}; a path to an attribute the service does not have ({@code /Schemas}) with
 *     {@code noTarget}.</li>
 * </ul>
 */
public final class ScimPatches {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> READ_ONLY = Set.of("id", "meta");

    /** The attributes each schema has, lower-cased: what a PATCH path may name. */
    private static final Map<String, Set<String>> ATTRIBUTES = Map.of(
        ScimSchemas.USER, Set.of("username", "name", "displayname", "title", "emails", "active", "externalid", "schemas"),
        ScimSchemas.ENTERPRISE_USER, Set.of("employeenumber", "costcenter", "department", "manager"),
        ScimSchemas.WORKER, Set.of("workertype", "employmentstatus", "startdate", "enddate", "endtime", "location",
            "timezone", "terminationreason", "personalemail", "dateofbirth", "nationalid"));

    private ScimPatches() {
    }

    public static PatchRequest normalise(PatchRequest patch) throws ScimException {
        List<PatchOperation> out = new ArrayList<>();
        for (PatchOperation op : patch.getOperations()) {
            Path path = op.getPath();
            boolean rootValue = (path == null || path.isRoot()) && op.getOpType() != PatchOpType.REMOVE;
            if (rootValue && op.getJsonNode() != null && op.getJsonNode().isObject()) {
                split(op, out);
                continue;
            }
            if (path == null || path.isRoot()) {
                out.add(op);
                continue;
            }
            path = ScimNames.path(path);
            check(path);
            if (op.getOpType() == PatchOpType.REMOVE) {
                out.add(PatchOperation.remove(path));
            } else if (op.getOpType() == PatchOpType.REPLACE
                    || (path.size() > 1 && path.getElement(0).getValueFilter() != null)) {
                out.add(PatchOperation.replace(path, op.getJsonNode()));
            } else {
                out.add(PatchOperation.add(path, op.getJsonNode()));
            }
        }
        return new PatchRequest(out);
    }

    /** A path-less value: keys that are paths become operations of their own; the rest stays one value. */
    private static void split(PatchOperation op, List<PatchOperation> out) throws ScimException {
        ObjectNode rest = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : op.getJsonNode().properties()) {
            String key = e.getKey();
            boolean schema = ScimSchemas.USER_SCHEMAS.stream().anyMatch(u -> u.equalsIgnoreCase(key));
            if (!schema && (key.startsWith("urn:") || key.contains("."))) {
                Path p = ScimNames.path(Path.fromString(key));
                check(p);
                out.add(op.getOpType() == PatchOpType.ADD ? PatchOperation.add(p, e.getValue())
                    : PatchOperation.replace(p, e.getValue()));
            } else {
                if (!schema) {
                    check(Path.fromString(key));
                } else {
                    for (String attribute : e.getValue().propertyNames()) {
                        check(Path.fromString(key + ":" + attribute));
                    }
                }
                rest.set(schema ? key : ScimNames.attribute(key), e.getValue());
            }
        }
        if (!rest.isEmpty()) {
            out.add(op.getOpType() == PatchOpType.ADD ? PatchOperation.add(rest) : PatchOperation.replace(Path.root(), rest));
        }
    }

    /** Refuses a path to a read-only attribute, or to one no schema of the service has. */
    private static void check(Path path) throws BadRequestException {
        String urn = path.getSchemaUrn();
        String attribute = path.getElement(0).getAttribute().toLowerCase(Locale.ROOT);
        String schema = urn == null ? ScimSchemas.USER : ScimSchemas.USER_SCHEMAS.stream()
            .filter(u -> u.equalsIgnoreCase(urn)).findFirst().orElse(null);
        if (schema == null) {
            throw BadRequestException.noTarget(path + ": no schema " + urn + " (supported: "
                + String.join(", ", ScimSchemas.USER_SCHEMAS) + ")");
        }
        if (urn == null && READ_ONLY.contains(attribute)) {
            throw BadRequestException.mutability(path + ": " + attribute + " is read-only");
        }
        if (schema.equals(ScimSchemas.ENTERPRISE_USER) && attribute.equals("employeenumber")) {
            return; // checked against the stored value: unchanged is fine, a change is refused as immutable
        }
        if (!ATTRIBUTES.get(schema).contains(attribute)) {
            throw BadRequestException.noTarget(path + ": the User resource has no attribute "
                + path.getElement(0).getAttribute() + (urn == null ? "" : " in " + schema) + " (GET /scim/v2/Schemas)");
        }
    }
}
