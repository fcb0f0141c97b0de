package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.roster.support.TestWorkers.worker;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.Worker;

/** What a source left out never brings a leaver back; what it stated does, and says which field. */
class ReturnSignalsTests {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

    @Test
    void passedEndDateLeftOutIsKeptAndTheWorkerStaysGone() {
        Worker current = worker().end(TODAY.minusDays(10)).build();
        Worker incoming = worker().end(null).title("Director").build();

        ReturnSignals.Resolved r = ReturnSignals.resolve(current, incoming, Set.of("active", "employmentStatus"), TODAY);

        assertThat(r.returnSignal()).isNull();
        assertThat(r.worker().endDate()).isEqualTo(TODAY.minusDays(10));
        assertThat(r.worker().title()).isEqualTo("Director");
    }

    @Test
    void futureEndDateLeftOutIsACancelledTerminationNotAReturn() {
        Worker current = worker().end(TODAY.plusDays(10)).build();

        ReturnSignals.Resolved r = ReturnSignals.resolve(current, worker().end(null).build(), Set.of(), TODAY);

        assertThat(r.returnSignal()).isNull();
        assertThat(r.worker().endDate()).isNull();
    }

    @Test
    void passedEndDateStatedLaterIsAnExtension() {
        Worker current = worker().end(TODAY.minusDays(3)).build();

        ReturnSignals.Resolved r = ReturnSignals.resolve(current, worker().end(TODAY.plusDays(90)).build(),
            Set.of("endDate"), TODAY);

        assertThat(r.returnSignal()).isEqualTo("endDate");
        assertThat(r.worker().endDate()).isEqualTo(TODAY.plusDays(90));
    }

    @Test
    void activeStatedTrueOnAWorkerTerminatedByStatusBringsBothBack() {
        Worker current = worker().status(EmploymentStatus.TERMINATED).active(false).end(TODAY.minusDays(5)).build();

        ReturnSignals.Resolved r = ReturnSignals.resolve(current, worker().active(true).build(), Set.of("active"), TODAY);

        assertThat(r.returnSignal()).isEqualTo("active");
        assertThat(r.worker().terminated()).isFalse();
        assertThat(r.worker().endDate()).as("the previous employment's end date").isNull();
    }

    @Test
    void activeTrueWithStatusTerminatedStaysGone() {
        Worker current = worker().active(false).build();

        ReturnSignals.Resolved r = ReturnSignals.resolve(current,
            worker().active(true).status(EmploymentStatus.TERMINATED).build(), Set.of("active", "employmentStatus"), TODAY);

        assertThat(r.returnSignal()).isNull();
        assertThat(r.worker().terminated()).isTrue();
    }

    @Test
    void leaveLeftOutIsNotAReturnFromLeave() {
        Worker current = worker().status(EmploymentStatus.LEAVE).build();

        ReturnSignals.Resolved r = ReturnSignals.resolve(current, worker().build(), Set.of(), TODAY);

        assertThat(r.worker().employmentStatus()).isEqualTo(EmploymentStatus.LEAVE);
    }

    @Test
    void startDateBeforeTodayOnAWorkerTerminatedWithoutEndDateIsNoReturn() {
        Worker current = worker().active(false).start(TODAY.minusYears(2)).build();

        ReturnSignals.Resolved r = ReturnSignals.resolve(current, worker().start(TODAY.minusDays(1)).build(),
            Set.of("startDate"), TODAY);

        assertThat(r.returnSignal()).isNull();
        assertThat(r.worker().active()).isFalse();
    }
}
