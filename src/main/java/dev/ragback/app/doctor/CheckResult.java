package dev.ragback.app.doctor;

/**
 * The outcome of one doctor check.
 *
 * @param name   short name, e.g. {@code postgres}
 * @param status ok, warn or fail
 * @param detail what was found
 * @param fix    what to do about a warn or fail, or {@code null}
 */
public record CheckResult(String name, Status status, String detail, String fix) {

    /** How a check ended. */
    public enum Status {
        OK, WARN, FAIL;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static CheckResult ok(String name, String detail) {
        return new CheckResult(name, Status.OK, detail, null);
    }

    static CheckResult warn(String name, String detail, String fix) {
        return new CheckResult(name, Status.WARN, detail, fix);
    }

    static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, Status.FAIL, detail, fix);
    }
}
