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
import org.roster.hr.internal.ScimNames;
import org.roster.hr.internal.ScimPatches;
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

    /** Applies a SCIM {@code /Bulk} request's operations as one batch (see {@link HrBatch}). */
    public <T> T bulk(String actor, int operations, Supplier<T> work) {
        return records.batch(SOURCE, "SCIM bulk request of " + operations + " operation(s) by " + actor, actor, work);
    }

    /**
     * Creates a worker; one deleted through SCIM before, with the same employee number, is the same
     * worker returning: recreated under the same id (a rehire when the new record is active).
     */
    public HrRecords.Result create(JsonNode user, String actor) {
        return withScimPaths(() -> {
            Worker worker = toWorker(user);
            Optional<StoredWorker> earlier = records.findByEmployeeNumber(worker.employeeNumber())
                .filter(s -> records.deletedFromScim(s.id()));
            return earlier.isPresent()
                ? records.recreateFromScim(earlier.get().id(), keepMatchKey(earlier.get(), worker), SOURCE, actor)
                : records.create(worker, SOURCE, actor);
        });
    }

    /**
     * @param ifMatch the SCIM {@code If-Match} header, if any: the change applies only to the version it names
     */
    public HrRecords.Result replace(String id, JsonNode user, String actor, @Nullable String ifMatch) {
        StoredWorker current = records.findPresent(id).orElseThrow(() -> new HrNotFoundException(id));
        Long expected = expectedVersion(current, ifMatch);
        return withScimPaths(() -> records.replace(id, keepMatchKey(current, toWorker(user)),
            ScimWorkerMapping.stated(user), SOURCE, actor, expected));
    }

    public HrRecords.Result patch(String id, PatchRequest patch, String baseUri, String actor, @Nullable String ifMatch)
            throws ScimException {
        StoredWorker current = records.findPresent(id).orElseThrow(() -> new HrNotFoundException(id));
        Long expected = expectedVersion(current, ifMatch);
        GenericScimResource resource = new GenericScimResource(toScim(current, baseUri));
        ScimPatches.normalise(patch).apply(resource);
        ObjectNode patched = resource.getObjectNode();
        patched.remove("meta");
        if (patched.path("externalId").asString("").equals(current.worker().employeeNumber())) {
            // written by Roster from the employee number, not by the patch: the employee number decides
            patched.remove("externalId");
        }
        return withScimPaths(() -> records.replace(id, keepMatchKey(current, toWorker(patched)),
            ScimWorkerMapping.stated(patched), SOURCE, actor, expected));
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

    /**
     * HR deleting a worker means the worker left: Roster terminates (today, if HR gave no end date),
     * keeps the history and the identity, and the resource leaves the SCIM view (404, absent from
     * lists) until a create with the same employee number brings the worker back.
     */
    public HrRecords.Result delete(String id, String actor, @Nullable String ifMatch) {
        StoredWorker current = records.findPresent(id).orElseThrow(() -> new HrNotFoundException(id));
        Long expected = expectedVersion(current, ifMatch);
        Worker w = current.worker();
        LocalDate end = w.endDate() != null ? w.endDate() : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return records.deleteFromScim(id, w.terminatedOn(end), SOURCE, actor, expected);
    }

    public Optional<ObjectNode> get(String id, String baseUri) {
        return records.findPresent(id).map(s -> toScim(s, baseUri));
    }

    /**
     * Lists users matching a filter, sorted by an attribute path when one is given (values compared
     * ignoring case; resources without the attribute last, as RFC 7644 §3.4.2.3 asks). The filter is
     * evaluated over the SCIM representation, so every attribute (core and extension) and every
     * operator the SDK knows is filterable. A filter that pins a unique key ({@code id},
     * {@code userName} or the enterprise {@code employeeNumber} with {@code eq}, alone or in an
     * {@code and}: the look-up HR and IdP clients make before each write) reads that one record;
     * anything else reads the population page by page, keeping only the page asked for (and, when
     * sorting, the keys of the entries before it), so memory does not grow with the population.
     */
    public Page list(@Nullable Filter filter, @Nullable String sortBy, boolean ascending, int startIndex, int count,
                     String baseUri) throws ScimException {
        filter = ScimNames.filter(filter);
        int skip = Math.max(startIndex, 1) - 1;
        int take = Math.max(count, 0);
        com.unboundid.scim2.common.Path sortPath = sortBy == null || sortBy.isBlank() ? null
            : ScimNames.path(com.unboundid.scim2.common.Path.fromString(sortBy));
        java.util.Comparator<String> order = ascending ? java.util.Comparator.naturalOrder()
            : java.util.Comparator.<String>naturalOrder().reversed();
        // Entries in list order; ties keep the store's order (seq), so paging is stable.
        java.util.Comparator<Ranked> rank = java.util.Comparator
            .comparing(Ranked::key, java.util.Comparator.nullsLast(order)).thenComparingLong(Ranked::seq);
        // Unsorted, the kept window is the page; sorted, the best skip + take entries seen so far.
        java.util.PriorityQueue<Ranked> kept = new java.util.PriorityQueue<>(rank.reversed());
        long total = 0;
        for (StoredWorker s : (Iterable<StoredWorker>) candidates(filter)::iterator) {
            ObjectNode node = toScim(s, baseUri);
            if (filter != null && !FilterEvaluator.evaluate(filter, node)) {
                continue;
            }
            long seq = total++;
            if (sortPath == null) {
                if (seq >= skip && seq < (long) skip + take) {
                    kept.add(new Ranked(null, seq, node));
                }
                continue;
            }
            kept.add(new Ranked(sortKey(node, sortPath), seq, node));
            if (kept.size() > skip + take) {
                kept.poll();
            }
        }
        List<Ranked> window = new ArrayList<>(kept);
        window.sort(rank);
        List<ObjectNode> page = window.subList(Math.min(sortPath == null ? 0 : skip, window.size()), window.size())
            .stream().map(Ranked::node).toList();
        return new Page((int) Math.min(total, Integer.MAX_VALUE), skip + 1, page.subList(0, Math.min(take, page.size())));
    }

    private record Ranked(@Nullable String key, long seq, ObjectNode node) {
    }

    private static @Nullable String sortKey(ObjectNode node, com.unboundid.scim2.common.Path path) throws ScimException {
        JsonNode v = new GenericScimResource(node).getValue(path);
        return v == null || v.isMissingNode() || v.isNull() ? null
            : (v.isArray() && !v.isEmpty() ? v.get(0) : v).asString().toLowerCase(java.util.Locale.ROOT);
    }

    /** The records a filter can match: one looked up by a unique key it pins, or every record, page by page. */
    private java.util.stream.Stream<StoredWorker> candidates(@Nullable Filter filter) {
        Optional<Optional<StoredWorker>> pinned = filter == null ? Optional.empty() : pinned(filter);
        if (pinned.isPresent()) {
            return pinned.get().stream().filter(s -> !records.deletedFromScim(s.id()));
        }
        int batch = 500;
        return java.util.stream.IntStream.iterate(0, offset -> offset + batch)
            .mapToObj(offset -> records.listPresent(offset, batch))
            .takeWhile(page -> !page.isEmpty())
            .flatMap(List::stream);
    }

    /** The record a filter pins by a unique key (present but empty when there is no such record). */
    private Optional<Optional<StoredWorker>> pinned(Filter filter) {
        if (filter instanceof com.unboundid.scim2.common.filters.AndFilter and) {
            return and.getCombinedFilters().stream().map(this::pinned).flatMap(Optional::stream).findFirst();
        }
        if (!(filter instanceof com.unboundid.scim2.common.filters.EqualFilter eq)
            || !eq.getComparisonValue().isString() || eq.getAttributePath().size() != 1
            || eq.getAttributePath().getElement(0).getValueFilter() != null) {
            return Optional.empty();
        }
        String urn = eq.getAttributePath().getSchemaUrn();
        String attribute = eq.getAttributePath().getElement(0).getAttribute();
        String value = eq.getComparisonValue().asString();
        boolean core = urn == null || urn.equalsIgnoreCase(ScimSchemas.USER);
        if (core && attribute.equalsIgnoreCase("id")) {
            return Optional.of(records.find(value));
        }
        if (core && attribute.equalsIgnoreCase("externalId")) {
            return Optional.of(records.findByEmployeeNumber(value));
        }
        if (core && attribute.equalsIgnoreCase("userName")) {
            return Optional.of(records.findByUserName(value));
        }
        if (urn != null && urn.equalsIgnoreCase(ScimSchemas.ENTERPRISE_USER) && attribute.equalsIgnoreCase("employeeNumber")) {
            return Optional.of(records.findByEmployeeNumber(value));
        }
        return Optional.empty();
    }

    /** A resource with only the attributes asked for, or without those excluded (RFC 7644 §3.4.2.5). */
    public static ObjectNode project(ObjectNode resource, java.util.Collection<String> attributes,
                                     java.util.Collection<String> excluded) throws ScimException {
        return org.roster.hr.internal.ScimProjection.project(resource, attributes, excluded);
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
        return records.findPresent(id).isPresent();
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
        } catch (HrImmutableFieldException e) {
            throw new HrImmutableFieldException(ScimWorkerMapping.scimPath(e.field()), e.reason());
        } catch (HrValidationException e) {
            throw new HrValidationException(ScimWorkerMapping.scimPath(e.field()), e.reason());
        }
    }
}
