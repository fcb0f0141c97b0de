package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.roster.support.TestWorkers.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.Worker;
import org.roster.hr.WorkerType;

class EffectiveDatesTests {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final EffectiveDates dates = new EffectiveDates(
        new LifecycleSettings(ZoneId.of("UTC"), Duration.ofHours(12), List.of("Misconduct")));

    @Test
    void accessEndsAtTheEndOfTheLastDayInTheWorkersZone() {
        Worker w = worker().status(EmploymentStatus.TERMINATED).end(LocalDate.of(2026, 11, 27))
            .timeZone("America/New_York").build();

        assertThat(dates.accessEnd(w)).isEqualTo(Instant.parse("2026-11-28T05:00:00Z"));
        assertThat(dates.stateAt(w, NOW)).isEqualTo(LifecycleState.ACTIVE);
        assertThat(dates.stateAt(w, Instant.parse("2026-11-28T05:00:00Z"))).isEqualTo(LifecycleState.TERMINATED);
        assertThat(dates.nextChange(w, NOW)).contains(Instant.parse("2026-11-28T05:00:00Z"));
    }

    @Test
    void terminationWithAnEndTimeEndsAtThatTimeInTheWorkersZone() {
        Worker w = worker().status(EmploymentStatus.TERMINATED).end(LocalDate.of(2026, 11, 27))
            .endTime(java.time.LocalTime.of(17, 30)).timeZone("Europe/Paris").build();

        assertThat(dates.accessEnd(w)).isEqualTo(Instant.parse("2026-11-27T16:30:00Z"));
        assertThat(dates.stateAt(w, Instant.parse("2026-11-27T16:29:59Z"))).isEqualTo(LifecycleState.ACTIVE);
        assertThat(dates.stateAt(w, Instant.parse("2026-11-27T16:30:00Z"))).isEqualTo(LifecycleState.TERMINATED);
    }

    @Test
    void accessStartsAtMidnightLessTheLeadTime() {
        Worker w = worker().start(LocalDate.of(2026, 12, 1)).timeZone("Europe/Paris").build();

        // midnight in Paris is 23:00 UTC the day before; 12 hours of lead time
        assertThat(dates.accessStart(w)).isEqualTo(Instant.parse("2026-11-30T11:00:00Z"));
        assertThat(dates.stateAt(w, NOW)).isEqualTo(LifecycleState.PRE_HIRE);
        assertThat(dates.nextChange(w, NOW)).contains(Instant.parse("2026-11-30T11:00:00Z"));
    }

    @Test
    void contractorWhoseEndDatePassesIsTerminatedEvenWithActiveStatus() {
        Worker w = worker().type(WorkerType.CONTRACTOR).end(LocalDate.of(2026, 11, 22)).build();

        assertThat(dates.stateAt(w, NOW)).isEqualTo(LifecycleState.TERMINATED);
    }

    @Test
    void immediateReasonEndsAccessAtOnceWhateverTheEndDate() {
        Worker w = worker().status(EmploymentStatus.TERMINATED).end(LocalDate.of(2026, 12, 31))
            .terminationReason("misconduct").build();

        assertThat(dates.stateAt(w, NOW)).isEqualTo(LifecycleState.TERMINATED);
        assertThat(dates.nextChange(w, NOW)).isEmpty();
    }

    @Test
    void hrActiveFalseEndsAccessAtOnce() {
        Worker w = worker().active(false).end(LocalDate.of(2026, 12, 31)).build();

        assertThat(dates.stateAt(w, NOW)).isEqualTo(LifecycleState.TERMINATED);
    }

    @Test
    void workerWithoutZoneUsesTheDefault() {
        EffectiveDates paris = new EffectiveDates(new LifecycleSettings(ZoneId.of("Europe/Paris"), null, null));
        Worker w = worker().end(LocalDate.of(2026, 11, 23)).build();

        assertThat(paris.accessEnd(w)).isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
    }
}
