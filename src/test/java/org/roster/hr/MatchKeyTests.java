package org.roster.hr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchKeyTests {

    @Test
    void keyNeedsEveryConfiguredDetailAndIgnoresCaseAndSpaces() {
        MatchKey key = MatchKey.defaults();

        String a = key.of(Map.of("personalEmail", " Jo@Mail.example", "dateOfBirth", "1990-04-01")::get);
        String b = key.of(Map.of("personalEmail", "jo@mail.example ", "dateOfBirth", "1990-04-01")::get);

        assertThat(a).isEqualTo(b).hasSize(64).doesNotContain("jo");
        assertThat(key.of(Map.of("personalEmail", "jo@mail.example")::get)).isNull();
    }

    @Test
    void detailsAreConfigurable() {
        MatchKey names = new MatchKey(List.of("familyName", "givenName", "dateOfBirth"));
        Map<String, String> person = Map.of("givenName", "Jo", "familyName", "Doe", "dateOfBirth", "1990-04-01");

        assertThat(names.of(person::get)).isNotNull().isNotEqualTo(MatchKey.defaults().of(person::get));
        assertThat(names.fields()).containsExactly("dateOfBirth", "familyName", "givenName");
    }

    @Test
    void unknownDetailIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new MatchKey(List.of("shoeSize")))
            .hasMessageContaining("roster.hr.rehire-match").hasMessageContaining("shoeSize");
    }
}
