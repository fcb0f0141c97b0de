package org.roster.api.scim;

import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.messages.PatchRequest;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrRecords;
import org.roster.hr.ScimWorkers;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/** {@code /scim/v2/Users}: where HR systems push workers (RFC 7644 §3). */
@RestController
@RequestMapping("/scim/v2/Users")
class ScimUsersController {

    /** Largest page a list returns, as ServiceProviderConfig's filter.maxResults says. */
    static final int MAX_RESULTS = 200;

    private final ScimWorkers workers;

    ScimUsersController(ScimWorkers workers) {
        this.workers = workers;
    }

    @PostMapping
    ResponseEntity<String> create(@RequestBody(required = false) String body, Principal principal) throws ScimException {
        HrRecords.Result result = workers.create(ScimJson.parse(body), principal.getName());
        return written(HttpStatus.CREATED, result);
    }

    @GetMapping("/{id}")
    ResponseEntity<String> get(@PathVariable String id,
                               @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch,
                               @RequestParam(required = false) @Nullable List<String> attributes,
                               @RequestParam(required = false) @Nullable List<String> excludedAttributes)
            throws ScimException {
        ObjectNode full = workers.get(id, ScimJson.baseUri()).orElseThrow(() -> notFound(id));
        ObjectNode user = ScimWorkers.project(full, orEmpty(attributes), orEmpty(excludedAttributes));
        String version = full.path("meta").path("version").stringValue();
        if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || List.of(ifNoneMatch.split(",")).stream()
            .map(String::trim).anyMatch(version::equals))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(version).build();
        }
        return ResponseEntity.ok().contentType(ScimJson.SCIM).eTag(version).body(ScimJson.write(user));
    }

    private static List<String> orEmpty(java.util.@Nullable Collection<String> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    @GetMapping
    ResponseEntity<String> list(@RequestParam(required = false) @Nullable String filter,
                                @RequestParam(required = false) @Nullable String sortBy,
                                @RequestParam(defaultValue = "ascending") String sortOrder,
                                @RequestParam(defaultValue = "1") int startIndex,
                                @RequestParam(defaultValue = "100") int count,
                                @RequestParam(required = false) @Nullable List<String> attributes,
                                @RequestParam(required = false) @Nullable List<String> excludedAttributes)
            throws ScimException {
        return search(filter, sortBy, sortOrder, startIndex, count, orEmpty(attributes), orEmpty(excludedAttributes));
    }

    /** {@code POST /Users/.search} (RFC 7644 §3.4.3): the same query, in a body, so filters stay out of logs and URLs. */
    @PostMapping("/.search")
    ResponseEntity<String> searchByPost(@RequestBody(required = false) String body) throws ScimException {
        com.unboundid.scim2.common.messages.SearchRequest request =
            ScimJson.parse(body, com.unboundid.scim2.common.messages.SearchRequest.class);
        return search(request.getFilter(), request.getSortBy(),
            request.getSortOrder() == com.unboundid.scim2.common.messages.SortOrder.DESCENDING ? "descending" : "ascending",
            request.getStartIndex() == null ? 1 : request.getStartIndex(),
            request.getCount() == null ? 100 : request.getCount(),
            orEmpty(request.getAttributes()), orEmpty(request.getExcludedAttributes()));
    }

    private ResponseEntity<String> search(@Nullable String filter, @Nullable String sortBy, String sortOrder, int startIndex,
                                          int count, List<String> attributes, List<String> excluded) throws ScimException {
        Filter parsed = filter == null || filter.isBlank() ? null : Filter.fromString(filter);
        if (!sortOrder.equalsIgnoreCase("ascending") && !sortOrder.equalsIgnoreCase("descending")) {
            throw BadRequestException.invalidValue("sortOrder: must be ascending or descending");
        }
        ScimWorkers.Page page = workers.list(parsed, sortBy, sortOrder.equalsIgnoreCase("ascending"), startIndex,
            Math.min(Math.max(count, 0), MAX_RESULTS), ScimJson.baseUri());
        List<GenericScimResource> resources = new java.util.ArrayList<>();
        for (ObjectNode r : page.resources()) {
            resources.add(new GenericScimResource(ScimWorkers.project(r, attributes, excluded)));
        }
        return ScimJson.respond(HttpStatus.OK,
            new ListResponse<>(page.totalResults(), resources, page.startIndex(), resources.size()));
    }

    @PutMapping("/{id}")
    ResponseEntity<String> replace(@PathVariable String id, @RequestBody(required = false) String body,
                                   @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
                                   Principal principal) throws ScimException {
        requireExisting(id);
        return written(HttpStatus.OK, workers.replace(id, ScimJson.parse(body), principal.getName(), ifMatch));
    }

    @PatchMapping("/{id}")
    ResponseEntity<String> patch(@PathVariable String id, @RequestBody(required = false) String body,
                                 @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
                                 Principal principal) throws ScimException {
        requireExisting(id);
        PatchRequest patch = ScimJson.parse(body, PatchRequest.class);
        if (patch.getOperations() == null || patch.getOperations().isEmpty()) {
            throw BadRequestException.invalidSyntax("Operations: at least one operation is required");
        }
        return written(HttpStatus.OK, workers.patch(id, patch, ScimJson.baseUri(), principal.getName(), ifMatch));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
                                Principal principal) {
        workers.delete(id, principal.getName(), ifMatch);
        return ResponseEntity.noContent().build();
    }

    private ResponseEntity<String> written(HttpStatus status, HrRecords.Result result) {
        String base = ScimJson.baseUri();
        URI location = URI.create(base + "/Users/" + result.stored().id());
        String version = "W/\"" + result.stored().version() + "\"";
        return ResponseEntity.status(status).contentType(ScimJson.SCIM)
            .header(HttpHeaders.LOCATION, location.toString()).eTag(version)
            .body(ScimJson.write(workers.toScim(result.stored(), base)));
    }

    /** An unknown resource is a 404 whatever the body holds (RFC 7644 §3.12): checked before the body is read. */
    private void requireExisting(String id) throws ResourceNotFoundException {
        if (!workers.exists(id)) {
            throw notFound(id);
        }
    }

    private static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("no User with id " + id);
    }
}
