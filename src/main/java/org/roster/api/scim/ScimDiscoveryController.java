package org.roster.api.scim;

import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.types.AuthenticationScheme;
import com.unboundid.scim2.common.types.BulkConfig;
import com.unboundid.scim2.common.types.ChangePasswordConfig;
import com.unboundid.scim2.common.types.ETagConfig;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.FilterConfig;
import com.unboundid.scim2.common.types.PatchConfig;
import com.unboundid.scim2.common.types.ResourceTypeResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.SortConfig;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import com.unboundid.scim2.common.utils.SchemaUtils;
import java.beans.IntrospectionException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roster.hr.ScimSchemas;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * SCIM discovery (RFC 7644 §4): says exactly what this service does. Users only (no Groups); PATCH,
 * filtering, sorting, Bulk and ETag preconditions yes; password change no. The schemas list only
 * the attributes Roster keeps.
 */
@RestController
class ScimDiscoveryController {

    private static final Set<String> CORE_ATTRIBUTES =
        Set.of("userName", "name", "displayName", "title", "emails", "active");
    private static final Set<String> ENTERPRISE_ATTRIBUTES =
        Set.of("employeeNumber", "costCenter", "department", "manager");

    private final Map<String, SchemaResource> schemas;

    ScimDiscoveryController() throws IntrospectionException {
        this.schemas = Map.of(
            ScimSchemas.USER, only(SchemaUtils.getSchema(UserResource.class), CORE_ATTRIBUTES),
            ScimSchemas.ENTERPRISE_USER, only(SchemaUtils.getSchema(EnterpriseUserExtension.class), ENTERPRISE_ATTRIBUTES),
            ScimSchemas.WORKER, workerSchema());
    }

    @GetMapping("/scim/v2/ServiceProviderConfig")
    ResponseEntity<String> serviceProviderConfig() throws ScimException {
        var config = new com.unboundid.scim2.common.types.ServiceProviderConfigResource(
            null,
            new PatchConfig(true),
            new BulkConfig(true, ScimBulkController.MAX_OPERATIONS, ScimBulkController.MAX_PAYLOAD),
            new FilterConfig(true, ScimUsersController.MAX_RESULTS),
            new ChangePasswordConfig(false),
            new SortConfig(true),
            new ETagConfig(true),
            List.of(new AuthenticationScheme("OAuth Bearer Token",
                "An API token sent as Authorization: Bearer <token>",
                URI.create("https://www.rfc-editor.org/rfc/rfc6750"), null, "oauthbearertoken", true)));
        return ScimJson.respond(HttpStatus.OK, config);
    }

    @GetMapping("/scim/v2/ResourceTypes")
    ResponseEntity<String> resourceTypes() throws ScimException {
        return ScimJson.respond(HttpStatus.OK, new ListResponse<>(List.of(userType())));
    }

    @GetMapping("/scim/v2/ResourceTypes/{id}")
    ResponseEntity<String> resourceType(@PathVariable String id) throws ScimException {
        if (!id.equals("User")) {
            throw new ResourceNotFoundException("no resource type " + id);
        }
        return ScimJson.respond(HttpStatus.OK, userType());
    }

    @GetMapping("/scim/v2/Schemas")
    ResponseEntity<String> schemas() throws ScimException {
        List<GenericScimResource> all = ScimSchemas.USER_SCHEMAS.stream()
            .map(id -> new GenericScimResource(JsonUtils.valueToNode(schemas.get(id)))).toList();
        return ScimJson.respond(HttpStatus.OK, new ListResponse<>(all));
    }

    @GetMapping("/scim/v2/Schemas/{id}")
    ResponseEntity<String> schema(@PathVariable String id) throws ScimException {
        SchemaResource schema = schemas.get(id);
        if (schema == null) {
            throw new ResourceNotFoundException("no schema " + id);
        }
        return ScimJson.respond(HttpStatus.OK, schema);
    }

    private static ResourceTypeResource userType() {
        return new ResourceTypeResource("User", "User", "Workers pushed by HR", URI.create("/Users"),
            URI.create(ScimSchemas.USER), List.of(
                new ResourceTypeResource.SchemaExtension(URI.create(ScimSchemas.ENTERPRISE_USER), true),
                new ResourceTypeResource.SchemaExtension(URI.create(ScimSchemas.WORKER), false)));
    }

    /** Sub-attributes Roster keeps, of the complex attributes it keeps: nothing advertised is dropped. */
    private static final Map<String, Set<String>> SUB_ATTRIBUTES = Map.of(
        "name", Set.of("givenName", "familyName"),
        "emails", Set.of("value", "type", "primary"),
        "manager", Set.of("value", "$ref"));

