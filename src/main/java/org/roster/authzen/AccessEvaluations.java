package org.roster.authzen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.plan.PlanningStage;
import org.roster.plan.Planner;
import org.roster.policy.Condition;
import org.roster.policy.PolicyException;
import org.springframework.stereotype.Service;

/**
 * Access decisions from live state. A {@code user} Roster knows (by employee number or userName)
 * asking for {@code access} to a {@code target} (or an {@code entitlement}, {@code <target>:<name>})
 * is permitted exactly when HR says they work here (lifecycle state {@code ACTIVE}) and Roster's
 * policy and standing grants give them an account there (that entitlement) now: a leaver is denied
 * from the moment HR says so, whatever the target still holds. Anything else is decided by the
 * configured rules, the first that holds; none: deny. A person Roster knows carries their HR
 * attributes (and {@code state}) as subject properties, over any the caller sent.
 */
@Service
public class AccessEvaluations {

    /**
     * Something access is asked for, or by.
     *
     * @param others members the request gave besides {@code type}, {@code id} and {@code properties}
     *     (earlier drafts put attributes there): rules may read them, nothing requires them
     */
    public record Entity(String type, String id, Map<String, Object> properties, Map<String, Object> others) {
    }

    /** What is asked to be done. */
    public record Action(String name, Map<String, Object> properties) {
    }

    /** The answer, with why in {@code context.reason}. */
    public record Decision(boolean decision, Map<String, Object> context) {
    }

    private record Compiled(String name, Condition when, boolean decision) {
    }

    private static final List<String> VARIABLES = List.of("subject", "action", "resource", "context");

    private final Lifecycle lifecycle;
    private final HrRecords hr;
    private final PlanningStage planning;
    private final AuthzenSettings settings;
    private final List<Compiled> rules = new ArrayList<>();

    public AccessEvaluations(Lifecycle lifecycle, HrRecords hr, PlanningStage planning, AuthzenSettings settings) {
        this.lifecycle = lifecycle;
        this.hr = hr;
        this.planning = planning;
        this.settings = settings;
        for (int i = 0; i < settings.rules().size(); i++) {
            AuthzenSettings.Rule r = settings.rules().get(i);
            String name = r.name() == null ? "rule " + (i + 1) : r.name();
            try {
                rules.add(new Compiled(name, Condition.over("roster.authzen.rules[" + i + "].when",
                    java.util.Objects.requireNonNull(r.when()), VARIABLES), Boolean.TRUE.equals(r.decision())));
            } catch (PolicyException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    public int maxEvaluations() {
        return settings.maxEvaluations();
    }

    public Decision evaluate(Entity subject, Action action, Entity resource, Map<String, Object> context) {
        Optional<Person> person = "user".equals(subject.type()) ? person(subject.id()) : Optional.empty();
        if (person.isPresent() && "access".equals(action.name())
            && ("target".equals(resource.type()) || "entitlement".equals(resource.type()))) {
            return fromLifecycle(person.get(), resource);
        }
        Map<String, Object> subjectProperties = new LinkedHashMap<>(settings.subjects().getOrDefault(subject.id(), Map.of()));
        subjectProperties.putAll(subject.properties());
        person.ifPresent(p -> {
            // what HR says wins over what the caller claims
            subjectProperties.putAll(p.worker().worker().attributes());
            subjectProperties.put("state", p.identity().state().name());
        });
        Map<String, Object> resourceProperties = new LinkedHashMap<>(settings.resources().getOrDefault(resource.id(),
            Map.of()));
        resourceProperties.putAll(resource.properties());
        Map<String, Object> vars = Map.of(
            "subject", entity(subject, subjectProperties),
            "action", Map.of("name", action.name(), "properties", action.properties()),
            "resource", entity(resource, resourceProperties),
            "context", context);
        for (Compiled r : rules) {
            if (r.when().test(vars)) {
                return new Decision(r.decision(), Map.of("reason", "rule '" + r.name() + "'"));
            }
        }
        return new Decision(false, Map.of("reason", "no rule permits it"));
    }

    private static Map<String, Object> entity(Entity e, Map<String, Object> properties) {
        Map<String, Object> m = new LinkedHashMap<>(e.others());
        m.put("type", e.type());
        m.put("id", e.id());
        m.put("properties", properties);
        return m;
    }

    private record Person(Identity identity, StoredWorker worker) {
    }

    private Optional<Person> person(String id) {
        Optional<StoredWorker> w = hr.findByEmployeeNumber(id).or(() -> hr.findByUserName(id));
        return w.flatMap(worker -> lifecycle.find(worker.worker().employeeNumber()).map(i -> new Person(i, worker)));
    }

    private Decision fromLifecycle(Person p, Entity resource) {
        String employeeNumber = p.identity().employeeNumber();
        if (p.identity().state() != LifecycleState.ACTIVE) {
            return new Decision(false, Map.of("reason", employeeNumber + " is " + p.identity().state()
                + " in HR's lifecycle"));
        }
        String target = resource.id();
        @Nullable String entitlement = null;
        if ("entitlement".equals(resource.type())) {
            int colon = resource.id().indexOf(':');
            if (colon <= 0) {
                return new Decision(false, Map.of("reason", "an entitlement is named <target>:<entitlement>"));
            }
            target = resource.id().substring(0, colon);
            entitlement = resource.id().substring(colon + 1);
        }
        List<Planner.Desired> desired = planning.desired(employeeNumber).orElse(List.of());
        for (Planner.Desired d : desired) {
            if (d.target().equals(target) && d.enabled()) {
                if (entitlement == null) {
                    return new Decision(true, Map.of("reason", "policy gives " + employeeNumber + " an account on " + target));
                }
                String why = d.entitlements().get(entitlement);
                if (why != null) {
                    return new Decision(true, Map.of("reason", resource.id() + " granted by " + why));
                }
            }
        }
        return new Decision(false, Map.of("reason", "policy gives " + employeeNumber + " no " + (entitlement == null
            ? "account on " + target : resource.id())));
    }
}
