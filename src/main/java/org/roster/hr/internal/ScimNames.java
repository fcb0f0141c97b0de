package org.roster.hr.internal;

import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.AndFilter;
import com.unboundid.scim2.common.filters.ComparisonFilter;
import com.unboundid.scim2.common.filters.ComplexValueFilter;
import com.unboundid.scim2.common.filters.ContainsFilter;
import com.unboundid.scim2.common.filters.EndsWithFilter;
import com.unboundid.scim2.common.filters.EqualFilter;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterVisitor;
import com.unboundid.scim2.common.filters.GreaterThanFilter;
import com.unboundid.scim2.common.filters.GreaterThanOrEqualFilter;
import com.unboundid.scim2.common.filters.LessThanFilter;
import com.unboundid.scim2.common.filters.LessThanOrEqualFilter;
import com.unboundid.scim2.common.filters.NotEqualFilter;
import com.unboundid.scim2.common.filters.NotFilter;
import com.unboundid.scim2.common.filters.OrFilter;
import com.unboundid.scim2.common.filters.PresentFilter;
import com.unboundid.scim2.common.filters.StartsWithFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.roster.hr.ScimSchemas;

/**
 * Attribute names are case-insensitive in SCIM (RFC 7644 §3.4.2.2: {@code USERNAME eq "x"},
 * {@code meta.lastmodified gt "..."}), but the JSON Roster evaluates filters and applies patches on
 * spells them one way. Paths and filters are rewritten to that spelling first. A name Roster does
 * not have is left as given (it matches nothing, or a patch refuses it).
 */
public final class ScimNames {

    private static final Map<String, String> CANONICAL = new HashMap<>();

    static {
        for (String name : List.of("id", "externalId", "userName", "name", "givenName", "familyName", "displayName",
                "title", "emails", "value", "type", "primary", "display", "active", "meta", "resourceType", "created",
                "lastModified", "location", "version", "schemas", "employeeNumber", "department", "costCenter",
                "manager", "$ref", "workerType", "employmentStatus", "startDate", "endDate", "endTime", "timeZone",
                "terminationReason", "personalEmail", "dateOfBirth", "nationalId")) {
            CANONICAL.put(name.toLowerCase(Locale.ROOT), name);
        }
    }

    private ScimNames() {
    }

    /** An attribute name as Roster spells it. */
    public static String attribute(String name) {
        return CANONICAL.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    /** Extension attributes whose names no core attribute has: a client may leave their schema out. */
    private static final Map<String, String> EXTENSION_OF = Map.ofEntries(
        Map.entry("employeenumber", ScimSchemas.ENTERPRISE_USER), Map.entry("department", ScimSchemas.ENTERPRISE_USER),
        Map.entry("costcenter", ScimSchemas.ENTERPRISE_USER), Map.entry("manager", ScimSchemas.ENTERPRISE_USER),
        Map.entry("workertype", ScimSchemas.WORKER), Map.entry("employmentstatus", ScimSchemas.WORKER),
        Map.entry("startdate", ScimSchemas.WORKER), Map.entry("enddate", ScimSchemas.WORKER),
        Map.entry("endtime", ScimSchemas.WORKER), Map.entry("timezone", ScimSchemas.WORKER),
        Map.entry("terminationreason", ScimSchemas.WORKER), Map.entry("location", ScimSchemas.WORKER));

    public static Path path(Path path) throws ScimException {
        String urn = path.getSchemaUrn();
        if (urn == null && path.size() > 0) {
            urn = EXTENSION_OF.get(path.getElement(0).getAttribute().toLowerCase(Locale.ROOT));
        }
        Path out = urn == null ? Path.root() : Path.root(schema(urn));
        for (Path.Element e : path) {
            out = e.getValueFilter() == null ? out.attribute(attribute(e.getAttribute()))
                : out.attribute(attribute(e.getAttribute()), filter(e.getValueFilter()));
        }
        return out;
    }

    public static @Nullable Filter filter(@Nullable Filter filter) throws ScimException {
        return filter == null ? null : filter.visit(REWRITE, null);
    }

    private static String schema(String urn) {
        return ScimSchemas.USER_SCHEMAS.stream().filter(u -> u.equalsIgnoreCase(urn)).findFirst().orElse(urn);
    }

    private static final FilterVisitor<Filter, @Nullable Void> REWRITE = new FilterVisitor<>() {
        private Path p(ComparisonFilter f) throws ScimException {
            return path(f.getAttributePath());
        }

        @Override
        public Filter visit(EqualFilter f, @Nullable Void v) throws ScimException {
            return Filter.eq(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(NotEqualFilter f, @Nullable Void v) throws ScimException {
            return Filter.ne(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(ContainsFilter f, @Nullable Void v) throws ScimException {
            return Filter.co(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(StartsWithFilter f, @Nullable Void v) throws ScimException {
            return Filter.sw(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(EndsWithFilter f, @Nullable Void v) throws ScimException {
            return Filter.ew(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(PresentFilter f, @Nullable Void v) throws ScimException {
            return Filter.pr(path(f.getAttributePath()));
        }

        @Override
        public Filter visit(GreaterThanFilter f, @Nullable Void v) throws ScimException {
            return Filter.gt(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(GreaterThanOrEqualFilter f, @Nullable Void v) throws ScimException {
            return Filter.ge(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(LessThanFilter f, @Nullable Void v) throws ScimException {
            return Filter.lt(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(LessThanOrEqualFilter f, @Nullable Void v) throws ScimException {
            return Filter.le(p(f), f.getComparisonValue());
        }

        @Override
        public Filter visit(AndFilter f, @Nullable Void v) throws ScimException {
            return Filter.and(all(f.getCombinedFilters()));
        }

        @Override
        public Filter visit(OrFilter f, @Nullable Void v) throws ScimException {
            return Filter.or(all(f.getCombinedFilters()));
        }

        @Override
        public Filter visit(NotFilter f, @Nullable Void v) throws ScimException {
            return Filter.not(f.getInvertedFilter().visit(this, null));
        }

        @Override
        public Filter visit(ComplexValueFilter f, @Nullable Void v) throws ScimException {
            return Filter.hasComplexValue(path(f.getAttributePath()), f.getValueFilter().visit(this, null));
        }

        private List<Filter> all(List<Filter> filters) throws ScimException {
            List<Filter> out = new ArrayList<>();
            for (Filter f : filters) {
                out.add(f.visit(this, null));
            }
            return out;
        }
    };
}