    private static SchemaResource only(SchemaResource full, Set<String> keep) {
        List<AttributeDefinition> attrs = full.getAttributes().stream().filter(a -> keep.contains(a.getName()))
            .map(ScimDiscoveryController::truthful).toList();
        return new SchemaResource(full.getId(), full.getName(), full.getDescription(), attrs);
    }

    /**
     * An attribute as Roster treats it: only the sub-attributes it keeps; the employee number
     * immutable (a worker's HR key never changes); an email's type only {@code work} (Roster keeps
     * one address, the work one).
     */
    private static AttributeDefinition truthful(AttributeDefinition a) {
        AttributeDefinition.Builder b = copy(a);
        if (a.getName().equals("employeeNumber")) {
            b.setMutability(AttributeDefinition.Mutability.IMMUTABLE).setRequired(true)
                .setDescription("The worker's HR key, also returned as externalId; it never changes");
        }
        Set<String> subs = SUB_ATTRIBUTES.get(a.getName());
        if (a.getSubAttributes() != null && subs != null) {
            for (AttributeDefinition sub : a.getSubAttributes()) {
                if (!subs.contains(sub.getName())) {
                    continue;
                }
                AttributeDefinition.Builder s = copy(sub);
                if (a.getName().equals("emails") && sub.getName().equals("type")) {
                    s = copy(sub).clearCanonical().addCanonicalValues("work");
                }
                b.addSubAttributes(s.build());
            }
        }
        return b.build();
    }

    private static Copy copy(AttributeDefinition a) {
        Copy b = new Copy();
        b.setName(a.getName()).setType(a.getType()).setMultiValued(a.isMultiValued()).setDescription(a.getDescription())
            .setRequired(a.isRequired()).setCaseExact(a.isCaseExact()).setMutability(a.getMutability())
            .setReturned(a.getReturned()).setUniqueness(a.getUniqueness());
        b.canonical = a.getCanonicalValues() == null ? List.of() : List.copyOf(a.getCanonicalValues());
        if (a.getReferenceTypes() != null && !a.getReferenceTypes().isEmpty()) {
            b.addReferenceTypes(a.getReferenceTypes().toArray(String[]::new));
        }
        return b;
    }

    /** A builder that adds the canonical values last, so that a copy can replace them. */
    private static final class Copy extends AttributeDefinition.Builder {
        private List<String> canonical = List.of();

        Copy clearCanonical() {
            canonical = List.of();
            return this;
        }

        @Override
        public AttributeDefinition build() {
            if (!canonical.isEmpty()) {
                super.addCanonicalValues(canonical.toArray(String[]::new));
            }
            return super.build();
        }
    }

    private static SchemaResource workerSchema() {
        return new SchemaResource(ScimSchemas.WORKER, "Worker", "HR fields SCIM lacks", List.of(
            string("workerType", "employee, contractor or intern (default employee)",
                "employee", "contractor", "intern"),
            string("employmentStatus", "active, leave or terminated (default active)", "active", "leave", "terminated"),
            string("startDate", "First day of work, YYYY-MM-DD"),
            string("endDate", "Last day of work, YYYY-MM-DD; access ends at the end of that day in timeZone"),
            string("endTime", "HH:mm: when on the end date access ends, in timeZone (default: the end of the day)"),
            string("location", "Work location"),
            string("timeZone", "IANA time zone the dates are in, e.g. Europe/Paris (default: roster.lifecycle.default-time-zone)"),
            string("terminationReason", "Why employment ends; reasons listed in roster.lifecycle.immediate-termination-reasons act at once"),
            writeOnly("personalEmail", "Private email; with dateOfBirth, recognises a returning worker under a new employee number. Only a hash is kept"),
            writeOnly("dateOfBirth", "YYYY-MM-DD; with personalEmail, recognises a returning worker. Only a hash is kept"),
            writeOnly("nationalId", "National identifier, if roster.hr.rehire-match uses it. Only a hash is kept")));
    }

    private static AttributeDefinition writeOnly(String name, String description) {
        return new AttributeDefinition.Builder()
            .setName(name).setType(AttributeDefinition.Type.STRING).setDescription(description)
            .setMutability(AttributeDefinition.Mutability.WRITE_ONLY)
            .setReturned(AttributeDefinition.Returned.NEVER)
            .setUniqueness(AttributeDefinition.Uniqueness.NONE).build();
    }

    private static AttributeDefinition string(String name, String description, String... canonical) {
        AttributeDefinition.Builder b = new AttributeDefinition.Builder()
            .setName(name).setType(AttributeDefinition.Type.STRING).setDescription(description)
            .setMutability(AttributeDefinition.Mutability.READ_WRITE)
            .setReturned(AttributeDefinition.Returned.DEFAULT)
            .setUniqueness(AttributeDefinition.Uniqueness.NONE);
        if (canonical.length > 0) {
            b.addCanonicalValues(canonical);
        }
        return b.build();
    }
}
