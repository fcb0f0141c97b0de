package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.roster.support.TestWorkers.worker;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.Worker;
import org.roster.hr.WorkerType;
import org.roster.support.TestWorkers;

class TransitionClassifierTests {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private static final EffectiveDates DATES = new EffectiveDates(LifecycleSettings.defaults());

    /** Classifies as Lifecycle does: the new state is what the record implies at noon UTC today. */
    private static TransitionClassifier.Outcome classify(Worker before, LifecycleState from, Worker after, LocalDate today) {
        LifecycleState to = DATES.stateAt(after, today.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC));
        return TransitionClassifier.classify(before, from, after, to).orElseThrow();
    }

    @Test
    void newWorkerWhoseStartDateHasComeIsJoiner() {
        var outcome = TransitionClassifier.classify(null, null, worker().start(TODAY).build(), LifecycleState.ACTIVE)
            .orElseThrow();
        assertThat(outcome.kind()).isEqualTo(TransitionKind.JOINER);
        assertThat(outcome.to()).isEqualTo(LifecycleState.ACTIVE);
    }

    @Test
    void newWorkerWithFutureStartDateIsPreHire() {
        Worker w = worker().start(TODAY.plusDays(1)).build();
        var outcome = TransitionClassifier.classify(null, null, w,
            DATES.stateAt(w, TODAY.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC))).orElseThrow();
        assertThat(outcome.kind()).isEqualTo(TransitionKind.PRE_HIRE);
        assertThat(outcome.to()).isEqualTo(LifecycleState.PRE_HIRE);
    }

    @Test
    void departmentChangeIsMoverAndNamesTheChange() {
        Worker before = worker().department("Sales").build();
        Worker after = TestWorkers.from(before).department("Engineering").build();
        var outcome = classify(before, LifecycleState.ACTIVE, after, TODAY);
        assertThat(outcome.kind()).isEqualTo(TransitionKind.MOVER);
        assertThat(outcome.changes()).containsExactly("department: Sales -> Engineering");
    }

    @Test
    void contractorBecomingEmployeeIsConversion() {
        Worker before = worker().type(WorkerType.CONTRACTOR).build();
        Worker after = TestWorkers.from(before).type(WorkerType.EMPLOYEE).build();
        var outcome = classify(before, LifecycleState.ACTIVE, after, TODAY);
        assertThat(outcome.kind()).isEqualTo(TransitionKind.CONVERSION);
        assertThat(outcome.changes()).containsExactly("workerType: contractor -> employee");
    }

    @Test
    void nothingChangedIsNoTransition() {
        Worker w = worker().build();
        assertThat(TransitionClassifier.classify(w, LifecycleState.ACTIVE, w, LifecycleState.ACTIVE)).isEmpty();
    }

    @Test
    void locationChangeIsMover() {
        Worker before = worker().location("Paris").build();
        Worker after = TestWorkers.from(before).location("Berlin").build();
        assertThat(classify(before, LifecycleState.ACTIVE, after, TODAY).kind()).isEqualTo(TransitionKind.MOVER);
    }

    @Test
    void emailChangeIsUpdateNotMover() {
        Worker before = worker().build();
        Worker after = TestWorkers.from(before).email("ada.l@example.com").build();
        var outcome = classify(before, LifecycleState.ACTIVE, after, TODAY);
        assertThat(outcome.kind()).isEqualTo(TransitionKind.UPDATE);
        assertThat(outcome.changes()).containsExactly("email: ada@example.com -> ada.l@example.com");
    }

    @Test
    void terminatedStatusWithoutEndDateIsLeaverAtOnce() {
        Worker before = worker().build();
        Worker after = TestWorkers.from(before).status(EmploymentStatus.TERMINATED).build();
        var outcome = classify(before, LifecycleState.ACTIVE, after, TODAY);
        assertThat(outcome.kind()).isEqualTo(TransitionKind.LEAVER);
        assertThat(outcome.to()).isEqualTo(LifecycleState.TERMINATED);
    }

    @Test
    void activeFalseIsLeaverEvenWithActiveStatus() {
        Worker before = worker().build();
        Worker after = TestWorkers.from(before).active(false).build();
        assertThat(classify(before, LifecycleState.ACTIVE, after, TODAY).kind())
            .isEqualTo(TransitionKind.LEAVER);
    }

    @Test
    void terminatedWorkerReturningIsRehire() {
        Worker before = worker().status(EmploymentStatus.TERMINATED).build();
        Worker after = TestWorkers.from(before).status(EmploymentStatus.ACTIVE).build();
        assertThat(classify(before, LifecycleState.TERMINATED, after, TODAY).kind())
            .isEqualTo(TransitionKind.REHIRE);
    }

    @Test
    void leaveStatusStartsAndEndsLeaveOfAbsence() {
        Worker working = worker().build();
        Worker onLeave = TestWorkers.from(working).status(EmploymentStatus.LEAVE).build();
        assertThat(classify(working, LifecycleState.ACTIVE, onLeave, TODAY).kind())
            .isEqualTo(TransitionKind.LEAVE_START);
        assertThat(classify(onLeave, LifecycleState.ON_LEAVE, working, TODAY).kind())
            .isEqualTo(TransitionKind.LEAVE_RETURN);
    }

    @Test
    void preHireWhoseStartDateCameIsJoiner() {
        Worker w = worker().start(TODAY).build();
        assertThat(classify(w, LifecycleState.PRE_HIRE, w, TODAY).kind())
            .isEqualTo(TransitionKind.JOINER);
    }
}
