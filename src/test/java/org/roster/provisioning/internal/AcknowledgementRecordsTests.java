package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.audit.AuditEntry;
import org.roster.support.Acknowledgements;

/** How one identity's acknowledged operations on one target are audited: one record, split only past its size. */
class AcknowledgementRecordsTests {

    @Test
    void oneRecordNamesEachOperationInOrder() {
        List<AuditEntry> records = Outcomes.acknowledgements("E1", "directory", "hr-1", List.of(
            "CREATE directory acknowledged 12 ms after the HR change was received",
            "ADD_ENTITLEMENT directory employees acknowledged 15 ms after the HR change was received"));

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("OPERATION_ACKED");
            assertThat(r.identity()).isEqualTo("E1");
            assertThat(r.target()).isEqualTo("directory");
            assertThat(r.correlationId()).isEqualTo("hr-1");
            assertThat(Acknowledgements.operations(r.detail()))
                .containsExactly("CREATE directory", "ADD_ENTITLEMENT directory employees");
        });
    }

    @Test
    void operationsTooManyForOneRecordAreSplitWithoutCuttingAny() {
        List<String> phrases = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            String op = "ADD_ENTITLEMENT directory a-rather-long-entitlement-name-" + i;
            named.add(op);
            phrases.add(op + " acknowledged " + i + " ms after the HR change was received");
        }

        List<AuditEntry> records = Outcomes.acknowledgements("E1", "directory", "hr-1", phrases);

        assertThat(records).hasSizeGreaterThan(1)
            .allSatisfy(r -> assertThat(r.detail().length()).isLessThanOrEqualTo(AuditEntry.MAX_DETAIL));
        assertThat(Acknowledgements.operations(records.stream().map(AuditEntry::detail).toList()))
            .containsExactlyElementsOf(named);
    }
}
