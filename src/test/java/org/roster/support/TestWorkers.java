package org.roster.support;

import java.time.LocalDate;
import org.jspecify.annotations.Nullable;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.Worker;
import org.roster.hr.WorkerType;

/** Fixture builder for {@link Worker}s: an active employee in Engineering unless told otherwise. */
public final class TestWorkers {

    private String employeeNumber = "E100";
    private String userName = "ada";
    private @Nullable String givenName = "Ada";
    private @Nullable String familyName = "Lovelace";
    private @Nullable String email = "ada@example.com";
    private @Nullable String title = "Engineer";
    private @Nullable String department = "Engineering";
    private @Nullable String costCenter = "CC-1";
    private @Nullable String manager;
    private WorkerType type = WorkerType.EMPLOYEE;
    private EmploymentStatus status = EmploymentStatus.ACTIVE;
    private @Nullable LocalDate start = LocalDate.of(2020, 1, 6);
    private @Nullable LocalDate end;
    private boolean active = true;
    private @Nullable String location;
    private @Nullable String timeZone;
    private @Nullable String terminationReason;
    private java.time.@Nullable LocalTime endTime;

    private TestWorkers() {
    }

    public static TestWorkers worker() {
        return new TestWorkers();
    }

    public static TestWorkers from(Worker w) {
        TestWorkers b = new TestWorkers();
        b.employeeNumber = w.employeeNumber();
        b.userName = w.userName();
        b.givenName = w.givenName();
        b.familyName = w.familyName();
        b.email = w.email();
        b.title = w.title();
        b.department = w.department();
        b.costCenter = w.costCenter();
        b.manager = w.managerEmployeeNumber();
        b.type = w.workerType();
        b.status = w.employmentStatus();
        b.start = w.startDate();
        b.end = w.endDate();
        b.active = w.active();
        b.location = w.location();
        b.timeZone = w.timeZone();
        b.terminationReason = w.terminationReason();
        b.endTime = w.endTime();
        return b;
    }

    public TestWorkers employeeNumber(String v) { employeeNumber = v; return this; }
    public TestWorkers userName(String v) { userName = v; return this; }
    public TestWorkers email(@Nullable String v) { email = v; return this; }
    public TestWorkers title(@Nullable String v) { title = v; return this; }
    public TestWorkers department(@Nullable String v) { department = v; return this; }
    public TestWorkers costCenter(@Nullable String v) { costCenter = v; return this; }
    public TestWorkers manager(@Nullable String v) { manager = v; return this; }
    public TestWorkers type(WorkerType v) { type = v; return this; }
    public TestWorkers status(EmploymentStatus v) { status = v; return this; }
    public TestWorkers start(@Nullable LocalDate v) { start = v; return this; }
    public TestWorkers end(@Nullable LocalDate v) { end = v; return this; }
    public TestWorkers active(boolean v) { active = v; return this; }
    public TestWorkers givenName(@Nullable String v) { givenName = v; return this; }
    public TestWorkers location(@Nullable String v) { location = v; return this; }
    public TestWorkers timeZone(@Nullable String v) { timeZone = v; return this; }
    public TestWorkers terminationReason(@Nullable String v) { terminationReason = v; return this; }
    public TestWorkers endTime(java.time.@Nullable LocalTime v) { endTime = v; return this; }

    public Worker build() {
        return new Worker(employeeNumber, userName, givenName, familyName, null, email, title, department, costCenter,
            manager, type, status, start, end, active, location, timeZone, terminationReason, null, endTime);
    }
}
