package org.roster.hr;

import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.utils.FilterEvaluator;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.roster.hr.internal.ScimWorkerMapping;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SCIM 2.0 inbound for HR systems: SCIM Users in, {@link Worker} changes out, through
 * {@link HrRecords}. Validation failures are {@link HrValidationException}s whose field is the SCIM
 * attribute path; protocol errors (a bad PATCH path, a bad filter) are the SCIM SDK's
 * {@link ScimException}s.
 */
@Service
public final class ScimWorkers {

    /** The source name SCIM pushes are recorded under. */
    public static final String SOURCE = "scim";

    private final HrRecords records;
    private final MatchKey matchKey;
    private final Clock clock;

    public ScimWorkers(HrRecords records, HrSourceSettings settings, Clock clock) {
        this.records = records;
        this.matchKey = new MatchKey(settings.rehireMatch());
        this.clock = clock;
    }

    /** One page of a list: the total before paging, and the resources on the page. */
    public record Page(int totalResults, int startIndex, List<ObjectNode> resources) {
    }

    public HrRecords.Result create(JsonNode user, String actor) {
        return withScimPaths(() -> records.create(toWorker(user), SOURCE, actor));
    }

    /**
     * @param ifMatch the SCIM {@code If-Match} header, if any: the change applies only to the version it names
     */
    public HrRecords.Result replace(String id, JsonNode user, String actor, @Nullable String ifMatch) {
        StoredWorker current = records.find(id).orElseThrow(() -> new HrNotFoundException(id));
        Long expected = expectedVersion(current, ifMatch);
        return withScimPaths(() -> records.replace(id, keepMatchKey(current, toWorker(user)), SOURCE, actor, expected));
    }

    public HrRecords.Result patch(String id, PatchRequest patch, String baseUri, String actor, @Nullable String ifMatch)
            throws ScimException {
        StoredWorker current = records.find(id).orElseThrow(() -> new HrNotFoundException(id));
        Long expected = expectedVersion(current, ifMatch);
        GenericScimResource resource = new GenericScimResource(toScim(current, baseUri));
        patch.apply(resource);
        ObjectNode patched = resource.getObjectNode();
        patched.remove("meta");
        return withScimPaths(() -> records.replace(id, keepMatchKey(current, toWorker(patched)), SOURCE, actor, expected));
    }

    /**
     * The version an {@code If-Match} header allows a change to: {@code null} for none or {@code *};
     * for a list of entity tags, the current version if it is among them (else the change fails).
     */
    private static @Nullable Long expectedVersion(StoredWorker current, @Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        for (String tag : ifMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("\"" + current.version() + "\"")) {
                return current.version();
            }
        }
        throw new HrPreconditionFailedException("If-Match " + ifMatch.trim() + " does not name the current version W/\""
            + current.version() + "\"");
    }

    /** HR deleting a worker means the worker left: Roster terminates (today, if HR gave no end date) and keeps the history. */
    public HrRecords.Result delete(String id, String actor, @Nullable String ifMatch) {
        StoredWorker current = records.find(id).orElseThrow(() -> new HrNotFoundException(id));
        Long expected = expectedVersion(current, ifMatch);
        Worker w = current.worker();
        LocalDate end = w.endDate() != null ? w.endDate() : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return records.replace(id, w.terminatedOn(end), SOURCE, actor, expected);
    }

    public Optional<ObjectNode> get(String id, String baseUri) {
        return records.find(id).map(s -> toScim(s, baseUri));
    }

    /**
     * Lists users matching a filter. Evaluates the filter over the SCIM representation, so every
     * attribute (core and extension) and every operator the SDK knows is filterable.
     */
    /**
     * Lists users matching a filter, sorted by an attribute path when one is given (values compared
     * ignoring case; resources without the attribute last, as RFC 7644 §3.4.2.3 asks).
     */
    public Page list(@Nullable Filter filter, @Nullable String sortBy, boolean ascending, int startIndex, int count,
                     String baseUri) throws ScimException {
        Page unsorted = listUnsorted(filter, baseUri);
        List<ObjectNode> matching = new ArrayList<>(unsorted.resources());
        if (sortBy != null && !sortBy.isBlank()) {
            com.unboundid.scim2.common.Path path = com.unboundid.scim2.common.Path.fromString(sortBy);
            java.util.Map<ObjectNode, String> keys = new java.util.IdentityHashMap<>();
            for (ObjectNode node : matching) {
                JsonNode v = new GenericScimResource(node).getValue(path);
                keys.put(node, v == null || v.isMissingNode() || v.isNull() ? null
                    : (v.isArray() && !v.isEmpty() ? v.get(0) : v).asString().toLowerCase(java.util.Locale.ROOT));
            }
            java.util.Comparator<String> order = ascending ? java.util.Comparator.naturalOrder()
                : java.util.Comparator.<String>naturalOrder().reversed();
            matching.sort(java.util.Comparator.comparing(keys::get, java.util.Comparator.nullsLast(order)));
        }
        int from = Math.min(Math.max(startIndex, 1) - 1, matching.size());
        int to = Math.min(from + Math.max(count, 0), matching.size());
        return new Page(matching.size(), from + 1, List.copyOf(matching.subList(from, to)));
    }

    private Page listUnsorted(@Nullable Filter filter, String baseUri) throws ScimException {
        List<ObjectNode> matching = new ArrayList<>();
        int batch = 500;
        for (int offset = 0; ; offset += batch) {
            List<StoredWorker> page = records.list(offset, batch);
            for (StoredWorker s : page) {
                ObjectNode node = toScim(s, baseUri);
                if (filter == null || FilterEvaluator.evaluate(filter, node)) {
                    matching.add(node);
                }
            }
            if (page.size() < batch) {
                break;
            }
        }
        return new Page(matching.size(), 1, matching);
    }

    public ObjectNode toScim(StoredWorker stored, String baseUri) {
        return ScimWorkerMapping.toScim(stored, baseUri + "/Users/" + stored.id(),
            employeeNumber -> records.findByEmployeeNumber(employeeNumber).map(StoredWorker::id));
    }

    /** Personal details are write-only: a record that does not repeat them keeps the match key it had. */
    private static Worker keepMatchKey(StoredWorker current, Worker incoming) {
        return incoming.matchKey() != null ? incoming : incoming.withMatchKey(current.worker().matchKey());
    }

    /** Whether a worker with this SCIM id exists. */
    public boolean exists(String id) {
        return records.find(id).isPresent();
    }

    private Worker toWorker(JsonNode user) {
        return ScimWorkerMapping.fromScim(user, this::resolveManager, matchKey);
    }

    /** A manager reference is the manager's SCIM id (RFC 7643) or, as Entra's inbound API sends it, their employee number. */
    private Optional<String> resolveManager(String reference) {
        return records.find(reference).or(() -> records.findByEmployeeNumber(reference))
            .map(s -> s.worker().employeeNumber());
    }

    private static <T> T withScimPaths(Supplier<T> work) {
        try {
            return work.get();
        } catch (HrConflictException e) {
            throw new HrConflictException(ScimWorkerMapping.scimPath(e.field()), e.reason());
        } catch (HrValidationException e) {
            throw new HrValidationException(ScimWorkerMapping.scimPath(e.field()), e.reason());
        }
    }
}
