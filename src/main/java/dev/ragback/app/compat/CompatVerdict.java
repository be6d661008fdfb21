package dev.ragback.app.compat;

/**
 * The matrix's answer for one triple.
 *
 * @param triple the triple asked about
 * @param status its status; UNKNOWN when not listed
 * @param line   the matrix line that decided it, or 0 when not listed
 */
public record CompatVerdict(Triple triple, CompatStatus status, int line) {

    /** {@code compat check}: everything but INCOMPATIBLE passes (WARN and UNKNOWN with a warning). */
    public boolean passesCheck() {
        return status != CompatStatus.INCOMPATIBLE;
    }

    /** {@code compat gate}, the promotion rule: only OK and WARN pass. */
    public boolean passesGate() {
        return status == CompatStatus.OK || status == CompatStatus.WARN;
    }

    /** A warning to print, or {@code null}. */
    public String warning() {
        return switch (status) {
            case WARN -> triple + " is marked WARN in the matrix (line " + line + ")";
            case UNKNOWN -> triple + " is not listed in the matrix";
            default -> null;
        };
    }
}
