/**
 * The work waiting for each person: decisions on exceptions, JIT requests and privileged reviews
 * (from the relationship rights HR and the catalogue give), holds, quarantined records, rehire
 * reviews and manual target tasks (from roles), each with a due time; and the notifications that
 * tell people about it.
 */
@NullMarked
package org.roster.work;

import org.jspecify.annotations.NullMarked;
