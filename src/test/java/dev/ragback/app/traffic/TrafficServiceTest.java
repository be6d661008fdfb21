package dev.ragback.app.traffic;

import dev.ragback.app.Operator;
import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.fakes.FakeTrafficSwitch;
import dev.ragback.app.port.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficServiceTest {
    private final FakeTrafficSwitch traffic = new FakeTrafficSwitch();
    private final FakeAuditLog audit = new FakeAuditLog();
    private final TrafficService service = new TrafficService(traffic, audit, () -> new Operator("oncall", "ops-1"));

    @Test
    void setChangesTrafficAndRecordsOldAndNewWithWhoAndWhere() {
        TrafficService.Change change = service.set(0, null);

        assertEquals(List.of(0), traffic.sets);
        assertEquals(100, change.before());
        assertEquals(0, change.after());
        assertEquals(List.of(), change.warnings());
        AuditLog.Event event = audit.only(TrafficService.EVENT);
        assertEquals(TrafficService.TASK_ID, event.taskId());
        assertEquals(event.id(), change.eventId());
        assertEquals(100, event.metadata().get("old"));
        assertEquals(0, event.metadata().get("new"));
        assertEquals("ops-1", event.metadata().get("host"));
        assertEquals("oncall", event.metadata().get("user"));
    }

    @Test
    void aRollbackPassesItsRunIdAsTaskId() {
        service.set(0, "rollback_1764300000");
        assertEquals("rollback_1764300000", audit.only(TrafficService.EVENT).taskId());
    }

    @Test
    void taskDbDownIsAWarningAndTrafficStillChanges() {
        audit.down = true;
        TrafficService.Change change = service.set(0, null);
        assertEquals(0, traffic.percent);
        assertNull(change.eventId());
        assertEquals(1, change.warnings().size());
        assertTrue(change.warnings().get(0).startsWith("traffic is now 0 %, but TaskDB did not record the traffic_set event"),
                change.warnings().get(0));
    }

    @Test
    void aSwitchThatCannotBeReadBackRecordsOldAsUnknown() {
        traffic.readable = false;
        TrafficService.Change change = service.set(100, null);
        assertNull(change.before());
        assertTrue(audit.only(TrafficService.EVENT).metadata().containsKey("old"));
        assertNull(audit.only(TrafficService.EVENT).metadata().get("old"));
        assertEquals(List.of(), change.warnings());
        assertTrue(service.status().percent().isEmpty());
    }

    @Test
    void anUnreadableOldValueIsAWarningNotAReasonToKeepTraffic() {
        traffic.readFails = true;
        TrafficService.Change change = service.set(0, null);
        assertEquals(List.of(0), traffic.sets);
        assertNull(change.before());
        assertTrue(change.warnings().get(0).contains("cannot read the traffic before changing it"), change.warnings().get(0));
    }

    @Test
    void aFailedSetFailsAndRecordsNothing() {
        traffic.setFails = true;
        RagbackException failure = assertThrows(RagbackException.class, () -> service.set(0, null));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertEquals(List.of(), audit.events);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 101, 150, Integer.MIN_VALUE})
    void percentOutsideZeroToHundredIsAUsageErrorAndChangesNothing(int percent) {
        RagbackException failure = assertThrows(RagbackException.class, () -> service.set(percent, null));
        assertEquals(RagbackException.Kind.USAGE, failure.kind());
        assertTrue(failure.getMessage().contains("0 to 100"), failure.getMessage());
        assertEquals(List.of(), traffic.sets);
        assertEquals(List.of(), audit.events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "150", "abc", "", "5.5", "0x10", "99999999999"})
    void parsePercentRefusesWhatIsNotAWholeNumberFromZeroToHundred(String text) {
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> TrafficService.parsePercent(text)).kind());
    }

    @Test
    void parsePercentAcceptsTheEnds() {
        assertEquals(0, TrafficService.parsePercent("0"));
        assertEquals(100, TrafficService.parsePercent("100"));
        assertEquals(50, TrafficService.parsePercent(" 50 "));
    }

    @Test
    void statusReadsTheSwitch() {
        traffic.percent = 40;
        TrafficService.Status status = service.status();
        assertEquals(40, status.percent().getAsInt());
        assertEquals("fake switch", status.where());
    }
}
