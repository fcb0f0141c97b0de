package org.roster.audit;

import org.jspecify.annotations.Nullable;

/**
 * Walks audit records in sequence order and checks the hash chain: each record's content hashes to
 * its stored hash (not edited), carries the hash of the record before it (nothing inserted or
 * reordered), and follows it without a gap (nothing deleted). Stops at the first break and names it.
 * Works on records from the store or from an export, with no key and no Roster running.
 */
public final class ChainVerifier {

    /**
     * @param checked chained records found intact
     * @param unchained records from before the chain began
     * @param brokenAt the first record that breaks the chain, or null when it is intact
     * @param reason why it breaks it
     * @param lastSeq the last record checked
     * @param lastHash its hash: compare it with a signed checkpoint or the store's chain head
     */
    public record Result(long checked, long unchained, @Nullable Long brokenAt, @Nullable String reason, long lastSeq,
                         String lastHash) {
        public boolean intact() {
            return brokenAt == null;
        }
    }

    private long checked;
    private long unchained;
    private @Nullable Long brokenAt;
    private @Nullable String reason;
    private long lastSeq;
    private String lastHash = AuditHash.GENESIS;
    private boolean started;

    /** A verifier of the whole chain, from its first record. */
    public ChainVerifier() {
    }

    /** A verifier of the chain after a record already vouched for (a signed checkpoint's). */
    public ChainVerifier(long afterSeq, String afterHash) {
        this.started = true;
        this.lastSeq = afterSeq;
        this.lastHash = afterHash;
    }

    /** @return false once the chain is broken (the rest need not be read) */
    public boolean accept(AuditRecord r) {
        if (brokenAt != null) {
            return false;
        }
        if (r.hash() == null) {
            if (started) {
                return broken(r.seq(), "record " + r.seq() + " has no hash, inside the chain");
            }
            unchained++;
            lastSeq = r.seq();
            return true;
        }
        if (started && r.seq() != lastSeq + 1) {
            return broken(lastSeq + 1, "record" + (r.seq() - lastSeq > 2 ? "s " + (lastSeq + 1) + " to " + (r.seq() - 1)
                : " " + (lastSeq + 1)) + " missing: deleted from the log");
        }
        if (!lastHash.equals(r.prevHash())) {
            return broken(r.seq(), "record " + r.seq() + " does not follow the record before it: its previous-hash "
                + r.prevHash() + " is not " + lastHash);
        }
        if (!AuditHash.of(r).equals(r.hash())) {
            return broken(r.seq(), "record " + r.seq() + " was changed after it was written: its content no longer"
                + " matches its hash");
        }
        started = true;
        checked++;
        lastSeq = r.seq();
        lastHash = r.hash();
        return true;
    }

    /** Also checks that the log ends where the chain's head says it does (records deleted from the end). */
    public void expectEnd(long headSeq, String headHash) {
        if (brokenAt == null && started && (headSeq != lastSeq || !headHash.equals(lastHash))) {
            broken(lastSeq + 1, "the log ends at record " + lastSeq + " but the chain's head is at record " + headSeq
                + ": records deleted from the end");
        }
    }

    /**
     * Also checks that no record lies past the chain's head. A record and the head's move past it are
     * one commit, so a committed record past a head read after it means the store kept part of a
     * commit and lost the rest (the head's update): nothing can be appended to the chain after that.
     *
     * @param lastRecord the highest record number in the log, read before {@code headSeq}
     * @param headSeq the chain's head, read after it
     */
    public void expectNoneAfterHead(long lastRecord, long headSeq) {
        if (brokenAt == null && lastRecord > headSeq) {
            broken(headSeq + 1, "records " + (headSeq + 1) + " to " + lastRecord + " lie past the chain's head at record "
                + headSeq + ": the store kept part of a commit and lost the head's update (docs/durability.md)");
        }
    }

    public Result result() {
        return new Result(checked, unchained, brokenAt, reason, lastSeq, lastHash);
    }

    private boolean broken(long seq, String why) {
        brokenAt = seq;
        reason = why;
        return false;
    }
}
